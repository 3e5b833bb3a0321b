"""`cqctrack` and `python -m cqctrack`: start-up that Ctrl-C cannot turn into a traceback.

The console script imports this small module, not `cqctrack.cli`: importing the command
line (typer, rich, every command) is most of start-up, and a Ctrl-C during an import
made by the script's own `from cqctrack.cli import main` was a traceback (issue 13).
Interrupted at any point, cqctrack says so and exits 130.

A read command asked again with nothing changed is answered by `cqctrack.replay`
before the command line is imported at all; otherwise its run is recorded for next time.
"""

from __future__ import annotations

import sys

EXIT_INTERRUPTED = 130  # as cqctrack.errors has it; not imported, to keep this module light


def main() -> None:
    try:
        from cqctrack import replay

        recording = replay.start(sys.argv[1:])  # exits here when the kept answer holds
        from cqctrack.cli import main as run

        if recording is None:
            run()
            return
        try:
            run()
        except SystemExit as done:
            recording.finish(done.code)
            raise
        recording.finish(0)
    except KeyboardInterrupt:
        import signal

        # A second Ctrl-C while saying so must not become a traceback either.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            sys.stderr.write("interrupted\n")
            sys.stderr.flush()
        except (OSError, ValueError):
            pass  # stderr closed: the exit code says it
        sys.exit(EXIT_INTERRUPTED)


if __name__ == "__main__":
    main()
