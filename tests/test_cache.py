"""Caches never change what a command prints: with or without them, after any edit."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cqctrack import cache, sealed
from cqctrack.cli import app
from cqctrack.format import dialect, models, records
from tests.conftest import commit_all, git

runner = CliRunner()
PROJECT = Path(__file__).resolve().parents[1]
COMMANDS = [
    ["check", "--as-of", "2026-11-23"],
    ["review", "--as-of", "2026-11-23"],
    ["review", "--overdue", "--as-of", "2026-11-23", "--format", "json"],
    ["review", "--all", "--as-of", "2026-11-23", "--format", "csv"],
    ["review", "--concerns", "--as-of", "2026-11-23"],
    ["summary", "--as-of", "2026-11-23", "--format", "json"],
    ["history", "MED-003", "--format", "json"],
]


@pytest.fixture
def examples(tmp_path: Path, isolated_git) -> Path:
    root = tmp_path / "examples"
    root.mkdir()
    config = (PROJECT / "cqctrack.yaml").read_text()
    # The copy is imported in its first commit: history from the next one on is judged.
    assert "imported_until: 2026-12-01" in config
    (root / "cqctrack.yaml").write_text(config.replace("2026-12-01", "2026-11-20"))
    shutil.copytree(PROJECT / "trackers", root / "trackers")
    shutil.copytree(PROJECT / "evidence", root / "evidence")
    git(root, "init", "-q")
    commit_all(root, "Example trackers", "2026-11-20")
    return root


def outputs(root: Path, monkeypatch: pytest.MonkeyPatch, cached: bool) -> list[tuple[int, str]]:
    monkeypatch.setenv("CQCTRACK_NO_CACHE", "0" if cached else "1")
    results = []
    for args in COMMANDS:
        result = runner.invoke(app, ["--repo", str(root), *args])
        results.append((result.exit_code, result.output))
    return results


def test_every_command_prints_the_same_cold_warm_and_without_cache(
    examples: Path, monkeypatch
) -> None:
    uncached = outputs(examples, monkeypatch, cached=False)
    assert not (examples / ".git" / "cqctrack").exists()
    cold = outputs(examples, monkeypatch, cached=True)
    assert (examples / ".git" / "cqctrack" / "files.cache").exists()
    warm = outputs(examples, monkeypatch, cached=True)
    assert uncached == cold == warm
    assert all(code in (0, 1) for code, _ in uncached)


def _edit_keeping_size_and_mtime(path: Path, old: str, new: str) -> None:
    assert len(old) == len(new)
    stat = path.stat()
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size
    assert path.stat().st_mtime_ns == stat.st_mtime_ns


def test_a_one_byte_change_with_the_same_size_and_mtime_is_seen(
    examples: Path, monkeypatch
) -> None:
    action = examples / "trackers/riverside-homecare/actions/MED-005.yaml"
    outputs(examples, monkeypatch, cached=True)  # fill the caches
    _edit_keeping_size_and_mtime(action, "risk: high", "risk: low ")
    cached = outputs(examples, monkeypatch, cached=True)
    uncached = outputs(examples, monkeypatch, cached=False)
    assert cached == uncached
    review = runner.invoke(
        app,
        [
            "--repo",
            str(examples),
            "review",
            "--overdue",
            "--as-of",
            "2026-11-23",
            "--format",
            "json",
        ],
    )
    assert '"risk": "low"' in review.output


def test_a_file_broken_after_caching_is_reported_not_served_from_cache(
    examples: Path, monkeypatch
) -> None:
    outputs(examples, monkeypatch, cached=True)
    action = examples / "trackers/riverside-homecare/actions/MED-005.yaml"
    _edit_keeping_size_and_mtime(action, "status: ", "statuz: ")
    result = runner.invoke(app, ["--repo", str(examples), "check", "--as-of", "2026-11-23"])
    assert result.exit_code == 1, result.output
    assert "unknown field 'statuz'" in result.output


def test_deleting_an_evidence_file_invalidates_the_cached_check(
    examples: Path, monkeypatch
) -> None:
    assert (
        runner.invoke(app, ["--repo", str(examples), "check", "--as-of", "2026-11-23"]).exit_code
        == 0
    )
    (examples / "evidence/riverside-homecare/2026-09-medicines-audit.md").unlink()
    result = runner.invoke(app, ["--repo", str(examples), "check", "--as-of", "2026-11-23"])
    assert result.exit_code == 1, result.output
    assert "2026-09-medicines-audit.md, which does not exist" in result.output


def test_new_commits_are_added_to_the_cached_git_facts(examples: Path, monkeypatch) -> None:
    import json

    query = [
        "--repo",
        str(examples),
        "review",
        "--all",
        "--as-of",
        "2026-11-23",
        "--format",
        "json",
    ]

    def med_007(output: str) -> dict:
        return next(row for row in json.loads(output) if row["id"] == "MED-007")

    before = med_007(runner.invoke(app, query).output)
    action = examples / "trackers/riverside-homecare/actions/MED-007.yaml"
    text = action.read_text()
    due = next(line for line in text.splitlines() if line.startswith("due: "))
    action.write_text(text.replace(due, "due: 2027-03-31"))
    commit_all(examples, "Move MED-007", "2026-11-21")
    cached = runner.invoke(app, query).output
    monkeypatch.setenv("CQCTRACK_NO_CACHE", "1")
    assert cached == runner.invoke(app, query).output
    assert before["extensions"]["unlogged"] == 0
    assert med_007(cached)["extensions"]["unlogged"] == 1


def test_rewritten_history_is_read_again_in_full(examples: Path, monkeypatch) -> None:
    query = [
        "--repo",
        str(examples),
        "review",
        "--all",
        "--as-of",
        "2026-11-23",
        "--format",
        "json",
    ]
    runner.invoke(app, query)
    action = examples / "trackers/riverside-homecare/actions/MED-007.yaml"
    text = action.read_text()
    due = next(line for line in text.splitlines() if line.startswith("due: "))
    action.write_text(text.replace(due, "due: 2027-03-31"))
    git(examples, "commit", "-qa", "--amend", "-m", "Example trackers, amended")
    cached = runner.invoke(app, query).output
    monkeypatch.setenv("CQCTRACK_NO_CACHE", "1")
    assert cached == runner.invoke(app, query).output


def _forged(payload: bytes, key: bytes) -> bytes:
    return sealed.MAGIC + sealed.mac(key, payload) + payload


def _whole(value: object) -> bytes:
    """The payload of a value sealed whole."""
    import marshal

    return sealed.WHOLE + marshal.dumps(value)


@pytest.mark.parametrize("name", ["files", "history", "history-pending", "check", "config"])
def test_a_corrupt_or_foreign_cache_is_ignored_and_rebuilt(
    examples: Path, monkeypatch, name: str
) -> None:

    expected = outputs(examples, monkeypatch, cached=False)
    outputs(examples, monkeypatch, cached=True)
    target = cache.folder(examples) / f"{name}{cache.SUFFIX}"
    assert target.exists()
    key = cache.user_key()
    assert key is not None
    good = target.read_bytes()
    junks = [
        b"not a cache",
        good[:-1] + bytes([good[-1] ^ 1]),  # one bit changed: the MAC no longer matches
        _forged(_whole((cache.STAMP, ("wrong", "shape"))), key),  # right key, wrong shape
    ]
    if name == "files":  # the rest once: cut short, and another version's stamp
        junks += [good[:-7], _forged(_whole(("another version", None)), key)]
    for junk in junks:
        target.write_bytes(junk)
        assert outputs(examples, monkeypatch, cached=True) == expected


class _Boom:
    def __reduce__(self):
        return (os.system, ("touch pwned",))


def test_a_cache_planted_to_run_code_runs_nothing(examples: Path, monkeypatch, tmp_path) -> None:
    """The attack of issue 12: write a pickle that runs a command when loaded."""
    import pickle

    expected = outputs(examples, monkeypatch, cached=False)
    folder = cache.folder(examples)
    folder.mkdir(parents=True, exist_ok=True)
    monkeypatch.chdir(tmp_path)
    evil = pickle.dumps((cache.STAMP, _Boom()))
    for name in ("files", "check", "config", "history"):
        for suffix in (cache.SUFFIX, ".pickle"):
            (folder / f"{name}{suffix}").write_bytes(evil)
            (folder / f"{name}{suffix}").write_bytes(cache.MAGIC + b"\0" * 32 + evil)
    assert outputs(examples, monkeypatch, cached=True) == expected
    assert not (tmp_path / "pwned").exists()
    assert not (examples / "pwned").exists()


def test_a_cache_made_with_another_key_is_not_trusted(examples: Path, monkeypatch) -> None:
    """Someone who can write the cache folder but not read the key cannot forge a result."""
    import marshal

    monkeypatch.setenv("CQCTRACK_NO_CACHE", "0")
    action = examples / "trackers/riverside-homecare/actions/MED-005.yaml"
    action.write_text(action.read_text().replace("status: ", "statuz: "))
    check = ["--repo", str(examples), "check", "--as-of", "2026-11-23"]
    assert runner.invoke(app, check).exit_code == 1
    target = cache.folder(examples) / f"check{cache.SUFFIX}"
    stamp, (key_, refs, (_, files_checked)) = marshal.loads(
        target.read_bytes()[len(cache.MAGIC) + 32 + 1 :]
    )
    lie = _whole((stamp, (key_, refs, ([], files_checked))))  # "no problems found"
    target.write_bytes(_forged(lie, b"k" * 32))
    result = runner.invoke(app, check)
    assert result.exit_code == 1, result.output
    assert "unknown field 'statuz'" in result.output
    # The same lie under the real key would be believed: the key is what protects.
    target.write_bytes(_forged(lie, cache.user_key()))
    assert runner.invoke(app, check).exit_code == 0


def test_the_cache_key_lives_outside_every_cache_folder_and_is_private(
    examples: Path, monkeypatch
) -> None:
    outputs(examples, monkeypatch, cached=True)
    key_file = cache.key_file()
    assert key_file.exists() and key_file.stat().st_mode & 0o077 == 0
    assert cache.folder(examples) not in key_file.parents
    assert Path(os.environ["XDG_CACHE_HOME"]) not in key_file.parents


def test_a_ci_key_from_the_environment_authenticates_restored_caches(
    examples: Path, monkeypatch
) -> None:
    monkeypatch.setenv("CQCTRACK_CACHE_KEY", "a secret the CI job keeps")
    outputs(examples, monkeypatch, cached=True)
    target = cache.folder(examples) / f"files{cache.SUFFIX}"
    written = target.read_bytes()
    import hashlib

    ci_key = hashlib.sha256(b"a secret the CI job keeps").digest()
    payload = written[len(cache.MAGIC) + 32 :]
    assert written == _forged(payload, ci_key)
    user = cache.user_key()
    assert user is not None and written != _forged(payload, user)


def test_caches_stay_out_of_the_work_tree(examples: Path, monkeypatch) -> None:
    outputs(examples, monkeypatch, cached=True)
    assert git(examples, "status", "--porcelain") == ""


def test_outside_git_the_cache_goes_to_the_user_cache_folder(tmp_path: Path, monkeypatch) -> None:
    from tests.helpers import minimal_repo

    root = minimal_repo(tmp_path / "plain")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert runner.invoke(app, ["--repo", str(root), "check"]).exit_code == 0
    assert list((tmp_path / "xdg" / "cqctrack").glob("*/files.cache"))
    assert not list(root.rglob("*.cache"))


@pytest.mark.parametrize("kind", list(records.RECORDS))
def test_every_view_has_exactly_its_models_fields(kind: str) -> None:
    model_fields = list(models.MODELS[kind].model_fields)
    assert list(records.RECORDS[kind]._fields) == model_fields


def test_a_model_and_its_view_read_alike() -> None:

    path = PROJECT / "trackers/riverside-homecare/actions/MED-003.yaml"
    model = models.Action.model_validate(dialect.parse(path.read_bytes()))
    view = records.from_plain(records.Action, records.plain("action", model))
    assert view.due == model.due and view.status is model.status
    assert view.reviews[-1].decision is model.reviews[-1].decision
    assert view.reopenings[0].closure.verified_by == model.reopenings[0].closure.verified_by
    assert view.evidence[0].reference == model.evidence[0].reference
    assert view.is_open == model.is_open


def _clone_with_caches(examples: Path, tmp_path: Path) -> Path:
    """A fresh clone of `examples` with its caches copied in, as a CI job restores them."""
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(examples), str(clone))
    shutil.copytree(cache.folder(examples), cache.folder(clone))
    return clone


@pytest.mark.parametrize("workers", ["one process", "every core"])
def test_a_fresh_clone_given_another_clones_cache_parses_no_unchanged_file(
    examples: Path, tmp_path: Path, monkeypatch, workers: str
) -> None:
    from cqctrack.store import load

    monkeypatch.setenv("CQCTRACK_CACHE_KEY", "a secret the CI job keeps")
    first = outputs(examples, monkeypatch, cached=True)
    clone = _clone_with_caches(examples, tmp_path)
    if workers == "every core":  # the files are hashed in worker processes, as at scale
        monkeypatch.setattr(load, "PARALLEL_MIN", 1)
        hashed: list[int] = []
        real_ids = load._content_ids
        monkeypatch.setattr(
            load, "_content_ids", lambda paths: hashed.append(len(paths)) or real_ids(paths)
        )
        # Parsing happens in the workers too, out of the spy's sight: watch what is sent.
        sent: list[str] = []
        real_parse = load._parse_all
        monkeypatch.setattr(
            load,
            "_parse_all",
            lambda root, todo, *more: (
                sent.extend(f.rel for f in todo) or real_parse(root, todo, *more)
            ),
        )
    # Every file in the clone has a new inode and times: only its content matches.
    parsed: list[str] = []
    real = load.content_data

    def counting(raw: bytes, rel: str):  # type: ignore[no-untyped-def]
        parsed.append(rel)
        return real(raw, rel)

    monkeypatch.setattr(load, "content_data", counting)
    assert outputs(clone, monkeypatch, cached=True) == [
        (code, text.replace(str(examples), str(clone))) for code, text in first
    ]
    tracked = [p for p in parsed if not p.startswith("evidence/")]
    assert tracked == [], "unchanged files parsed again in the clone"
    if workers == "every core":
        assert hashed and hashed[0] > 10
        assert sent == [], "unchanged files sent to the parse workers"
        monkeypatch.setattr(load, "PARALLEL_MIN", 600)  # parse below in this process, seen
    # A file changed in the clone is parsed, and what it now says is what is shown.
    action = clone / "trackers/riverside-homecare/actions/MED-007.yaml"
    text = action.read_text()
    assert "status: in-progress\n" in text
    action.write_text(text.replace("status: in-progress\n", "status: open\n", 1))
    parsed.clear()
    monkeypatch.setenv("CQCTRACK_NO_CACHE", "0")
    runner.invoke(app, ["--repo", str(clone), "check", "--as-of", "2026-11-23"])
    assert parsed == ["trackers/riverside-homecare/actions/MED-007.yaml"]


def _watch_reads(monkeypatch) -> tuple[list[str], list[str]]:
    """Which tracker files are read to be hashed, and which are parsed."""
    from cqctrack.store import load

    monkeypatch.setattr(load, "VOUCHED_MIN", 0)  # ask git even for a repository this small
    hashed: list[str] = []
    real_ids = load._content_ids
    monkeypatch.setattr(load, "_content_ids", lambda paths: hashed.extend(paths) or real_ids(paths))
    parsed: list[str] = []
    real = load.content_data
    monkeypatch.setattr(load, "content_data", lambda raw, rel: parsed.append(rel) or real(raw, rel))
    return hashed, parsed


def test_a_fresh_clone_reads_no_file_git_vouches_for(
    examples: Path, tmp_path: Path, monkeypatch
) -> None:
    # Git's index knows every checked-out file's blob id: a restored cache is matched by
    # it, without reading the files.
    monkeypatch.setenv("CQCTRACK_CACHE_KEY", "a secret the CI job keeps")
    first = outputs(examples, monkeypatch, cached=True)
    clone = _clone_with_caches(examples, tmp_path)
    hashed, parsed = _watch_reads(monkeypatch)
    assert outputs(clone, monkeypatch, cached=True) == [
        (code, text.replace(str(examples), str(clone))) for code, text in first
    ]
    assert [p for p in hashed if "/trackers/" in p] == []
    assert [p for p in parsed if p.startswith("trackers/")] == []


@pytest.mark.parametrize("how", ["assume-unchanged", "skip-worktree", "converted on checkout"])
def test_a_file_git_does_not_look_at_or_converts_is_read_itself(
    examples: Path, tmp_path: Path, monkeypatch, how: str
) -> None:
    monkeypatch.setenv("CQCTRACK_CACHE_KEY", "a secret the CI job keeps")
    outputs(examples, monkeypatch, cached=True)
    clone = _clone_with_caches(examples, tmp_path)
    rel = "trackers/riverside-homecare/actions/MED-007.yaml"
    action = clone / rel
    if how == "converted on checkout":
        # Line endings converted on checkout: the bytes are not the blob's, whatever the
        # index says, so the blob's id must not stand for them.
        git(clone, "config", "core.autocrlf", "true")
        (clone / rel).unlink()
        git(clone, "checkout", "--", rel)
        assert b"\r\n" in action.read_bytes()
    else:
        # git is told not to look at the file; it is then edited, keeping its size (so
        # only git's not looking could hide the edit).
        git(clone, "update-index", f"--{how}", rel)
        text = action.read_text()
        title = next(line for line in text.splitlines() if line.startswith("title: "))
        action.write_text(text.replace(title, "title: " + title[7:].upper(), 1))
        assert len(action.read_bytes()) == len(text.encode())
    hashed, parsed = _watch_reads(monkeypatch)
    monkeypatch.setenv("CQCTRACK_NO_CACHE", "0")
    cached = runner.invoke(app, ["--repo", str(clone), "review", "--all", "--as-of", "2026-11-23"])
    assert any(p.endswith(rel) for p in hashed)
    monkeypatch.setenv("CQCTRACK_NO_CACHE", "1")
    fresh = runner.invoke(app, ["--repo", str(clone), "review", "--all", "--as-of", "2026-11-23"])
    assert cached.output == fresh.output
    if how != "converted on checkout":
        assert rel in parsed
        assert title[7:].upper()[:20] in fresh.output


def test_a_cache_from_a_clone_without_the_ci_key_is_not_used(
    examples: Path, tmp_path: Path, monkeypatch
) -> None:
    from cqctrack.store import load

    monkeypatch.setenv("CQCTRACK_CACHE_KEY", "one job's secret")
    outputs(examples, monkeypatch, cached=True)
    clone = _clone_with_caches(examples, tmp_path)
    monkeypatch.setenv("CQCTRACK_CACHE_KEY", "another job's secret")
    parsed: list[str] = []
    real = load.content_data
    monkeypatch.setattr(load, "content_data", lambda raw, rel: parsed.append(rel) or real(raw, rel))
    runner.invoke(app, ["--repo", str(clone), "check", "--as-of", "2026-11-23"])
    assert len([p for p in parsed if p.startswith("trackers/")]) > 10


SUMMARY = ["summary", "--as-of", "2026-11-23", "--format", "json"]


@pytest.mark.parametrize(
    "edit",
    [
        "evidence file deleted",
        "concern reviewed",
        "tracker's manager changed",
        "people changed",
        "staff repeated",
        "later day",
    ],
)
def test_the_summary_kept_per_action_is_judged_again_when_what_it_read_changes(
    examples: Path, monkeypatch, edit: str
) -> None:
    # summary keeps each action's judgement (read/memo.py); every input of that judgement
    # that can change without the action's own file must make it judge again.
    monkeypatch.setenv("CQCTRACK_NO_CACHE", "0")
    # On 1 December STF-004 has missed its provider-level review, which a review of its
    # concern makes good.
    day = "2026-12-01" if edit == "concern reviewed" else "2026-11-23"
    query = ["--repo", str(examples), "summary", "--as-of", day, "--format", "json"]
    before = runner.invoke(app, query).output
    assert runner.invoke(app, query).output == before  # now from what was kept
    if edit == "evidence file deleted":
        (examples / "evidence/riverside-homecare/med-004-weekly-mar-check-log.md").unlink()
    elif edit == "concern reviewed":
        concern = next(examples.glob("trackers/*/concerns/STF-C2.yaml"))
        text = concern.read_text()
        assert "\nreviews:" not in text
        concern.write_text(
            text + "reviews:\n  - date: 2026-11-30\n    by: dokafor\n    level: monthly\n"
            "    decision: on-track\n    note: Provider scrutiny of the staffing concern.\n"
        )
    elif edit == "tracker's manager changed":
        # The owner of CP-003 becomes the registered manager: its escalation goes past her.
        tracker = examples / "trackers/maple-court/tracker.yaml"
        text = tracker.read_text()
        tracker.write_text(
            text.replace("registered_manager: rhughes", "registered_manager: bmensah")
        )
    elif edit == "people changed":
        # The nominated individual's reviews no longer count as provider scrutiny.
        config = examples / "cqctrack.yaml"
        text = config.read_text()
        config.write_text(text.replace("role: nominated-individual", "role: care-coordinator", 1))
    elif edit == "staff repeated":
        # One care worker on two actions: a repeat the summary lists.
        for name in ("MED-001", "MED-002"):
            action = examples / f"trackers/riverside-homecare/actions/{name}.yaml"
            text = action.read_text()
            owner = next(line for line in text.splitlines() if line.startswith("owner: "))
            action.write_text(text.replace(owner, f"{owner}\nstaff_refs: [CW-014]", 1))
    else:
        query[-3] = "2026-11-30"
    cached = runner.invoke(app, query)
    assert cached.exit_code == 0, cached.output
    assert cached.output != before  # the edit changes what the summary says
    monkeypatch.setenv("CQCTRACK_NO_CACHE", "1")
    assert cached.output == runner.invoke(app, query).output


def test_the_kept_versions_of_cqctrack_yaml_follow_new_commits(examples: Path, monkeypatch) -> None:
    from cqctrack.git import facts

    caches = cache.Caches(examples)
    first = facts.config_history(examples, caches)
    assert len(first) == 1 and facts.config_history(examples, caches) == first  # kept
    config = examples / "cqctrack.yaml"
    config.write_text(
        config.read_text().replace("verifier_may_be_owner: false", "verifier_may_be_owner: true")
    )
    commit_all(examples, "Relax the verifier rule", "2026-11-21")
    later = facts.config_history(examples, caches)
    assert len(later) == 2 and later[0] == first[0]
    assert later[1][1] is not None and later[1][1] != first[0][1]  # the relaxed policy
    assert later[1][0][0] == git(examples, "rev-parse", "HEAD").strip()
    query = ["--repo", str(examples), "history", "MED-003", "--format", "json"]
    monkeypatch.setenv("CQCTRACK_NO_CACHE", "0")
    cached = runner.invoke(app, query).output
    monkeypatch.setenv("CQCTRACK_NO_CACHE", "1")
    assert cached == runner.invoke(app, query).output


def test_histories_worked_out_and_still_pending_both_follow_new_commits(
    examples: Path, monkeypatch
) -> None:
    """`review --overdue` works out the history of the overdue actions only; the rest stay
    pending in their cache (and are no longer held). Commits after it, to one of each,
    are worked in alike: every command then prints what it prints without a cache."""
    import json

    monkeypatch.setenv("CQCTRACK_NO_CACHE", "0")
    repo = ["--repo", str(examples)]
    overdue = [*repo, "review", "--overdue", "--as-of", "2026-11-23", "--format", "json"]
    shown = {row["id"] for row in json.loads(runner.invoke(app, overdue).output)}
    actions = sorted((examples / "trackers").glob("*/actions/*.yaml"))
    worked = next(p for p in actions if p.stem in shown)
    pending = next(p for p in actions if p.stem not in shown and "status: open" in p.read_text())
    for when, paths in (("2026-11-21", [worked, pending]), ("2026-11-22", [worked])):
        for path in paths:
            text = path.read_text()
            due = next(line for line in text.splitlines() if line.startswith("due: "))
            path.write_text(text.replace(due, f"due: 2027-0{len(paths) + 1}-28"))
        commit_all(examples, f"Move due dates ({when})", when)
        commands = [*COMMANDS, ["history", worked.stem], ["history", pending.stem]]
        cached = [runner.invoke(app, [*repo, *args]).output for args in commands]
        monkeypatch.setenv("CQCTRACK_NO_CACHE", "1")
        assert cached == [runner.invoke(app, [*repo, *args]).output for args in commands]
        monkeypatch.setenv("CQCTRACK_NO_CACHE", "0")
    moved = runner.invoke(app, [*repo, "history", pending.stem]).output
    assert "without a logged extension" in moved


def test_commits_to_worked_out_files_only_leave_the_pending_history_usable(
    examples: Path, monkeypatch
) -> None:
    """After commits that change only files whose history is worked out, the changes still
    pending are as their cache holds them: the next command asking for them reads them
    from there, not the whole of git's log again."""
    import json

    from cqctrack.git import repository

    monkeypatch.setenv("CQCTRACK_NO_CACHE", "0")
    repo = ["--repo", str(examples)]
    overdue = [*repo, "review", "--overdue", "--as-of", "2026-11-23", "--format", "json"]
    shown = {row["id"] for row in json.loads(runner.invoke(app, overdue).output)}
    worked = next(p for p in sorted(examples.glob("trackers/*/actions/*.yaml")) if p.stem in shown)
    worked.write_text(worked.read_text() + "# noted\n")
    commit_all(examples, "Note on an overdue action", "2026-11-21")
    runner.invoke(app, overdue)  # works the new commit into the facts it holds
    rebuilt = []
    real = repository.RepoHistory._rebuild
    monkeypatch.setattr(
        repository.RepoHistory, "_rebuild", lambda self: rebuilt.append(1) or real(self)
    )
    cached = [runner.invoke(app, [*repo, *args]).output for args in COMMANDS]
    assert rebuilt == []
    monkeypatch.setenv("CQCTRACK_NO_CACHE", "1")
    assert cached == [runner.invoke(app, [*repo, *args]).output for args in COMMANDS]


def test_a_pending_history_cache_as_the_version_before_wrote_it_is_read_afresh(
    examples: Path, monkeypatch
) -> None:
    """The pending cache once held each file's changes as lists of (commit number, blob
    before, blob after). Found after an upgrade, when a commit sends cqctrack to it, it is
    treated as missing: every command prints what it prints without a cache."""
    import struct

    monkeypatch.setenv("CQCTRACK_NO_CACHE", "0")
    repo = ["--repo", str(examples)]
    runner.invoke(app, [*repo, "review", "--overdue", "--as-of", "2026-11-23"])
    caches = cache.Caches(examples)
    head, trackers, commits, packed = caches.read("history-pending")
    assert packed  # most files' history is still pending after the overdue review

    def hexed(raw: bytes) -> str | None:
        return None if raw == bytes(20) else raw.hex()

    lists = {
        path: [(n, hexed(b), hexed(a)) for n, b, a in reversed(list(struct.iter_unpack(">I20s20s", data)))]
        for path, data in packed.items()
    }  # fmt: skip
    assert caches.write("history-pending", (head, trackers, commits, lists), in_parts=True)
    pending = examples / next(iter(packed))
    pending.write_text(pending.read_text() + "# noted\n")
    commit_all(examples, "Note on an action", "2026-11-21")
    cached = [runner.invoke(app, [*repo, *args]).output for args in COMMANDS]
    monkeypatch.setenv("CQCTRACK_NO_CACHE", "1")
    assert cached == [runner.invoke(app, [*repo, *args]).output for args in COMMANDS]


@pytest.mark.parametrize("entries", [0, 1, sealed.PART, sealed.PART + 1, 3 * sealed.PART + 5])
def test_a_cache_written_in_parts_reads_back_the_same(tmp_path: Path, entries: int) -> None:
    caches = cache.Caches(tmp_path, key=b"k" * 32)
    last = {f"trackers/t/actions/A-{i:05}.yaml": (i, b"facts", ("x", i)) for i in range(entries)}
    value = ("head", 7, last)
    assert caches.write("big", value, in_parts=True)
    assert caches.read("big") == value
    assert caches.write("small", value)  # the same value written whole reads the same
    assert caches.read("small") == value


def test_a_cache_in_parts_that_lies_about_its_frames_is_ignored(tmp_path: Path) -> None:
    """Even under the right key, a frame running past the end is damage, not data."""
    import marshal

    key = b"k" * 32
    caches = cache.Caches(tmp_path, key=key)
    assert caches.write("big", ("head", {"a": 1}), in_parts=True)
    target = cache.folder(tmp_path) / f"big{cache.SUFFIX}"
    head = marshal.dumps((cache.STAMP, "head"))
    part = marshal.dumps({"a": 1})
    frames = [len(head).to_bytes(8, "big") + head, (len(part) + 9).to_bytes(8, "big") + part]
    target.write_bytes(_forged(sealed.IN_PARTS + b"".join(frames), key))
    assert caches.read("big") is None
    frames[1] = len(part).to_bytes(8, "big") + part  # told the truth, it is read
    target.write_bytes(_forged(sealed.IN_PARTS + b"".join(frames), key))
    assert caches.read("big") == ("head", {"a": 1})
