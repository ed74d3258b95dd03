"""Support services for a household's needs (type, territory, free places, consent), and
social-work support for all the KMB's households that need it within the services' free places.

A service fits a need by its type, must cover the household's municipality and have free places;
the household can be referred to it only under a valid consent to share with the provider's
organisation, otherwise the proposal says that consent is needed."""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clients.models import Case, Consent, SupportIntensity
from housing.matching import engine
from housing.matching.pairing.facts import (
    HOUSING_SUPPORT,
    HouseholdFacts,
    Need,
    load_households,
    names,
    seniority,
    support_needs,
)
from kmb.lib.dates import format_day
from kmb.territory.models import Municipality
from providers.models import (
    AssistancePlan,
    ReferralState,
    Service,
    ServiceReferral,
)

# The balance costs BALANCE points per occupied place of a service.
BALANCE = 0.1


class Fitness:
    READY = "ready"  # free places and a valid consent: refer now
    CONSENT_NEEDED = "consent_needed"
    REFERRED = "referred"  # an open referral to the service already
    FULL = "full"


@dataclass
class ServiceOption:
    service: Service
    needs: list[Need]
    score: float
    status: str
    reasons: list[str]
    consent: Consent | None = None

    @property
    def ready(self) -> bool:
        return self.status == Fitness.READY


@dataclass
class ServiceProposals:
    household: HouseholdFacts
    needs: list[Need]
    options: list[ServiceOption]  # with free places, best first
    full: list[ServiceOption]  # would fit, but have no free place
    whole_orp: bool  # the household's municipality is not recorded: the ORP's services shown


def propose_services(*, case: Case, today: datetime.date | None = None) -> ServiceProposals:
    """The services that fit the needs of the case's household, best first, with reasons."""
    day = today or timezone.localdate()
    household = load_households([case.household_id], today=day)[case.household_id]
    needs = support_needs(household)
    municipality_ids = household.municipality_ids
    whole_orp = not municipality_ids
    if whole_orp:
        municipality_ids = set(
            Municipality.objects.filter(orp_id=case.kmb.orp_id).values_list("pk", flat=True)
        )
    kinds = {kind for need in needs for kind in need.kinds}
    services = list(
        Service.objects.active()
        .filter(kind__in=kinds, municipalities__in=municipality_ids)
        .distinct()
        .select_related("provider__organisation")
        .order_by("pk")
    )
    coverage = _coverage(services, municipality_ids)
    consents = _consents(case.household_id, {s.provider.organisation_id for s in services}, day)
    referred = dict(
        ServiceReferral.objects.open()
        .filter(household_id=case.household_id, service__in=services)
        .values_list("service_id", "state")
    )
    options = [
        _option(s, household, needs, coverage[s.pk], consents, referred, whole_orp)
        for s in services
    ]
    options.sort(key=lambda o: (-o.score, o.service.name, o.service.pk))
    return ServiceProposals(
        household=household,
        needs=needs,
        options=[o for o in options if o.status != Fitness.FULL],
        full=[o for o in options if o.status == Fitness.FULL],
        whole_orp=whole_orp,
    )


def _coverage(services, municipality_ids) -> dict[int, set[int]]:
    covered = defaultdict(set)
    rows = Service.municipalities.through.objects.filter(
        service__in=services, municipality_id__in=municipality_ids
    ).values_list("service_id", "municipality_id")
    for service_id, municipality_id in rows:
        covered[service_id].add(municipality_id)
    return covered


def _consents(household_id, organisation_ids, day) -> dict[int, Consent]:
    """The household's valid consent to each organisation (the one valid longest)."""
    found = {}
    consents = (
        Consent.objects.valid(day)
        .filter(household_id=household_id, recipient_id__in=organisation_ids)
        .order_by("recipient_id", "-expires_on", "-pk")
    )
    for consent in consents:
        if consent.recipient_id not in found or consent.expires_on is None:
            found[consent.recipient_id] = consent
    return found


def _option(service, household, needs, covered, consents, referred, whole_orp) -> ServiceOption:
    met = [need for need in needs if service.kind in need.kinds]
    residence = household.residence.pk if household.residence else None
    in_residence = residence in covered
    score = sum(need.weight for need in met)
    score += 2.0 if in_residence else 0.0 if whole_orp else 1.0
    score += min(service.free_places, 5) * 0.1
    consent = consents.get(service.provider.organisation_id)
    reasons = [
        _("Gives what the household needs: %(needs)s.")
        % {"needs": ", ".join(need.label.lower() for need in met)},
        _territory_reason(household, covered, in_residence, whole_orp),
        ngettext("%(count)s free place.", "%(count)s free places.", service.free_places)
        % {"count": service.free_places},
    ]
    if service.pk in referred:
        status = Fitness.REFERRED
        reasons.append(
            _("The household is already referred to it (%(state)s).")
            % {"state": ReferralState(referred[service.pk]).label.lower()}
        )
    elif not service.free_places:
        status = Fitness.FULL
    elif consent is None:
        status = Fitness.CONSENT_NEEDED
        reasons.append(
            _(
                "Consent needed: the household has not consented to share information with "
                "%(provider)s, so it cannot be referred there yet."
            )
            % {"provider": service.provider}
        )
    else:
        status = Fitness.READY
        score += 1.0
        reasons.append(_consent_reason(consent))
    return ServiceOption(service, met, score, status, reasons, consent)


def _territory_reason(household, covered, in_residence, whole_orp) -> str:
    if whole_orp:
        return _("Works in the ORP; the household's municipality is not recorded.")
    if in_residence:
        return _("Covers %(municipality)s, the household's permanent residence.") % {
            "municipality": household.residence.name
        }
    return _("Covers %(municipalities)s, where the household wants to live.") % {
        "municipalities": names(m for m in household.preferred if m.pk in covered)
    }


def _consent_reason(consent: Consent) -> str:
    if consent.expires_on is None:
        return _("%(provider)s has the household's consent to share information.") % {
            "provider": consent.recipient
        }
    return _("%(provider)s has the household's consent to share information until %(date)s.") % {
        "provider": consent.recipient,
        "date": format_day(consent.expires_on),
    }


# --- Support services for the KMB's households, within the services' free places --------------


@dataclass
class SupportRow:
    case: Case
    household: HouseholdFacts
    option: ServiceOption | None
    reason: str = ""


@dataclass
class SupportProposals:
    rows: list[SupportRow]
    services: list[tuple[Service, int]]  # each service and how many households it is proposed


def propose_support(*, kmb, today: datetime.date | None = None) -> SupportProposals:
    """Social work in the flat for each open case of the KMB whose household needs it (medium or
    high support intensity) and has no provider yet, within the free places of the services: at
    most one household per free place, preferring the services that fit best, spread towards the
    emptier services."""
    day = today or timezone.localdate()
    cases = list(_needing_support(kmb).for_list().order_by("opened_on", "pk"))
    households = load_households([case.household_id for case in cases], today=day)
    services = list(
        Service.objects.active()
        .filter(kind__in=[str(kind) for kind in HOUSING_SUPPORT], municipalities__orp=kmb.orp_id)
        .distinct()
        .select_related("provider__organisation")
        .order_by("pk")
    )
    orp = set(Municipality.objects.filter(orp_id=kmb.orp_id).values_list("pk", flat=True))
    coverage = _coverage(services, orp)
    consents = _all_consents([c.household_id for c in cases], services, day)
    options = [
        [
            _option(
                service,
                households[case.household_id],
                support_needs(households[case.household_id]),
                coverage[service.pk],
                consents.get(case.household_id, {}),
                {},
                not households[case.household_id].municipality_ids,
            )
            if _covers(coverage[service.pk], households[case.household_id], orp)
            else None
            for service in services
        ]
        for case in cases
    ]
    rows = [SupportRow(case, households[case.household_id], None) for case in cases]
    proposed = Counter()
    if rows and services:
        proposed = _assign_support(rows, services, options)
    for row, row_options in zip(rows, options, strict=True):
        if row.option is not None:
            continue
        if any(o is not None and o.status != Fitness.FULL for o in row_options):
            row.reason = _(
                "Every free place of the services covering the household's municipality is "
                "proposed to another household."
            )
        else:
            row.reason = _(
                "No social-work service with a free place covers the household's municipality."
            )
    return SupportProposals(rows, [(service, proposed[service.pk]) for service in services])


def _needing_support(kmb):
    with_provider = AssistancePlan.objects.active().filter(provider__isnull=False)
    referred = ServiceReferral.objects.open().filter(service__kind__in=list(HOUSING_SUPPORT))
    return (
        Case.objects.filter(kmb=kmb)
        .open()
        .filter(household__support_intensity__in=[SupportIntensity.MEDIUM, SupportIntensity.HIGH])
        .exclude(household__in=with_provider.values("household_id"))
        .exclude(household__in=referred.values("household_id"))
    )


def _covers(covered: set[int], household: HouseholdFacts, orp: set[int]) -> bool:
    wanted = household.municipality_ids or orp
    return bool(covered & wanted)


def _all_consents(household_ids, services, day) -> dict[int, dict[int, Consent]]:
    organisations = {service.provider.organisation_id for service in services}
    found = defaultdict(dict)
    consents = (
        Consent.objects.valid(day)
        .filter(household_id__in=household_ids, recipient_id__in=organisations)
        .order_by("household_id", "recipient_id", "-expires_on", "-pk")
    )
    for consent in consents:
        found[consent.household_id].setdefault(consent.recipient_id, consent)
    return found


def _assign_support(rows, services, options) -> Counter:
    n, k = len(rows), len(services)
    score = np.zeros((n, k), np.float64)
    eligible = np.zeros((n, k), bool)
    for i in range(n):
        for j in range(k):
            option = options[i][j]
            if option is not None and option.status != Fitness.FULL:
                eligible[i, j], score[i, j] = True, option.score
    score += seniority(n)[:, None]
    capacity = np.array([service.free_places for service in services], np.int64)
    occupied = np.array([s.capacity - s.free_places for s in services], np.float64)
    assignment = engine.assign_with_capacity(
        score, eligible, capacity, load=occupied, balance=BALANCE
    )
    proposed = Counter()
    for i, j in assignment.pairs.tolist():
        rows[i].option = options[i][j]
        proposed[services[j].pk] += 1
    return proposed
