"""`cqctrack report`: the meeting pack in every format, on the demo history, judged as at
23 Nov 2026 for November 2026, and `report verify`."""

from __future__ import annotations

import io
import json
import os
import pty
import re
import shutil
import subprocess
import sys
import threading
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cqctrack.cli import app
from tests.test_demo_repo import PROJECT, demo_repo

runner = CliRunner()
ARGS = ("--period", "2026-11", "--as-of", "2026-11-23")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("demo") / "riverside"
    demo_repo.build(target, PROJECT, log=lambda _: None)
    return target


def report(repo: Path, out: Path, *args: str):
    result = runner.invoke(app, ["--repo", str(repo), "report", *ARGS, "--output", str(out), *args])
    assert result.exit_code == 0, result.output
    return result


def head(repo: Path) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()


# --- PDF -----------------------------------------------------------------------------


def pdf_text(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(io.BytesIO(path.read_bytes())).pages]


def test_the_pdf_carries_every_section_and_on_every_page_the_provider_period_and_commit(
    demo: Path, tmp_path: Path
) -> None:
    out = tmp_path / "pack.pdf"
    result = report(demo, out)
    assert result.stdout == f"Wrote {out} (November 2026, as of 2026-11-23, 21 actions)\n"
    pages = pdf_text(out)
    text = "\n".join(pages)
    for heading in (
        "1. Summary",
        "2. Needs attention",
        "3. Closed in the period",
        "4. Extensions granted",
        "5. Measurable targets",
        "Open, overdue and Red actions, week by week",
        "6. Governance record",
        "7. Quality statement coverage",
        "8. Appendix: the register",
    ):
        assert heading in text
    commit = head(demo)[:8]
    for number, page in enumerate(pages, start=1):
        assert f"page {number} of {len(pages)}" in page
        assert (
            f"Example Care Group Ltd · November 2026 · as of 23 Nov 2026 · built from riverside {commit}"
            in page
        )
    assert "STF-003" in text and "Red" in text  # BRAG in words, not colour alone


def test_the_pdf_has_a_bookmark_per_section(demo: Path, tmp_path: Path) -> None:
    from pypdf import PdfReader

    out = tmp_path / "pack.pdf"
    report(demo, out)
    outline = [item.title for item in PdfReader(out).outline if not isinstance(item, list)]
    assert outline[:3] == ["1. Summary", "2. Needs attention", "3. Closed in the period"]
    assert "8. Appendix: the register" in outline


def test_the_same_commit_and_options_give_the_same_bytes(demo: Path, tmp_path: Path) -> None:
    for fmt in ("pdf", "html"):
        first, second = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
        report(demo, first, "--format", fmt)
        report(demo, second, "--format", fmt)
        assert first.read_bytes() == second.read_bytes(), fmt


def test_a_rebuilt_pack_verifies_and_an_edited_one_does_not(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "pack.pdf"
    report(demo, out)
    ok = runner.invoke(app, ["--repo", str(demo), "report", "verify", str(out)])
    assert ok.exit_code == 0, ok.output
    assert ok.stdout.startswith(f"{out}: matches a fresh build from riverside at {head(demo)[:8]}")
    html = tmp_path / "pack.html"
    report(demo, html, "--format", "html")
    edited = html.read_text().replace("Overdue", "Late", 1)
    html.write_text(edited)
    bad = runner.invoke(app, ["--repo", str(demo), "report", "verify", str(html)])
    assert bad.exit_code == 1, bad.output
    assert "does NOT match a fresh build" in bad.output


def test_verify_refuses_a_file_cqctrack_did_not_build(demo: Path, tmp_path: Path) -> None:
    stray = tmp_path / "minutes.html"
    stray.write_text("<html><body>Minutes</body></html>")
    result = runner.invoke(app, ["--repo", str(demo), "report", "verify", str(stray)])
    assert result.exit_code == 2, result.output
    assert "this file carries no cqctrack build record" in result.output


# --- HTML ----------------------------------------------------------------------------


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.links: list[str] = []
        self.text: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.scripts += tag == "script"
        self.links += [v for k, v in attrs if k in ("src", "href") and v]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_the_html_is_one_file_with_inline_charts_and_no_requests(
    demo: Path, tmp_path: Path
) -> None:
    out = tmp_path / "pack.html"
    report(demo, out, "--format", "html")
    page = _Page()
    page.feed(out.read_text())
    assert page.scripts == 0
    assert page.links == []  # no stylesheet, image, font or script fetched from anywhere
    assert page.tags.count("svg") == 10  # nine measures and the weekly trend
    assert "@media print" in out.read_text()
    assert "2. Needs attention" in "".join(page.text)


def test_text_from_tracker_files_is_escaped_in_html(demo: Path, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(demo, repo)
    action = next(repo.glob("trackers/*/actions/STF-003.yaml"))
    text = action.read_text()
    title = re.search(r"^title: (.*)$", text, re.M)
    assert title is not None
    action.write_text(text.replace(title.group(0), "title: <script>alert('x')</script> rota"))
    when = {"GIT_AUTHOR_DATE": "2026-11-21T09:00:00", "GIT_COMMITTER_DATE": "2026-11-21T09:00:00"}
    subprocess.run(
        ["git", "-C", str(repo), "commit", "-qam", "Title"], check=True, env={**os.environ, **when}
    )
    out = tmp_path / "pack.html"
    report(repo, out, "--format", "html")
    html = out.read_text()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; rota" in html


# --- Markdown and JSON ---------------------------------------------------------------


def test_the_markdown_pack(demo: Path, tmp_path: Path, golden) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "pack.md"
    report(demo, out, "--format", "md")
    text = out.read_text().replace(head(demo), "HEAD").replace(head(demo)[:8], "HEAD8")
    text = re.sub(r"cqctrack-build:[A-Za-z0-9+/=]+", "cqctrack-build:…", text)
    golden("report__demo-2026-11.md", text)


def test_the_json_pack_matches_its_schema(demo: Path, tmp_path: Path) -> None:
    import jsonschema

    out = tmp_path / "pack.json"
    report(demo, out, "--format", "json")
    payload = json.loads(out.read_text())
    schema = json.loads((PROJECT / "schemas" / "report.schema.json").read_text())
    jsonschema.validate(payload, schema)
    assert payload["build"]["sources"] == [
        {
            "name": "riverside",
            "provider": "Example Care Group Ltd",
            "commit": head(demo),
            "clean": True,
        }
    ]
    assert [r["action"] for r in payload["attention"]][:2] == ["STF-003", "MED-005"]
    assert len(payload["appendix"]) == 21


# --- audiences and scope -------------------------------------------------------------


def test_a_commissioner_pack_leaves_out_person_references_and_notes(
    demo: Path, tmp_path: Path
) -> None:
    provider, commissioner = tmp_path / "p.json", tmp_path / "c.json"
    report(demo, provider, "--format", "json")
    report(demo, commissioner, "--format", "json", "--audience", "commissioner")
    assert re.search(r"\bSU-\d+", provider.read_text())
    text = commissioner.read_text()
    assert not re.search(r"\bSU-\d+", text)
    assert "[person]" in text
    pack = json.loads(text)
    assert pack["omitted"][0].startswith("the notes recorded with oversight decisions")
    assert all(d["note"] is None for d in pack["governance"]["decisions"])
    assert "CP-002" in text  # action ids look like references but are kept


def test_one_pack_across_two_repositories(demo: Path, tmp_path: Path) -> None:
    other = tmp_path / "oakfield"
    shutil.copytree(demo, other)
    out = tmp_path / "group.json"
    result = runner.invoke(
        app,
        ["report", *ARGS, "--repo", str(demo), "--repo", str(other), "-f", "json", "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    pack = json.loads(out.read_text())
    assert [s["name"] for s in pack["build"]["sources"]] == ["riverside", "oakfield"]
    trackers = {r["tracker"] for r in pack["appendix"]}
    assert "riverside/oakfield-house" in trackers and "oakfield/oakfield-house" in trackers
    assert len(pack["appendix"]) == 42


def test_bad_periods_and_trackers_are_plain_errors(demo: Path, tmp_path: Path) -> None:
    for args, message in (
        (("--period", "2026-13"), "--period 2026-13: not a month or quarter"),
        (("--since", "2026-11-01"), "--since and --until go together"),
        (
            ("--period", "2026-11", "--tracker", "nowhere"),
            "--tracker nowhere: there is no such tracker",
        ),
    ):
        result = runner.invoke(
            app, ["--repo", str(demo), "report", *args, "-o", str(tmp_path / "x.pdf")]
        )
        assert result.exit_code == 2, result.output
        assert message in result.output


# --- the record as committed ---------------------------------------------------------


def test_each_week_of_the_trend_is_what_review_at_that_day_shows(
    demo: Path, tmp_path: Path
) -> None:
    out = tmp_path / "pack.json"
    report(demo, out, "--format", "json")
    points = json.loads(out.read_text())["trend"]["points"]
    assert len(points) == 13
    for point in (points[0], points[6], points[-1]):
        day = point["week_end"]
        result = runner.invoke(
            app, ["--repo", str(demo), "review", "--at", day, "--all", "--format", "json"]
        )
        assert result.exit_code == 0, result.output
        rows = [r for r in json.loads(result.stdout) if r["status"] not in ("closed", "cancelled")]
        assert point["open"] == len(rows), day
        assert point["red"] == sum(r["brag"] == "red" for r in rows), day
        assert point["overdue"] == sum(r["days_overdue"] > 0 for r in rows), day


def test_a_pack_reads_what_is_committed_and_still_verifies_after_new_commits(
    demo: Path, tmp_path: Path
) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(demo, repo)
    out = tmp_path / "pack.pdf"
    report(repo, out)
    action = next(repo.glob("trackers/*/actions/MED-005.yaml"))
    action.write_text(action.read_text().replace("title: ", "title: Changed since: ", 1))
    uncommitted = runner.invoke(
        app, ["--repo", str(repo), "report", *ARGS, "-o", str(tmp_path / "b.pdf")]
    )
    assert uncommitted.exit_code == 0, uncommitted.output
    assert (
        "note: repo has uncommitted changes to its trackers; the pack shows what is committed"
        in uncommitted.output
    )
    assert (tmp_path / "b.pdf").read_bytes() == out.read_bytes()
    subprocess.run(["git", "-C", str(repo), "commit", "-qam", "Later"], check=True)
    ok = runner.invoke(app, ["--repo", str(repo), "report", "verify", str(out)])
    assert ok.exit_code == 0, ok.output


def test_closures_say_how_git_proves_the_sign_off_and_flags_reach_the_governance_record(
    demo: Path, tmp_path: Path
) -> None:
    out = tmp_path / "pack.json"
    report(demo, out, "--format", "json")
    pack = json.loads(out.read_text())
    (closed,) = pack["closed"]
    assert closed["proof"].startswith(
        "evidence meets every requirement; proven by git: committed by Meera Patel, "
        "mpatel@example.org, on 17 Nov 2026 (commit "
    )
    flags = pack["governance"]["flags"]
    assert {"action": "STF-003", "tracker": "oakfield-house", "code": "drift-unlogged-extension",
            "message": "due date moved 4 Sep 2026 → 11 Sep 2026 without a logged extension"} in flags  # fmt: skip


def test_every_format_lists_what_changed_in_the_same_order(demo: Path, tmp_path: Path) -> None:
    words = ("Closed (1)", "Newly overdue (1)", "Extended (1)", "Escalated (1)")

    def order(text: str) -> list[int]:
        return [text.index(word) for word in words]

    texts = {}
    for fmt in ("pdf", "html", "md"):
        out = tmp_path / f"pack.{fmt}"
        report(demo, out, "--format", fmt)
        if fmt == "pdf":
            texts[fmt] = " ".join(pdf_text(out)[0].split())
        else:
            texts[fmt] = re.sub(r"<[^>]+>|\*\*", "", out.read_text())
    for fmt, text in texts.items():
        assert order(text) == sorted(order(text)), fmt


def test_a_progress_bar_shows_on_a_terminal_and_never_in_a_pipe(demo: Path, tmp_path: Path) -> None:
    leader, follower = pty.openpty()
    seen: list[bytes] = []

    def drain() -> None:  # read as it comes, so a full terminal buffer never blocks the child
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the child has gone and closed its end
                return
            if not chunk:
                return
            seen.append(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    command = [sys.executable, "-m", "cqctrack", "--repo", str(demo), "report", *ARGS]
    done = subprocess.run(
        [*command, "--output", str(tmp_path / "pack.md"), "--format", "md"],
        stdout=subprocess.PIPE,
        stderr=follower,
        env={**os.environ, "COLUMNS": "100"},
        check=False,
        timeout=120,
    )
    os.close(follower)
    reader.join(timeout=10)
    os.close(leader)
    assert done.returncode == 0
    screen = re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", b"".join(seen).decode("utf-8", "replace"))
    assert "building the pack: the weekly trend from git, week" in screen
    assert "rendering the MD" in screen
    assert done.stdout.decode().startswith("Wrote ")  # the bar is on stderr only
    piped = subprocess.run(
        [*command, "--output", str(tmp_path / "again.md"), "--format", "md"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert piped.returncode == 0 and piped.stderr == ""
