"""History's flags in `check`: how each entry came to be, judged in rules/governance.py.

The same findings `review` shows on its rows and `history` beside its events,
located on the entry's line: unproven sign-offs, entries dated after their commit,
back-dated entries, oversight committed by the owner, evidence edited or removed
after closure, requirements changed, closures edited, deleted action files,
relaxations of the policy and the sign-offs recorded under them.
"""

from __future__ import annotations

from collections.abc import Iterator

from cqctrack.findings import Finding
from cqctrack.format.history import DELETED
from cqctrack.format.layout import CONFIG_FILE
from cqctrack.rules import governance
from cqctrack.rules.checks.base import items
from cqctrack.rules.context import RuleContext


def history_flags(ctx: RuleContext) -> Iterator[Finding]:
    """Every entry is proven as policy asks, honestly dated, and changed only as allowed."""
    gov, config = ctx.governance, ctx.snap.config
    if gov is None or config is None:
        return
    relaxed = governance.relaxations(gov)
    for action, path, _ in items(ctx, "action"):
        history = ctx.history.get(action.id)
        for found in governance.action_flags(action, history, config, gov, relaxed):
            yield found.located(path)
    for measure, path, _ in items(ctx, "measure"):
        for found in governance.measure_flags(measure, ctx.history.get(measure.id), config, gov):
            yield found.located(path)
    for path, author in sorted(ctx.deleted.items()):
        events = [(DELETED, "", author)]
        for found in governance.event_findings(None, events, config.policy, gov):
            yield found.located(path)
    for found in governance.relaxation_findings(relaxed, ctx.today, config.policy):
        yield found.located(CONFIG_FILE)
