"""The housing stock of the demo ORP Liberec: owners and a realtor, about 80 flats with their status
history, leases to households of KMB Liberec, tenancy events, guarantee funds, guarantees and
claims.

Everything goes through the services (housing.services, guarantees.services), so that status
histories, extensions, case statuses and fund arithmetic come out as the application itself would
record them; the services stamp "now", so each call is then dated back to the day it happened.

Idempotent: owners, realtors and funds are found by name, contributions by fund and note, flats by
municipality, street, house number and flat number. A flat that exists already is skipped with all
that hangs on it (leases, events, guarantees, claims), so a second run adds nothing. Each flat draws
from its own generator seeded with its address, and tenants are picked in a stable order from the
households of KMB Liberec (intake token), so every run on a fresh database builds the same stock;
dates count back from today. Addresses use real street names of Liberec with invented numbers;
owners, realtors and companies are invented.
"""

import datetime
import random
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max
from django.utils import timezone

from clients.models import Case, CaseStatus, CaseStatusChange, CloseReason, SupportIntensity
from clients.models.register import SupportMeasureKind
from demo import builders, liberec
from guarantees.models import Claim, GuaranteeFund
from guarantees.models import Guarantee as GuaranteeModel
from guarantees.services import (
    contribute,
    decide_claim,
    issue_guarantee,
    pay_claim,
    submit_claim,
)
from housing.models import (
    Flat,
    FlatKind,
    FlatStatus,
    FlatStatusChange,
    Lease,
    LeaseEndReason,
    LeaseExtension,
    LeaseKind,
    Owner,
    OwnerKind,
    Program,
    Realtor,
    TechnicalState,
    TenancyEvent,
    TenancyEventKind,
)
from housing.services.flats import change_flat_status, create_flat
from housing.services.leases import (
    convert_to_standard_lease,
    end_lease,
    extend_lease,
    record_tenancy_event,
    sign_lease,
)
from kmb.accounts.models import Organisation, Role, User
from kmb.territory.models import Municipality, Orp

SEED = "kmb-demo-housing"

LET, FREE, RESERVED = FlatStatus.LET, FlatStatus.FREE, FlatStatus.RESERVED
REPAIR, WITHDRAWN = FlatStatus.UNDER_REPAIR, FlatStatus.WITHDRAWN

# --- Owners, realtors, funds ----------------------------------------------------------------------

LIBEREC_OWNER = "Statutární město Liberec"
CHRASTAVA_OWNER = "Město Chrastava"
HRADEK_OWNER = "Město Hrádek nad Nisou"

# name: (municipality, housing department in KMB or "", IČO, address)
MUNICIPAL_OWNERS = {
    LIBEREC_OWNER: (
        "Liberec",
        builders.HOUSING_DEPARTMENT_NAME,
        "00262978",
        "nám. Dr. E. Beneše 1/1, 460 01 Liberec",
    ),
    CHRASTAVA_OWNER: (
        "Chrastava",
        "Město Chrastava – bytové oddělení",
        "",
        "nám. 1. máje 1, 463 31 Chrastava",
    ),
    HRADEK_OWNER: ("Hrádek nad Nisou", "", "", "Horní náměstí 73, 463 34 Hrádek nad Nisou"),
}


@dataclass(frozen=True)
class PrivateOwner:
    name: str
    kind: str
    engaged_days_ago: int | None  # when the owner agreed to let to the KMB's households
    phone: str
    address: str
    note: str = ""


PRIVATE_OWNERS = [
    PrivateOwner(
        "Ing. Pavel Kratochvíl",
        OwnerKind.PRIVATE_PERSON,
        712,
        "+420 602 418 773",
        "Ještědská 97/12, 460 08 Liberec",
        "Pronajímá dva byty, oceňuje kontakt s case managerem.",
    ),
    PrivateOwner(
        "Marie Benešová", OwnerKind.PRIVATE_PERSON, 690, "+420 737 205 118", "Husova 355/21"
    ),
    PrivateOwner(
        "Jiří Šimek",
        OwnerKind.PRIVATE_PERSON,
        728,
        "+420 724 561 390",
        "Zhořelecká 178/6, Liberec",
        "Chce notářský zápis se svolením k vykonatelnosti.",
    ),
    PrivateOwner(
        "Alena Pokorná", OwnerKind.PRIVATE_PERSON, 655, "+420 608 932 447", "Jablonec nad Nisou"
    ),
    PrivateOwner(
        "MUDr. Karel Vondráček",
        OwnerKind.PRIVATE_PERSON,
        640,
        "+420 603 775 201",
        "Vrchlického 788/3, Liberec",
        "Jeden byt pronajímá přímo, druhý Domovu pod Ještědem k podnájmu.",
    ),
    PrivateOwner("Zdeňka Havlíčková", OwnerKind.PRIVATE_PERSON, 610, "+420 775 130 964", "Praha 4"),
    PrivateOwner(
        "Radek Mareš", OwnerKind.PRIVATE_PERSON, 580, "+420 721 664 082", "Hrádek nad Nisou"
    ),
    PrivateOwner(
        "Věra Kolářová",
        OwnerKind.PRIVATE_PERSON,
        None,
        "+420 731 508 216",
        "Chrastava",
        "Zvažuje nabídku, chce nejdřív vidět smlouvu o garanci.",
    ),
    PrivateOwner(
        "Lužická správa nemovitostí, s. r. o.",
        OwnerKind.COMPANY,
        700,
        "+420 485 110 620",
        "Pražská 12/3, 460 01 Liberec",
    ),
    PrivateOwner(
        "Rezidence Pod Ještědem a. s.",
        OwnerKind.COMPANY,
        95,
        "+420 485 302 411",
        "Hanychovská 1100/2, 460 08 Liberec",
    ),
]

REALTOR_COMPANY = "HOME/MAX Reality Liberec"
REALTORS = {  # name: phone
    "Lenka Dušková": "+420 777 482 195",
    "Ondřej Bartoš": "+420 777 482 196",
}

LIBEREC_FUND = "Garanční fond statutárního města Liberec"
ORP_FUND = "Garanční fond ORP Liberec"
# fund: [(days ago, amount, note)] — the note identifies the contribution.
CONTRIBUTIONS = {
    LIBEREC_FUND: [
        (700, 400_000, "Příspěvek z rozpočtu města (usnesení zastupitelstva)"),
        (320, 250_000, "Doplnění fondu z rozpočtu města"),
        (45, 96_000, "Příspěvek na správu podporovaných bytů (zákon o podpoře bydlení)"),
    ],
    ORP_FUND: [
        (710, 180_000, "Dotace projektu Centrum bydlení (OP Zaměstnanost+)"),
        (230, 60_000, "Příspěvky obcí ORP podle smlouvy o spolupráci"),
    ],
}

# --- The flats ------------------------------------------------------------------------------------

POSTCODES = {
    "Liberec": {
        "Broumovská": "460 01",
        "Dobiášova": "460 06",
        "Franklinova": "460 01",
        "Gagarinova": "460 07",
        "Hanychovská": "460 08",
        "Husova": "460 01",
        "Jablonecká": "460 05",
        "Ještědská": "460 08",
        "Krejčího": "460 06",
        "Kunratická": "460 06",
        "Moskevská": "460 01",
        "Nezvalova": "460 15",
        "Purkyňova": "460 05",
        "Puškinova": "460 01",
        "Ruprechtická": "460 14",
        "Sokolovská": "460 14",
        "Švermova": "460 10",
        "Tanvaldská": "460 07",
        "Vrchlického": "460 14",
        "Zhořelecká": "460 01",
        "Žitavská": "460 01",
    },
    "Chrastava": "463 31",
    "Hrádek nad Nisou": "463 34",
}
# Prefab estates (Rochlice, Kunratická, Gagarinova...): up to 12 storeys with a lift.
PANEL_STREETS = {"Broumovská", "Dobiášova", "Gagarinova", "Krejčího", "Kunratická", "Tanvaldská"}


@dataclass(frozen=True)
class FlatSpec:
    town: str
    street: str
    number: str
    unit: str
    disposition: str
    status: str
    kind: str
    program: str
    owner: str
    tags: frozenset[str] = frozenset()

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.town, self.street, self.number, self.unit)

    @property
    def rooms(self) -> int:
        return int(self.disposition[0])


def flats(town, kind, program, owner, rows) -> list[FlatSpec]:
    """Rows: (street, number, unit, disposition, status, *tags); a tag `owner=` overrides the
    owner. Tags: bf (barrier-free), realtor, the story of the flat (moved_out, eviction,
    convert, notice, crisis) and of its guarantee (ends_soon, claim_paid, claim_rejected,
    claim_submitted)."""
    specs = []
    for street, number, unit, disposition, status, *tags in rows:
        named = [tag[len("owner=") :] for tag in tags if tag.startswith("owner=")]
        specs.append(
            FlatSpec(
                town,
                street,
                number,
                unit,
                disposition,
                status,
                kind,
                program,
                named[0] if named else owner,
                frozenset(tag for tag in tags if not tag.startswith("owner=")),
            )
        )
    return specs


M, G, S = FlatKind.MUNICIPAL, FlatKind.GUARANTEED, FlatKind.NGO_SUBLET
P = Program
KRATOCHVIL, BENESOVA, SIMEK, POKORNA = (o.name for o in PRIVATE_OWNERS[:4])
VONDRACEK, HAVLICKOVA, MARES, KOLAROVA = (o.name for o in PRIVATE_OWNERS[4:8])
LUZICKA, REZIDENCE = PRIVATE_OWNERS[8].name, PRIVATE_OWNERS[9].name

# fmt: off
CATALOGUE: list[FlatSpec] = [
    *flats("Liberec", M, P.HOUSING_FIRST, LIBEREC_OWNER, [
        ("Ještědská", "412/38", "5", "1+kk", LET),
        ("Ještědská", "412/38", "11", "1+1", LET),
        ("Husova", "1187/72", "2", "1+kk", LET),
        ("Husova", "1187/72", "9", "1+1", LET),
        ("Zhořelecká", "593/14", "4", "1+kk", LET),
        ("Moskevská", "640/29", "3", "1+1", LET),
        ("Broumovská", "845/11", "7", "1+kk", LET),
        ("Broumovská", "845/11", "12", "2+kk", LET),
        ("Vrchlického", "1502/46", "1", "1+1", LET),
        ("Ruprechtická", "331/60", "6", "1+kk", LET),
        ("Dobiášova", "861/9", "14", "1+kk", LET),
        ("Krejčího", "1033/18", "21", "2+kk", LET),
        ("Krejčího", "1033/18", "8", "1+kk", FREE, "moved_out"),
        ("Žitavská", "701/31", "3", "1+1", RESERVED, "moved_out"),
    ]),
    *flats("Liberec", M, P.SOCIAL, LIBEREC_OWNER, [
        ("Gagarinova", "1021/5", "3", "2+1", LET, "convert"),
        ("Gagarinova", "1021/5", "17", "3+1", LET),
        ("Gagarinova", "1022/7", "8", "2+1", LET),
        ("Dobiášova", "862/11", "2", "3+kk", LET, "bf"),
        ("Krejčího", "1034/20", "15", "2+kk", LET, "notice"),
        ("Broumovská", "846/13", "5", "3+1", LET, "convert"),
        ("Zhořelecká", "594/16", "1", "2+1", LET),
        ("Švermova", "380/42", "6", "4+1", LET),
        ("Tanvaldská", "1285/3", "10", "2+1", LET),
        ("Tanvaldská", "1285/3", "4", "1+1", LET),
        ("Kunratická", "1510/26", "33", "3+1", LET),
        ("Kunratická", "1510/26", "41", "2+kk", LET, "bf"),
        ("Hanychovská", "618/4", "2", "2+1", FREE),
        ("Jablonecká", "447/12", "7", "3+1", FREE),
        ("Husova", "1190/78", "5", "2+1", RESERVED),
        ("Moskevská", "642/33", "2", "2+1", REPAIR),
        ("Ještědská", "415/44", "1", "1+1", WITHDRAWN),
    ]),
    *flats("Liberec", M, P.SUPPORTED_MUNICIPAL, LIBEREC_OWNER, [
        ("Vrchlického", "1505/52", "4", "2+kk", LET),
        ("Vrchlického", "1505/52", "9", "3+kk", LET),
        ("Ruprechtická", "335/68", "2", "2+1", LET),
        ("Sokolovská", "214/5", "6", "1+1", LET),
        ("Sokolovská", "214/5", "11", "2+1", LET),
        ("Nezvalova", "661/3", "3", "3+1", LET),
        ("Purkyňova", "309/15", "1", "2+kk", LET, "bf"),
        ("Nezvalova", "661/3", "12", "2+1", FREE),
        ("Franklinova", "527/8", "5", "1+kk", FREE),
        ("Purkyňova", "309/15", "6", "3+1", RESERVED),
        ("Franklinova", "529/10", "2", "2+1", REPAIR),
    ]),
    *flats("Liberec", M, P.STANDARD_MUNICIPAL, LIBEREC_OWNER, [
        ("Husova", "1192/80", "7", "3+1", LET),
        ("Moskevská", "644/35", "6", "2+1", LET),
        ("Jablonecká", "449/14", "3", "4+1", LET),
        ("Žitavská", "703/35", "9", "2+kk", LET),
        ("Zhořelecká", "596/18", "5", "3+kk", FREE),
        ("Kunratická", "1512/28", "18", "1+1", FREE),
        ("Švermova", "382/44", "2", "3+1", REPAIR),
        ("Hanychovská", "620/6", "1", "2+1", WITHDRAWN),
    ]),
    *flats("Liberec", M, P.CRISIS, LIBEREC_OWNER, [
        ("Puškinova", "588/12", "K1", "1+1", LET, "crisis"),
        ("Puškinova", "588/12", "K2", "2+kk", FREE, "crisis"),
    ]),
    *flats("Chrastava", M, P.SOCIAL, CHRASTAVA_OWNER, [
        ("Turówská", "583", "4", "2+1", LET),
        ("Turówská", "583", "9", "1+1", LET),
        ("Nádražní", "417", "2", "3+1", FREE),
    ]),
    *flats("Chrastava", M, P.SUPPORTED_MUNICIPAL, CHRASTAVA_OWNER, [
        ("Liberecká", "12", "3", "2+kk", LET),
        ("Liberecká", "12", "6", "1+kk", RESERVED),
    ]),
    *flats("Chrastava", M, P.STANDARD_MUNICIPAL, CHRASTAVA_OWNER, [
        ("Revoluční", "95", "1", "3+1", LET, "bf"),
    ]),
    *flats("Hrádek nad Nisou", M, P.SOCIAL, HRADEK_OWNER, [
        ("Nádražní", "327", "5", "2+1", LET),
        ("Žitavská", "58", "2", "1+1", REPAIR),
    ]),
    *flats("Hrádek nad Nisou", M, P.SUPPORTED_MUNICIPAL, HRADEK_OWNER, [
        ("Liberecká", "611", "4", "2+kk", LET),
    ]),
    *flats("Hrádek nad Nisou", M, P.STANDARD_MUNICIPAL, HRADEK_OWNER, [
        ("Nádražní", "329", "1", "3+1", WITHDRAWN),
    ]),
    *flats("Liberec", G, P.GUARANTEED, KRATOCHVIL, [
        ("Ještědská", "97/12", "3", "2+1", LET, "claim_rejected"),
        ("Husova", "355/21", "6", "1+1", LET, "realtor", f"owner={BENESOVA}"),
        ("Zhořelecká", "178/6", "2", "2+1", REPAIR, "realtor", "eviction", f"owner={SIMEK}"),
        ("Moskevská", "27/9", "4", "3+1", LET, "ends_soon", f"owner={POKORNA}"),
        ("Vrchlického", "788/3", "1", "2+1", LET, "ends_soon", f"owner={VONDRACEK}"),
        ("Broumovská", "1266/40", "8", "1+kk", LET, "realtor", "claim_submitted",
         f"owner={HAVLICKOVA}"),
        ("Ruprechtická", "542/17", "2", "3+kk", LET),
        ("Franklinova", "1433/2", "5", "2+kk", LET, "realtor", f"owner={LUZICKA}"),
        ("Jablonecká", "966/51", "12", "2+1", LET, f"owner={LUZICKA}"),
        ("Husova", "1441/90", "3", "1+1", RESERVED, f"owner={REZIDENCE}"),
    ]),
    *flats("Hrádek nad Nisou", G, P.GUARANTEED, MARES, [
        ("Liberecká", "48", "2", "2+1", LET),
    ]),
    *flats("Chrastava", G, P.GUARANTEED, KOLAROVA, [
        ("Nádražní", "126", "1", "3+1", FREE),
    ]),
    *flats("Liberec", S, P.SOCIAL, LIBEREC_OWNER, [
        ("Dobiášova", "864/15", "6", "1+kk", LET, "claim_paid"),
        ("Gagarinova", "1024/11", "12", "2+kk", LET),
        ("Krejčího", "1036/22", "3", "1+1", FREE),
        ("Tanvaldská", "1302/9", "2", "2+1", LET, f"owner={LUZICKA}"),
        ("Vrchlického", "790/5", "3", "2+kk", LET, f"owner={VONDRACEK}"),
    ]),
    *flats("Liberec", S, P.HOUSING_FIRST, LUZICKA, [
        ("Tanvaldská", "1302/9", "5", "1+1", LET),
    ]),
]
# fmt: on

AREAS = {  # m², from–to
    "1+kk": (22, 32),
    "1+1": (30, 42),
    "2+kk": (38, 50),
    "2+1": (48, 64),
    "3+kk": (58, 72),
    "3+1": (65, 82),
    "4+1": (80, 98),
}
RENT_PER_M2 = {  # CZK a month, from–to; private owners ask more, NGOs sublet a little dearer
    P.HOUSING_FIRST: (80, 95),
    P.SOCIAL: (85, 100),
    P.SUPPORTED_MUNICIPAL: (95, 115),
    P.STANDARD_MUNICIPAL: (115, 140),
    P.CRISIS: (80, 90),
    P.GUARANTEED: (130, 158),
}
SUBLET_PER_M2 = (100, 130)
STANDARD_PER_M2 = (120, 135)  # a social flat converted to a standard lease
# Maximum permissible rent for supported flats (§9 of zákon 175/2025 Sb.), CZK per m².
MAX_RENT_PER_M2 = {"Liberec": 165}
MAX_RENT_PER_M2_ELSEWHERE = 140
SMALL_TOWN_RENT = Decimal("0.85")  # rents outside Liberec
DEPOSIT_RENTS = {  # months of rent the deposit may be
    P.HOUSING_FIRST: [0, 1],
    P.SOCIAL: [1, 2],
    P.SUPPORTED_MUNICIPAL: [2],
    P.STANDARD_MUNICIPAL: [3],
    P.CRISIS: [0],
    P.GUARANTEED: [2, 3],
}
LEASE_MONTHS = {  # the agreed term (Housing First in Liberec: 12 months); None: indefinite
    P.HOUSING_FIRST: 12,
    P.SOCIAL: 6,
    P.SUPPORTED_MUNICIPAL: 24,
    P.STANDARD_MUNICIPAL: None,
    P.CRISIS: 3,
    P.GUARANTEED: 12,
}
SUPPORTED = {P.HOUSING_FIRST, P.SOCIAL, P.SUPPORTED_MUNICIPAL, P.GUARANTEED}
FITTING = {1: (1, 2), 2: (2, 4), 3: (3, 5), 4: (4, 7)}  # rooms: household sizes that fit best
MEASURE_OF = {
    FlatKind.GUARANTEED: SupportMeasureKind.GUARANTEED_HOUSING,
    FlatKind.NGO_SUBLET: SupportMeasureKind.SUBLET,
}

FLAT_NOTES = {
    P.HOUSING_FIRST: "Byt programu Housing First: smlouva na 12 měsíců, sociální práce v bytě "
    "nejméně 2 hodiny týdně.",
    P.CRISIS: "Krizový byt: pobyt nejvýše 3 měsíce, mezitím se hledá trvalé bydlení.",
    P.GUARANTEED: "Bydlení s garancí: město ručí za nájemné a škody do limitu garance.",
}
REPAIRS = [
    "Oprava: výměna rozvodů vody a elektřiny.",
    "Oprava: výměna oken a oprava koupelny.",
    "Oprava: sanace vlhkosti a výmalba.",
    "Oprava: výměna kotle a radiátorů.",
]
REPAIRED = "Oprava dokončena, byt připraven k nabídce."
RESERVATION = "Rezervováno: bytová komise schválila přidělení, připravuje se smlouva."
WITHDRAWALS = [
    "Vyřazeno z nabídky: dům čeká na celkovou rekonstrukci.",
    "Vyřazeno z nabídky: byt je technicky nezpůsobilý k bydlení.",
]
ARREARS_NOTES = [
    "Upomínka: dlužné nájemné za jeden měsíc. Case manager informován, domluven splátkový "
    "kalendář.",
    "Upomínka: nezaplacené zálohy na služby za dva měsíce. Dluh uhrazen do 14 dnů.",
    "Upomínka: opožděná platba nájemného, čeká se na výplatu dávky DSSP.",
]


def days(count: int) -> datetime.timedelta:
    return datetime.timedelta(days=count)


def months_later(day: datetime.date, months: int) -> datetime.date:
    """The day `months` later (the 31st becomes the last day of a shorter month)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def term_end(start: datetime.date, months: int) -> datetime.date:
    return months_later(start, months) - days(1)


def czk(amount) -> Decimal:
    return Decimal(int(amount))


def round_to(amount, step: int) -> Decimal:
    return Decimal(round(float(amount) / step) * step)


# --- Who can be a tenant -------------------------------------------------------------------------


@dataclass
class Tenant:
    """A household of KMB Liberec with what matters for placing it, from its latest case."""

    household_id: int
    token: str
    case: Case
    size: int
    barrier_free: bool
    residence: str
    intensity: str
    measures: frozenset[str]
    entered: dict[str, datetime.date]  # status → the last day the case entered it

    @property
    def moved_in(self) -> datetime.date | None:
        return self.entered.get(CaseStatus.FOLLOW_UP)


def load_tenants(kmb: Organisation) -> dict[str, list[Tenant]]:
    """Households of the KMB without a lease, by the status of their latest case, each list in
    the order of the households' intake tokens (stable across runs)."""
    cases = (
        Case.objects.filter(
            kmb=kmb, household__intake_token__isnull=False, household__leases__isnull=True
        )
        .select_related("household__permanent_residence", "case_manager")
        .prefetch_related("status_changes", "household__support_measures")
        .annotate(size=Count("household__members", distinct=True))
    )
    latest: dict[int, Case] = {}
    for case in cases:
        known = latest.get(case.household_id)
        if known is None or (case.opened_on, case.pk) > (known.opened_on, known.pk):
            latest[case.household_id] = case
    pools: dict[str, list[Tenant]] = {}
    for case in latest.values():
        household = case.household
        entered = {}
        for change in sorted(case.status_changes.all(), key=lambda c: (c.changed_at, c.pk)):
            entered[change.to_status] = timezone.localdate(change.changed_at)
        residence = household.permanent_residence
        tenant = Tenant(
            household_id=household.pk,
            token=str(household.intake_token),
            case=case,
            size=case.size,
            barrier_free=household.barrier_free,
            residence=residence.name if residence else "",
            intensity=household.support_intensity,
            measures=frozenset(m.kind for m in household.support_measures.all()),
            entered=entered,
        )
        status = case.status
        if status == CaseStatus.CLOSED:
            housed = case.close_reason == CloseReason.HOUSED
            status = "closed_housed" if housed and tenant.moved_in else "closed"
        pools.setdefault(status, []).append(tenant)
    for pool in pools.values():
        pool.sort(key=lambda tenant: tenant.token)
    return pools


def fit(spec: FlatSpec, tenant: Tenant) -> int:
    """How well the household fits the flat: size for the disposition, a barrier-free flat for
    those who need it, the support measure it was granted, its municipality."""
    low, high = FITTING[spec.rooms]
    score = 4 if low <= tenant.size <= high else (1 if tenant.size < low else -4)
    if tenant.barrier_free:
        score += 3 if "bf" in spec.tags else -5
    measure = MEASURE_OF.get(spec.kind)
    if spec.program == P.SUPPORTED_MUNICIPAL:
        measure = SupportMeasureKind.SUPPORTED_MUNICIPAL
    if measure and measure in tenant.measures:
        score += 3
    if spec.town != "Liberec":
        score += 3 if tenant.residence == spec.town else -1
    if spec.program == P.HOUSING_FIRST and tenant.intensity == SupportIntensity.HIGH:
        score += 2
    return score


def best(spec: FlatSpec, tenants: list[Tenant], wanted=lambda tenant: True) -> Tenant | None:
    candidates = [tenant for tenant in tenants if wanted(tenant)]
    if not candidates:
        return None
    return max(candidates, key=lambda tenant: (fit(spec, tenant), -tenants.index(tenant)))


def assign_tenants(specs: list[FlatSpec], pools: dict[str, list[Tenant]], today) -> dict:
    """Tenants of the new flats, by flat key: first the flats with a story that needs a particular
    household, then follow-up households (they are housed, so each gets a flat), then households
    being housed for the flats still let."""
    chosen: dict[tuple, Tenant] = {}
    follow_up = list(pools.get(CaseStatus.FOLLOW_UP, []))
    housing = list(pools.get(CaseStatus.HOUSING, []))
    needs = {
        "eviction": (pools.get(CaseStatus.PREVENTION, []), lambda t: t.case.opened_on),
        "moved_out": (pools.get("closed_housed", []), lambda t: t.moved_in - t.case.closed_on),
        "convert": (follow_up, None),
        "notice": (follow_up, None),
        "claims": (follow_up, None),
        "ends_soon": (follow_up, None),
    }
    conditions = {
        "eviction": lambda t: t.case.opened_on <= today - days(100),
        "claims": lambda t: today - days(700) <= t.moved_in <= today - days(120),
        "ends_soon": lambda t: today - days(700) <= t.moved_in <= today - days(60),
        "moved_out": lambda t: (
            t.moved_in >= today - days(700) and t.case.closed_on - t.moved_in >= days(60)
        ),
        "convert": lambda t: today - days(700) <= t.moved_in <= today - days(380),
        "notice": lambda t: today - days(700) <= t.moved_in <= today - days(150),
    }
    for spec in specs:
        tags = {"claims" if tag.startswith("claim_") else tag for tag in spec.tags}
        story = next((tag for tag in sorted(tags) if tag in needs), None)
        if story is None:
            continue
        pool, order = needs[story]
        if order:  # the longest in prevention, the longest stay
            candidates = sorted((t for t in pool if conditions[story](t)), key=order)
            tenant = candidates[0] if candidates else None
        else:
            tenant = best(spec, pool, conditions[story])
        if tenant:
            chosen[spec.key] = tenant
            pool.remove(tenant)
    let = [s for s in specs if s.status == LET and s.key not in chosen]
    for tenant in follow_up:
        flats_left = [s for s in let if "crisis" not in s.tags]
        if not flats_left:
            break
        spec = max(flats_left, key=lambda s: (fit(s, tenant), -let.index(s)))
        chosen[spec.key] = tenant
        let.remove(spec)
    for spec in let:
        tenant = best(spec, housing)
        if tenant:
            chosen[spec.key] = tenant
            housing.remove(tenant)
    return chosen


# --- Building ------------------------------------------------------------------------------------


class Stock:
    """What every flat's story refers to: today, the users who record things, owners, funds."""

    def __init__(self):
        self.today = timezone.localdate()
        self.kmb = Organisation.objects.get(name=builders.KMB_NAME)
        self.orp = Orp.objects.get(name=liberec.ORP_NAME)
        self.municipalities = {m.name: m for m in Municipality.objects.filter(orp=self.orp)}
        users = {user.username: user for user in User.objects.filter(username__in=logins())}
        role = {login.role: users[login.username] for login in builders.DEMO_LOGINS}
        self.housing_department = role[Role.HOUSING_DEPARTMENT]
        self.manager = role[Role.MANAGER]
        self.provider = Organisation.objects.get(name=builders.PROVIDER_NAME)
        self.owners = self.build_owners()
        self.realtors = self.build_realtors()
        self.funds = self.build_funds()

    def moment(self, day: datetime.date, rng: random.Random | None = None) -> datetime.datetime:
        hour, minute = (rng.randint(8, 15), rng.choice([0, 15, 30, 45])) if rng else (10, 0)
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))

    @contextmanager
    def on(self, day: datetime.date, *instances, rng: random.Random | None = None):
        """Date what the services record inside the block to `day`: the history rows of
        `instances`, and the status changes and extensions the services stamp with today."""
        moment = self.moment(day, rng)
        for instance in instances:
            instance._history_date = moment
        tracked = [
            (FlatStatusChange, "changed_at", moment),
            (CaseStatusChange, "changed_at", moment),
            (LeaseExtension, "extended_on", day),
        ]
        marks = [model.objects.aggregate(last=Max("pk"))["last"] or 0 for model, _f, _v in tracked]
        yield
        for (model, field, value), mark in zip(tracked, marks, strict=True):
            model.objects.filter(pk__gt=mark).update(**{field: value})

    # --- owners, realtors, funds (found by name) ---

    def build_owners(self) -> dict[str, Owner]:
        owners = {owner.name: owner for owner in Owner.objects.all()}
        organisations = {o.name: o for o in Organisation.objects.all()}
        for name, (_town, organisation, ico, address) in MUNICIPAL_OWNERS.items():
            if name not in owners:
                owners[name] = Owner.objects.create(
                    kind=OwnerKind.MUNICIPALITY,
                    name=name,
                    organisation=organisations.get(organisation),
                    ico=ico,
                    address=address,
                    created_by_organisation=self.kmb,
                )
        for private in PRIVATE_OWNERS:
            if private.name not in owners:
                engaged = private.engaged_days_ago
                owners[private.name] = Owner.objects.create(
                    kind=private.kind,
                    name=private.name,
                    phone=private.phone,
                    address=private.address,
                    engaged_on=self.today - days(engaged) if engaged else None,
                    note=private.note,
                    created_by_organisation=self.kmb,  # the KMB engaged them
                )
        return owners

    def build_realtors(self) -> dict[str, Realtor]:
        realtors = {}
        for name, phone in REALTORS.items():
            realtors[name], _created = Realtor.objects.get_or_create(
                name=name,
                company=REALTOR_COMPANY,
                defaults={"phone": phone, "email": "liberec@example-homemax.cz"},
            )
        return realtors

    def build_funds(self) -> dict[str, GuaranteeFund]:
        funds = {
            LIBEREC_FUND: GuaranteeFund.objects.get_or_create(
                name=LIBEREC_FUND, defaults={"municipality": self.municipalities["Liberec"]}
            )[0],
            ORP_FUND: GuaranteeFund.objects.get_or_create(
                name=ORP_FUND, defaults={"orp": self.orp}
            )[0],
        }
        for name, contributions in CONTRIBUTIONS.items():
            fund = funds[name]
            done = set(fund.movements.values_list("note", flat=True))
            for days_ago, amount, note in contributions:
                if note not in done:
                    contribute(
                        fund=fund,
                        amount=Decimal(amount),
                        on=self.today - days(days_ago),
                        note=note,
                        by=self.fund_manager(fund),
                    )
        return funds

    def fund_manager(self, fund: GuaranteeFund) -> User:
        return self.housing_department if fund.municipality_id else self.manager

    def fund_for(self, flat: Flat) -> GuaranteeFund:
        liberec_guarantee = flat.kind == FlatKind.GUARANTEED and flat.municipality.name == "Liberec"
        return self.funds[LIBEREC_FUND if liberec_guarantee else ORP_FUND]

    def recorder(self, flat: Flat) -> User:
        """Who keeps the flat's records: Liberec's housing department for the city's flats, the KMB
        for the rest of the ORP and for private and NGO flats."""
        if flat.kind == FlatKind.MUNICIPAL and flat.municipality.name == "Liberec":
            return self.housing_department
        return self.manager


def logins() -> list[str]:
    return [login.username for login in builders.DEMO_LOGINS]


class FlatStory:
    """One flat, from the day it entered the inventory to today, drawn from its own generator."""

    def __init__(self, stock: Stock, spec: FlatSpec, tenant: Tenant | None):
        self.stock, self.spec, self.tenant = stock, spec, tenant
        self.today = stock.today
        self.rng = random.Random(f"{SEED}-{'-'.join(spec.key)}")

    def build(self) -> None:
        spec, tenant = self.spec, self.tenant
        if "eviction" in spec.tags and tenant:
            self.eviction()
        elif "moved_out" in spec.tags and tenant:
            self.moved_out()
        elif spec.status == LET and tenant:
            self.let()
        else:
            self.idle(FREE if spec.status == LET else spec.status)

    # --- the flat ---

    def new_flat(self, entered: datetime.date) -> Flat:
        spec, rng, stock = self.spec, self.rng, self.stock
        municipality = stock.municipalities[spec.town]
        low, high = AREAS[spec.disposition]
        area = Decimal(rng.randint(low * 10, high * 10)) / 10
        per_m2 = SUBLET_PER_M2 if spec.kind == FlatKind.NGO_SUBLET else RENT_PER_M2[spec.program]
        rent = area * rng.randint(*per_m2)
        if spec.town != "Liberec":
            rent *= SMALL_TOWN_RENT
        rent = round_to(rent, 10)
        program = P.GUARANTEED if spec.kind == FlatKind.GUARANTEED else spec.program
        deposit_rents = [1, 2] if spec.kind == FlatKind.NGO_SUBLET else DEPOSIT_RENTS[program]
        supported = program in SUPPORTED or spec.kind == FlatKind.NGO_SUBLET
        max_rent = None
        if supported:
            per_m2_max = MAX_RENT_PER_M2.get(spec.town, MAX_RENT_PER_M2_ELSEWHERE)
            max_rent = max(round_to(area * per_m2_max, 10), rent)
        floor, lift = self.floor()
        state = self.technical_state()
        postcodes = POSTCODES[spec.town]
        flat = Flat(
            municipality=municipality,
            street=spec.street,
            number=spec.number,
            unit=spec.unit,
            postcode=postcodes[spec.street] if isinstance(postcodes, dict) else postcodes,
            disposition=spec.disposition,
            rooms=spec.rooms,
            area=area,
            floor=floor,
            lift=lift,
            barrier_free="bf" in spec.tags,
            technical_state=state,
            last_inspection_on=self.inspected(entered),
            rent=rent,
            service_charges=round_to(area * rng.randint(30, 50), 50),
            deposit=rent * rng.choice(deposit_rents),
            qualifies_for_register=supported
            and state in (TechnicalState.GOOD, TechnicalState.FAIR),
            max_permissible_rent=max_rent,
            kind=spec.kind,
            program=spec.program,
            owner=stock.owners[spec.owner],
            realtor=self.realtor(),
            head_lease_holder=stock.provider if spec.kind == FlatKind.NGO_SUBLET else None,
            status=FREE,
            note=FLAT_NOTES.get(program, ""),
        )
        with stock.on(entered, flat, rng=rng):
            create_flat(flat=flat, by=stock.recorder(flat))
        return flat

    def floor(self) -> tuple[int, bool]:
        spec = self.spec
        unit = int(spec.unit) if spec.unit.isdigit() else 2
        if spec.street in PANEL_STREETS:
            return min((unit - 1) // 4, 11), True
        if "bf" in spec.tags:
            return 0, False
        return min((unit - 1) // 3, 4), False

    def technical_state(self) -> str:
        status = self.spec.status
        if status == REPAIR:
            return TechnicalState.POOR
        if status == WITHDRAWN:
            return TechnicalState.UNFIT
        states = [TechnicalState.GOOD, TechnicalState.FAIR, TechnicalState.POOR]
        return self.rng.choices(states, weights=[55, 38, 7])[0]

    def inspected(self, entered: datetime.date) -> datetime.date:
        if self.spec.status == REPAIR:
            return self.today - days(self.rng.randint(10, 60))
        return max(entered, self.today - days(self.rng.randint(20, 600)))

    def realtor(self) -> Realtor | None:
        if "realtor" not in self.spec.tags:
            return None
        return self.stock.realtors[self.rng.choice(sorted(self.stock.realtors))]

    def change(self, flat: Flat, to: str, day: datetime.date, note: str = "") -> None:
        with self.stock.on(day, flat, rng=self.rng):
            change_flat_status(flat=flat, to=to, by=self.stock.recorder(flat), note=note)

    # --- flats without a tenant ---

    def idle(self, status: str) -> None:
        rng, today = self.rng, self.today
        if status == FREE:
            # Free flats do not stay free long: newly entered, or just repaired.
            if rng.random() < 0.5:
                self.new_flat(today - days(rng.randint(4, 40)))
                return
            flat = self.new_flat(today - days(rng.randint(150, 600)))
            self.change(flat, REPAIR, today - days(rng.randint(60, 140)), rng.choice(REPAIRS))
            self.change(flat, FREE, today - days(rng.randint(3, 50)), REPAIRED)
            return
        flat = self.new_flat(today - days(rng.randint(200, 700)))
        if status == RESERVED:
            self.change(flat, RESERVED, today - days(rng.randint(3, 30)), RESERVATION)
        elif status == REPAIR:
            self.change(flat, REPAIR, today - days(rng.randint(10, 150)), rng.choice(REPAIRS))
        elif status == WITHDRAWN:
            self.change(
                flat, WITHDRAWN, today - days(rng.randint(30, 180)), rng.choice(WITHDRAWALS)
            )

    # --- leases ---

    def start(self) -> datetime.date:
        """When the tenant's lease starts: a follow-up household moved in on the day its case
        entered follow-up; a household being housed signs within weeks (a crisis flat at once)."""
        rng, today, tenant = self.rng, self.today, self.tenant
        floor = today - days(700)
        if tenant.moved_in:
            return max(tenant.moved_in, floor)
        housing_on = tenant.entered.get(CaseStatus.HOUSING, today - days(30))
        if "crisis" in self.spec.tags:
            return max(housing_on, today - days(rng.randint(10, 60)))
        start = housing_on + days(rng.randint(14, 75))
        if start > today - days(3):
            start = max(housing_on, today - days(rng.randint(0, 12)))
        return max(start, floor)

    def signed(self, start: datetime.date) -> tuple[Flat, Lease]:
        """The flat, entered some weeks before, and its lease to the tenant from `start`."""
        rng, spec = self.rng, self.spec
        flat = self.new_flat(start - days(rng.randint(20, 120)))
        if self.tenant.case.status == CaseStatus.HOUSING and rng.random() < 0.4:
            self.change(flat, RESERVED, start - days(rng.randint(5, 15)), RESERVATION)
        months = LEASE_MONTHS[P.GUARANTEED if spec.kind == FlatKind.GUARANTEED else spec.program]
        sublet = spec.kind == FlatKind.NGO_SUBLET
        lease = Lease(
            flat=flat,
            household_id=self.tenant.household_id,
            kind=LeaseKind.SUBLEASE if sublet else LeaseKind.LEASE,
            start_on=start,
            end_on=term_end(start, months or 12) if months or sublet else None,
            rent=flat.rent,
            deposit=flat.deposit,
            notarial_clause=spec.kind == FlatKind.GUARANTEED or rng.random() < 0.25,
        )
        with self.stock.on(start, flat, lease, rng=rng):
            sign_lease(lease=lease, by=self.signer(flat))
        return flat, lease

    def signer(self, flat: Flat) -> User:
        if flat.kind == FlatKind.MUNICIPAL:
            return self.stock.recorder(flat)
        return self.tenant.case.case_manager or self.stock.manager

    def extend(self, lease: Lease, until: datetime.date, early: bool = True) -> None:
        """Extend the lease by its term as long as it would otherwise end before `until`; with
        `early`, most leases ending within two months are extended in advance too (after the
        review of the first months)."""
        if lease.end_on is None:
            return
        months = max(1, round((lease.end_on - lease.start_on).days / 30.4))
        horizon = until + days(60) if early and self.rng.random() < 0.6 else until
        while lease.end_on < horizon:
            agreed = min(self.today, lease.end_on - days(self.rng.randint(14, 45)))
            agreed = max(agreed, lease.start_on)
            with self.stock.on(agreed, lease, rng=self.rng):
                extend_lease(
                    lease=lease,
                    new_end_on=term_end(lease.end_on + days(1), months),
                    by=self.signer(lease.flat),
                )

    def event(self, lease, kind, day, note, *, by=None, prevention=False) -> TenancyEvent:
        event = TenancyEvent(kind=kind, occurred_on=day, note=note)
        by = by or self.tenant.case.case_manager or self.stock.manager
        with self.stock.on(day, event, rng=self.rng):
            return record_tenancy_event(lease=lease, event=event, open_prevention=prevention, by=by)

    def let(self) -> None:
        spec, rng, today = self.spec, self.rng, self.today
        start = self.start()
        if "convert" in spec.tags:
            flat, lease = self.signed(start)
            self.convert(flat, lease)
            return
        flat, lease = self.signed(start)
        self.extend(lease, today)
        if "notice" in spec.tags:
            self.notice(lease)
        elif flat.kind == FlatKind.MUNICIPAL and (today - start).days > 90 and rng.random() < 0.2:
            day = today - days(rng.randint(10, min(150, (today - start).days - 45)))
            note = rng.choice(ARREARS_NOTES)
            self.event(lease, TenancyEventKind.ARREARS_WARNING, day, note, by=self.by_owner())
        if flat.kind != FlatKind.MUNICIPAL:
            self.guarantee(flat, lease)

    def by_owner(self) -> User:
        """Arrears are reported by whoever keeps the flat's records."""
        return self.stock.housing_department if self.spec.town == "Liberec" else self.stock.manager

    def convert(self, flat: Flat, lease: Lease) -> None:
        """Brno's transition: at the end of the first term the household needs no more support;
        the social flat becomes a standard municipal flat at standard rent."""
        on = lease.end_on + days(1)
        flat.rent = round_to(flat.area * self.rng.randint(*STANDARD_PER_M2), 10)
        flat.max_permissible_rent = None
        flat.qualifies_for_register = False
        flat.note = "Převeden ze sociálního bytu na standardní nájem, podpora již není potřeba."
        with self.stock.on(on, flat, lease, rng=self.rng):
            convert_to_standard_lease(
                lease=lease, on=on, new_rent=flat.rent, by=self.stock.recorder(flat)
            )

    def notice(self, lease: Lease) -> None:
        """Arrears, then a notice to quit that moves the household's case to prevention."""
        today, rent = self.today, lease.rent
        warning = "Upomínka: dlužné nájemné za {n} měsíc{e} ({amount} Kč)."
        self.event(
            lease,
            TenancyEventKind.ARREARS_WARNING,
            today - days(80),
            warning.format(n=1, e="", amount=rent),
            by=self.by_owner(),
        )
        self.event(
            lease,
            TenancyEventKind.ARREARS_WARNING,
            today - days(50),
            warning.format(n=2, e="e", amount=2 * rent),
            by=self.by_owner(),
        )
        self.event(
            lease,
            TenancyEventKind.NOTICE_TO_QUIT,
            today - days(21),
            f"Výpověď z nájmu pro neplacení nájemného (dluh {3 * rent} Kč). Případ převeden do "
            "prevence, jedná se o splátkovém kalendáři a o dávce DSSP.",
            prevention=True,
        )

    def moved_out(self) -> None:
        """A Housing First tenant who moved on to housing of their own when the case closed; the
        flat is free again, or already reserved for the next household."""
        tenant, rng = self.tenant, self.rng
        start, ended = max(tenant.moved_in, self.today - days(700)), tenant.case.closed_on
        flat, lease = self.signed(start)
        self.extend(lease, ended, early=False)
        with self.stock.on(ended, flat, lease, rng=rng):
            end_lease(
                lease=lease,
                ended_on=ended,
                reason=LeaseEndReason.MOVED_OUT,
                by=self.stock.recorder(flat),
            )
        ready = ended
        if (self.today - ended).days > 45:
            self.change(flat, REPAIR, ended + days(rng.randint(3, 14)), rng.choice(REPAIRS))
            ready = self.today - days(rng.randint(8, 30))
            self.change(flat, FREE, ready, REPAIRED)
        if self.spec.status == RESERVED:
            reserved = min(ready + days(rng.randint(2, 20)), self.today)
            self.change(flat, RESERVED, max(reserved, ready + days(1)), RESERVATION)

    def eviction(self) -> None:
        """Arrears from before the household came to the KMB, prevention that did not save the
        tenancy, a notice, a lawsuit, the eviction order; the guarantee pays the arrears and the
        damage; the flat is being repaired."""
        rng, today, case = self.rng, self.today, self.tenant.case
        opened = case.opened_on
        start = max(today - days(700), opened - days(rng.randint(200, 300)))
        flat, lease = self.signed(start)
        first = max(opened, start + days(90))
        span = (today - days(14) - first).days
        notice, lawsuit = first + days(span * 15 // 100), first + days(span * 40 // 100)
        order, evicted = first + days(span * 65 // 100), first + days(span * 85 // 100)
        self.extend(lease, evicted, early=False)
        owner = self.stock.manager
        rent = lease.rent
        for months, day in ((1, opened - days(40)), (2, opened - days(10))):
            if day > start + days(45):
                note = f"Majitel hlásí dluh na nájemném za {months} měs. ({months * rent} Kč)."
                self.event(lease, TenancyEventKind.ARREARS_WARNING, day, note, by=owner)
        self.event(
            lease,
            TenancyEventKind.NOTICE_TO_QUIT,
            notice,
            "Výpověď pro neplacení nájemného; dluh se nedaří splácet.",
            prevention=True,
        )
        self.event(
            lease,
            TenancyEventKind.EVICTION_LAWSUIT,
            lawsuit,
            "Majitel podal žalobu na vyklizení bytu.",
        )
        self.event(
            lease,
            TenancyEventKind.EVICTION_ORDER,
            order,
            "Soud vydal rozkaz k vyklizení; hledá se náhradní ubytování.",
        )
        with self.stock.on(evicted, flat, lease, rng=rng):
            end_lease(lease=lease, ended_on=evicted, reason=LeaseEndReason.EVICTION, by=owner)
        self.change(
            flat, REPAIR, evicted + days(3), "Oprava po vyklizení: dveře, podlahy, výmalba."
        )
        guarantee = self.guarantee(flat, lease, claims=False)
        arrears = min(2 * rent, guarantee.cap / 2)
        self.claim(guarantee, Claim.Kind.RENT_ARREARS, notice + days(10), arrears, paid=21)
        damage = min(round_to(guarantee.remaining_cap() * Decimal("0.9"), 100), czk(24_000))
        self.claim(
            guarantee,
            Claim.Kind.DAMAGE,
            evicted,
            damage,
            approved=round_to(damage * Decimal("0.7"), 100),
            note="Poškozené dveře a podlahy, posudek technika.",
        )

    # --- guarantees and claims ---

    def guarantee(self, flat: Flat, lease: Lease, claims: bool = True) -> GuaranteeModel:
        """The municipality guarantees private owners' leases (at most 4 × the maximum
        permissible rent); NGO sublets are guaranteed from the ORP's project fund."""
        rng, today = self.rng, self.today
        by_municipality = flat.kind == FlatKind.GUARANTEED
        if by_municipality:
            cap = flat.max_permissible_rent * rng.choice([3, 4])
        else:
            cap = round_to(lease.rent * 4, 1000)
        until = lease.last_day or term_end(lease.start_on, 24)
        if "ends_soon" in self.spec.tags:
            until = min(until, today + days(rng.randint(12, 55)))
        guarantee = GuaranteeModel(
            lease=lease,
            fund=self.stock.fund_for(flat),
            by_municipality=by_municipality,
            covers_rent=True,
            covers_damage=True,
            cap=cap,
            valid_from=lease.start_on,
            valid_until=until,
        )
        with self.stock.on(lease.start_on, guarantee, rng=rng):
            issue_guarantee(guarantee=guarantee, by=self.stock.fund_manager(guarantee.fund))
        if claims:
            self.claims(guarantee)
        return guarantee

    def claims(self, guarantee: GuaranteeModel) -> None:
        tags, today, rent = self.spec.tags, self.today, guarantee.lease.rent
        start = guarantee.valid_from
        if "claim_rejected" in tags:
            self.claim(
                guarantee,
                Claim.Kind.RENT_ARREARS,
                max(start + days(60), today - days(40)),
                rent,
                rejected="Nájemné doplaceno nájemníkem po přiznání DSSP, plnění není třeba.",
            )
        if "claim_submitted" in tags:
            day = max(start, today - days(self.rng.randint(2, 9)))
            self.claim(
                guarantee,
                Claim.Kind.DAMAGE,
                day,
                czk(6_500),
                note="Poškozené dveře koupelny a linoleum v kuchyni.",
                decide=False,
            )
        if "claim_paid" in tags:
            day = max(start + days(30), today - days(120))
            self.claim(
                guarantee,
                Claim.Kind.DAMAGE,
                day,
                czk(8_400),
                paid=18,
                note="Výměna poškozeného sporáku a oprava dveří.",
            )

    def claim(
        self,
        guarantee,
        kind,
        day,
        amount,
        *,
        paid=None,
        approved=None,
        rejected="",
        note="",
        decide=True,
    ) -> Claim:
        """Submit a claim on `day`; then reject it, or approve it (for `approved`, by default
        all of it) and, with `paid` (days later), pay it from the fund."""
        by = self.stock.fund_manager(guarantee.fund)
        amount = czk(amount)
        claim = Claim(
            guarantee=guarantee, claimed_on=day, kind=kind, amount_claimed=amount, note=note
        )
        with self.stock.on(day, claim, rng=self.rng):
            submit_claim(claim=claim, by=by)
        if not decide:
            return claim
        decided = min(self.today, day + days(7))
        with self.stock.on(decided):
            claim = decide_claim(
                claim=claim,
                approve=not rejected,
                amount_approved=None if rejected else czk(approved or amount),
                note=rejected or note,
                by=by,
            )
        if paid is not None:
            on = min(self.today, day + days(paid))
            with self.stock.on(on):
                claim = pay_claim(claim=claim, paid_on=on, by=by)
        return claim


def build_housing() -> int:
    """Build the flats of the catalogue that are still missing, with their leases, events,
    guarantees and claims (owners, realtors, funds and contributions first); return how many
    flats were built."""
    stock = Stock()
    existing = set(
        Flat.objects.filter(municipality__orp=stock.orp).values_list(
            "municipality__name", "street", "number", "unit"
        )
    )
    specs = [spec for spec in CATALOGUE if spec.key not in existing]
    if not specs:
        return 0
    tenants = assign_tenants(specs, load_tenants(stock.kmb), stock.today)
    for spec in specs:
        FlatStory(stock, spec, tenants.get(spec.key)).build()
    return len(specs)
