from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.helpers import minimal_repo

PROJECT = Path(__file__).resolve().parents[1]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="rewrite tests/golden/ from the output"
    )


@pytest.fixture
def golden(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """Compare text with tests/golden/NAME, or rewrite it under --update-golden."""
    update = request.config.getoption("--update-golden")

    def check(name: str, text: str) -> None:
        path = PROJECT / "tests" / "golden" / name
        if update or not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            if not update:
                pytest.fail(f"{path} did not exist; written now: review it and commit it")
        assert text == path.read_text(encoding="utf-8"), f"differs from {path} (--update-golden)"

    return check


def pytest_configure(config: pytest.Config) -> None:
    # Even session-wide fixtures must not write caches into the user's own folder.
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="cqctrack-tests-")
    # The cache key is made under the configuration folder: never the user's own.
    os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="cqctrack-tests-config-")
    os.environ.pop("CQCTRACK_CACHE_KEY", None)


@pytest.fixture(autouse=True)
def _private_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Caches of repositories outside git go under XDG_CACHE_HOME: keep them per test.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
    monkeypatch.delenv("CQCTRACK_NO_CACHE", raising=False)


@pytest.fixture(autouse=True)
def _stable_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    # Rich output is pinned: no colour, fixed width, so text assertions are exact.
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.delenv("CQCTRACK_REPO", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return minimal_repo(tmp_path / "repo")


@pytest.fixture
def project() -> Path:
    return PROJECT


@pytest.fixture
def isolated_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Git with a fixed identity and no user or system configuration."""
    config = tmp_path / "gitconfig"
    config.write_text(
        "[user]\n\tname = Meera Patel\n\temail = meera@example.org\n[init]\n\tdefaultBranch = main\n"
    )
    env = {
        "GIT_CONFIG_GLOBAL": str(config),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_DATE": "2026-11-02T09:00:00+00:00",
        "GIT_COMMITTER_DATE": "2026-11-02T09:00:00+00:00",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return dict(os.environ)


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=True
    )
    return done.stdout


def commit_all(root: Path, message: str, when: str, author: str | None = None) -> None:
    """Commit everything in `root` at a fixed date (ISO day), optionally as another author."""
    env = dict(
        os.environ,
        GIT_AUTHOR_DATE=f"{when}T09:00:00+00:00",
        GIT_COMMITTER_DATE=f"{when}T09:00:00+00:00",
    )
    if author:
        name, email = author.split(" <")
        env.update(GIT_AUTHOR_NAME=name, GIT_AUTHOR_EMAIL=email.rstrip(">"))
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True, env=env)
    subprocess.run(["git", "-C", str(root), "commit", "-qm", message], check=True, env=env)


# The minimal repository's files hold entries dated up to late October (MED-002 was
# closed on 25 Oct), so a first commit on 1 Sep is an import of an earlier record:
# its policy says so, and history from the next commit on is judged in full.
IMPORTED = "policy:\n  signoff:\n    imported_until: 2026-09-01\n"


@pytest.fixture
def git_repo(tmp_path: Path, isolated_git: dict[str, str]) -> Path:
    """The minimal repository, imported in a commit on 2026-09-01 by Meera Patel."""
    root = minimal_repo(tmp_path / "repo")
    config = root / "cqctrack.yaml"
    config.write_text(config.read_text() + IMPORTED)
    git(root, "init", "-q")
    commit_all(root, "Start trackers", "2026-09-01")
    return root
