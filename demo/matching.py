"""The matching service's settings and the waiting list of the demo KMB.

KMB Liberec keeps the default weights and norms; Liberec, Chrastava and Hrádek nad Nisou have
allocation rules of their own (Liberec: debt to the city at most 10,000 CZK, valid documents,
permanent residence; Chrastava lets social flats only with social-work support, as Brno does);
the manager's list of decline reasons; and about 80 households waiting for a flat, some in an
emergency, some specially vulnerable, a few parked. The proposals, their decisions and the
housing commission follow in demo.proposals. Idempotent: settings, rules and reasons are found by
their natural keys; the waiting list is built once.
"""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from clients.models import CaseStatus, SupportIntensity
from demo import builders
from demo.common import Facts, days, moment, save_all
from housing.models import (
    ApplicationStatus,
    DeclineParty,
    DeclineReason,
    HousingApplication,
    MatchingSettings,
    MunicipalRules,
    Program,
)
from kmb.accounts.models import Organisation, User
from kmb.redaction import new_pseudonym
from kmb.territory.models import Municipality

SEED = "kmb-demo-matching"
WAITING = 82  # households on the waiting list (parked ones included)
PARKED = 4
P = Program


@dataclass(frozen=True)
class Rules:
    municipality: str
    require_residence: bool = False
    max_municipal_debt: int | None = None
    require_valid_id: bool = False
    require_landlord_consent: bool = False
    support_required_programs: tuple[str, ...] = ()
    max_rent: int | None = None
    max_rent_programs: tuple[str, ...] = ()


RULES = [
    Rules(
        "Liberec",
        require_residence=True,
        max_municipal_debt=10_000,
        require_valid_id=True,
        support_required_programs=(P.HOUSING_FIRST,),
        max_rent=9_500,
        max_rent_programs=(P.SUPPORTED_MUNICIPAL,),
    ),
    Rules(
        "Chrastava",
        require_residence=True,
        max_municipal_debt=5_000,
        require_valid_id=True,
        support_required_programs=(P.SOCIAL,),
    ),
    Rules("Hrádek nad Nisou", require_valid_id=True, require_landlord_consent=True),
]

HOUSEHOLD, OWNER = DeclineParty.HOUSEHOLD, DeclineParty.OWNER
COMMISSION = DeclineParty.COMMISSION
# (party, text, in use)
DECLINE_REASONS = [
    (HOUSEHOLD, "Byt je příliš daleko od školy dětí", True),
    (HOUSEHOLD, "Domácnost si mezitím našla bydlení sama", True),
    (HOUSEHOLD, "Byt je ve vyšším patře bez výtahu, nevyhovuje zdravotnímu stavu", True),
    (HOUSEHOLD, "Nájemné a zálohy jsou pro domácnost příliš vysoké", True),
    (HOUSEHOLD, "Domácnost nepřišla na prohlídku bytu", False),
    (OWNER, "Vlastník odmítl domácnost se zvířetem", True),
    (OWNER, "Vlastník požaduje vyšší jistotu, než domácnost může složit", True),
    (OWNER, "Vlastník byt mezitím pronajal jinému zájemci", True),
    (COMMISSION, "Neuhrazený dluh vůči městu", True),
    (COMMISSION, "Domácnost nemá trvalý pobyt v obci", True),
    (COMMISSION, "Nedoložený příjem domácnosti", True),
]
PARK_REASONS = [
    "Hospitalizace, návrat domů se čeká do konce měsíce.",
    "Nastupuje léčbu závislosti, po dobu léčby nenabízet.",
    "Do konce školního pololetí zůstává u příbuzných, pak znovu nabízet.",
    "Čeká na rozhodnutí o dávce, bez příjmu nyní nájem neutáhne.",
]


@dataclass
class Here:
    today: datetime.date
    kmb: Organisation
    manager: User
    housing_department: User
    municipalities: dict[str, Municipality]
    reasons: dict[str, DeclineReason]  # by text


def here() -> Here:
    kmb = Organisation.objects.get(name=builders.KMB_NAME)
    return Here(
        today=timezone.localdate(),
        kmb=kmb,
        manager=User.objects.get(username="vedouci"),
        housing_department=User.objects.get(username="bytovy"),
        municipalities={m.name: m for m in Municipality.objects.filter(orp_id=kmb.orp_id)},
        reasons={},
    )


def build_rules(at: Here) -> None:
    """The KMB's matching settings (the defaults), the municipalities' rules and the decline
    reasons, each where missing."""
    if not MatchingSettings.objects.filter(kmb=at.kmb).exists():
        settings = MatchingSettings(kmb=at.kmb)
        settings._history_user = at.manager
        settings.full_clean()
        settings.save()
    for rules in RULES:
        municipality = at.municipalities[rules.municipality]
        if MunicipalRules.objects.filter(municipality=municipality).exists():
            continue
        model = MunicipalRules(
            municipality=municipality,
            require_residence=rules.require_residence,
            max_municipal_debt=None
            if rules.max_municipal_debt is None
            else Decimal(rules.max_municipal_debt),
            require_valid_id=rules.require_valid_id,
            require_landlord_consent=rules.require_landlord_consent,
            support_required_programs=list(rules.support_required_programs),
            max_rent=None if rules.max_rent is None else Decimal(rules.max_rent),
            max_rent_programs=list(rules.max_rent_programs),
        )
        model._history_user = at.manager
        model.full_clean()
        model.save()
    known = {(r.party, r.text): r for r in DeclineReason.objects.filter(kmb=at.kmb)}
    for party, text, active in DECLINE_REASONS:
        if (party, text) not in known:
            reason = DeclineReason(kmb=at.kmb, party=party, text=text, is_active=active)
            reason.full_clean()
            reason.save()
            known[(party, text)] = reason
    at.reasons = {reason.text: reason for reason in known.values()}


# --- The waiting list -------------------------------------------------------------------------

HOUSING_NEED = {"1", "2", "3", "4", "6", "7", "8", "10", "11", "12", "13"}


def applicants(facts: list[Facts]) -> list[Facts]:
    """Who waits for a flat: households being housed that have none yet, then households in
    housing need whose case is active, then those under notice to quit."""
    housing = [f for f in facts if f.status == CaseStatus.HOUSING and not f.lease]
    active = [f for f in facts if f.status == CaseStatus.ACTIVE and f.ethos in HOUSING_NEED]
    notice = [
        f for f in facts if f.status == CaseStatus.PREVENTION and "notice_to_quit" in f.reasons
    ]
    return [f for f in [*housing, *active, *notice] if f.manager][:WAITING]


def programs_for(facts: Facts, rng: random.Random, emergency: bool) -> list[str]:
    """The programs the household applies for (none: any that fits)."""
    high = facts.household.support_intensity == SupportIntensity.HIGH
    if high and facts.ethos in ("1", "2", "3", "6", "7"):
        return [P.HOUSING_FIRST]
    if emergency:
        return [P.CRISIS, P.SOCIAL]
    if facts.children:
        return [P.SOCIAL, P.SUPPORTED_MUNICIPAL]
    if facts.applicant.age >= 60:
        return [P.SUPPORTED_MUNICIPAL, P.STANDARD_MUNICIPAL]
    return rng.choice([[], [], [P.SOCIAL], [P.SOCIAL, P.GUARANTEED], [P.GUARANTEED]])


def application(facts: Facts, rng: random.Random, today: datetime.date, code: str):
    """A household's application, submitted once its case was under way."""
    since = facts.entered.get(CaseStatus.ACTIVE, facts.case.opened_on)
    earliest = since + days(rng.randint(3, 40))
    latest = today - days(rng.randint(10, 20))
    submitted = (
        earliest
        if earliest >= latest
        else earliest + days(rng.randint(0, (latest - earliest).days))
    )
    emergency = facts.ethos in ("1", "4", "10") and rng.random() < 0.6
    vulnerable = bool(facts.children) or facts.applicant.age >= 70 or facts.household.barrier_free
    return HousingApplication(
        household=facts.household,
        case=facts.case,
        submitted_on=min(submitted, today - days(3)),
        programs=programs_for(facts, rng, emergency),
        emergency=emergency,
        vulnerable=vulnerable and rng.random() < 0.7,
        status=ApplicationStatus.WAITING,
        pseudonym=code,
    )


def pseudonyms(count: int) -> list[str]:
    """Fresh random codes (kmb.redaction.new_pseudonym), none already in use."""
    codes: set[str] = set()
    while len(codes) < count:
        codes.add(new_pseudonym())
    taken = set(
        HousingApplication.objects.filter(pseudonym__in=codes).values_list("pseudonym", flat=True)
    )
    return [code for code in codes if code not in taken] or pseudonyms(count)


def build_applications(
    at: Here, facts: list[Facts], reserve: list[Facts], latest: dict[int, datetime.date]
) -> list:
    """The waiting list, and the applications of `reserve` (households demo.proposals houses
    through a proposal, each submitted by its day in `latest`), all waiting for now; a few of
    the rest parked."""
    rng = random.Random(SEED)
    wanted = applicants(facts)
    wanted += [f for f in reserve if f not in wanted]
    codes = sorted(pseudonyms(len(wanted) + 5))
    rows = [application(f, rng, at.today, codes[n]) for n, f in enumerate(wanted)]
    for row in rows:
        if row.household.pk in latest:
            row.submitted_on = min(row.submitted_on, latest[row.household.pk])
    parkable = [row for row, f in zip(rows, wanted, strict=True) if f not in reserve]
    for row in rng.sample(parkable, PARKED):
        row.parked_until = at.today + days(rng.randint(10, 60))
        row.park_reason = rng.choice(PARK_REASONS)
    return save_all(
        HousingApplication,
        rows,
        when=lambda row: moment(row.submitted_on, 10),
        who=lambda row: row.case.case_manager,
    )
