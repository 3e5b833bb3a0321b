"""CQC reference data: frameworks of quality statements or KLOEs, regulations, evidence.

The frameworks are versioned data, not code: each is one YAML file under
`data/frameworks/`, so adding CQC's new sector frameworks when they are published
is adding a file. A repository names the framework its bare ids belong to; an id
from another set is an error that says which set it belongs to, because ids such
as `S1` mean different things in different sets and nothing may guess.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

DEFAULT_FRAMEWORK = "saf-quality-statements"


@dataclass(frozen=True, slots=True)
class KeyQuestion:
    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Statement:
    framework: str
    id: str
    key_question: str
    name: str | None
    source: str | None

    @property
    def label(self) -> str:
        return f"{self.id} {self.name}" if self.name else self.id


@dataclass(frozen=True, slots=True)
class Framework:
    id: str
    name: str
    short_name: str
    status: str  # current, legacy or draft
    source: str
    statements: dict[str, Statement]


@dataclass(frozen=True, slots=True)
class Regulation:
    number: str
    name: str

    @property
    def label(self) -> str:
        return f"Regulation {self.number}: {self.name}"


@dataclass(frozen=True, slots=True)
class EvidenceCategory:
    id: str
    name: str
    source: str


@dataclass(frozen=True, slots=True)
class EvidenceKind:
    id: str
    category: str
    name: str


@dataclass(frozen=True, slots=True)
class Lookup:
    """The outcome of resolving a statement reference: a statement, or why not."""

    statement: Statement | None
    error: str | None = None
    hint: str | None = None


@dataclass(frozen=True)
class Catalogue:
    key_questions: dict[str, KeyQuestion]
    frameworks: dict[str, Framework]
    regulations: dict[str, Regulation]
    regulations_source: str
    categories: dict[str, EvidenceCategory]
    kinds: dict[str, EvidenceKind]

    def statement(self, ref: str, framework: str) -> Lookup:
        """Resolve `S8` (in `framework`) or `kloe-healthcare:S4` (explicit) to a statement."""
        set_id, _, item = ref.rpartition(":")
        explicit = bool(set_id)
        set_id = set_id or framework
        chosen = self.frameworks.get(set_id)
        if chosen is None:
            known = ", ".join(sorted(self.frameworks))
            return Lookup(None, f"unknown framework '{set_id}'", f"known frameworks: {known}")
        found = chosen.statements.get(item)
        if found is not None:
            return Lookup(found)
        elsewhere = [
            fw for fw in self.frameworks.values() if fw.id != set_id and item in fw.statements
        ]
        if elsewhere and not explicit:
            where = "; ".join(f"{fw.id} ({fw.statements[item].label})" for fw in elsewhere)
            return Lookup(
                None,
                f"{item} is not one of the {chosen.short_name} ({chosen.id}); "
                f"it is an id in {where}",
                f"write it with its set, e.g. '{elsewhere[0].id}:{item}', "
                f"or use a {chosen.short_name} id",
            )
        ids = ", ".join(chosen.statements)
        return Lookup(
            None, f"{item} is not one of the {chosen.short_name} ({chosen.id})", f"valid ids: {ids}"
        )

    def kind_accepts(self, accepted: str, kind: str) -> bool:
        """Does an evidence requirement that lists `accepted` take evidence of `kind`?"""
        if accepted == kind:
            return True
        found = self.kinds.get(kind)
        return found is not None and found.category == accepted

    def describe_accepted(self, accepted: Sequence[str]) -> str:
        names = []
        for item in accepted:
            if item in self.categories:
                names.append(f"any {self.categories[item].name.lower()} evidence")
            else:
                names.append(item)
        if len(names) == 1:
            return names[0]
        return ", ".join(names[:-1]) + " or " + names[-1]


def normalise_statement(ref: str) -> str:
    """A statement id as typed, in the form files hold: `s8` -> `S8`,
    `KLOE-Adult-Social-Care:s4` -> `kloe-adult-social-care:S4`. Every command that
    takes a statement id reads it through this, so none refuses what another accepts."""
    framework, sep, code = ref.strip().rpartition(":")
    return f"{framework.lower()}{sep}{code.upper()}"


# The YAML files under data/ are the source; what a command reads is their JSON
# compilation, data/catalogue.json, so no run pays for a YAML parser just to know
# the frameworks (`make catalogue` rebuilds it; a test keeps it equal to the YAML).
COMPILED = "catalogue.json"


def compile_sources() -> str:
    """data/catalogue.json's text, from the YAML sources."""
    import json

    from cqctrack.format import dialect

    data = resources.files("cqctrack").joinpath("data")
    folder = data.joinpath("frameworks")
    frameworks = [
        dialect.parse(entry.read_bytes())
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".yaml")
    ]
    base = dialect.parse(data.joinpath("cqc.yaml").read_bytes())
    return json.dumps({"base": base, "frameworks": frameworks}, indent=1, ensure_ascii=False) + "\n"


@cache
def load_catalogue() -> Catalogue:
    """The reference data shipped with the package (read once per process)."""
    import json

    compiled = json.loads(resources.files("cqctrack").joinpath("data", COMPILED).read_bytes())
    base = compiled["base"]
    frameworks: dict[str, Framework] = {}
    for raw in compiled["frameworks"]:
        statements = {
            item["id"]: Statement(
                framework=raw["id"],
                id=item["id"],
                key_question=item["key_question"],
                name=item.get("name"),
                source=item.get("source"),
            )
            for item in raw["items"]
        }
        frameworks[raw["id"]] = Framework(
            id=raw["id"],
            name=raw["name"],
            short_name=raw["short_name"],
            status=raw["status"],
            source=raw["source"],
            statements=statements,
        )
    return Catalogue(
        key_questions={k["id"]: KeyQuestion(k["id"], k["name"]) for k in base["key_questions"]},
        frameworks=frameworks,
        regulations={r["number"]: Regulation(r["number"], r["name"]) for r in base["regulations"]},
        regulations_source=base["regulations_source"],
        categories={
            c["id"]: EvidenceCategory(c["id"], c["name"], c["source"])
            for c in base["evidence_categories"]
        },
        kinds={
            k["id"]: EvidenceKind(k["id"], k["category"], k["name"]) for k in base["evidence_kinds"]
        },
    )
