"""Floor programs for the benchmark: the least work a command could possibly do.

    python bench/floors.py parse REPO --procs 1     # read + CSafeLoader-parse every file
    python bench/floors.py parse REPO --procs 2     # the same, split over two processes

"Every file" is every YAML file cqctrack reads: cqctrack.yaml and each tracker's
tracker.yaml, concerns, measures and actions (action files are ~84% of them and ~90% of
the bytes). The parse uses plain PyYAML `CSafeLoader`, with nothing validated, nothing
cached and nothing sent back from the worker processes: a bound no real command can beat.
Run as a whole process, like the commands it is compared with, so interpreter start-up
and `import yaml` are part of it.
"""

# The floor keeps to os.path and open(): pathlib would add its own overhead to the bound.
# ruff: noqa: PTH112, PTH118, PTH123

from __future__ import annotations

import argparse
import os
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="floor", required=True)
    parse = sub.add_parser("parse", help="read and parse every tracker file")
    parse.add_argument("repo")
    parse.add_argument("--procs", type=int, default=1)
    args = parser.parse_args(argv)
    files = tracker_files(args.repo)
    if args.procs <= 1:
        parsed = parse_all(files)
    else:
        import multiprocessing

        chunks = [files[i :: args.procs] for i in range(args.procs)]
        with multiprocessing.get_context("fork").Pool(args.procs) as pool:
            parsed = sum(pool.map(parse_all, chunks))
    print(f"{parsed} of {len(files)} files parsed")
    return 0 if parsed == len(files) else 1


if __name__ == "__main__":
    sys.exit(main())
