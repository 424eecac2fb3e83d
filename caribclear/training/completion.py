"""The rule that completes a programme, as a pure function (no database), so it can be tested alone.

A programme is complete when every core course is passed at the programme's minimum grade or better and
the credits of the programme's courses so passed add up to at least the credits required. A course taken
twice counts once, with its best grade; so passing one more course can never un-complete a programme.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class CourseResult:
    course: str
    grade: Decimal
    passed: bool


@dataclass(frozen=True)
class ProgrammeRule:
    required_credits: Decimal
    minimum_grade: Decimal
    credits: Mapping[str, Decimal]  # every course of the programme, with its credits
    core: frozenset[str]


def counted_courses(rule: ProgrammeRule, results: Iterable[CourseResult]) -> set[str]:
    """The programme's courses that count: passed, at the programme's minimum grade or better."""
    return {
        r.course for r in results if r.passed and r.course in rule.credits and r.grade >= rule.minimum_grade
    }


def credits_earned(rule: ProgrammeRule, results: Iterable[CourseResult]) -> Decimal:
    return sum((rule.credits[code] for code in counted_courses(rule, results)), Decimal(0))


def programme_complete(rule: ProgrammeRule, results: Iterable[CourseResult]) -> bool:
    counted = counted_courses(rule, list(results))
    if not rule.core <= counted:
        return False
    return sum((rule.credits[code] for code in counted), Decimal(0)) >= rule.required_credits
