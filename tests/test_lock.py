"""The lock is current: every dependency pyproject.toml declares (with the dev and postgres
extras `make test` installs, and the build requirements) is pinned, with hashes, to a version
its range admits; the deploy lock pins the same versions. `make lock` rewrites both."""

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\]+)")


def pins(lock: str) -> dict[str, Version]:
    found: dict[str, Version] = {}
    text = (ROOT / lock).read_text(encoding="utf-8")
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        match = PIN.match(block)
        if match is None:
            continue
        assert "--hash=sha256:" in block, f"{lock}: {match[1]} has no hash"
        found[canonicalize_name(match[1])] = Version(match[2])
    return found


def declared(*extras: str) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    texts = list(project["project"]["dependencies"]) + list(project["build-system"]["requires"])
    for extra in extras:
        texts += project["project"]["optional-dependencies"][extra]
    return [Requirement(text) for text in texts]


def unmet(requirements: list[Requirement], pinned: dict[str, Version]) -> list[str]:
    problems = []
    for requirement in requirements:
        version = pinned.get(canonicalize_name(requirement.name))
        if version is None:
            problems.append(f"{requirement} is not in the lock")
        elif not requirement.specifier.contains(version, prereleases=True):
            problems.append(f"{requirement} does not admit the locked {version}")
    return problems


def test_the_lock_pins_every_declared_dependency() -> None:
    problems = unmet(declared("dev", "postgres"), pins("requirements.lock"))
    assert problems == [], "run `make lock`: " + "; ".join(problems)


def test_the_deploy_lock_pins_the_same_versions_without_dev_tools() -> None:
    full, deploy = pins("requirements.lock"), pins("requirements-deploy.lock")
    assert unmet(declared("postgres"), deploy) == []
    assert {name: deploy[name] for name in deploy} == {name: full[name] for name in deploy}
    assert not {"pytest", "mypy", "ruff", "hypothesis"} & set(deploy)
