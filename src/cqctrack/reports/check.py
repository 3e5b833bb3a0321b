"""Render `check` results: compiler-style text, JSON, or GitHub workflow annotations."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

from cqctrack.findings import Finding, Severity
from cqctrack.read.check import CheckResult
from cqctrack.reports.formats import aligned, json_text
from cqctrack.wording import count, visible

CATEGORY_NAMES = {
    "yaml": "YAML syntax",
    "file": "unreadable files",
    "layout": "repository layout",
    "schema": "fields and values",
    "id": "ids",
    "reference": "references",
    "consistency": "consistency",
    "closure": "closure without evidence",
    "evidence": "evidence files",
    "privacy": "personal data",
    "text": "hidden characters",
    "policy": "policy",
    "drift": "drift",
    "oversight": "oversight by the right people",
    "approval": "approvals by the right people",
}
# The closure rule has several conditions; counting an owner who verified their own
# action under "closure without evidence" told a manager the wrong thing (issue 11).
GROUP_OF_CODE = {
    "closure-unknown-verifier": "closure verification",
    "closure-verifier-is-owner": "closure verification",
    "closure-verifier-role": "closure verification",
    "closure-before-evidence": "closure dates",
    "closure-future-date": "closure dates",
    "closure-before-created": "closure dates",
    "closure-not-approved": "closure approval",
    "closure-outcome-too-short": "closure outcome",
}


def group(finding: Finding) -> str:
    """The line a finding is counted under in the summary."""
    return GROUP_OF_CODE.get(finding.code) or CATEGORY_NAMES.get(finding.category, finding.category)


def _location(p: Finding) -> str:
    where = p.path or ""
    if p.line:
        where += f":{p.line}"
        if p.column:
            where += f":{p.column}"
    return where


def render_text(result: CheckResult) -> list[tuple[str, str]]:
    """Lines of output, each with a style name ('' for plain) for the console to colour."""
    lines: list[tuple[str, str]] = []
    current = None
    for p in result.findings:
        if current is not None and p.path != current:
            lines.append(("", ""))
        current = p.path
        style = "red" if p.severity is Severity.ERROR else "yellow"
        lines.append((visible(f"{_location(p)}: {p.severity}: {p.message} [{p.code}]"), style))
        if p.hint:
            lines.append((visible(f"    hint: {p.hint}"), "dim"))
    if lines:
        lines.append(("", ""))
    lines.append((summary_line(result), "bold"))
    if result.findings:
        counts = Counter(group(p) for p in result.findings)
        width = max(len(label) for label in counts)
        for label, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append((f"  {label:<{width}}  {count}", ""))
    return lines


def summary_line(result: CheckResult) -> str:
    files = f"{result.files_checked} file{'s' if result.files_checked != 1 else ''}"
    if not result.findings:
        return f"Checked {files}: no problems found."
    with_problems = len({p.path for p in result.findings})
    return (
        f"Checked {files}: {count(result.errors, 'error')} and "
        f"{count(result.warnings, 'warning')} in {count(with_problems, 'file')}."
    )


def render_json(result: CheckResult) -> str:
    payload = {
        "files_checked": result.files_checked,
        "errors": result.errors,
        "warnings": result.warnings,
        "problems": [
            {
                "path": p.path,
                "line": p.line,
                "column": p.column,
                "severity": str(p.severity),
                "code": p.code,
                "category": p.category,
                "message": p.message,
                "hint": p.hint,
            }
            for p in result.findings
        ],
    }
    return json_text(payload)


def _escape_data(text: str) -> str:
    return visible(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def path_prefix(root: Path, top: Path | None, workspace: str | None) -> str:
    """What goes before a finding's path (relative to the tracker repository) so that a CI
    host finds the file: the tracker folder within `workspace` (GITHUB_WORKSPACE, when set)
    or else within the git top level. Empty when the trackers are at the top (issue 13: with
    `--repo sub`, annotations named `trackers/...` and attached to nothing)."""
    root = root.resolve()
    for base in (workspace, top):
        if not base:
            continue
        try:
            rel = root.relative_to(Path(base).resolve()).as_posix()
        except ValueError:
            continue  # the trackers are not inside it
        return "" if rel == "." else rel + "/"
    return ""


def render_github(result: CheckResult, prefix: str = "") -> list[str]:
    """GitHub Actions workflow commands: one annotation per problem on the file and line.

    `prefix` (see `path_prefix`) makes each path relative to the repository's top level."""
    out = []
    for p in result.findings:
        props = [f"file={_escape_property(prefix + (p.path or ''))}"]
        if p.line:
            props.append(f"line={p.line}")
        if p.column:
            props.append(f"col={p.column}")
        props.append(f"title={_escape_property('cqctrack ' + p.code)}")
        body = p.message + (f"\n{p.hint}" if p.hint else "")
        command = "notice" if p.severity is Severity.INFO else str(p.severity)  # no ::info
        out.append(f"::{command} {','.join(props)}::{_escape_data(body)}")
    out.append(summary_line(result))
    return out


# GitLab's code quality severities, from cqctrack's (information, warning, error).
GITLAB_SEVERITY = {"error": "major", "warning": "minor", "info": "info"}


def render_gitlab(result: CheckResult, prefix: str = "") -> str:
    """GitLab's code quality report (a JSON array), so findings show in merge requests.

    Each issue's fingerprint is stable across pushes (the code, file, subject and message,
    not the line, which moves when lines are added above it), so GitLab can tell a new
    problem from one the target branch already had; repeats get a counter."""
    issues = []
    seen: Counter[str] = Counter()
    for p in result.findings:
        path = prefix + (p.path or "cqctrack.yaml")
        base = "\0".join((p.code, path, p.subject or "", p.message))
        seen[base] += 1
        fingerprint = hashlib.sha256(f"{base}\0{seen[base]}".encode()).hexdigest()
        description = visible(p.message + (f" (hint: {p.hint})" if p.hint else ""))
        issues.append(
            {
                "description": description,
                "check_name": f"cqctrack {p.code}",
                "fingerprint": fingerprint,
                "severity": GITLAB_SEVERITY.get(str(p.severity), "info"),
                "location": {"path": path, "lines": {"begin": p.line or 1}},
            }
        )
    return json_text(issues)


def render_rules() -> str:
    """`check --list-rules`: every code `check` can report, the rule that gives it, and why."""
    from cqctrack.rules import codes
    from cqctrack.rules.checks import CHECKS

    rows = [(code, "(reading files)", codes.CODES[code].meaning) for code in codes.CODES]
    rows = [row for row in rows if row[0] in codes.READING_CODES]
    for rule in CHECKS:
        for code in rule.codes:
            rows.append((code, rule.name, codes.CODES[code].meaning))
    lines = aligned(("CODE", "RULE", "MEANING"), [list(r) for r in rows])
    lines += [
        "",
        "Pick codes with --select and --ignore (comma-separated); a code's first word, "
        "such as closure, names every code that starts with it.",
    ]
    return "\n".join(lines)
