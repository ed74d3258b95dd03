"""Builders of the demo KMB, one per area, each idempotent (natural keys, get-or-create).

Later areas add their builder here and to the seed_demo command, after the ones they build on.
"""

from dataclasses import dataclass

import factory
from django.contrib.auth.hashers import make_password

from demo import liberec
from kmb.accounts.models import Organisation, Role, User
from kmb.territory.models import Municipality, Orp
from tests.factories.accounts import (
    MunicipalityFactory,
    OrganisationFactory,
    OrpFactory,
    UserFactory,
)

DEMO_PASSWORD = "kmb-demo-2026"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    first_name: str
    last_name: str
    role: Role
    organisation: str


KMB_NAME = "KMB Liberec"
HOUSING_DEPARTMENT_NAME = "Statutární město Liberec – odbor správy bytů"
PROVIDER_NAME = "Domov pod Ještědem, z. ú."
SECOND_PROVIDER_NAME = "Poradna Nisa, z. s."
ADMINISTRATION_NAME = "Správa systému KMB"

DEMO_LOGINS = [
    DemoLogin("socialni", "Jana", "Dvořáková", Role.SOCIAL_WORKER, KMB_NAME),
    DemoLogin("vedouci", "Petr", "Novotný", Role.MANAGER, KMB_NAME),
    DemoLogin("bytovy", "Martina", "Kučerová", Role.HOUSING_DEPARTMENT, HOUSING_DEPARTMENT_NAME),
    DemoLogin("poskytovatel", "Tomáš", "Procházka", Role.PROVIDER_STAFF, PROVIDER_NAME),
    DemoLogin("spravce", "Eva", "Marková", Role.ADMINISTRATOR, ADMINISTRATION_NAME),
]

# More case managers, so that caseloads can be shared out.
MORE_SOCIAL_WORKERS = [
    ("hana.svobodova", "Hana", "Svobodová"),
    ("lukas.cerny", "Lukáš", "Černý"),
    ("katerina.vesela", "Kateřina", "Veselá"),
    ("michal.horak", "Michal", "Horák"),
]
# A case manager who joined lately (no cases yet), so that the matching service has somebody to
# propose for the new cases; kept apart from MORE_SOCIAL_WORKERS, which the case files draw from.
NEW_SOCIAL_WORKERS = [("tereza.mala", "Tereza", "Malá")]

NADEJE_NAME = "Naděje, z. s. – pobočka Liberec"
CLOVEK_V_TISNI_NAME = "Člověk v tísni, o. p. s. – pobočka Liberec"
DIAKONIE_NAME = "Diakonie ČCE – středisko v Liberci"
CHARITA_NAME = "Charita Liberec"
LEGAL_ADVICE_NAME = "Právní poradna Ještěd, z. s."
FOOD_BANK_NAME = "Potravinová banka Libereckého kraje, z. s."
FOUNDATION_NAME = "Nadační fond Podještědí"


@dataclass(frozen=True)
class DemoOrganisation:
    name: str
    ico: str  # invented, with a valid check digit
    email: str
    phone: str
    address: str


# The support providers of the ORP besides the two the case files already refer to.
MORE_PROVIDERS = [
    DemoOrganisation(
        NADEJE_NAME,
        "05741238",
        "liberec@example-nadeje.cz",
        "+420 485 151 210",
        "Orlí 471/11, 460 01 Liberec",
    ),
    DemoOrganisation(
        CLOVEK_V_TISNI_NAME,
        "05730848",
        "liberec@example-clovekvtisni.cz",
        "+420 485 340 115",
        "Palachova 504/7, 460 01 Liberec",
    ),
    DemoOrganisation(
        DIAKONIE_NAME,
        "07381450",
        "liberec@example-diakonie.cz",
        "+420 485 108 902",
        "Husova 312/51, 460 01 Liberec",
    ),
    DemoOrganisation(
        CHARITA_NAME,
        "06637841",
        "charita@example-charitaliberec.cz",
        "+420 485 122 660",
        "Uhelná 305/9, 460 01 Liberec",
    ),
    DemoOrganisation(
        LEGAL_ADVICE_NAME,
        "08154325",
        "poradna@example-pravniporadna.cz",
        "+420 485 770 431",
        "Moskevská 638/26, 460 01 Liberec",
    ),
    DemoOrganisation(
        FOOD_BANK_NAME,
        "04470125",
        "info@example-pblk.cz",
        "+420 485 131 777",
        "Průmyslová 451/2, 460 10 Liberec",
    ),
    DemoOrganisation(
        FOUNDATION_NAME,
        "09215336",
        "fond@example-podjestedi.cz",
        "+420 485 221 503",
        "nám. Bedřicha Smetany 1, 463 43 Český Dub",
    ),
]

# The providers' staff who use the portal: a second worker of Domov pod Ještědem and one at each
# provider whose services take households for longer support. (username, first, last, org)
PROVIDER_STAFF = [
    ("ivana.stastna", "Ivana", "Šťastná", PROVIDER_NAME),
    ("renata.hajkova", "Renata", "Hájková", SECOND_PROVIDER_NAME),
    ("martin.sykora", "Martin", "Sýkora", NADEJE_NAME),
    ("alena.kralova", "Alena", "Králová", CLOVEK_V_TISNI_NAME),
    ("pavla.zemanova", "Pavla", "Zemanová", DIAKONIE_NAME),
    ("jakub.fiala", "Jakub", "Fiala", CHARITA_NAME),
]

NISA_VALLEY = [
    "Liberec",
    "Hrádek nad Nisou",
    "Chrastava",
    "Chotyně",
    "Rynoltice",
    "Oldřichov v Hájích",
]
PODJESTEDI = [
    "Český Dub",
    "Hodkovice nad Mohelkou",
    "Osečná",
    "Světlá pod Ještědem",
    "Proseč pod Ještědem",
    "Bílá",
]
SMALL_VILLAGES = ["Kryštofovo Údolí", "Hlavice", "Janův Důl", "Cetenov", "Zdislava", "Žibřidice"]


@dataclass(frozen=True)
class Caseload:
    """What the matching service weighs when it proposes a case manager."""

    max_caseload: int
    specialisations: tuple[str, ...]
    municipalities: tuple[str, ...]


CASELOADS = {
    "socialni": Caseload(30, ("housing_first", "families"), ("Liberec",)),
    "vedouci": Caseload(5, ("housing_first",), ("Liberec",)),
    "hana.svobodova": Caseload(40, ("debts", "seniors"), ("Liberec", "Stráž nad Nisou")),
    "lukas.cerny": Caseload(40, ("housing_first", "institutions"), tuple(NISA_VALLEY)),
    "katerina.vesela": Caseload(42, ("families", "violence"), ("Liberec", "Chrastava")),
    "michal.horak": Caseload(40, ("debts", "health"), ("Liberec", *PODJESTEDI)),
    "tereza.mala": Caseload(30, ("seniors", "health"), ("Liberec", *SMALL_VILLAGES)),
}


def build_territory() -> Orp:
    orp = OrpFactory(name=liberec.ORP_NAME)
    for name, population in liberec.MUNICIPALITIES:
        MunicipalityFactory(
            orp=orp, name=name, population=population, code=liberec.CSU_CODES.get(name, "")
        )
    return orp


def build_organisations(orp: Orp) -> dict[str, Organisation]:
    town = Municipality.objects.get(orp=orp, name="Liberec")
    chrastava = Municipality.objects.get(orp=orp, name="Chrastava")
    organisations = [
        OrganisationFactory(
            name=KMB_NAME,
            kind=Organisation.Kind.KMB,
            orp=orp,
            email="kmb@example.liberec.cz",
            phone="+420 485 243 111",
            address="nám. Dr. E. Beneše 1/1, 460 01 Liberec",
        ),
        OrganisationFactory(
            name=HOUSING_DEPARTMENT_NAME,
            kind=Organisation.Kind.MUNICIPALITY,
            orp=None,
            municipality=town,
            ico="00262978",
            email="byty@example.liberec.cz",
        ),
        OrganisationFactory(
            name="Město Chrastava – bytové oddělení",
            kind=Organisation.Kind.MUNICIPALITY,
            orp=None,
            municipality=chrastava,
        ),
        OrganisationFactory(
            name=PROVIDER_NAME,
            kind=Organisation.Kind.PROVIDER,
            orp=None,
            ico="02761262",
            email="info@example-domovpodjestedem.cz",
            phone="+420 485 106 330",
            address="Kateřinská 1160/2, 460 14 Liberec",
        ),
        OrganisationFactory(
            name=SECOND_PROVIDER_NAME,
            kind=Organisation.Kind.PROVIDER,
            orp=None,
            ico="04113349",
            email="poradna@example-nisa.cz",
            phone="+420 485 254 880",
            address="Frýdlantská 229/11, 460 01 Liberec",
        ),
        OrganisationFactory(
            name=ADMINISTRATION_NAME, kind=Organisation.Kind.ADMINISTRATION, orp=None
        ),
    ]
    return {organisation.name: organisation for organisation in organisations}


class DemoPassword:
    """The demo password, hashed once for all the users a run creates: hashing takes about a
    second on purpose, and the demo has a score of users with the same published password."""

    def __init__(self):
        self.hashed = ""

    def __call__(self):
        if not self.hashed:
            self.hashed = make_password(DEMO_PASSWORD)
        return factory.Transformer.Force(self.hashed)


def demo_user(
    password: DemoPassword, username: str, first: str, last: str, role: Role, organisation
) -> User:
    """The user of that name, created (with the demo password) if missing."""
    existing = User.objects.filter(username=username).first()
    if existing:
        return existing
    return UserFactory(
        username=username,
        first_name=first,
        last_name=last,
        role=role,
        organisation=organisation,
        password=password(),
    )


def build_staff(organisations: dict[str, Organisation], password: DemoPassword) -> list[User]:
    staff = [
        demo_user(
            password,
            login.username,
            login.first_name,
            login.last_name,
            login.role,
            organisations[login.organisation],
        )
        for login in DEMO_LOGINS
    ]
    staff += [
        demo_user(password, username, first, last, Role.SOCIAL_WORKER, organisations[KMB_NAME])
        for username, first, last in MORE_SOCIAL_WORKERS
    ]
    return staff


def build_network_staff(
    organisations: dict[str, Organisation], password: DemoPassword
) -> list[User]:
    """The other support providers, their portal users, and the newest case manager."""
    for provider in MORE_PROVIDERS:
        organisations[provider.name] = OrganisationFactory(
            name=provider.name,
            kind=Organisation.Kind.PROVIDER,
            orp=None,
            ico=provider.ico,
            email=provider.email,
            phone=provider.phone,
            address=provider.address,
        )
    people = [(*person, Role.PROVIDER_STAFF) for person in PROVIDER_STAFF]
    people += [(*person, KMB_NAME, Role.SOCIAL_WORKER) for person in NEW_SOCIAL_WORKERS]
    return [
        demo_user(password, username, first, last, role, organisations[organisation])
        for username, first, last, organisation, role in people
    ]


def build_caseloads(orp: Orp) -> None:
    """Maximum caseloads, specialisations and territories of the KMB's case managers (saved only
    where they differ, so that a second run records no change)."""
    municipalities = {m.name: m for m in Municipality.objects.filter(orp=orp)}
    for user in User.objects.filter(username__in=CASELOADS).prefetch_related("municipalities"):
        wanted = CASELOADS[user.username]
        if (user.max_caseload, user.specialisations) != (
            wanted.max_caseload,
            list(wanted.specialisations),
        ):
            user.max_caseload = wanted.max_caseload
            user.specialisations = list(wanted.specialisations)
            user.full_clean()
            user.save(update_fields=["max_caseload", "specialisations"])
        names = {m.name for m in user.municipalities.all()}
        if names != set(wanted.municipalities):
            user.municipalities.set([municipalities[name] for name in wanted.municipalities])


def build_foundation() -> None:
    orp = build_territory()
    organisations = build_organisations(orp)
    password = DemoPassword()
    build_staff(organisations, password)
    build_network_staff(organisations, password)
    build_caseloads(orp)
