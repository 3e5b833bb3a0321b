"""Saying that an answer depends on a file cqctrack looked at without opening it.

Python's audit events already tell `cqctrack.replay` which files a run opened and which
folders it listed. A file only stat'ed (does the evidence file exist? has CODEOWNERS
changed?) raises no event of its own, so the code that looks says so here.
"""

from __future__ import annotations

import os
import sys

EVENT = "cqctrack.consulted"


def consulted(path: str | os.PathLike[str]) -> None:
    """`path` was looked at (stat'ed, or its existence tested) by this run."""
    sys.audit(EVENT, path)
