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
        try:
            _keep_lost_interrupts()  # inside: its own import can be the moment too
            _start()
        finally:
            _deliver_lost_interrupt()  # one the run ended before it came back
    except KeyboardInterrupt:
        import signal

        # A second Ctrl-C while saying so must not become a traceback either.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        _say_interrupted()
        sys.exit(EXIT_INTERRUPTED)


def _start() -> None:
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


def _keep_lost_interrupts() -> None:
    """Make a Ctrl-C that Python would drop stop the run after all.

    A KeyboardInterrupt that lands inside a weakref callback or a `__del__` (importlib's
    module locks have one, so any import can be the moment) cannot propagate: Python
    prints it as "Exception ignored in ..." with a traceback and carries on as if the
    key had not been pressed (seen in CI). This hook says nothing and delivers it again
    a moment later, through a timer, where it can end the run as any Ctrl-C does: files
    being written are cleaned up, the message is "interrupted", the exit code 130.
    """
    previous = sys.unraisablehook

    def hook(unraisable: sys.UnraisableHookArgs) -> None:
        if not issubclass(unraisable.exc_type, KeyboardInterrupt):
            previous(unraisable)
            return
        import signal  # only when one is lost: start-up (and a replay) never pays for it

        try:
            signal.signal(signal.SIGALRM, _interrupt)
            signal.setitimer(signal.ITIMER_REAL, REDELIVER_AFTER)
            _lost.append(True)
        except (AttributeError, ValueError, OSError):
            # No timers here, or not the main thread: end the run as the key asked.
            import os

            _say_interrupted()
            os._exit(EXIT_INTERRUPTED)

    sys.unraisablehook = hook


REDELIVER_AFTER = 0.01  # seconds: long enough to be out of the callback that lost it


_lost: list[bool] = []  # a Ctrl-C lost and not yet delivered again


def _interrupt(_signum: int, _frame: object) -> None:
    _lost.clear()
    raise KeyboardInterrupt


def _deliver_lost_interrupt() -> None:
    """The run ended before the timer came: deliver the Ctrl-C now, not in the middle of
    Python's shutdown (where the timer's signal would end the process unexplained)."""
    if _lost:
        import signal

        signal.setitimer(signal.ITIMER_REAL, 0)
        _lost.clear()
        raise KeyboardInterrupt


def _say_interrupted() -> None:
    try:
        sys.stderr.write("interrupted\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass  # stderr closed: the exit code says it


if __name__ == "__main__":
    main()
