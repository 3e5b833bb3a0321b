from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers import minimal_repo

PROJECT = Path(__file__).resolve().parents[1]


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
        "[user]\n\tname = Test User\n\temail = test@example.org\n[init]\n\tdefaultBranch = main\n"
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
