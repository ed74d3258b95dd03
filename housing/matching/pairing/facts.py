"""What the pairing reads about a household and derives from it: the specialisations of a case
manager its case needs, and what it needs from support providers."""

import datetime
from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clients.models import (
    CaseReason,
    CaseReasonEntry,
    CaseStatus,
    Client,
    Ethos,
    Household,
    HousingSituation,
    SupportIntensity,
)
from clients.models.people import age_on
from kmb.accounts.models import Specialisation
from kmb.territory.models import Municipality
from providers.models import ServiceType

SENIOR_AGE = 65
# Among equal fits the older case goes first: at most this many points for having waited longest.
SENIORITY_POINTS = 0.01


# --- What a case needs --------------------------------------------------------------------------


@dataclass
class HouseholdFacts:
    """What the pairing reads about one household (no name, no address)."""

    household_id: int
    reasons: set[str] = field(default_factory=set)
    children: int = 0
    applicant_age: int | None = None
    ethos: int = 0
    support_intensity: str = SupportIntensity.LOW
    barrier_free: bool = False
    residence: Municipality | None = None
    preferred: list[Municipality] = field(default_factory=list)

    @property
    def municipality_ids(self) -> set[int]:
        ids = {m.pk for m in self.preferred}
        return ids | {self.residence.pk} if self.residence else ids


def reason_labels(reasons: set[str], *codes: str) -> list[str]:
    return [str(CaseReason(code).label) for code in codes if code in reasons]


def ethos_label(ethos: int, *codes: int) -> list[str]:
    return [str(Ethos(str(ethos)).label)] if ethos in codes else []


def high_support(h: HouseholdFacts) -> list[str]:
    high = h.support_intensity == SupportIntensity.HIGH
    return [str(SupportIntensity.HIGH.label)] if high else []


def specialisations_needed(household: HouseholdFacts) -> dict[str, list[str]]:
    """Specialisation code → why the case needs it (reasons for coming, household, ETHOS)."""
    h = household
    why = {
        Specialisation.FAMILIES: [
            ngettext("%(count)s dependent child", "%(count)s dependent children", h.children)
            % {"count": h.children}
        ]
        if h.children
        else [],
        Specialisation.SENIORS: [_("the applicant is %(age)s") % {"age": h.applicant_age}]
        if h.applicant_age is not None and h.applicant_age >= SENIOR_AGE
        else [],
        Specialisation.DEBTS: reason_labels(h.reasons, CaseReason.DEBTS, CaseReason.ARREARS),
        Specialisation.HOUSING_FIRST: high_support(h) + ethos_label(h.ethos, 1, 2),
        Specialisation.VIOLENCE: reason_labels(h.reasons, CaseReason.VIOLENCE)
        + ethos_label(h.ethos, 4, 10),
        Specialisation.INSTITUTIONS: reason_labels(h.reasons, CaseReason.LEAVING_INSTITUTION)
        + ethos_label(h.ethos, 6),
        Specialisation.HEALTH: [_("needs a barrier-free flat")] if h.barrier_free else [],
    }
    return {str(code): reasons for code, reasons in why.items() if reasons}


def load_households(household_ids: list[int], *, today: datetime.date) -> dict[int, HouseholdFacts]:
    """What the pairing reads about the households, in five queries."""
    found = {pk: HouseholdFacts(pk) for pk in household_ids}
    for pk, residence_id, residence_name, intensity, barrier_free in Household.objects.filter(
        pk__in=household_ids
    ).values_list(
        "pk",
        "permanent_residence_id",
        "permanent_residence__name",
        "support_intensity",
        "barrier_free",
    ):
        h = found[pk]
        h.support_intensity, h.barrier_free = intensity, barrier_free
        if residence_id:
            h.residence = Municipality(pk=residence_id, name=residence_name)
    preferred = Household.preferred_municipalities.through.objects.filter(
        household_id__in=household_ids
    ).order_by("municipality__name", "municipality_id")
    for pk, municipality_id, name in preferred.values_list(
        "household_id", "municipality_id", "municipality__name"
    ):
        found[pk].preferred.append(Municipality(pk=municipality_id, name=name))
    members = Client.objects.filter(household_id__in=household_ids).values_list(
        "household_id", "dependent_child", "relationship", "birth_date"
    )
    for pk, dependent_child, relationship, birth_date in members:
        found[pk].children += int(dependent_child)
        if relationship == "applicant":
            found[pk].applicant_age = age_on(birth_date, today)
    situations = (
        HousingSituation.objects.filter(household_id__in=household_ids, since__lte=today)
        .order_by("household_id", "since", "pk")
        .values_list("household_id", "ethos")
    )
    for pk, ethos in situations:  # the latest wins
        found[pk].ethos = int(ethos)
    reasons = CaseReasonEntry.objects.filter(
        case__household_id__in=household_ids, case__status__in=OPEN
    ).values_list("case__household_id", "reason")
    for pk, reason in reasons:
        found[pk].reasons.add(reason)
    return found


OPEN = [status for status in CaseStatus if status != CaseStatus.CLOSED]


def names(municipalities) -> str:
    return ", ".join(m.name for m in municipalities)


def seniority(n: int) -> np.ndarray:
    """Tie-break points for n rows in order of arrival: the first gets the most."""
    return SENIORITY_POINTS * np.arange(n, 0, -1, dtype=np.float64) / max(n, 1)


# --- What a household needs from support providers -------------------------------------------


@dataclass(frozen=True)
class Need:
    """Something a household needs from a support provider, why, and the types of service that
    give it."""

    code: str
    label: str
    why: list[str]
    kinds: tuple[str, ...]
    weight: float


HOUSING_SUPPORT = (
    ServiceType.INDEPENDENT_LIVING,
    ServiceType.FIELD_PROGRAMME,
    ServiceType.REHABILITATION,
)


def support_needs(household: HouseholdFacts) -> list[Need]:
    """What the household needs from providers, from its reasons for coming, members, support
    intensity and housing situation; most important first."""
    h = household
    candidates = [
        (
            "housing_support",
            _("Social work to settle in and keep the housing"),
            (
                [str(SupportIntensity(h.support_intensity).label)]
                if h.support_intensity in (SupportIntensity.MEDIUM, SupportIntensity.HIGH)
                else []
            )
            + reason_labels(h.reasons, CaseReason.HOUSING_NEED),
            HOUSING_SUPPORT,
            3.0,
        ),
        (
            "roofless",
            _("Help on the street: food, hygiene, a night's shelter"),
            ethos_label(h.ethos, 1, 2),
            (ServiceType.FIELD_PROGRAMME, ServiceType.DAY_CENTRE, ServiceType.NIGHT_SHELTER),
            2.5,
        ),
        (
            "violence",
            _("Safety from domestic violence"),
            reason_labels(h.reasons, CaseReason.VIOLENCE) + ethos_label(h.ethos, 4, 10),
            (ServiceType.INTERVENTION_CENTRE, ServiceType.CRISIS_HELP, ServiceType.ASYLUM_HOUSE),
            2.5,
        ),
        (
            "debts",
            _("Debt counselling"),
            reason_labels(h.reasons, CaseReason.DEBTS, CaseReason.ARREARS),
            (ServiceType.DEBT_COUNSELLING, ServiceType.COUNSELLING),
            2.0,
        ),
        (
            "legal",
            _("Legal help against losing the housing"),
            reason_labels(h.reasons, CaseReason.NOTICE_TO_QUIT, CaseReason.RISK_OF_LOSS),
            (ServiceType.LEGAL_ADVICE, ServiceType.COUNSELLING),
            2.0,
        ),
        (
            "family",
            _("Support of a family with children"),
            [
                ngettext("%(count)s dependent child", "%(count)s dependent children", h.children)
                % {"count": h.children}
            ]
            if h.children
            else [],
            (ServiceType.FAMILY_ACTIVATION,),
            1.5,
        ),
        (
            "institution",
            _("A start after leaving an institution"),
            reason_labels(h.reasons, CaseReason.LEAVING_INSTITUTION) + ethos_label(h.ethos, 6),
            (ServiceType.HALFWAY_HOUSE, ServiceType.INDEPENDENT_LIVING, ServiceType.AFTERCARE),
            1.5,
        ),
        (
            "benefits",
            _("Counselling on benefits and income"),
            reason_labels(h.reasons, CaseReason.BENEFITS),
            (ServiceType.COUNSELLING,),
            1.0,
        ),
    ]
    return [
        Need(code, str(label), why, tuple(str(kind) for kind in kinds), weight)
        for code, label, why, kinds, weight in candidates
        if why
    ]
