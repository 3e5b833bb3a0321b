"""The CI and pre-commit files `cqctrack init` writes (issue 13).

Each runs the commands a test runs locally against a repository made by `init`
(tests/cli/test_ci_templates.py): `check --since` the pull request's base with
annotations (GitHub) or a code quality report (GitLab), and the meeting pack built
as an artifact. The only command the test leaves out is installing cqctrack.

Commands take the pull request's base from the environment (`$GITHUB_BASE_REF`,
`$CI_MERGE_REQUEST_DIFF_BASE_SHA`) rather than from `${{ ... }}` expressions pasted
into the script, so a branch name can never become shell code, and the same lines
run unchanged outside CI (on a push, with no base, `check` judges the whole tree).
"""

from __future__ import annotations

from cqctrack import __version__

GITHUB_WORKFLOW = ".github/workflows/cqctrack.yml"
GITLAB_CI = ".gitlab-ci.yml"
PRE_COMMIT_CONFIG = ".pre-commit-config.yaml"
PACK = "pack.pdf"
GITLAB_REPORT = "gl-code-quality-report.json"


def _repo_option(prefix: str) -> str:
    """`--repo sub ` when the trackers sit in a subfolder of the git repository."""
    return "" if prefix in ("", ".") else f"--repo {prefix} "


def _version() -> str:
    return __version__.split("+")[0]


def _cache_path(prefix: str, home: str) -> str:
    """Where cqctrack keeps its caches in the CI job (cache.folder): inside .git for a
    tracker repository at the top of the checkout, else the user's cache folder."""
    return ".git/cqctrack" if prefix == "." else f"{home}/cqctrack"


def _gitlab_cache_home(prefix: str) -> str:
    # GitLab caches only paths inside the project folder.
    if prefix == ".":
        return ""
    return '\n    XDG_CACHE_HOME: "$CI_PROJECT_DIR/.cqctrack-cache"'


def github_workflow(prefix: str = ".") -> str:
    repo = _repo_option(prefix)
    return f"""\
# Written by `cqctrack init` (cqctrack {_version()}). On every pull request: check the
# trackers and the change since the base branch (problems show as annotations on the
# lines), and build the meeting pack as an artifact. Make this check required in the
# branch protection rules (see cqctrack's README: "Access where it belongs").
name: cqctrack
on:
  pull_request:
  push:
    branches: [main]
permissions:
  contents: read
jobs:
  check:
    runs-on: ubuntu-latest
    env:
      # The secret that authenticates cqctrack's caches (Settings > Secrets > Actions:
      # any long random text). Without it the restored cache is not trusted, only slower.
      CQCTRACK_CACHE_KEY: ${{{{ secrets.CQCTRACK_CACHE_KEY }}}}
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0   # cqctrack reads the whole history; a shallow clone is refused
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - name: Install cqctrack
        run: python -m pip install "cqctrack=={_version()}"
      - uses: actions/cache@v4   # what cqctrack read last time: unchanged files are not parsed again
        with:
          path: {_cache_path(prefix, "~/.cache")}
          key: cqctrack-${{{{ github.sha }}}}
          restore-keys: cqctrack-
      - name: Check the trackers
        run: cqctrack {repo}check --format github ${{GITHUB_BASE_REF:+--since "origin/$GITHUB_BASE_REF"}}
      - name: Build the meeting pack
        if: ${{{{ !cancelled() }}}}
        run: cqctrack {repo}report --format pdf --output {PACK}
      - uses: actions/upload-artifact@v4
        if: ${{{{ !cancelled() }}}}
        with:
          name: meeting-pack
          path: {PACK}
"""


def gitlab_ci(prefix: str = ".") -> str:
    repo = _repo_option(prefix)
    return f"""\
# Written by `cqctrack init` (cqctrack {_version()}). On every merge request: build the
# meeting pack, then check the trackers and the change since the target branch;
# problems show in the merge request through GitLab's code quality report.
cqctrack:
  image: python:3.12
  variables:
    GIT_DEPTH: "0"   # cqctrack reads the whole history; a shallow clone is refused{_gitlab_cache_home(prefix)}
  # What cqctrack read last time, so unchanged files are not parsed again. Set a masked
  # CI/CD variable CQCTRACK_CACHE_KEY (any long random text) so the cache is trusted.
  cache:
    key: cqctrack
    paths:
      - {_cache_path(prefix, ".cqctrack-cache")}
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
  script:
    - python -m pip install "cqctrack=={_version()}"
    - cqctrack {repo}report --format pdf --output {PACK}
    - cqctrack {repo}check --format gitlab ${{CI_MERGE_REQUEST_DIFF_BASE_SHA:+--since "$CI_MERGE_REQUEST_DIFF_BASE_SHA"}} > {GITLAB_REPORT}
  artifacts:
    when: always
    reports:
      codequality: {GITLAB_REPORT}
    paths:
      - {PACK}
      - {GITLAB_REPORT}
"""


def pre_commit_config(prefix: str = ".") -> str:
    repo = _repo_option(prefix)
    return f"""\
# Written by `cqctrack init`. `pre-commit install` once per clone, and every commit is
# checked first: one that would leave a problem `cqctrack check` reports as an error (a
# closure without evidence, a name where a pseudonymous reference belongs) is refused.
# This runs the cqctrack you have installed; to let pre-commit install its own, use
# cqctrack's hook instead:  - repo: <cqctrack's git repository>  rev: v{_version()}
#                             hooks: [{{id: cqctrack-check}}]
repos:
  - repo: local
    hooks:
      - id: cqctrack-check
        name: cqctrack check
        entry: cqctrack {repo}check
        language: system
        pass_filenames: false
        files: (^|/)(cqctrack\\.yaml|trackers/.*|evidence/.*)$
"""


def files(prefix: str = ".") -> dict[str, str]:
    """Path (in the tracker repository) -> text, for each file `init` writes."""
    return {
        GITHUB_WORKFLOW: github_workflow(prefix),
        GITLAB_CI: gitlab_ci(prefix),
        PRE_COMMIT_CONFIG: pre_commit_config(prefix),
    }
