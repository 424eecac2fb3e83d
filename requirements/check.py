"""Checks that what the lock file installed meets pyproject.toml: every requirement of CaribClear (and of
the extras named) is installed, in its range. Run by `./dev setup` after installing from the lock, so a
dependency added to pyproject.toml without `./dev lock` fails here, naming it, instead of in a test."""

from __future__ import annotations

import sys
from importlib.metadata import PackageNotFoundError, requires, version

from packaging.requirements import Requirement


def main(extras: list[str]) -> int:
    problems = []
    for line in requires("caribclear") or []:
        requirement = Requirement(line)
        wanted = [{"extra": extra} for extra in ["", *extras]]
        if requirement.marker is not None and not any(requirement.marker.evaluate(env) for env in wanted):
            continue
        try:
            installed = version(requirement.name)
        except PackageNotFoundError:
            problems.append(f"{requirement} is not in the lock file")
            continue
        if not requirement.specifier.contains(installed, prereleases=True):
            problems.append(f"{requirement} is wanted, the lock file has {requirement.name} {installed}")
    for problem in problems:
        print(f"pyproject.toml and requirements/ differ: {problem}", file=sys.stderr)
    if problems:
        print("Run ./dev lock (and commit requirements/) to bring the lock file up to date.", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
