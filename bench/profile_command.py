"""Profile one cqctrack command on a bench repository: where does the time go?

    python bench/profile_command.py 10000 check --as-of 2026-11-23
    python bench/profile_command.py --serial 10000 check --as-of 2026-11-23    # workers' work too
    python bench/profile_command.py --warm --rev HEAD 10000 review --overdue --as-of 2026-11-23

Options go before SIZE; everything after SIZE is the cqctrack command line.
Runs the command in this process under cProfile (cold unless --warm: the harness's cache
removal runs first), prints the top functions by cumulative and by own time and own time
summed per source file, then runs it again as a whole process under `python -X importtime`
and prints the slowest imports. With parallel parsing, cProfile sees only the parent
waiting for its workers; --serial sets store.PARALLEL_MIN out of reach so the parsing and
validation show up (and the total is then a one-core figure). For a flame graph, install
pyinstrument into the venv and run `pyinstrument -r html .venv/bin/cqctrack ...` in the
repository.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import generate
import run


def by_file(stats: pstats.Stats, top: int) -> str:
    totals: dict[str, float] = defaultdict(float)
    for (filename, _, _), (_, _, tottime, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        name = re.sub(r".*/(site-packages|src|lib/python3\.\d+)/", "", filename)
        totals[name] += tottime
    rows = sorted(totals.items(), key=lambda kv: -kv[1])[:top]
    return "\n".join(f"  {secs:8.3f} s  {name}" for name, secs in rows)


def importtime(argv: list[str], cwd: Path, env: dict[str, str], top: int) -> str:
    done = subprocess.run([sys.executable, "-X", "importtime", *argv], cwd=cwd, env=env,
                          capture_output=True, text=True)  # fmt: skip
    rows = []
    for line in done.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if m:
            rows.append((int(m.group(1)), int(m.group(2)), len(m.group(3)), m.group(4)))
    total = sum(r[0] for r in rows)
    firsts = sorted((r for r in rows if r[2] == 1), key=lambda r: -r[1])[:top]
    selfs = sorted(rows, key=lambda r: -r[0])[:top]
    out = [f"  all imports: {total / 1e6:.3f} s self time, {len(rows)} modules"]
    out.append("  top-level imports by cumulative time:")
    out += [f"    {c / 1e6:7.3f} s  {name}" for _, c, _, name in firsts]
    out.append("  modules by own time:")
    out += [f"    {s / 1e6:7.3f} s  {name}" for s, _, _, name in selfs]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("size", type=int)
    parser.add_argument("--warm", action="store_true", help="keep cqctrack's caches (run once)")
    parser.add_argument("--serial", action="store_true", help="parse in this process only")
    parser.add_argument("--rev", help="profile cqctrack as committed at this revision")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("command", nargs=argparse.REMAINDER, help="cqctrack arguments")
    args = parser.parse_args(argv)
    if not args.command:
        parser.error("give the cqctrack command to profile, e.g. check --as-of 2026-11-23")
    repo, meta = generate.ensure_repo(args.size)
    env = run.bench_env()
    launcher = generate.cqctrack_bin()
    if args.rev:
        launcher_path, sha = run.export_rev(args.rev)
        launcher = str(launcher_path)
        sys.path.insert(0, str(launcher_path.parent / "src"))
        print(f"cqctrack at {sha[:12]}")
    caches = run.Caches(repo, meta["git_manifest"])
    if args.warm:
        subprocess.run([launcher, *args.command], cwd=repo, env=env, capture_output=True)
    else:
        caches.clear()
    os.environ.update({k: v for k, v in env.items() if k in ("NO_COLOR", "COLUMNS",
                       "GIT_CONFIG_NOSYSTEM", "GIT_CONFIG_GLOBAL", "XDG_CACHE_HOME")})  # fmt: skip

    from cqctrack import store
    from cqctrack.cli import main as cli_main

    if args.serial:
        store.PARALLEL_MIN = 1 << 62
    print(f"profiling `cqctrack {' '.join(args.command)}` in {repo} ({'warm' if args.warm else 'cold'}"
          f"{', serial' if args.serial else ''})")  # fmt: skip
    os.chdir(repo)
    sys.argv = ["cqctrack", *args.command]
    profiler = cProfile.Profile()
    start = time.perf_counter()
    saved = sys.stdout
    sys.stdout = io.StringIO()  # the command's own output is not what we are after
    profiler.enable()
    try:
        cli_main()
    except SystemExit as exit_:
        code = exit_.code
    else:
        code = 0
    finally:
        profiler.disable()
        sys.stdout = saved
    elapsed = time.perf_counter() - start
    print(f"in-process run: {elapsed:.2f} s (exit {code}); imports done before it are excluded")
    stats = pstats.Stats(profiler)
    for order in ("cumulative", "tottime"):
        buffer = io.StringIO()
        pstats.Stats(profiler, stream=buffer).sort_stats(order).print_stats(args.top)
        text = buffer.getvalue()
        print(f"\n--- top {args.top} by {order} ---")
        print(text[text.index("   ncalls") :].rstrip())
    print(f"\n--- own time per source file (top {args.top}) ---")
    print(by_file(stats, args.top))
    if not args.warm:
        caches.clear()
    print(f"\n--- python -X importtime {' '.join(args.command)} (whole process) ---")
    print(importtime([launcher, *args.command], repo, env, 15))
    return 0


if __name__ == "__main__":
    sys.exit(main())
