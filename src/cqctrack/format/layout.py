"""Where things live in a tracker repository: the one statement of the layout.

cqctrack.yaml                       provider, framework, people, policy
trackers/<slug>/tracker.yaml        one service
trackers/<slug>/concerns/<ID>.yaml  baseline issues
trackers/<slug>/measures/<ID>.yaml  measurable targets and readings
trackers/<slug>/actions/<ID>.yaml   one action per file
evidence/...                        files that evidence entries point at
schemas/                            JSON Schemas for editors
"""

from __future__ import annotations

from collections.abc import Callable

CONFIG_FILE = "cqctrack.yaml"
TRACKERS_DIR = "trackers"
TRACKER_FILE = "tracker.yaml"
EVIDENCE_DIR = "evidence"
SCHEMA_DIR = "schemas"

# Folder inside a tracker -> the kind of file it holds.
KIND_FOLDERS = {"concerns": "concern", "measures": "measure", "actions": "action"}
FOLDER_OF_KIND = {kind: folder for folder, kind in KIND_FOLDERS.items()}


def tracker_file(slug: str) -> str:
    return f"{TRACKERS_DIR}/{slug}/{TRACKER_FILE}"


def item_file(slug: str, kind: str, item_id: str) -> str:
    """trackers/<slug>/actions/MED-001.yaml (and concerns/, measures/)."""
    return f"{TRACKERS_DIR}/{slug}/{FOLDER_OF_KIND[kind]}/{item_id}.yaml"


# What the store says of an evidence path a record points at: None when it is a
# usable file inside the repository, else what is wrong ("does not exist"). Rules
# are handed one, so they never touch the disk themselves.
FileCheck = Callable[[str], str | None]
