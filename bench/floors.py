"""Floor programs for the benchmark: the least work a command could possibly do.

    python bench/floors.py parse REPO --procs 1     # read + CSafeLoader-parse every file
    python bench/floors.py parse REPO --procs 2     # the same, split over two processes
    python bench/floors.py versions REPO --procs 2  # and every version git holds of each
                                                    # action and measure, as well

"Every file" is every YAML file cqctrack reads: cqctrack.yaml and each tracker's
tracker.yaml, concerns, measures and actions (action files are ~84% of them and ~90% of
the bytes). The parse uses plain PyYAML `CSafeLoader`, with nothing validated, nothing
cached and nothing sent back from the worker processes: a bound no real command can beat.
Run as a whole process, like the commands it is compared with, so interpreter start-up
and `import yaml` are part of it.

`versions` is the floor of a command that proves governance from git (`check`, the
history analysis): besides every file, every version of every action and measure that
git holds (less those the work tree holds: each content is parsed once), listed by one
`git log --raw` and read by one `git cat-file --batch` per process, is parsed the same way.
"""

# The floor keeps to os.path and open(): pathlib would add its own overhead to the bound.
# ruff: noqa: PTH112, PTH118, PTH123

from __future__ import annotations

import argparse
import os
import subprocess
import sys

import yaml

LOADER = yaml.CSafeLoader  # fail loudly if libyaml is missing: the floor would be wrong


def tracker_files(root: str) -> list[str]:
    files = [os.path.join(root, "cqctrack.yaml")]
    trackers = os.path.join(root, "trackers")
    with os.scandir(trackers) as entries:
        folders = sorted(e.path for e in entries if e.is_dir())
    for folder in folders:
        files.append(os.path.join(folder, "tracker.yaml"))
        for kind in ("concerns", "measures", "actions"):
            sub = os.path.join(folder, kind)
            if os.path.isdir(sub):
                with os.scandir(sub) as entries:
                    files += sorted(e.path for e in entries if e.name.endswith(".yaml"))
    return files


def parse_all(paths: list[str]) -> int:
    count = 0
    for path in paths:
        with open(path, "rb") as handle:
            data = handle.read()
        if yaml.load(data, Loader=LOADER) is not None:
            count += 1
    return count


def every_version(root: str) -> list[str]:
    """The blob id of every version of every action and measure file in git's history,
    less those the work tree holds (the repository is as generated: index = work tree)."""
    log = subprocess.run(
        ["git", "-C", root, "log", "--raw", "--no-renames", "--no-abbrev", "--format=",
         "--", "trackers"],
        capture_output=True, check=True, text=True,
    ).stdout  # fmt: skip
    blobs = set()
    for line in log.splitlines():
        if line.startswith(":") and ("/actions/" in line or "/measures/" in line):
            blobs.add(line.split()[3])
    blobs.discard("0" * 40)
    # The versions the work tree holds are parsed as files: each content once.
    listed = subprocess.run(["git", "-C", root, "ls-files", "-s", "--", "trackers"],
                            capture_output=True, check=True, text=True).stdout  # fmt: skip
    blobs.difference_update(line.split()[1] for line in listed.splitlines())
    return sorted(blobs)


def parse_share(root: str, paths: list[str], blobs: list[str]) -> int:
    count = parse_all(paths)
    if not blobs:
        return count
    git = subprocess.Popen(["git", "-C", root, "cat-file", "--batch"], stdin=subprocess.PIPE,
                           stdout=subprocess.PIPE)  # fmt: skip
    assert git.stdin is not None and git.stdout is not None
    import threading

    def feed() -> None:
        assert git.stdin is not None
        git.stdin.write("".join(f"{b}\n" for b in blobs).encode())
        git.stdin.close()

    threading.Thread(target=feed, daemon=True).start()
    for _ in blobs:
        size = int(git.stdout.readline().split()[2])
        data = git.stdout.read(size + 1)[:-1]
        if yaml.load(data, Loader=LOADER) is not None:
            count += 1
    git.wait()
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="floor", required=True)
    parse = sub.add_parser("parse", help="read and parse every tracker file")
    parse.add_argument("repo")
    parse.add_argument("--procs", type=int, default=1)
    versions = sub.add_parser("versions", help="also parse every version of every action")
    versions.add_argument("repo")
    versions.add_argument("--procs", type=int, default=1)
    args = parser.parse_args(argv)
    files = tracker_files(args.repo)
    blobs = every_version(args.repo) if args.floor == "versions" else []
    procs = max(1, args.procs)
    shares = [(args.repo, files[i::procs], blobs[i::procs]) for i in range(procs)]
    if procs == 1:
        parsed = parse_share(*shares[0])
    else:
        import multiprocessing

        with multiprocessing.get_context("fork").Pool(procs) as pool:
            parsed = sum(pool.starmap(parse_share, shares))
    wanted = len(files) + len(blobs)
    print(f"{parsed} of {len(files)} files and {len(blobs)} versions parsed")
    return 0 if parsed == wanted else 1


if __name__ == "__main__":
    sys.exit(main())
