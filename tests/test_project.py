"""The project's set-up contract: two commands, matching dependency lists, no run-time reach outside."""

from __future__ import annotations

import re
import tomllib

import yaml
from packaging.requirements import Requirement

from conftest import REPO


def _name(requirement: str) -> tuple[str, str]:
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement)
    return match.group(1).lower().replace("_", "-"), match.group(2).replace(" ", "")


def test_environment_yml_lists_the_same_packages_and_bounds_as_pyproject():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    pip = dict(_name(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"])
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    conda = dict(_name(d) for d in env["dependencies"] if isinstance(d, str) and not d.startswith(("python", "pip")))
    assert conda == pip


def test_readme_starts_with_exactly_the_two_commands():
    readme = (REPO / "README.md").read_text()
    first_block = readme.split("```")[1].splitlines()[1:]
    commands = [line.split("#")[0].strip() for line in first_block if line.strip()]
    assert commands == ["make reports", "make test"]


def test_ci_runs_make_test():
    assert "make test" in (REPO / ".ci" / "run").read_text()


def test_makefile_has_every_documented_target():
    makefile = (REPO / "Makefile").read_text()
    for target in ("help", "reports", "test", "lab", "bench", "lint", "clean"):
        assert re.search(rf"^{target}:.*## ", makefile, re.M), target
    assert ".DEFAULT_GOAL := help" in makefile
    clean = makefile.split("\nclean:")[1]
    assert "data/raw" not in clean.split("##")[1].split("\n", 1)[1]


def test_package_and_notebooks_never_read_shared_or_the_network():
    files = list((REPO / "src").rglob("*.py")) + list((REPO / "notebooks").glob("*.ipynb"))
    for path in files:
        text = path.read_text()
        assert "shared/" not in text and "../shared" not in text, path
        assert not re.search(r"^\s*(import|from)\s+(requests|urllib\.request|http\.client|httpx)\b", text, re.M), path


def test_requirements_lock_pins_every_declared_package_within_its_bounds_and_the_makefile_installs_with_it():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    declared = [Requirement(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]]
    locked = dict(line.split("==", 1) for line in (REPO / "requirements.lock").read_text().splitlines() if line and not line.startswith("#"))
    locked = {re.sub(r"[-_.]+", "-", name).lower(): version for name, version in locked.items()}
    for requirement in declared:
        name = re.sub(r"[-_.]+", "-", requirement.name).lower()
        assert name in locked, f"{requirement.name} is not in requirements.lock"
        assert requirement.specifier.contains(locked[name]), f"{requirement.name}=={locked[name]} is outside {requirement.specifier}"
    makefile = (REPO / "Makefile").read_text()
    assert "pip install --quiet -c requirements.lock -e '.[dev]'" in makefile and "$(STAMP): pyproject.toml requirements.lock" in makefile
