"""The rule-change preview: before a manager saves changed allocation rules or matching settings,
how many waiting households that are eligible today for at least one free flat the change would
remove, and how many it would add, by their codes (pseudonyms), never by name.

Both sides are evaluated by the engine on the same day's data: the current rules and settings as
stored, and the same with the unsaved change put in their place (`load_problem`'s overrides).
"""

import datetime
from dataclasses import dataclass

import numpy as np

from housing.matching.load import Problem, load_problem
from housing.models import HousingApplication, MatchingSettings, MunicipalRules


@dataclass(frozen=True)
class Preview:
    """What a change would do: counts before and after, and the codes removed and added (sorted)."""

    waiting: int  # waiting, unparked households considered
    free_flats: int
    eligible_before: int
    eligible_after: int
    removed: list[str]
    added: list[str]

    @property
    def changes_anything(self) -> bool:
        return bool(self.removed or self.added)


def preview_change(
    *,
    kmb,
    rules: MunicipalRules | None = None,
    settings: MatchingSettings | None = None,
    today: datetime.date | None = None,
) -> Preview:
    """Compare eligibility under the stored rules and settings with eligibility under the unsaved
    `rules` (one municipality's) and/or `settings`. Raises ValidationError (in the user's
    language) when either side cannot be evaluated."""
    current = load_problem(kmb=kmb, today=today)
    changed = load_problem(
        kmb=kmb,
        today=current.today,
        rules_override={rules.municipality_id: rules} if rules is not None else None,
        settings_override=settings,
    )
    before, after = eligible_applications(current), eligible_applications(changed)
    removed, added = before - after, after - before
    codes = dict(
        HousingApplication.objects.filter(pk__in=removed | added).values_list("pk", "pseudonym")
    )
    return Preview(
        waiting=len(current.application_ids),
        free_flats=len(current.flat_ids),
        eligible_before=len(before),
        eligible_after=len(after),
        removed=sorted(codes[pk] for pk in removed),
        added=sorted(codes[pk] for pk in added),
    )


def eligible_applications(problem: Problem) -> set[int]:
    """Ids of the applications eligible for at least one of the problem's flats."""
    if not len(problem.application_ids) or not len(problem.flat_ids):
        return set()
    rows = np.flatnonzero(problem.evaluation.eligible.any(axis=1))
    return {int(pk) for pk in problem.application_ids[rows]}
