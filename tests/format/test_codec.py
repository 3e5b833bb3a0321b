"""What every file is reduced to on a first run: its record's plain form and the entry
identities its summary holds, made by fast paths that must agree with the plain ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from cqctrack.format import dialect, models, records
from cqctrack.format.history import entries_of_data, entry_keys

PROJECT = Path(__file__).resolve().parents[2]
FOLDERS = {"action": "actions", "measure": "measures", "concern": "concerns"}


def _bundled(kind: str) -> list[Path]:
    found = sorted((PROJECT / "trackers").glob(f"*/{FOLDERS[kind]}/*.yaml"))
    assert found, f"no bundled {kind} files"
    return found


@pytest.mark.parametrize("kind", ["action", "measure"])
def test_the_identities_a_summary_keeps_are_those_of_the_files_entries(kind: str) -> None:
    seen = 0
    for path in _bundled(kind):
        data = dialect.parse(path.read_bytes())
        keys = entry_keys(data)
        assert keys == tuple(e.key for e in entries_of_data(data)), path.name
        seen += len(keys)
    assert seen > 20  # the examples hold reviews, evidence, extensions, readings...


def test_identities_agree_for_every_log_and_odd_values() -> None:
    data = {
        "created": "2026-01-05",
        "reviews": [{"date": "2026-02-01", "by": "rm", "decision": "on-track"}, "not a map"],
        "extensions": [{"date": "2026-02-03", "from": "2026-02-10", "to": "2026-03-10"}],
        "readings": [{"recorded": "2026-02-04", "period": "2026-01", "value": 3.0}],
        "closure": {"date": "2026-03-01", "verified_by": "ni", "outcome": "done"},
        "cancellation": {"date": "2026-03-02"},
        "progress": "not a list",
    }
    keys = entry_keys(data)
    assert keys == tuple(e.key for e in entries_of_data(data))
    assert len(keys) == 6 and len(set(keys)) == 6


@pytest.mark.parametrize("kind", list(FOLDERS))
def test_a_record_encodes_as_the_model_it_was_made_from(kind: str) -> None:
    for path in _bundled(kind):
        model = models.MODELS[kind].model_validate(dialect.parse(path.read_bytes()))
        plain = records.plain(kind, model)
        record = records.from_plain(records.RECORDS[kind], plain)
        assert records.plain(kind, record) == plain, path.name
        assert record.id == model.id
