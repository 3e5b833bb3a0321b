"""The CQC reference data the package carries: complete, consistent and sourced."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from cqctrack.format.catalogue import load_catalogue

SHARED = Path(__file__).resolve().parents[3] / "shared" / "reference" / "cqc-framework.yaml"


def test_the_single_assessment_framework_has_34_statements_in_five_key_questions() -> None:
    saf = load_catalogue().frameworks["saf-quality-statements"]
    counts = Counter(s.key_question for s in saf.statements.values())
    assert counts == {"safe": 8, "effective": 6, "caring": 5, "responsive": 7, "well-led": 8}
    assert saf.statements["S8"].name == "Medicines optimisation"
    assert saf.statements["WL5"].name == "Governance, management and sustainability"


def test_every_statement_names_a_known_key_question_and_an_https_source() -> None:
    cat = load_catalogue()
    for fw in cat.frameworks.values():
        assert fw.status in {"current", "legacy", "draft"}
        for statement in fw.statements.values():
            assert statement.key_question in cat.key_questions
            assert statement.source is None or statement.source.startswith("https://")


def test_regulations_are_9_to_20a() -> None:
    assert list(load_catalogue().regulations) == [
        "9",
        "9A",
        "10",
        "11",
        "12",
        "13",
        "14",
        "15",
        "16",
        "17",
        "18",
        "19",
        "20",
        "20A",
    ]


def test_every_evidence_kind_maps_to_one_of_the_six_cqc_categories() -> None:
    cat = load_catalogue()
    assert len(cat.categories) == 6
    assert {k.category for k in cat.kinds.values()} == set(cat.categories)
    assert not set(cat.kinds) & set(cat.categories), "kind and category ids must not overlap"


def test_the_same_id_in_two_sets_is_never_guessed() -> None:
    cat = load_catalogue()
    ok = cat.statement("S1", "saf-quality-statements")
    assert ok.statement is not None and ok.statement.name == "Learning culture"
    legacy = cat.statement("S1", "kloe-adult-social-care")
    assert legacy.statement is not None
    assert legacy.statement.name == "Safeguarding and protection from abuse"
    qualified = cat.statement("kloe-healthcare:W3", "saf-quality-statements")
    assert qualified.statement is not None and qualified.statement.framework == "kloe-healthcare"
    wrong = cat.statement("WL5", "kloe-adult-social-care")
    assert wrong.statement is None
    assert wrong.error == (
        "WL5 is not one of the adult social care KLOEs (kloe-adult-social-care); it is an id in "
        "saf-quality-statements (WL5 Governance, management and sustainability)"
    )


def test_no_we_statements_are_copied_into_the_package() -> None:
    data = Path(__file__).resolve().parents[2] / "src" / "cqctrack" / "data"
    text = "".join(p.read_text() for p in data.rglob("*.yaml"))
    assert "we_statement" not in text
    assert "We make sure" not in text


@pytest.mark.skipif(
    not SHARED.exists(), reason="the shared CQC reference is not beside this checkout"
)
def test_ids_names_and_regulations_match_the_shared_reference() -> None:
    ref = yaml.safe_load(SHARED.read_text())
    cat = load_catalogue()
    saf = cat.frameworks["saf-quality-statements"].statements
    assert {s["id"]: (s["key_question"], s["name"]) for s in ref["quality_statements"]} == {
        i: (s.key_question, s.name) for i, s in saf.items()
    }
    assert {r["number"]: r["name"] for r in ref["regulations"]} == {
        n: r.name for n, r in cat.regulations.items()
    }
    for section, fw_id in (
        ("healthcare", "kloe-healthcare"),
        ("adult_social_care", "kloe-adult-social-care"),
    ):
        block = ref["kloes"][section]
        named = {k["id"]: k.get("short_name") for k in block["items"]}
        ours = cat.frameworks[fw_id].statements
        assert set(ours) == set(named) | set(block.get("not_found", []))
        for kloe_id, name in named.items():
            assert ours[kloe_id].name == name


def test_the_compiled_catalogue_is_the_yaml_it_comes_from() -> None:
    # Commands read data/catalogue.json; the YAML files are the source. An edit to the
    # YAML without `make catalogue` would ship an old catalogue.
    from importlib import resources

    from cqctrack.format import catalogue

    shipped = resources.files("cqctrack").joinpath("data", catalogue.COMPILED).read_text()
    assert shipped == catalogue.compile_sources(), "run `make catalogue` and commit the result"


def test_reading_the_catalogue_needs_no_yaml_parser() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from cqctrack.format.catalogue import load_catalogue; "
        "load_catalogue(); print('yaml' in sys.modules, 'cqctrack.format.dialect' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]
