"""A case manager for each open case of a KMB without one, and accepting the proposals.

A manager fits a case when they look after the household's municipality (its permanent residence
or a preferred one; a manager without a territory covers the whole ORP) or managed the household
before (continuity); they take cases up to their maximum caseload. Among the fitting managers the
score prefers continuity, the household's own municipality and the specialisations the case needs,
and `engine.assign_with_capacity` spreads the cases towards smaller caseloads."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from clients import services as client_services
from clients.forms import case_managers_of
from clients.models import Case
from housing.matching import engine
from housing.matching.pairing.facts import (
    HouseholdFacts,
    load_households,
    names,
    seniority,
    specialisations_needed,
)
from kmb.accounts.models import Specialisation, User
from kmb.territory.models import Municipality

# Points of a case manager's score; the balance costs BALANCE points per open case they carry.
CONTINUITY_POINTS = 3.0
RESIDENCE_POINTS = 2.0
PREFERRED_POINTS = 1.0
WHOLE_ORP_POINTS = 1.0
SPECIALISATION_POINTS = 1.5
BALANCE = 0.1


# --- Case managers ------------------------------------------------------------------------------


@dataclass
class Manager:
    user: User
    caseload: int
    territory: list[Municipality]
    proposed: int = 0

    @property
    def free(self) -> int:
        return max(self.user.max_caseload - self.caseload, 0)

    def specialisation_labels(self) -> list[str]:
        codes = self.user.specialisations or []
        return [str(code.label) for code in Specialisation if code in codes]


@dataclass
class CaseProposal:
    """A case without a case manager, what it needs, and the proposed manager with the reasons
    (or why nobody is proposed)."""

    case: Case
    household: HouseholdFacts
    needs: dict[str, list[str]]
    manager: User | None = None
    reasons: list[str] = field(default_factory=list)

    def need_items(self) -> list[tuple[str, str]]:
        """(specialisation, why) of each need, for the page."""
        return [(str(Specialisation(c).label), ", ".join(why)) for c, why in self.needs.items()]


@dataclass
class CaseManagerProposals:
    rows: list[CaseProposal]
    managers: list[Manager]

    @property
    def proposed(self) -> list[CaseProposal]:
        return [row for row in self.rows if row.manager is not None]


def propose_case_managers(*, kmb, today: datetime.date | None = None) -> CaseManagerProposals:
    """A case manager for each open case of the KMB without one, oldest case first."""
    day = today or timezone.localdate()
    cases = list(
        Case.objects.filter(kmb=kmb).without_case_manager().for_list().order_by("opened_on", "pk")
    )
    households = load_households([case.household_id for case in cases], today=day)
    managers = _managers(kmb)
    rows = [CaseProposal(case, households[case.household_id], {}) for case in cases]
    for row in rows:
        row.needs = specialisations_needed(row.household)
    if rows and managers:
        _assign(rows, managers, _previous_managers(cases))
    for row in rows:
        if row.manager is None:
            row.reasons = [_why_nobody(row, managers)]
    return CaseManagerProposals(rows=rows, managers=managers)


def _managers(kmb) -> list[Manager]:
    users = list(
        case_managers_of(kmb.pk)
        .annotate(caseload=Count("managed_cases", filter=~Q(managed_cases__status="closed")))
        .order_by("last_name", "first_name", "pk")
    )
    territory = defaultdict(list)
    through = User.municipalities.through.objects.filter(user__in=[u.pk for u in users])
    for user_id, municipality_id, name in through.order_by("municipality__name").values_list(
        "user_id", "municipality_id", "municipality__name"
    ):
        territory[user_id].append(Municipality(pk=municipality_id, name=name))
    return [Manager(user, user.caseload, territory[user.pk]) for user in users]


def _previous_managers(cases: list[Case]) -> dict[int, int]:
    """Household id → the case manager of its latest other case that had one."""
    earlier = (
        Case.objects.filter(
            household_id__in=[case.household_id for case in cases], case_manager__isnull=False
        )
        .exclude(pk__in=[case.pk for case in cases])
        .order_by("household_id", "-opened_on", "-pk")
        .values_list("household_id", "case_manager_id")
    )
    previous = {}
    for household_id, manager_id in earlier:
        previous.setdefault(household_id, manager_id)
    return previous


@dataclass
class _Fit:
    """One case × one manager: which of the reasons to pair them hold."""

    continuity: np.ndarray  # bool [N, K]
    residence: np.ndarray  # bool [N, K]: the manager looks after the permanent residence
    preferred: np.ndarray  # bool [N, K]: ... a preferred municipality (not the residence)
    whole_orp: np.ndarray  # bool [K]: the manager has no territory
    unknown: np.ndarray  # bool [N]: the household's municipality is not recorded
    specialisations: np.ndarray  # int [N, K]: how many of the needed ones the manager has
    seniority: np.ndarray  # float [N]: SENIORITY_POINTS for the oldest case, less for newer ones

    @property
    def eligible(self) -> np.ndarray:
        territory = (
            self.residence | self.preferred | self.whole_orp[None, :] | self.unknown[:, None]
        )
        return territory | self.continuity

    @property
    def score(self) -> np.ndarray:
        return (
            CONTINUITY_POINTS * self.continuity
            + RESIDENCE_POINTS * self.residence
            + PREFERRED_POINTS * self.preferred
            + WHOLE_ORP_POINTS * self.whole_orp[None, :]
            + SPECIALISATION_POINTS * self.specialisations
            + self.seniority[:, None]
        ).astype(np.float64)


def _fit(rows: list[CaseProposal], managers: list[Manager], previous: dict[int, int]) -> _Fit:
    n, k = len(rows), len(managers)
    fit = _Fit(
        continuity=np.zeros((n, k), bool),
        residence=np.zeros((n, k), bool),
        preferred=np.zeros((n, k), bool),
        whole_orp=np.array([not m.territory for m in managers], bool),
        unknown=np.array([not row.household.municipality_ids for row in rows], bool),
        specialisations=np.zeros((n, k), np.int64),
        seniority=seniority(n),
    )
    territories = [{m.pk for m in manager.territory} for manager in managers]
    skills = [set(manager.user.specialisations or []) for manager in managers]
    for i, row in enumerate(rows):
        h = row.household
        residence = h.residence.pk if h.residence else None
        preferred = {m.pk for m in h.preferred} - {residence}
        for j, manager in enumerate(managers):
            fit.continuity[i, j] = previous.get(h.household_id) == manager.user.pk
            fit.residence[i, j] = residence in territories[j]
            fit.preferred[i, j] = not fit.residence[i, j] and bool(preferred & territories[j])
            fit.specialisations[i, j] = len(skills[j] & set(row.needs))
    return fit


def _assign(rows: list[CaseProposal], managers: list[Manager], previous: dict[int, int]) -> None:
    fit = _fit(rows, managers, previous)
    assignment = engine.assign_with_capacity(
        fit.score,
        fit.eligible,
        np.array([manager.free for manager in managers], np.int64),
        load=np.array([manager.caseload for manager in managers], np.float64),
        balance=BALANCE,
    )
    for i, j in assignment.pairs.tolist():
        manager = managers[j]
        manager.proposed += 1
        rows[i].manager = manager.user
        rows[i].reasons = _why(fit, i, j, rows[i], manager)


def _why(fit: _Fit, i: int, j: int, row: CaseProposal, manager: Manager) -> list[str]:
    h, reasons = row.household, []
    if fit.continuity[i, j]:
        reasons.append(_("Was the household's case manager in an earlier case."))
    if fit.residence[i, j]:
        reasons.append(
            _("Looks after %(municipality)s, the household's permanent residence.")
            % {"municipality": h.residence.name}
        )
    elif fit.preferred[i, j]:
        territory = {m.pk for m in manager.territory}
        reasons.append(
            _("Looks after %(municipalities)s, where the household wants to live.")
            % {"municipalities": names(m for m in h.preferred if m.pk in territory)}
        )
    elif fit.whole_orp[j]:
        reasons.append(_("Works across the whole ORP."))
    elif fit.unknown[i]:
        reasons.append(_("The household's municipality is not recorded: any case manager fits."))
    skills = [code for code in row.needs if code in set(manager.user.specialisations or [])]
    if skills:
        reasons.append(
            _("Knows best what the case needs: %(specialisations)s.")
            % {"specialisations": ", ".join(str(Specialisation(c).label) for c in skills)}
        )
    reasons.append(
        _("Carries %(caseload)s of at most %(max)s open cases.")
        % {"caseload": manager.caseload, "max": manager.user.max_caseload}
    )
    return reasons


def _why_nobody(row: CaseProposal, managers: list[Manager]) -> str:
    if not managers:
        return _("The KMB has no active case manager: add one under Staff.")
    h = row.household
    wanted = h.municipality_ids
    covers = [
        m for m in managers if not m.territory or not wanted or {t.pk for t in m.territory} & wanted
    ]
    if not covers:
        return _(
            "No case manager looks after %(municipalities)s: add the municipality to someone's "
            "territory, or assign the case by hand."
        ) % {"municipalities": names([*([h.residence] if h.residence else []), *h.preferred])}
    return _(
        "Every case manager who looks after the household's municipality is at their maximum "
        "caseload (or takes other cases of this proposal)."
    )


@transaction.atomic
def accept_case_managers(*, pairs: list[tuple[Case, User]], by: User) -> list[Case]:
    """Give each case its proposed case manager through clients.services.assign_case_manager (a
    new case becomes active). All or nothing: refused with the reason if a case has meanwhile got
    a case manager or was closed, or a case manager would go over their maximum caseload.
    Side effects: each case's case manager, its status change to active, their history rows.
    The managers' rows are locked, so two accepts at once cannot overfill a caseload."""
    users = {
        user.pk: user
        for user in User.objects.select_for_update().filter(pk__in={u.pk for _, u in pairs})
    }
    assigned = []
    for case, manager in pairs:
        case = Case.objects.select_for_update().get(pk=case.pk)
        manager = users[manager.pk]
        if case.case_manager_id:
            raise ValidationError(
                _("Case %(number)s already has a case manager: %(name)s.")
                % {"number": case.number, "name": case.case_manager}
            )
        if not case.is_open:
            raise ValidationError(_("Case %(number)s is closed.") % {"number": case.number})
        caseload = Case.objects.open().filter(case_manager=manager).count()
        if caseload >= manager.max_caseload:
            raise ValidationError(
                _("%(name)s already carries %(caseload)s of at most %(max)s open cases.")
                % {"name": manager, "caseload": caseload, "max": manager.max_caseload}
            )
        assigned.append(client_services.assign_case_manager(case=case, case_manager=manager, by=by))
    return assigned
