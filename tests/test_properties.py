"""Property tests (hypothesis): any valid file survives a load and save byte for byte, every
recording edit on any valid action leaves a valid file with all its comments, and the
loader's fuzz target never raises on any bytes."""

from __future__ import annotations

import io
import random
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cqctrack.format import dialect, models, roundtrip
from cqctrack.write import edits
from tests import fuzz_loader

ORDER = edits.key_order(models.Action)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Free text people write: any printable character, including YAML's own (': ', '#',
# quotes, brackets), accents and emoji; never blank.
text = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\ufeff"
    ),
    min_size=1,
    max_size=40,
).filter(lambda t: t.strip() and t == t.strip())
day = st.dates(
    min_value=__import__("datetime").date(2026, 1, 1),
    max_value=__import__("datetime").date(2026, 12, 31),
).map(lambda d: d.isoformat())


@st.composite
def actions(draw: st.DrawFn) -> dict[str, object]:
    n = draw(st.integers(min_value=1, max_value=999))
    action: dict[str, object] = {
        "id": f"MED-{n:03d}",
        "title": draw(text),
        "concern": "MED-C1",
        "statements": draw(
            st.lists(
                st.sampled_from(["S1", "S4", "S8", "WL5"]), min_size=1, max_size=3, unique=True
            )
        ),
        "regulations": [12],
        "owner": "tokafor",
        "risk": draw(st.sampled_from(["low", "medium", "high"])),
        "created": "2026-01-01",
        "due": draw(day),
        "status": draw(st.sampled_from(["open", "in-progress"])),
        "evidence_required": [{"id": "R1", "description": draw(text), "kinds": ["audit"]}],
        "expected_outcome": draw(text),
    }
    if draw(st.booleans()):
        action["progress"] = [
            {"date": draw(day), "by": "mpatel", "note": draw(text)}
            for _ in range(draw(st.integers(1, 3)))
        ]
    return action


@st.composite
def files(draw: st.DrawFn) -> bytes:
    """A valid action as bytes, in one of the layouts people use, with comments."""
    action = draw(actions())
    rt = dialect.round_trip()
    rt.indent(*draw(st.sampled_from(roundtrip.STYLES)))
    out = io.StringIO()
    rt.dump(edits.to_node(action), out)
    lines = out.getvalue().splitlines()
    for _ in range(draw(st.integers(0, 3))):  # whole-line comments anywhere
        lines.insert(draw(st.integers(0, len(lines))), "# " + draw(text).replace("\n", " "))
    body = "\n".join(lines) + "\n"
    if draw(st.booleans()):
        body = body.replace("risk: ", "risk:   ", 1)  # aligned spacing
    if draw(st.booleans()):
        body += "...\n"
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    data = body.replace("\n", newline).encode("utf-8")
    return (b"\xef\xbb\xbf" if draw(st.booleans()) else b"") + data


def _valid(data: bytes) -> bool:
    try:
        models.Action.model_validate(dialect.parse(data))
    except Exception:
        return False
    return True


@SETTINGS
@given(files())
def test_loading_then_saving_any_valid_file_preserves_it_exactly(data: bytes) -> None:
    if not _valid(data):
        return  # generated text can be invalid (e.g. a title of "true"): nothing to preserve
    assert roundtrip.open_text(data).render() == data


def _comments(data: bytes) -> list[str]:
    return [
        line.strip()
        for line in data.decode("utf-8-sig").splitlines()
        if line.lstrip().startswith("#")
    ]


EDITS = {
    "evidence": lambda d, t: edits.append_entry(
        d,
        "evidence",
        {
            "id": "E1",
            "satisfies": ["R1"],
            "kind": "audit",
            "document": "AUD-1",
            "date": "2026-11-01",
            "added_by": "mpatel",
            "summary": t,
        },
        ORDER,
    ),
    "progress": lambda d, t: edits.append_entry(
        d, "progress", {"date": "2026-11-01", "by": "mpatel", "note": t}, ORDER
    ),
    "review": lambda d, t: edits.append_entry(
        d,
        "reviews",
        {
            "date": "2026-11-01",
            "by": "mpatel",
            "level": "weekly",
            "decision": "on-track",
            "note": t,
        },
        ORDER,
    ),
    "extend": lambda d, t: (
        edits.append_entry(
            d,
            "extensions",
            {
                "from": str(d["due"]),
                "to": "2027-01-31",
                "reason": t,
                "approved_by": "mpatel",
                "date": "2026-11-01",
            },
            ORDER,
        ),
        edits.set_value(d, "due", "2027-01-31", ORDER),
    ),
    "update": lambda d, t: (
        edits.set_value(d, "status", "in-progress", ORDER),
        edits.set_value(d, "owner", "mpatel", ORDER),
    ),
    "close": lambda d, t: (
        edits.set_value(d, "status", "closed", ORDER),
        edits.set_value(
            d, "closure", {"date": "2026-11-02", "verified_by": "mpatel", "outcome": t}, ORDER
        ),
    ),
    "cancel": lambda d, t: (
        edits.set_value(d, "status", "cancelled", ORDER),
        edits.set_value(
            d, "cancellation", {"date": "2026-11-02", "approved_by": "mpatel", "reason": t}, ORDER
        ),
    ),
}


@SETTINGS
@given(files(), st.sampled_from(sorted(EDITS)), text)
def test_every_recording_edit_leaves_a_valid_file_with_its_comments(
    data: bytes, edit: str, note: str
) -> None:
    if not _valid(data):
        return
    editable = roundtrip.open_text(data)
    EDITS[edit](editable.data, note)
    try:
        out = editable.render()
    except dialect.YamlProblem as problem:  # the writer refuses rather than write a wrong file
        raise AssertionError(f"{edit} could not be written: {problem.message}") from None
    value = dialect.parse(out)
    models.Action.model_validate(value)
    assert _comments(out) == _comments(data)
    assert out.startswith(b"\xef\xbb\xbf") == data.startswith(b"\xef\xbb\xbf")
    assert (b"\r\n" in out) == (b"\r\n" in data)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=2**32))
def test_the_loader_fuzz_target_never_raises_short_run(seed: int) -> None:
    """A short run of `make fuzz`: 300 mutated inputs, each read as every kind of file."""
    pool = fuzz_loader.seeds()
    with tempfile.TemporaryDirectory() as folder:
        fuzz_loader.one(fuzz_loader.mutate(random.Random(seed), pool), Path(folder))


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_at_all_are_a_value_or_a_finding(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        fuzz_loader.one(data, Path(folder))
