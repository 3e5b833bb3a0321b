"""Generate realistic cqctrack tracker repositories, with git history, for the benchmark.

    python bench/generate.py 10000            # build (or reuse) the 10,000-action repository
    python bench/generate.py 1000 --verify    # ... and run `cqctrack check` on it
    python bench/generate.py 100000 --force   # rebuild even if cached

A repository of N actions has N/50 trackers (a provider group's services, four trackers per
location: medicines, care planning, staffing, ...), 3-5 concerns per tracker each with one
measure and monthly readings, a people register in cqctrack.yaml with the default policy
spelled out, and evidence files under evidence/ for about a third of the evidence entries.
Action files are about 1 KB and 35-40 lines, with a realistic mix of open, in-progress,
awaiting-verification, closed and cancelled actions, logged extensions, due dates moved by
hand without a logged extension, reviews and progress notes; at the bench's fixed as-of date
(AS_OF) 10-20% of actions are overdue.

History: about 1.5 commits per action, written with `git fast-import` (one process, one
pack) rather than one `git commit` per change, then repacked as git packs what it sends a
clone (see `build`). Each action is created in a commit (alone or
with others raised from the same concern), extensions, hand-moved due dates, closures and
cancellations are one commit each, and weekly management reviews (reviews, progress notes,
evidence, measure readings) and monthly provider reviews are batched into one commit per
location or region. Commits a cqctrack command would make (a single action created, an
extension, a closure, evidence added) carry the same subject and trailers cqctrack writes,
including `Cqctrack-Version`; batches, review meetings and moved due dates are hand edits.
Identities, dates and the random seed are fixed, so the same size always gives the same
commits (the HEAD id is in the .json file beside each repository).

Repositories are cached under .bench/repos/, keyed by size and GENERATOR_VERSION (bump it
whenever a change alters the output; a changed source hash only prints a reminder), so a
second run reuses them. The repository is left as a fresh clone would be: one pack, no
commit-graph, a clean refreshed index.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import vocab
from vocab import ActionText, Theme

# 3: sign-offs committed by their signers (issue 9); 4: repacked as a clone's pack is
GENERATOR_VERSION = 4
AS_OF = date(2026, 11, 23)  # the bench's fixed review date (a Monday), as in `make demo`
ACTIONS_PER_TRACKER = 50
TRACKERS_PER_LOCATION = 4
LOCATIONS_PER_REGION = 6
TRACKERS_FROM = date(2025, 3, 10)  # services start their trackers between these dates
TRACKERS_TO = date(2026, 9, 1)
CQCTRACK_VERSION = "0.1.0"  # what commits made "by cqctrack" say in their trailer
PROVIDER = "Northern Care Group Ltd"
EMAIL_DOMAIN = "northerncare.example"
MAX_CONFIG_BYTES = 240 * 1024  # cqctrack refuses files over 256 KiB
BENCH_DIR = Path(__file__).resolve().parent.parent / ".bench"
REPOS_DIR = BENCH_DIR / "repos"
HERE = Path(__file__).resolve().parent

DAY = timedelta(days=1)

# The same rules cqctrack's reader uses to decide that a plain scalar is not text.
_NOT_TEXT = re.compile(
    r"^(?:true|True|TRUE|false|False|FALSE|~|null|Null|NULL|[-+]?(?:0|[1-9][0-9]*)"
    r"|[-+]?(?:(?:0|[1-9][0-9]*)\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?)$"
)


def q(text: str) -> str:
    """A YAML scalar for `text`: plain when that reads back as the same text, else quoted."""
    if (
        not text
        or text[0] in "-?:,[]{}#&*!|>'\"%@` "
        or text[-1] in " :"
        or ": " in text
        or " #" in text
        or _NOT_TEXT.match(text)
    ):
        return json.dumps(text, ensure_ascii=False)
    return text


def num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


# --- the organisation ----------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    role: str

    @property
    def email(self) -> str:
        return f"{self.id}@{EMAIL_DOMAIN}"


@dataclass
class Region:
    index: int
    ni: Person  # nominated individual
    pr: Person  # provider representative
    ql: Person  # quality lead


@dataclass
class Location:
    index: int
    slug: str
    name: str
    service_type: str
    region: Region
    rm: Person
    deputy: Person
    lead: Person


class People:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.all: list[Person] = []
        self._taken: set[str] = set()

    def new(self, role: str) -> Person:
        first = self.rng.choice(vocab.FIRST_NAMES)
        last = self.rng.choice(vocab.SURNAMES)
        stem = (first[0] + last).lower()
        pid, n = stem, 1
        while pid in self._taken:
            n += 1
            pid = f"{stem}{n}"
        self._taken.add(pid)
        person = Person(pid, f"{first} {last}", role)
        self.all.append(person)
        return person


# --- items and their logs ------------------------------------------------------------


@dataclass
class Group:
    """One commit: what it changes, when and by whom."""

    seq: int
    day: date
    seconds: int  # local time of day
    author: Person
    subject: str
    body: str = ""
    files: dict[str, Any] = field(default_factory=dict)  # path -> item or bytes
    index: int = -1  # position in commit order, set once all groups exist


@dataclass
class Entry:
    kind: str  # progress, evidence, extension, move, review, closure, cancellation
    day: date
    data: dict[str, Any]
    group: Group | None = None


@dataclass
class Concern:
    id: str
    path: str
    text: vocab.ConcernText
    raised: date
    raised_by: Person
    statements: list[str]
    regulations: list[str]
    risk: str


@dataclass
class Reading:
    period: str
    value: float
    document: str
    recorded: date
    recorded_by: Person
    group: Group | None = None


@dataclass
class Measure:
    id: str
    path: str
    concern: Concern
    text: vocab.MeasureText
    readings: list[Reading] = field(default_factory=list)


@dataclass
class Action:
    id: str
    path: str
    tracker: Tracker
    concern: Concern
    text: ActionText
    title: str
    detail: str | None
    statements: list[str]
    regulations: list[str]
    owner: Person
    risk: str
    person_ref: str | None
    created: date
    due0: date
    entries: list[Entry] = field(default_factory=list)
    finish: date | None = None  # when it closes or is cancelled (may be after AS_OF)


@dataclass
class Tracker:
    slug: str
    name: str
    prefix: str
    theme: Theme
    location: Location
    start: date
    location_id: str
    concerns: list[Concern] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)


def cq_body(trailers: dict[str, str]) -> str:
    """A commit body as cqctrack writes it (gitrepo.message): trailers, then its version."""
    lines = [f"{key}: {value}" for key, value in trailers.items()]
    return "\n".join([*lines, f"Cqctrack-Version: {CQCTRACK_VERSION}"])


# --- rendering -----------------------------------------------------------------------


def render_action(a: Action, upto: int) -> bytes:
    """The action file as it stood after commit number `upto`."""
    seen = [e for e in a.entries if e.group is not None and e.group.index <= upto]
    due = a.due0
    progress, evidence, extensions, reviews = [], [], [], []
    closure = cancellation = None
    for e in seen:
        kind = e.kind
        if kind == "progress":
            progress.append(e)
        elif kind == "evidence":
            evidence.append(e)
        elif kind == "extension":
            extensions.append(e)
            due = e.data["to"]
        elif kind == "move":
            due = e.data["to"]
        elif kind == "review":
            reviews.append(e)
        elif kind == "closure":
            closure = e
        elif kind == "cancellation":
            cancellation = e
    if closure is not None:
        status = "closed"
    elif cancellation is not None:
        status = "cancelled"
    else:
        covered = {r for e in evidence for r in e.data["satisfies"]}
        if len(covered) == len(a.text.requirements):
            status = "awaiting-verification"
        elif progress or evidence:
            status = "in-progress"
        else:
            status = "open"
    out = [
        f"id: {a.id}",
        f"title: {q(a.title)}",
        f"concern: {a.concern.id}",
    ]
    if a.detail:
        out.append(f"detail: {q(a.detail)}")
    out += [
        f"statements: [{', '.join(a.statements)}]",
        f"regulations: [{', '.join(a.regulations)}]",
        f"owner: {a.owner.id}",
        f"risk: {a.risk}",
    ]
    if a.person_ref:
        out.append(f"person_ref: {a.person_ref}")
    out += [
        f"created: {a.created.isoformat()}",
        f"due: {due.isoformat()}",
        f"status: {status}",
        "evidence_required:",
    ]
    for n, (description, kinds) in enumerate(a.text.requirements, 1):
        out += [
            f"  - id: R{n}",
            f"    description: {q(description)}",
            f"    kinds: [{', '.join(kinds)}]",
        ]
    out.append(f"expected_outcome: {q(a.text.outcome)}")
    if progress:
        out.append("progress:")
        for e in progress:
            out += [
                f"  - date: {e.day.isoformat()}",
                f"    by: {e.data['by'].id}",
                f"    note: {q(e.data['note'])}",
            ]
    if evidence:
        out.append("evidence:")
        for e in evidence:
            d = e.data
            out += [
                f"  - id: {d['id']}",
                f"    satisfies: [{', '.join(d['satisfies'])}]",
                f"    kind: {d['kind']}",
                f"    file: {d['file']}" if d["file"] else f"    document: {d['document']}",
                f"    date: {e.day.isoformat()}",
                f"    added_by: {d['by'].id}",
                f"    summary: {q(d['summary'])}",
            ]
    if extensions:
        out.append("extensions:")
        for e in extensions:
            d = e.data
            out += [
                f"  - from: {d['from'].isoformat()}",
                f"    to: {d['to'].isoformat()}",
                f"    reason: {q(d['reason'])}",
                f"    approved_by: {d['by'].id}",
                f"    date: {e.day.isoformat()}",
            ]
    if reviews:
        out.append("reviews:")
        for e in reviews:
            d = e.data
            out += [
                f"  - date: {e.day.isoformat()}",
                f"    by: {d['by'].id}",
                f"    level: {d['level']}",
                f"    decision: {d['decision']}",
                f"    note: {q(d['note'])}",
            ]
    if closure is not None:
        out += [
            "closure:",
            f"  date: {closure.day.isoformat()}",
            f"  verified_by: {closure.data['by'].id}",
            f"  outcome: {q(closure.data['outcome'])}",
        ]
    if cancellation is not None:
        out += [
            "cancellation:",
            f"  date: {cancellation.day.isoformat()}",
            f"  approved_by: {cancellation.data['by'].id}",
            f"  reason: {q(cancellation.data['reason'])}",
        ]
    out.append("")
    return "\n".join(out).encode()


def render_concern(c: Concern) -> bytes:
    out = [f"id: {c.id}", f"title: {q(c.text.title)}", f"source: {c.text.source}"]
    if c.text.source_ref:
        out.append(f"source_ref: {q(c.text.source_ref)}")
    out += [
        f"raised: {c.raised.isoformat()}",
        f"raised_by: {c.raised_by.id}",
        f"summary: {q(c.text.summary)}",
        f"statements: [{', '.join(c.statements)}]",
        f"regulations: [{', '.join(c.regulations)}]",
        f"risk: {c.risk}",
        "",
    ]
    return "\n".join(out).encode()


def render_measure(m: Measure, upto: int) -> bytes:
    t = m.text
    out = [
        f"id: {m.id}",
        f"concern: {m.concern.id}",
        f"title: {q(t.title)}",
        f"unit: {t.unit}",
        f"direction: {t.direction}",
        f"target: {num(t.target)}",
        f"sustain: {t.sustain}",
        "period: monthly",
    ]
    readings = [r for r in m.readings if r.group is not None and r.group.index <= upto]
    if readings:
        out.append("readings:")
        for r in readings:
            out += [
                f"  - period: {r.period}",
                f"    value: {num(r.value)}",
                f"    document: {r.document}",
                f"    recorded: {r.recorded.isoformat()}",
                f"    recorded_by: {r.recorded_by.id}",
            ]
    out.append("")
    return "\n".join(out).encode()


def render_tracker(t: Tracker) -> bytes:
    loc = t.location
    out = [
        f"name: {q(t.name)}",
        f"service_type: {loc.service_type}",
        f"id_prefix: {t.prefix}",
        f"registered_manager: {loc.rm.id}",
        f"nominated_individual: {loc.region.ni.id}",
        f"provider_representative: {loc.region.pr.id}",
        f"location_id: {t.location_id}",
        f"description: {q(f'{t.theme.name} improvement actions for {loc.name}.')}",
        "",
    ]
    return "\n".join(out).encode()


def render_config(people: list[Person]) -> bytes:
    out = [
        "# Generated by bench/generate.py: a synthetic provider group for benchmarking.",
        "version: 1",
        f"provider: {q(PROVIDER)}",
        "framework: saf-quality-statements",
        "people:",
    ]
    for p in people:
        out += [
            f"  {p.id}:",
            f"    name: {q(p.name)}",
            f"    role: {p.role}",
            f"    emails: [{p.email}]",
        ]
    out += [
        "policy:",
        "  cadence:",
        "    weekly_days: 7",
        "    monthly_days: 31",
        "  drift:",
        "    due_soon_days: 14",
        "    extension_threshold: 2",
        "    escalation_grace_days: 14",
        "    high_risk_review_days: 7",
        "  closure:",
        "    verifier_may_be_owner: false",
        "    verifier_roles: [registered-manager, deputy-manager, quality-lead,"
        " nominated-individual, provider-representative]",
        "    require_approval: false",
        "  audit:",
        "    backdating_days: 7",
        "  privacy:",
        "    person_ref_pattern: '^[A-Z]{1,4}-?\\d{2,8}$'",
        "",
    ]
    data = "\n".join(out).encode()
    if len(data) > MAX_CONFIG_BYTES:
        raise SystemExit(
            f"cqctrack.yaml would be {len(data):,} bytes with {len(people):,} people; "
            "this size is beyond what the generator's organisation model supports"
        )
    return data


def evidence_file_text(a: Action, e: Entry) -> bytes:
    d = e.data
    return (
        f"# {a.id} evidence {d['id']}: {d['kind']}\n\n{d['summary']}\n\n"
        f"Filed by {d['by'].name} ({d['by'].role}) on {e.day.isoformat()} for "
        f"{a.tracker.name}.\n"
    ).encode()


# --- the story of each action --------------------------------------------------------


class Builder:
    """Builds the organisation, every item's timeline, and the commits that record it."""

    def __init__(self, size: int, seed: int) -> None:
        self.size = size
        self.rng = random.Random(seed)
        self.people = People(self.rng)
        self.groups: list[Group] = []
        self.weekly: dict[tuple[int, int, int], Group] = {}
        self.monthly: dict[tuple[int, str], Group] = {}
        self.trackers: list[Tracker] = []
        self.evidence_files = 0

    # groups

    def group(self, day: date, author: Person, subject: str, body: str = "", hour=(9, 17)):
        seconds = self.rng.randint(hour[0] * 3600, hour[1] * 3600 + 3599)
        g = Group(len(self.groups), day, seconds, author, subject, body)
        self.groups.append(g)
        return g

    def weekly_group(self, loc: Location, day: date) -> Group:
        year, week, _ = day.isocalendar()
        key = (loc.index, year, week)
        g = self.weekly.get(key)
        if g is None:
            g = self.group(
                day,
                loc.rm,
                f"Weekly review: {loc.name}, {year}-W{week:02d}",
                "Reviews, progress notes, evidence and readings recorded at the weekly "
                "management meeting.",
                hour=(15, 17),
            )
            self.weekly[key] = g
        g.day = max(g.day, day)
        return g

    def monthly_group(self, region: Region, day: date) -> Group:
        # One commit per region and week, so no review is committed more than a few days
        # after the date it carries (history flags longer lags as back-dated).
        year, week, _ = day.isocalendar()
        key = (region.index, f"{year}-W{week:02d}")
        g = self.monthly.get(key)
        if g is None:
            g = self.group(
                day,
                region.ni,
                f"Provider review: region {region.index + 1}, {key[1]}",
                "Monthly provider oversight of open actions.",
                hour=(10, 16),
            )
            self.monthly[key] = g
        g.day = max(g.day, day)
        return g

    # organisation

    def organise(self) -> None:
        rng = self.rng
        n_trackers = max(1, round(self.size / ACTIONS_PER_TRACKER))
        n_locations = -(-n_trackers // TRACKERS_PER_LOCATION)
        regions: list[Region] = []
        locations: list[Location] = []
        names = [(p, t) for t in vocab.TOWNS for p in vocab.PLACES]
        rng.shuffle(names)
        for i in range(n_locations):
            if i % LOCATIONS_PER_REGION == 0:
                regions.append(
                    Region(
                        len(regions),
                        self.people.new("nominated-individual"),
                        self.people.new("provider-representative"),
                        self.people.new("quality-lead"),
                    )
                )
            place, town = names[i % len(names)]
            slug = f"{place}-{town}" + (f"-{i // len(names) + 1}" if i >= len(names) else "")
            name = " ".join(w.capitalize() for w in slug.split("-"))
            locations.append(
                Location(
                    i,
                    slug,
                    name,
                    rng.choice(vocab.SERVICE_TYPES),
                    regions[-1],
                    self.people.new("registered-manager"),
                    self.people.new("deputy-manager"),
                    self.people.new(rng.choice(vocab.LEAD_ROLES)),
                )
            )
        span = (TRACKERS_TO - TRACKERS_FROM).days
        remaining = self.size
        for i in range(n_trackers):
            loc = locations[i // TRACKERS_PER_LOCATION]
            theme = vocab.THEMES[(loc.index + i) % len(vocab.THEMES)]
            count = remaining // (n_trackers - i)
            remaining -= count
            tracker = Tracker(
                slug=f"{loc.slug}-{theme.slug}",
                name=f"{loc.name} {theme.name.lower()}",
                prefix=f"{theme.code}{loc.index + 1}",
                theme=theme,
                location=loc,
                start=TRACKERS_FROM + rng.randint(0, span) * DAY,
                location_id=f"1-{rng.randint(100_000_000, 9_999_999_999)}",
            )
            self.trackers.append(tracker)
            self.plan_tracker(tracker, count)

    def plan_tracker(self, t: Tracker, count: int) -> None:
        rng = self.rng
        loc = t.location
        base = f"trackers/{t.slug}"
        setup = self.group(t.start, loc.region.ql, f"Set up tracker {t.slug}", hour=(9, 12))
        setup.files[f"{base}/tracker.yaml"] = render_tracker(t)
        for n, text in enumerate(t.theme.concerns, 1):
            raised = t.start + (rng.randint(0, 60) if n > 1 else 0) * DAY
            raised = min(raised, AS_OF - 30 * DAY)
            risk = rng.choices(("high", "medium", "low"), (3, 5, 2))[0]
            concern = Concern(
                id=f"{t.prefix}-C{n}",
                path=f"{base}/concerns/{t.prefix}-C{n}.yaml",
                text=text,
                raised=raised,
                raised_by=rng.choice((loc.rm, loc.region.ql, loc.deputy)),
                statements=self.pick(t.theme.statements, 2),
                regulations=self.pick(t.theme.regulations, 2),
                risk=risk,
            )
            mtext = t.theme.measures[(n - 1) % len(t.theme.measures)]
            measure = Measure(
                f"{t.prefix}-M{n}", f"{base}/measures/{t.prefix}-M{n}.yaml", concern, mtext
            )
            t.concerns.append(concern)
            t.measures.append(measure)
            if raised <= t.start:
                g = setup
            else:
                g = self.group(
                    raised,
                    concern.raised_by,
                    f"{concern.id}: add concern",
                    cq_body({"Concern": concern.id, "Event": "created"}),
                )
            g.files[concern.path] = render_concern(concern)
            g.files[measure.path] = measure
            self.plan_readings(t, measure)
        # Actions, spread over the concerns, created in small batches per concern.
        per = [count // len(t.concerns)] * len(t.concerns)
        for k in range(count % len(t.concerns)):
            per[k] += 1
        created_days: list[tuple[date, Concern]] = []
        for concern, k in zip(t.concerns, per, strict=True):
            # Actions keep coming while the concern is live: most soon after it is raised,
            # the rest spread over the time since (re-audits, follow-ups, new findings).
            window = max(1, (AS_OF - 3 * DAY - concern.raised).days - 1)
            days = sorted(
                concern.raised + (1 + int(window * rng.random() ** 1.5)) * DAY for _ in range(k)
            )
            i = 0
            while i < len(days):
                batch = min(rng.choice((1, 1, 2, 3, 4, 5)), len(days) - i)
                created_days += [(days[i], concern)] * batch
                i += batch
        created_days.sort(key=lambda dc: (dc[0], dc[1].id))
        batches: dict[tuple[date, str], Group] = {}
        for n, (created, concern) in enumerate(created_days, 1):
            action = self.plan_action(t, concern, created, f"{t.prefix}-{n:03d}")
            key = (created, concern.id)
            g = batches.get(key)
            if g is None:
                g = batches[key] = self.group(
                    created,
                    rng.choice((loc.rm, loc.deputy, action.owner)),
                    f"{action.id}: add action for {concern.id}",
                    cq_body({"Action": action.id, "Event": "created", "Owner": action.owner.id}),
                    hour=(9, 13),
                )
            else:
                ids = [p.rsplit("/", 1)[1][:-5] for p in g.files if "/actions/" in p]
                ids.append(action.id)
                # Several at once: written by hand (or imported), so no cqctrack trailers.
                g.subject = f"Add {len(ids)} actions for {concern.id}: {concern.text.title}"
                g.body = "Actions: " + ", ".join(ids)
            g.files[action.path] = action
            t.actions.append(action)

    def pick(self, pool: tuple[str, ...], most: int) -> list[str]:
        k = self.rng.randint(1, most)
        first = pool[0] if self.rng.random() < 0.6 else self.rng.choice(pool)
        rest = [x for x in pool if x != first]
        return [first, *self.rng.sample(rest, min(k - 1, len(rest)))]

    def plan_readings(self, t: Tracker, m: Measure) -> None:
        rng = self.rng
        mt = m.text
        year, month = m.concern.raised.year, m.concern.raised.month
        n = 0
        while True:
            month += 1
            if month > 12:
                year, month = year + 1, 1
            period = f"{year}-{month - 1:02d}" if month > 1 else f"{year - 1}-12"
            recorded = date(year, month, rng.randint(3, 9))
            if recorded > AS_OF:
                break
            n += 1
            step = min(1.0, n / 6)
            value = mt.start + (mt.target - mt.start) * step + rng.uniform(-3, 3)
            if mt.unit == "percent":
                value = min(100.0, max(0.0, value))
            value = round(max(0.0, value), 1)
            who = rng.choice((t.location.rm, t.location.lead))
            reading = Reading(
                period, value, f"QMS-AUD-{period}-{t.prefix}-M{m.id.rsplit('M', 1)[1]}",
                recorded, who,
            )  # fmt: skip
            reading.group = self.weekly_group(t.location, recorded)
            reading.group.files[m.path] = m
            m.readings.append(reading)

    def plan_action(self, t: Tracker, concern: Concern, created: date, action_id: str) -> Action:
        rng = self.rng
        loc = t.location
        text = rng.choice(t.theme.actions)
        title = text.title
        if rng.random() < 0.5:
            title += " " + rng.choice(
                (
                    "for the day team",
                    "for the night team",
                    "on the ground floor",
                    "on the first floor",
                    "for the community rounds",
                    "in the east wing",
                    "in the west wing",
                )
            )
        owner = rng.choices((loc.deputy, loc.lead, loc.rm), (4, 5, 1))[0]
        a = Action(
            id=action_id,
            path=f"trackers/{t.slug}/actions/{action_id}.yaml",
            tracker=t,
            concern=concern,
            text=text,
            title=title,
            detail=text.detail if rng.random() < 0.4 else None,
            statements=self.pick(t.theme.statements, 2),
            regulations=self.pick(t.theme.regulations, 2),
            owner=owner,
            risk=concern.risk if rng.random() < 0.7 else rng.choice(("high", "medium", "low")),
            person_ref=f"SU-{rng.randint(1, 9999):04d}" if rng.random() < 0.2 else None,
            created=created,
            due0=created + rng.choice((14, 28, 28, 42, 42, 56, 56, 90)) * DAY,
        )
        # When the work will really be done, relative to the first due date.
        r = rng.random()
        if r < 0.45:
            finish = a.due0 - rng.randint(0, 10) * DAY
        elif r < 0.70:
            finish = a.due0 + rng.randint(1, 45) * DAY
        else:
            finish = a.due0 + rng.randint(46, 300) * DAY
        finish = max(finish, created + 7 * DAY)
        a.finish = finish
        entries: list[Entry] = []
        single: list[Entry] = []  # entries with a commit of their own

        # Due-date changes: logged extensions (due moved in the same commit) or hand edits.
        due = a.due0
        last_change = created
        if finish > due:
            x = rng.random()
            if x < 0.40:
                for k in range(3):
                    if k and (finish <= due or rng.random() >= 0.3):
                        break
                    when = max(last_change + DAY, due - rng.randint(0, 6) * DAY)
                    if when > AS_OF:
                        break
                    to = due + rng.randint(14, 49) * DAY
                    e = Entry(
                        "extension",
                        when,
                        {
                            "from": due,
                            "to": to,
                            "reason": rng.choice(vocab.EXTENSION_REASONS),
                            # Never the owner's own approval (issue 9): a registered
                            # manager's own action is extended by provider level.
                            "by": loc.rm if owner is not loc.rm else loc.region.ni,
                        },
                    )
                    entries.append(e)
                    single.append(e)
                    due, last_change = to, when
            elif x < 0.55:
                when = max(created + DAY, due - rng.randint(0, 5) * DAY)
                if when <= AS_OF:
                    to = due + rng.randint(7, 28) * DAY
                    e = Entry("move", when, {"from": due, "to": to, "by": owner})
                    entries.append(e)
                    single.append(e)
                    due, last_change = to, when
        elif rng.random() < 0.03 and (due - created).days > 21:
            when = created + rng.randint(1, 7) * DAY
            to = due - 7 * DAY  # brought forward by hand
            e = Entry("move", when, {"from": due, "to": to, "by": owner})
            entries.append(e)
            single.append(e)
            due = to

        closed = finish <= AS_OF
        cancelled = closed and rng.random() < 0.05
        end = min(finish, AS_OF)  # last day anything can happen
        length = max(1, (end - created).days)

        # Evidence: each requirement gets evidence late in the action's life.
        ev_n = 0
        reqs = [f"R{i}" for i in range(1, len(text.requirements) + 1)]
        plan: list[tuple[date, str, tuple[str, ...]]] = []
        for rid, (_, kinds) in zip(reqs, text.requirements, strict=True):
            when = created + max(2, round((finish - created).days * rng.uniform(0.45, 1.0))) * DAY
            when = min(when, finish)
            if cancelled and rng.random() < 0.6:
                continue
            plan.append((when, rid, kinds))
        if rng.random() < 0.08:
            rid, (_, kinds) = rng.choice(list(zip(reqs, text.requirements, strict=True)))
            when = created + max(2, round((finish - created).days * rng.uniform(0.2, 0.6))) * DAY
            plan.append((when, rid, kinds))
        for when, rid, kinds in sorted(plan):
            if when > AS_OF:
                continue
            ev_n += 1
            accepted = rng.choice(kinds)
            kind = (
                rng.choice(vocab.KINDS_BY_CATEGORY[accepted])
                if accepted in vocab.KINDS_BY_CATEGORY
                else accepted
            )
            by = rng.choice((owner, owner, loc.lead))
            eid = f"E{ev_n}"
            as_file = rng.random() < 0.35
            e = Entry(
                "evidence",
                when,
                {
                    "id": eid,
                    "satisfies": [rid],
                    "kind": kind,
                    "file": f"evidence/{t.slug}/{a.id}-{eid}.md" if as_file else None,
                    "document": None
                    if as_file
                    else f"{vocab.DOCUMENT_PREFIX.get(kind, 'DOC')}-{when.year}-"
                    f"{rng.randint(1, 99999):05d}",
                    "summary": vocab.EVIDENCE_SUMMARIES[kind].format(
                        n=rng.randint(2, 24), p=rng.randint(91, 100)
                    ),
                    "by": by,
                },
            )
            entries.append(e)
            if rng.random() < 0.05:
                single.append(e)

        # Progress notes and weekly management reviews while the action is open.
        for _ in range(rng.choice((0, 0, 0, 0, 1, 2))):
            when = created + rng.randint(3, max(3, length - 1)) * DAY
            if when <= end:
                note = rng.choice(vocab.PROGRESS_NOTES)
                entries.append(Entry("progress", when, {"by": owner, "note": note}))
        reviews = 0
        when = created + rng.randint(7, 21) * DAY
        cap = rng.choice((0, 1, 1, 1, 2, 3))
        while when < end and reviews < cap:
            overdue_then = when > due
            decision = (
                rng.choices(("challenge", "escalate", "on-track"), (5, 2, 3))[0]
                if overdue_then
                else rng.choices(("on-track", "challenge"), (85, 15))[0]
            )
            reviewer = loc.rm if owner is not loc.rm else loc.deputy
            monthly = a.risk == "high" and rng.random() < 0.3
            entries.append(
                Entry(
                    "review",
                    when,
                    {
                        "by": loc.region.ni if monthly else reviewer,
                        "level": "monthly" if monthly else "weekly",
                        "decision": decision,
                        "note": rng.choice(vocab.REVIEW_NOTES[decision]),
                    },
                )
            )
            reviews += 1
            when += rng.randint(14, 35) * DAY

        # Closure or cancellation: one commit, carrying what was recorded that week.
        final = None
        if closed and not cancelled:
            verifier = loc.rm if owner is not loc.rm else loc.region.ql
            if rng.random() < 0.25:
                entries.append(
                    Entry(
                        "review",
                        finish,
                        {
                            "by": verifier,
                            "level": "ad-hoc",
                            "decision": "approve-closure",
                            "note": rng.choice(vocab.REVIEW_NOTES["approve-closure"]),
                        },
                    )
                )
            outcome = rng.choice(vocab.CLOSURE_OUTCOMES).format(p=rng.randint(95, 100))
            final = Entry("closure", finish, {"by": verifier, "outcome": outcome})
        elif cancelled:
            reason = rng.choice(vocab.CANCELLATION_REASONS)
            final = Entry("cancellation", finish, {"by": loc.rm, "reason": reason})
        if final is not None:
            entries.append(final)
            single.append(final)

        entries.sort(key=lambda e: e.day)  # stable: same-day entries keep their order
        a.entries = entries
        self.assign_groups(a, single, final)
        return a

    def assign_groups(self, a: Action, single: list[Entry], final: Entry | None) -> None:
        loc = a.tracker.location
        own = {id(e) for e in single}
        if final is not None:
            # Most closures are verified at the weekly meeting and land in its commit; the
            # rest (and every cancellation) are a commit of their own, as `cqctrack close`
            # makes them.
            # The meeting's commit is the registered manager's, so only a closure she
            # verifies can land in it: git proves a sign-off by its commit's author.
            at_meeting = final.kind == "closure" and self.rng.random() < 0.7
            if at_meeting and final.data["by"] is loc.rm:
                g = self.weekly_group(loc, final.day)
            else:
                by = final.data["by"].id
                if final.kind == "closure":
                    subject = f"{a.id}: close, verified by {by}"
                    body = cq_body({"Action": a.id, "Event": "closed", "Verified-By": by})
                else:
                    subject = f"{a.id}: cancel, approved by {by}"
                    body = cq_body({"Action": a.id, "Event": "cancelled"})
                g = self.group(final.day, final.data["by"], subject, body, hour=(11, 18))
            week = final.day.isocalendar()[:2]
            for e in a.entries:  # what was recorded in the closing week goes with it
                someone_elses = e.kind == "review" and e.data["by"] is not g.author
                if (
                    e.day.isocalendar()[:2] == week
                    and e.kind not in ("extension", "move")
                    and not someone_elses  # a review is committed by its reviewer
                ):
                    e.group = g
                    own.discard(id(e))
        for e in a.entries:
            if e.group is not None:
                pass
            elif id(e) in own:
                by = e.data["by"]
                if e.kind == "extension":
                    count = sum(1 for x in a.entries if x.kind == "extension" and x.day <= e.day)
                    e.group = self.group(
                        e.day,
                        by,
                        f"{a.id}: extend due date {e.data['from'].isoformat()} -> "
                        f"{e.data['to'].isoformat()}",
                        cq_body({"Action": a.id, "Event": "extended", "Extension": str(count)}),
                    )
                elif e.kind == "move":  # a hand edit of the due date: no trailers
                    e.group = self.group(e.day, by, f"Update {a.id}", hour=(8, 20))
                else:
                    e.group = self.group(
                        e.day,
                        by,
                        f"{a.id}: add evidence {e.data['id']} ({e.data['kind']}) for "
                        + ", ".join(e.data["satisfies"]),
                        cq_body(
                            {"Action": a.id, "Event": "evidence-added", "Evidence": e.data["id"]}
                        ),
                    )
            elif e.kind == "review" and e.data["level"] == "monthly":
                e.group = self.monthly_group(loc.region, e.day)
            elif e.kind == "review" and e.data["by"] is not loc.rm:
                # Not the meeting chair's to commit (for her own action, the deputy
                # records the review): a commit of the reviewer's own.
                by = e.data["by"]
                e.group = self.group(
                    e.day,
                    by,
                    f"{a.id}: weekly oversight, {e.data['decision']} ({by.id})",
                    cq_body({"Action": a.id, "Event": "reviewed", "Decision": e.data["decision"]}),
                )
            else:
                e.group = self.weekly_group(loc, e.day)
            e.group.files[a.path] = a
            if e.kind == "evidence" and e.data["file"]:
                e.group.files[e.data["file"]] = evidence_file_text(a, e)
                self.evidence_files += 1


# --- writing the repository ----------------------------------------------------------


def _uk_offset(day: date) -> str:
    """Europe/London's offset on `day` (BST from the last Sunday of March to October)."""

    def last_sunday(month: int) -> date:
        d = date(day.year, month, 31)
        return d - ((d.weekday() + 1) % 7) * DAY

    return "+0100" if last_sunday(3) <= day < last_sunday(10) else "+0000"


def _epoch(day: date, seconds: int, offset: str) -> int:
    base = (day - date(1970, 1, 1)).days * 86400 + seconds
    return base - (3600 if offset == "+0100" else 0)


def write_stream(builder: Builder, config: bytes, out) -> dict[str, int]:
    """Write the whole history as a git fast-import stream; returns counts."""
    groups = builder.groups
    first_day = min(g.day for g in groups) - 7 * DAY
    root = Group(-1, first_day, 10 * 3600, builder.people.all[0], "Start the tracker repository")
    root.body = "Provider, people register and default policy."
    root.files = {
        "cqctrack.yaml": config,
        "README.md": f"# {PROVIDER}: CQC improvement actions\n\nManaged with cqctrack.\n".encode(),
        ".gitattributes": b"*.yaml text eol=lf\n",
        "evidence/README.md": b"Evidence files referred to by actions, by tracker.\n",
    }
    ordered = sorted(groups, key=lambda g: (g.day, g.seconds, g.seq))
    ordered.insert(0, root)
    for i, g in enumerate(ordered):
        g.index = i
    counts = Counter()
    write = out.write
    write(b"feature done\n")
    for g in ordered:
        offset = _uk_offset(g.day)
        stamp = f"{_epoch(g.day, g.seconds, offset)} {offset}"
        ident = f"{g.author.name} <{g.author.email}> {stamp}".encode()
        message = (g.subject + ("\n\n" + g.body if g.body else "") + "\n").encode()
        write(b"commit refs/heads/main\nauthor %s\ncommitter %s\n" % (ident, ident))
        write(b"data %d\n%s\n" % (len(message), message))
        for path in sorted(g.files):
            item = g.files[path]
            if isinstance(item, bytes):
                data = item
            elif isinstance(item, Action):
                data = render_action(item, g.index)
            elif isinstance(item, Measure):
                data = render_measure(item, g.index)
            else:
                raise TypeError(item)
            write(b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(data), data))
            counts["file_changes"] += 1
        counts["commits"] += 1
    write(b"done\n")
    return dict(counts)


def _git(repo: Path, *args: str, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    return subprocess.run(["git", "-C", str(repo), *args], check=True, env=env, **kw)


def _du(path: Path, skip: str | None = None) -> int:
    total = 0
    for folder, dirs, files in os.walk(path):
        if skip in dirs:
            dirs.remove(skip)
        total += sum(Path(folder, name).lstat().st_blocks * 512 for name in files)
    return total


def git_manifest(repo: Path) -> dict[str, list[int]]:
    """Every path under .git with its size and mtime: what a pristine repository holds."""
    out = {}
    git_dir = repo / ".git"
    for folder, _, files in os.walk(git_dir):
        for name in files:
            path = Path(folder, name)
            st = path.lstat()
            out[path.relative_to(git_dir).as_posix()] = [st.st_size, st.st_mtime_ns]
    return out


def source_hash() -> str:
    digest = hashlib.sha1()
    for name in ("generate.py", "vocab.py"):
        digest.update((HERE / name).read_bytes())
    return digest.hexdigest()[:10]


def repo_dir(size: int) -> Path:
    return REPOS_DIR / f"actions-{size}-v{GENERATOR_VERSION}"


def build(size: int, dest: Path, seed: int | None = None, log=print) -> dict[str, Any]:
    """Generate the repository for `size` actions at `dest` (which must not exist)."""
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    builder = Builder(size, seed if seed is not None else 20261123 + size)
    builder.organise()
    config = render_config(builder.people.all)
    timings["plan_s"] = time.perf_counter() - t0

    tmp = dest.with_name(dest.name + f".tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    _git(tmp, "init", "-q", "-b", "main")
    t1 = time.perf_counter()
    proc = subprocess.Popen(
        ["git", "-C", str(tmp), "fast-import", "--quiet", "--done"],
        stdin=subprocess.PIPE,
        env={**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull},
    )
    assert proc.stdin is not None
    with proc.stdin as pipe:
        counts = write_stream(builder, config, pipe)
    if proc.wait() != 0:
        raise SystemExit(f"git fast-import failed (exit {proc.returncode})")
    timings["fast_import_s"] = time.perf_counter() - t1
    t_pack = time.perf_counter()
    # fast-import writes objects in the order it is given them: each day's commits, trees
    # and blobs together. What a clone receives (and what `git gc` leaves) is written by
    # pack-objects: every commit first, then trees and blobs in the order a walk from the
    # newest commit meets them. `git log` reads the commits and trees, and with the pack
    # windows cqctrack allows git (git/run.py), the newer half of the 100,000 log took
    # 33.6 s in the pack as fast-import left it (14 s of it remapping windows), 16.6 s in
    # a clone's.
    _git(tmp, "-c", "repack.writeBitmaps=false", "repack", "-a", "-d", "-q")
    timings["repack_s"] = time.perf_counter() - t_pack
    t2 = time.perf_counter()
    _git(tmp, "reset", "-q", "--hard")
    time.sleep(1.1)  # let the clock pass the files' mtimes, so the refreshed index is not racy
    _git(tmp, "update-index", "-q", "--refresh")
    timings["checkout_s"] = time.perf_counter() - t2
    timings["total_s"] = time.perf_counter() - t0

    meta = describe(builder, tmp, counts, timings)
    meta["git_manifest"] = git_manifest(tmp)
    tmp.rename(dest)
    meta_path(dest).write_text(json.dumps(meta, indent=1, default=str))
    log(
        f"generated {size:,} actions in {timings['total_s']:.1f} s "
        f"(plan {timings['plan_s']:.1f} s, fast-import {timings['fast_import_s']:.1f} s, "
        f"repack {timings['repack_s']:.1f} s, "
        f"checkout {timings['checkout_s']:.1f} s): {dest}"
    )
    return meta


def describe(builder: Builder, repo: Path, counts: dict[str, int], timings) -> dict[str, Any]:
    actions = [a for t in builder.trackers for a in t.actions]
    last = len(builder.groups)  # HEAD's index: every group is visible
    statuses: Counter[str] = Counter()
    overdue = 0
    lines = size = 0
    for a in actions:
        text = render_action(a, last)
        lines += text.count(b"\n")
        size += len(text)
        status = re.search(rb"^status: (\S+)", text, re.M).group(1).decode()  # type: ignore[union-attr]
        due = date.fromisoformat(re.search(rb"^due: (\S+)", text, re.M).group(1).decode())  # type: ignore[union-attr]
        statuses[status] += 1
        if status in ("open", "in-progress", "awaiting-verification") and due < AS_OF:
            overdue += 1
    touches: Counter[str] = Counter()
    for g in builder.groups:
        for path in g.files:
            touches[path] += 1
    # The history sample: a mid-repository action with a full life (several commits, an
    # extension), so `history ID` and `git log -- FILE` have real work to do.
    middle = builder.trackers[len(builder.trackers) // 2]
    candidates = [a for a in middle.actions if any(e.kind == "extension" for e in a.entries)]
    sample = max(candidates or middle.actions, key=lambda a: (touches[a.path] + 1, a.id))
    head = _git(repo, "rev-parse", "HEAD", capture_output=True, text=True).stdout.strip()
    yaml_files = 1 + sum(1 + 2 * len(t.concerns) + len(t.actions) for t in builder.trackers)
    return {
        "size": len(actions),
        "generator_version": GENERATOR_VERSION,
        "source_hash": source_hash(),
        "as_of": AS_OF.isoformat(),
        "head": head,
        "commits": counts["commits"],
        "commits_per_action": round(counts["commits"] / max(1, len(actions)), 3),
        "file_changes": counts["file_changes"],
        "trackers": len(builder.trackers),
        "concerns": sum(len(t.concerns) for t in builder.trackers),
        "measures": sum(len(t.measures) for t in builder.trackers),
        "people": len(builder.people.all),
        "yaml_files": yaml_files,
        "evidence_files": builder.evidence_files,
        "action_lines_mean": round(lines / max(1, len(actions)), 1),
        "action_bytes_mean": round(size / max(1, len(actions))),
        "statuses": dict(statuses.most_common()),
        "overdue": overdue,
        "overdue_share": round(overdue / max(1, len(actions)), 3),
        "history_sample": {"id": sample.id, "path": sample.path, "commits": touches[sample.path]},
        "worktree_bytes": _du(repo, skip=".git"),
        "git_bytes": _du(repo / ".git"),
        "timings": {k: round(v, 2) for k, v in timings.items()},
    }


def meta_path(repo: Path) -> Path:
    """Where a repository's description lives: beside it, so .git stays as git left it."""
    return repo.with_name(repo.name + ".json")


def load_meta(repo: Path) -> dict[str, Any]:
    return json.loads(meta_path(repo).read_text())


def ensure_repo(size: int, force: bool = False, log=print) -> tuple[Path, dict[str, Any]]:
    """The cached repository for `size`, generating it first when missing or stale."""
    dest = repo_dir(size)
    if dest.is_dir() and meta_path(dest).is_file() and not force:
        meta = load_meta(dest)
        if meta.get("source_hash") != source_hash():
            log(
                f"note: the generator's source changed since {dest.name} was built; if the "
                "change alters what it generates, bump GENERATOR_VERSION or pass --regenerate"
            )
        return dest, meta
    REPOS_DIR.mkdir(parents=True, exist_ok=True)
    for old in REPOS_DIR.glob(f"actions-{size}-*"):  # other versions, stale temps, old meta
        log(f"removing stale {old.name}")
        if old.is_dir():
            shutil.rmtree(old)
        else:
            old.unlink()
    log(f"generating a repository of {size:,} actions (cached in {dest.parent})")
    meta = build(size, dest, log=log)
    return dest, meta


# --- verification --------------------------------------------------------------------


def cqctrack_bin() -> str:
    local = Path(sys.executable).parent / "cqctrack"
    return str(local) if local.exists() else "cqctrack"


def verify(repo: Path, meta: dict[str, Any], sample: int | None = None) -> int:
    """Run `cqctrack check` on the repository, or on `sample` whole trackers copied out."""
    target = repo
    scratch = None
    if sample:
        rng = random.Random(7)
        slugs = sorted(p.name for p in (repo / "trackers").iterdir())
        chosen = sorted(rng.sample(slugs, min(sample, len(slugs))))
        scratch = BENCH_DIR / f"verify-{os.getpid()}"
        shutil.rmtree(scratch, ignore_errors=True)
        (scratch / "trackers").mkdir(parents=True)
        (scratch / "evidence").mkdir()
        shutil.copy2(repo / "cqctrack.yaml", scratch / "cqctrack.yaml")
        for slug in chosen:
            shutil.copytree(repo / "trackers" / slug, scratch / "trackers" / slug)
            if (repo / "evidence" / slug).is_dir():
                shutil.copytree(repo / "evidence" / slug, scratch / "evidence" / slug)
        target = scratch
        print(f"checking a sample of {len(chosen)} trackers in {scratch}")
    try:
        done = subprocess.run(
            [cqctrack_bin(), "check", "--as-of", meta["as_of"], "--format", "json"],
            cwd=target,
            capture_output=True,
            text=True,
        )
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    if done.returncode not in (0, 1):
        print(done.stderr, file=sys.stderr)
        return 2
    result = json.loads(done.stdout)
    codes = Counter((p["severity"], p["code"]) for p in result["problems"])
    print(
        f"cqctrack check: {result['files_checked']:,} files, {result['errors']} errors, "
        f"{result['warnings']} warnings"
    )
    for (severity, code), n in codes.most_common():
        print(f"  {severity:8} {code:40} {n}")
    for p in [p for p in result["problems"] if p["severity"] == "error"][:10]:
        print(f"  e.g. {p['path']}:{p.get('line')}: {p['message']}")
    return 1 if result["errors"] else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", help="comma-separated action counts, e.g. 1000,10000")
    parser.add_argument("--force", action="store_true", help="regenerate even if cached")
    parser.add_argument("--verify", action="store_true", help="run `cqctrack check` on it")
    parser.add_argument(
        "--sample",
        type=int,
        default=None,
        help="with --verify: check this many whole trackers (default: all up to 10,000 "
        "actions, 40 trackers above)",
    )
    args = parser.parse_args(argv)
    status = 0
    for size in (int(s.replace("_", "")) for s in args.sizes.split(",")):
        repo, meta = ensure_repo(size, force=args.force)
        shown = {k: v for k, v in meta.items() if k != "git_manifest"}
        print(json.dumps(shown, indent=1))
        if args.verify:
            sample = args.sample if args.sample is not None else (None if size <= 10_000 else 40)
            status = max(status, verify(repo, meta, sample))
    return status


if __name__ == "__main__":
    sys.exit(main())
