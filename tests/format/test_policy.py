"""Policy defaults live in one place: the models, the README and `cqctrack init` agree with it."""

from __future__ import annotations

import re
from pathlib import Path

from cqctrack.format import dialect, records
from cqctrack.format.policy import DEFAULT_POLICY, policy_yaml
from cqctrack.write.create import init_repository

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def policy_of(text: str) -> records.Policy:
    config: records.Config = records.decode("config", dialect.parse(text.encode()))
    return config.policy


def test_a_repository_that_leaves_policy_out_gets_the_defaults() -> None:
    assert policy_of("version: 1\nprovider: X\npeople: {}\n") == DEFAULT_POLICY


def test_the_readme_example_writes_out_the_defaults() -> None:
    block = re.search(r"### `cqctrack.yaml`\n\n```yaml\n(.*?)```", README, re.S)
    assert block is not None
    assert policy_of(block.group(1)) == DEFAULT_POLICY


def test_init_writes_every_default_with_a_comment(tmp_path: Path) -> None:
    init_repository(tmp_path, "Riverside Care Ltd", "mpatel", "Meera Patel", "m@example.org")
    text = (tmp_path / "cqctrack.yaml").read_text()
    assert policy_yaml() in text
    assert policy_of(text) == DEFAULT_POLICY
    keys = [f"{s}.{k}" for s, v in DEFAULT_POLICY._asdict().items() for k in v._asdict()]
    assert all(f"    {key.split('.')[1]}: " in text for key in keys)
