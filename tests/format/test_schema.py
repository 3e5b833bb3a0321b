"""schemas/ holds the JSON Schemas exported from the models, and never drifts from them."""

from __future__ import annotations

import json
from pathlib import Path

from cqctrack.format import schema

PROJECT = Path(__file__).resolve().parents[2]


def test_committed_schemas_match_a_fresh_export() -> None:
    stale = schema.stale(PROJECT / "schemas")
    assert stale == [], f"run `make schemas` to refresh: {stale}"


def test_action_schema_forbids_unknown_fields_and_names_the_statuses() -> None:
    action = json.loads(schema.export()["action.schema.json"])
    assert action["additionalProperties"] is False
    assert "owner" in action["required"]
    status = action["$defs"]["Status"]["enum"]
    assert status == ["open", "in-progress", "awaiting-verification", "closed", "cancelled"]
    assert action["properties"]["due"]["format"] == "date"


def test_extensions_use_the_file_key_from_not_the_python_name() -> None:
    action = json.loads(schema.export()["action.schema.json"])
    assert "from" in action["$defs"]["Extension"]["properties"]
