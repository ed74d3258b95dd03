"""The directory of support providers in ORP Liberec: nine organisations and their services.

The services cover the ORP unevenly, as they do in life: social work in the flat (§43) reaches
Liberec, the Nisa valley and Podještědí, but not the small villages under Ještěd; some services
are full. Names of the big NGOs are real, everything else about them (IČO, addresses, numbers,
people) is invented. Idempotent: providers are found by organisation, services by provider and
name.
"""

from dataclasses import dataclass

from django.utils import timezone

from demo import builders
from demo.builders import NISA_VALLEY, PODJESTEDI
from demo.common import days
from kmb.accounts.models import Organisation
from kmb.territory.models import Municipality
from providers.models import Provider, Service, ServiceForm, ServiceType

T = ServiceType
F = ServiceForm
ALL = "*"  # the whole ORP
LIBEREC_AREA = ["Liberec", "Stráž nad Nisou", "Šimonovice", "Dlouhý Most", "Mníšek", "Nová Ves"]


@dataclass(frozen=True)
class ProviderSpec:
    organisation: str
    contact_person: str
    phone: str
    email: str
    website: str
    note: str = ""


PROVIDERS = [
    ProviderSpec(
        builders.PROVIDER_NAME,
        "Mgr. Tomáš Procházka",
        "+420 731 402 118",
        "hf@example-domovpodjestedem.cz",
        "https://example-domovpodjestedem.cz",
        "Hlavní partner programu Housing First v Liberci; pronajímá byty k podnájmu.",
    ),
    ProviderSpec(
        builders.SECOND_PROVIDER_NAME,
        "Bc. Renata Hájková",
        "+420 733 210 584",
        "dluhy@example-nisa.cz",
        "https://example-nisa.cz",
        "Akreditovaná dluhová poradna, sepisuje návrhy na oddlužení.",
    ),
    ProviderSpec(
        builders.NADEJE_NAME,
        "Martin Sýkora, DiS.",
        "+420 739 551 207",
        "liberec@example-nadeje.cz",
        "https://example-nadeje.cz",
    ),
    ProviderSpec(
        builders.CLOVEK_V_TISNI_NAME,
        "Mgr. Alena Králová",
        "+420 777 793 410",
        "liberec@example-clovekvtisni.cz",
        "https://example-clovekvtisni.cz",
        "Terénní práce v sociálně vyloučených lokalitách, dluhové poradenství.",
    ),
    ProviderSpec(
        builders.DIAKONIE_NAME,
        "Mgr. Pavla Zemanová",
        "+420 736 508 331",
        "liberec@example-diakonie.cz",
        "https://example-diakonie.cz",
    ),
    ProviderSpec(
        builders.CHARITA_NAME,
        "Jakub Fiala",
        "+420 731 604 925",
        "charita@example-charitaliberec.cz",
        "https://example-charitaliberec.cz",
        "Nábytková banka přijímá žádosti jen přes KMB nebo sociální pracovníky obcí.",
    ),
    ProviderSpec(
        builders.LEGAL_ADVICE_NAME,
        "JUDr. Vladimír Kopecký",
        "+420 485 770 431",
        "poradna@example-pravniporadna.cz",
        "https://example-pravniporadna.cz",
        "Nájemní právo, výpovědi, žaloby na vyklizení; objednání do 14 dnů.",
    ),
    ProviderSpec(
        builders.FOOD_BANK_NAME,
        "Ing. Simona Vojtíšková",
        "+420 485 131 777",
        "info@example-pblk.cz",
        "https://example-pblk.cz",
        "Potravinové balíčky vydávají partnerské organizace na poukaz KMB.",
    ),
    ProviderSpec(
        builders.FOUNDATION_NAME,
        "Mgr. Hana Vébrová",
        "+420 485 221 503",
        "fond@example-podjestedi.cz",
        "https://example-podjestedi.cz",
        "Příspěvky na jistotu, vybavení bytu a stěhování; rozhoduje správní rada jednou měsíčně.",
    ),
]


@dataclass(frozen=True)
class ServiceSpec:
    key: str  # how the demo's referrals name the service
    organisation: str
    kind: str
    name: str
    form: str
    registration: str
    capacity: int
    free: int  # free places wanted (fewer if the demo's referrals hold more)
    municipalities: tuple[str, ...] | str
    note: str = ""


DPJ, NISA = builders.PROVIDER_NAME, builders.SECOND_PROVIDER_NAME
NADEJE, CVT, DIAKONIE = builders.NADEJE_NAME, builders.CLOVEK_V_TISNI_NAME, builders.DIAKONIE_NAME
CHARITA, LEGAL, FOOD = builders.CHARITA_NAME, builders.LEGAL_ADVICE_NAME, builders.FOOD_BANK_NAME
FOUNDATION = builders.FOUNDATION_NAME
# fmt: off
SERVICES = [
    ServiceSpec("dpj_hf", DPJ, T.INDEPENDENT_LIVING, "Housing First – podpora samostatného bydlení",
                F.FIELD, "7413852", 26, 1, tuple(LIBEREC_AREA),
                "Sociální práce v bytě nejméně 2 hodiny týdně, smlouva na 12 měsíců."),
    ServiceSpec("dpj_mothers", DPJ, T.ASYLUM_HOUSE, "Azylový dům pro matky s dětmi",
                F.RESIDENTIAL, "5029174", 12, 0, ALL, "Pořadník, čekací doba asi 2 měsíce."),
    ServiceSpec("dpj_halfway", DPJ, T.HALFWAY_HOUSE, "Dům na půl cesty Ještěd",
                F.RESIDENTIAL, "6381920", 8, 2, ALL,
                "Pro mladé lidi do 26 let po odchodu z ústavní péče."),
    ServiceSpec("nisa_counselling", NISA, T.COUNSELLING, "Odborné sociální poradenství",
                F.OUTPATIENT, "3920475", 30, 5, ALL),
    ServiceSpec("nisa_debts", NISA, T.DEBT_COUNSELLING, "Dluhová poradna",
                F.OUTPATIENT, "", 40, 6, ALL, "Akreditace MSp pro sepis insolvenčních návrhů."),
    ServiceSpec("nadeje_shelter", NADEJE, T.NIGHT_SHELTER, "Noclehárna pro muže a ženy",
                F.RESIDENTIAL, "8102746", 34, 4, ("Liberec",), "Příjem denně od 18 do 21 hodin."),
    ServiceSpec("nadeje_day", NADEJE, T.DAY_CENTRE, "Nízkoprahové denní centrum",
                F.OUTPATIENT, "4471093", 45, 12, ("Liberec",)),
    ServiceSpec("nadeje_field", NADEJE, T.FIELD_PROGRAMME, "Terénní program Liberec",
                F.FIELD, "9260318", 20, 0, ("Liberec", "Stráž nad Nisou", "Chrastava")),
    ServiceSpec("cvt_independent", CVT, T.INDEPENDENT_LIVING, "Podpora samostatného bydlení",
                F.FIELD, "2184637", 16, 2, tuple(NISA_VALLEY)),
    ServiceSpec("cvt_families", CVT, T.FAMILY_ACTIVATION,
                "Sociálně aktivizační služby pro rodiny s dětmi", F.FIELD, "5608213", 22, 0,
                ("Liberec", "Hrádek nad Nisou", "Chrastava", "Stráž nad Nisou", "Nová Ves"),
                "Kapacita naplněna, pořadník na jaro."),
    ServiceSpec("cvt_debts", CVT, T.DEBT_COUNSELLING, "Dluhová poradna Člověka v tísni",
                F.OUTPATIENT, "", 25, 3,
                ("Liberec", "Hrádek nad Nisou", "Chrastava", "Hodkovice nad Mohelkou",
                 "Český Dub")),
    ServiceSpec("cvt_field", CVT, T.FIELD_PROGRAMME, "Terénní programy Podještědí",
                F.FIELD, "7730581", 18, 5, (*PODJESTEDI, "Jeřmanice")),
    ServiceSpec("diakonie_independent", DIAKONIE, T.INDEPENDENT_LIVING,
                "Podpora samostatného bydlení Podještědí", F.FIELD, "3361804", 8, 1,
                tuple(PODJESTEDI)),
    ServiceSpec("diakonie_rehab", DIAKONIE, T.REHABILITATION, "Sociální rehabilitace",
                F.OUTPATIENT, "6045219", 15, 3, ("Liberec", "Hodkovice nad Mohelkou", "Český Dub")),
    ServiceSpec("diakonie_sheltered", DIAKONIE, T.SHELTERED_HOUSING, "Chráněné bydlení",
                F.RESIDENTIAL, "1873542", 10, 0, ALL),
    ServiceSpec("charita_asylum", CHARITA, T.ASYLUM_HOUSE, "Azylový dům pro muže a ženy",
                F.RESIDENTIAL, "9518406", 32, 3, ALL),
    ServiceSpec("charita_crisis", CHARITA, T.CRISIS_HELP, "Krizová pomoc",
                F.OUTPATIENT, "2650947", 20, 6, ALL,
                "Nonstop telefonní linka, osobně v pracovní dny."),
    ServiceSpec("charita_furniture", CHARITA, T.FURNITURE_BANK, "Nábytková banka",
                F.OUTPATIENT, "", 30, 8, ALL),
    ServiceSpec("charita_moving", CHARITA, T.MOVING_HELP, "Pomoc se stěhováním",
                F.FIELD, "", 6, 1, ("Liberec", "Chrastava", "Stráž nad Nisou")),
    ServiceSpec("legal", LEGAL, T.LEGAL_ADVICE, "Právní poradna pro nájemníky",
                F.OUTPATIENT, "", 20, 4, ALL),
    ServiceSpec("food", FOOD, T.FOOD_BANK, "Potravinová pomoc",
                F.OUTPATIENT, "", 150, 40, ALL),
    ServiceSpec("foundation", FOUNDATION, T.FOUNDATION,
                "Příspěvky na jistotu a vybavení bytu", F.OUTPATIENT, "", 20, 5, ALL),
]
# fmt: on
SERVICE_SPECS = {spec.key: spec for spec in SERVICES}


def build_providers(orp_id: int) -> dict[str, Provider]:
    """The providers' profiles, by organisation name (created where missing)."""
    organisations = {
        org.name: org
        for org in Organisation.objects.filter(name__in=[spec.organisation for spec in PROVIDERS])
    }
    existing = {p.organisation.name: p for p in Provider.objects.select_related("organisation")}
    for spec in PROVIDERS:
        if spec.organisation in existing:
            continue
        provider = Provider(
            organisation=organisations[spec.organisation],
            contact_person=spec.contact_person,
            phone=spec.phone,
            email=spec.email,
            website=spec.website,
            note=spec.note,
        )
        provider.full_clean()
        provider.save()
        existing[spec.organisation] = provider
    return existing


def build_services(
    orp_id: int, providers: dict[str, Provider], held: dict[str, int]
) -> dict[str, Service]:
    """The services by key (created where missing). `held`: places the demo's referrals hold,
    by key; a service's free places never exceed its capacity less those."""
    municipalities = {m.name: m for m in Municipality.objects.filter(orp_id=orp_id)}
    existing = {
        (service.provider.organisation.name, service.name): service
        for service in Service.objects.select_related("provider__organisation")
    }
    services = {}
    today = timezone.localdate()
    for number, spec in enumerate(SERVICES):
        found = existing.get((spec.organisation, spec.name))
        if found:
            services[spec.key] = found
            continue
        service = Service(
            provider=providers[spec.organisation],
            kind=spec.kind,
            name=spec.name,
            form=spec.form,
            registration_number=spec.registration,
            capacity=spec.capacity,
            free_places=max(0, min(spec.free, spec.capacity - held.get(spec.key, 0))),
            free_places_on=today - days(number % 9),
            note=spec.note,
        )
        service.full_clean()
        service.save()
        names = municipalities if spec.municipalities == ALL else spec.municipalities
        service.municipalities.set([municipalities[name] for name in names])
        services[spec.key] = service
    return services
