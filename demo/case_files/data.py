"""The demo's weights, code choices and Czech texts: what a Liberec KMB's files look like."""

import datetime
import uuid
from dataclasses import dataclass

from clients.models import (
    BenefitState,
    CaseStatus,
    CloseReason,
    IncomeKind,
    ReferralOutcome,
    SupportMeasureKind,
)
from demo import builders

SEED = "kmb-liberec-demo"
TOKENS = uuid.UUID("5b0c6f4e-1d2a-4c55-9a57-3f0e8c2d7b41")  # namespace of the intake tokens
S = CaseStatus
STATUS_COUNTS = {
    S.NEW: 8,
    S.ACTIVE: 80,
    S.PREVENTION: 45,
    S.HOUSING: 30,
    S.FOLLOW_UP: 27,
    S.CLOSED: 110,
}
OWN_LOGIN, OWN_CASES, OWN_STALE = "socialni", 25, 5  # the demo social worker's caseload
DSSP_START = datetime.date(2025, 10, 1)  # DSSP replaced příspěvek and doplatek na bydlení
REGISTER_START = datetime.date(2026, 7, 1)  # the register of persons in need (zákon 175/2025 Sb.)
SECOND_PROVIDER = builders.SECOND_PROVIDER_NAME
ELSEWHERE = ["Jablonec nad Nisou", "Frýdlant", "Česká Lípa", "Praha", "Ústí nad Labem"]

# How long ago cases in each status were opened (days), and their path through the statuses.
OPENED_DAYS = {
    S.NEW: (1, 20),
    S.ACTIVE: (5, 330),
    S.PREVENTION: (10, 300),
    S.HOUSING: (60, 450),
    S.FOLLOW_UP: (150, 540),
    S.CLOSED: (60, 545),
}
PATHS = {
    S.NEW: [S.NEW],
    S.ACTIVE: [S.NEW, S.ACTIVE],
    S.PREVENTION: [S.NEW, S.ACTIVE, S.PREVENTION],
    S.HOUSING: [S.NEW, S.ACTIVE, S.HOUSING],
    S.FOLLOW_UP: [S.NEW, S.ACTIVE, S.HOUSING, S.FOLLOW_UP],
}
CLOSED_PATHS = {  # path of a closed case → weight
    (S.NEW, S.CLOSED): 15,
    (S.NEW, S.ACTIVE, S.CLOSED): 45,
    (S.NEW, S.ACTIVE, S.PREVENTION, S.CLOSED): 25,
    (S.NEW, S.ACTIVE, S.HOUSING, S.FOLLOW_UP, S.CLOSED): 22,
}
ETHOS_WEIGHTS = {  # at intake; many insecure (8, 9), some roofless (1–3), some inadequate (12, 13)
    "1": 4,
    "2": 4,
    "3": 12,
    "4": 2,
    "6": 3,
    "7": 2,
    "8": 30,
    "9": 18,
    "10": 3,
    "11": 2,
    "12": 9,
    "13": 9,
}
PREVENTION_ETHOS = {"9": 75, "12": 10, "13": 10, "10": 5}
EARLIER_ETHOS = {"1": "8", "2": "1", "3": "9", "8": "9", "12": "9", "13": "8", "4": "10", "6": "8"}
ETHOS_REASONS = {
    "1": ["housing_need"],
    "2": ["housing_need"],
    "3": ["housing_need"],
    "4": ["violence", "housing_need"],
    "6": ["leaving_institution"],
    "7": ["housing_need"],
    "8": ["housing_need"],
    "9": ["notice_to_quit", "arrears", "risk_of_loss"],
    "10": ["violence"],
    "11": ["unsuitable"],
    "12": ["unsuitable"],
    "13": ["unsuitable", "housing_need"],
}

ETHOS_PLACES = {
    "1": ["Přespává venku v okolí nádraží.", "Přespává ve stanu u řeky, v mrazech v noclehárně."],
    "2": ["Přespává v noclehárně, přes den v nízkoprahovém centru.", "Noclehárna, jen na noc."],
    "3": ["Azylový dům, smlouva na šest měsíců.", "Azylový dům pro rodiny, pobyt brzy končí."],
    "4": ["Azylový dům pro matky s dětmi.", "Utajené ubytování po odchodu od násilného partnera."],
    "6": [
        "Propuštění z výkonu trestu za dva měsíce.",
        "Končí hospitalizace, domů se vrátit nemůže.",
    ],
    "7": [
        "Dům na půl cesty, pobyt končí za tři měsíce.",
        "Chráněné bydlení, hledá samostatný byt.",
    ],
    "8": [
        "Přechodně u sestry, spí v obývacím pokoji.",
        "U známých bez smlouvy, musí do měsíce pryč.",
    ],
    "9": [
        "Výpověď z nájmu kvůli dluhu na nájemném.",
        "Dluh na nájemném, hrozí žaloba na vyklizení.",
    ],
    "10": ["Ohrožení násilím v domácnosti, spolupracuje s intervenčním centrem."],
    "11": ["Zahradní chatka bez vody a celoročního topení.", "Obytný přívěs na zahradě známých."],
    "12": ["Vlhký byt s plísní, nefunkční topení.", "Dům bez elektřiny, majitel nic neopravuje."],
    "13": ["Šest osob ve 2+kk.", "Pět osob v jednom pokoji u příbuzných."],
}
ADDRESSES = {  # where the household can be found, when it is not a street address
    "1": "bez přístřeší",
    "2": "noclehárna, Liberec",
    "3": "azylový dům, Liberec",
    "4": "utajená adresa",
    "6": "zatím v instituci",
}
HOUSED_PLACE = "Nájem sociálního bytu, podpora v bydlení."
HOSTEL_PLACES = ["Ubytovna, jeden pokoj pro celou domácnost.", "Ubytovna, pokoj se platí týdně."]
NEEDS = [
    "Nemůže bydlet ve vyšším patře bez výtahu.",
    "Pracuje na směny, potřebuje byt v dosahu MHD.",
    "Alergie na plísně, vlhký byt nevyhovuje.",
]

REASON_TOPICS = {
    "housing_need": ["housing_search", "register", "benefits"],
    "risk_of_loss": ["tenancy", "debts", "benefits"],
    "notice_to_quit": ["notice_to_quit", "legal", "housing_search"],
    "arrears": ["debts", "tenancy", "benefits"],
    "debts": ["debts", "legal"],
    "benefits": ["benefits", "employment"],
    "unsuitable": ["housing_search", "health", "family"],
    "violence": ["crisis", "family", "housing_search"],
    "leaving_institution": ["housing_search", "other", "employment"],
}
# {ka} and {a} take the applicant's gender: "Klient{ka} donesl{a}" → "Klientka donesla".
OPENINGS = {
    "office": ["Klient{ka} se dostavil{a} do kanceláře KMB.", "Osobní konzultace v KMB."],
    "phone": ["Klient{ka} volal{a}.", "Telefonický kontakt."],
    "field": ["Návštěva v místě pobytu.", "Terénní návštěva, zastihli jsme celou domácnost."],
    "online": ["Klient{ka} poslal{a} e-mail s doklady.", "Komunikace e-mailem."],
}
TOPIC_NOTES = {
    "housing_search": [
        "Prošli jsme aktuální nabídku nájemních bytů.",
        "Klient{ka} podal{a} žádost o obecní byt.",
        "Domluvena prohlídka bytu 1+1 na příští týden.",
        "Probrali jsme bydlení s garancí a jeho podmínky.",
        "Vysvětleny podmínky programu Housing First.",
    ],
    "benefits": [
        "Společně vyplněna žádost o DSSP.",
        "Klient{ka} donesl{a} rozhodnutí ÚP o dávce.",
        "Doplněny doklady o příjmech pro ÚP.",
        "Probrali jsme rozpočet domácnosti na další měsíc.",
        "Připravena žádost o MOP na úhradu jistoty.",
    ],
    "debts": [
        "Sepsán přehled dluhů, celkem asi {thousands} tis. Kč.",
        "Domluvena splátka dluhu na nájemném.",
        "Ověřen stav exekucí v centrální evidenci.",
        "Klient{ka} zvažuje oddlužení, předán kontakt na poradnu.",
    ],
    "legal": ["Vysvětlen postup při výpovědi z nájmu.", "Prošli jsme spolu nájemní smlouvu."],
    "notice_to_quit": [
        "Klient{ka} dostal{a} výpověď z nájmu, lhůta běží do konce měsíce.",
        "Jednání s pronajímatelem o odložení vystěhování.",
    ],
    "crisis": [
        "Akutně nemá kde přespat, zajištěna noclehárna.",
        "Krizová intervence, situace se zklidnila.",
    ],
    "tenancy": [
        "Kontrola plateb nájemného, vše zaplaceno.",
        "Řešena závada v bytě s pronajímatelem.",
        "Trojstranná schůzka s pronajímatelem a poskytovatelem.",
    ],
    "register": [
        "Podána žádost o zápis do evidence potřebných.",
        "Proběhlo šetření bytové situace.",
        "Čekáme na závazné stanovisko ÚP.",
    ],
    "employment": ["Klient{ka} nastoupil{a} na zkrácený úvazek.", "Probrali jsme nabídky práce."],
    "health": [
        "Po hospitalizaci potřebuje bezbariérový byt.",
        "Pomoc s žádostí o příspěvek na péči.",
    ],
    "family": ["Řešena školní docházka dětí.", "Domluvena spolupráce se SAS pro rodiny s dětmi."],
    "other": ["Pomoc s vyřízením občanského průkazu.", "Doručovací adresa zřízena na KMB."],
}
CLOSINGS = [
    "Další schůzka za dva týdny.",
    "Ozve se po rozhodnutí ÚP.",
    "Úkol: donést výpis z účtu.",
]
REFERRALS = {  # topic → (referral kind, recipient)
    "debts": ("debt_counselling", SECOND_PROVIDER),
    "legal": ("legal_advice", "Bezplatná právní poradna"),
    "notice_to_quit": ("legal_advice", "Bezplatná právní poradna"),
    "benefits": ("labour_office", "Úřad práce ČR, kontaktní pracoviště Liberec"),
    "crisis": ("food_bank", "Potravinová banka"),
    "housing_search": ("furniture_bank", "Nábytková banka"),
    "family": ("social_service", builders.PROVIDER_NAME),
    "tenancy": ("social_service", builders.PROVIDER_NAME),
    "employment": ("foundation", "Nadační fond Podještědí"),
}
OUTCOME_NOTES = {
    ReferralOutcome.USED: ["Pomoc poskytnuta.", "Klient{ka} službu využil{a}."],
    ReferralOutcome.NOT_USED: ["Klient{ka} na schůzku nedorazil{a}.", "Klient{ka} se neozval{a}."],
    ReferralOutcome.REFUSED: ["Služba nemá volnou kapacitu.", "Nesplněny podmínky služby."],
}
FOUNDATIONS = ["Nadační fond Podještědí", "Nadační fond Jizerka"]
OTHER_CLOSE_REASONS = {
    CloseReason.SOLVED_ELSEWHERE: 30,
    CloseReason.REFERRED: 14,
    CloseReason.MOVED_AWAY: 12,
    CloseReason.NO_CONTACT: 30,
    CloseReason.CLIENT_ENDED: 10,
    CloseReason.OTHER: 3,
}
CHANNELS = {"office": 45, "phone": 30, "field": 20, "online": 5}
MINUTES = {"office": (4, 18), "phone": (1, 6), "field": (9, 30), "online": (2, 6)}  # × 5 minutes
OUTCOMES = {
    ReferralOutcome.USED: 55,
    ReferralOutcome.NOT_USED: 25,
    ReferralOutcome.REFUSED: 10,
    ReferralOutcome.PENDING: 10,
}
WORKING_INCOMES = {
    IncomeKind.EMPLOYMENT: 45,
    IncomeKind.UNEMPLOYMENT: 18,
    IncomeKind.DISABILITY_PENSION: 12,
    IncomeKind.SELF_EMPLOYMENT: 5,
    IncomeKind.OTHER: 10,
}
INCOME_THOUSANDS = {  # kind → monthly amount range in thousands of CZK
    IncomeKind.EMPLOYMENT: (15, 34),
    IncomeKind.UNEMPLOYMENT: (7, 13),
    IncomeKind.DISABILITY_PENSION: (9, 16),
    IncomeKind.SELF_EMPLOYMENT: (10, 25),
    IncomeKind.OTHER: (3, 8),
    IncomeKind.OLD_AGE_PENSION: (11, 20),
    IncomeKind.PARENTAL: (4, 10),
    IncomeKind.CARE_ALLOWANCE: (4, 10),
    IncomeKind.MAINTENANCE: (2, 5),
}
BENEFIT_STATES = {BenefitState.GRANTED: 80, BenefitState.REFUSED: 12, BenefitState.ENDED: 8}
REGISTER_STAGES = {"applied": 15, "assessed": 20, "positive": 5, "negative": 8, "entered": 52}
REGISTER_CHANGES = [
    "Narodilo se dítě, nový člen domácnosti.",
    "Změna adresy, kde domácnost pobývá.",
    "Změna příjmu: nástup do zaměstnání.",
    "Partner se odstěhoval.",
]
FOLLOW_UP_MEASURES = [
    SupportMeasureKind.GUARANTEED_HOUSING,
    SupportMeasureKind.SUBLET,
    SupportMeasureKind.SUPPORTED_MUNICIPAL,
]

# --- Debts (seed 002: "how much do people in housing need owe") -------------------------------

DEBT_SEED = f"{SEED}-debts"
PAYMENT_TOKENS = uuid.UUID("9e3d2b7a-6c41-4f0e-8a1d-52b7c0e4f913")  # namespace of payment tokens
# Chance that a household has any debt, by the reasons it came for; otherwise DEBT_CHANCE.
DEBT_CHANCE_BY_REASON = {"arrears": 0.97, "debts": 0.97, "notice_to_quit": 0.9, "risk_of_loss": 0.9}
DEBT_CHANCE = 0.25
# How deep in debt an indebted household is: how many debts besides rent arrears, and whether
# its older debts have gone to distraint (heavy) or the applicant is in oddlužení (insolvency).
DEBT_BURDENS = {"light": 46, "medium": 39, "heavy": 11, "insolvency": 4}
DEBT_COUNTS = {"light": (1, 2), "medium": (2, 4), "heavy": (3, 6), "insolvency": (4, 7)}
OWN_BEHIND = 4  # the demo social worker's open cases given a schedule that has fallen behind


@dataclass(frozen=True)
class DebtType:
    kind: str  # CreditorKind
    creditors: tuple[str, ...]  # first ones likelier; "" for a debt to a municipality
    thousands: tuple[float, float]  # original amount, drawn log-uniformly
    years: tuple[float, float]  # how long before the case opened it arose
    schedule_chance: float  # that an open debt of this type has a repayment schedule
    agreed_with: str  # who the schedule is agreed with; {creditor} is the creditor's name
    note: str = ""


DEBT_TYPES = {
    "municipal_rent": DebtType(
        kind="municipality",
        creditors=("",),
        thousands=(8, 120),
        years=(0.1, 1.5),
        schedule_chance=0.35,
        agreed_with="{creditor}, odbor správy bytů",
        note="Dlužné nájemné a služby za obecní byt.",
    ),
    "landlord_rent": DebtType(
        kind="landlord",
        creditors=(
            "Správa nemovitostí Ještěd s. r. o.",
            "Realitní správa Nisa s. r. o.",
            "Bytové družstvo Ruprechtice",
            "Domy pod Ještědem a. s.",
        ),
        thousands=(6, 100),
        years=(0.1, 1.5),
        schedule_chance=0.3,
        agreed_with="{creditor}",
        note="Dlužné nájemné a zálohy na služby.",
    ),
    "hostel": DebtType(
        kind="landlord",
        creditors=("Ubytovna Vratislavice s. r. o.", "Ubytovna U Nisy s. r. o."),
        thousands=(3, 30),
        years=(0.1, 1.0),
        schedule_chance=0.15,
        agreed_with="{creditor}",
        note="Dlužné ubytování.",
    ),
    "waste_fee": DebtType(
        kind="municipality",
        creditors=("",),
        thousands=(1, 9),
        years=(1, 6),
        schedule_chance=0.1,
        agreed_with="{creditor}, finanční odbor",
        note="Místní poplatek za obecní systém odpadového hospodářství, s navýšením.",
    ),
    "energy": DebtType(
        kind="energy",
        creditors=("ČEZ Prodej", "E.ON Energie", "Pražská energetika", "Centropol Energy"),
        thousands=(3, 45),
        years=(0, 4),
        schedule_chance=0.18,
        agreed_with="{creditor}, zákaznická linka",
        note="Nedoplatek z vyúčtování.",
    ),
    "water": DebtType(
        kind="water",
        creditors=("Severočeské vodovody a kanalizace",),
        thousands=(2, 20),
        years=(0, 3),
        schedule_chance=0.18,
        agreed_with="{creditor}, zákaznické centrum Liberec",
        note="Nedoplatek za vodné a stočné.",
    ),
    "telecom": DebtType(
        kind="telecom",
        creditors=("O2 Czech Republic", "T-Mobile Czech Republic", "Vodafone Czech Republic"),
        thousands=(2, 18),
        years=(0, 5),
        schedule_chance=0.07,
        agreed_with="{creditor}",
    ),
    "health_insurance": DebtType(
        kind="health_insurance",
        creditors=("VZP ČR", "VZP ČR", "Oborová zdravotní pojišťovna", "ZP MV ČR"),
        thousands=(5, 100),
        years=(0.5, 8),
        schedule_chance=0.2,
        agreed_with="{creditor}, pobočka Liberec",
        note="Dlužné pojistné z doby bez evidence na ÚP, s penále.",
    ),
    "social_insurance": DebtType(
        kind="social_insurance",
        creditors=("OSSZ Liberec",),
        thousands=(10, 90),
        years=(0.5, 6),
        schedule_chance=0.25,
        agreed_with="{creditor}",
        note="Pojistné OSVČ a penále.",
    ),
    "bank_loan": DebtType(
        kind="bank_loan",
        creditors=("Česká spořitelna", "Komerční banka", "Moneta Money Bank", "Air Bank"),
        thousands=(40, 450),
        years=(1, 8),
        schedule_chance=0.0,
        agreed_with="{creditor}",
    ),
    "non_bank_loan": DebtType(
        kind="non_bank_loan",
        creditors=("Home Credit", "Cofidis", "Provident Financial", "Zaplo Finance"),
        thousands=(5, 120),
        years=(0, 6),
        schedule_chance=0.07,
        agreed_with="{creditor}",
    ),
    "fare_fine": DebtType(
        kind="fines",
        creditors=("Dopravní podnik měst Liberce a Jablonce nad Nisou", "České dráhy"),
        thousands=(1, 25),
        years=(0, 6),
        schedule_chance=0.1,
        agreed_with="{creditor}",
        note="Přirážky k jízdnému a náklady řízení.",
    ),
    "fine": DebtType(
        kind="fines",
        creditors=("Policie ČR",),
        thousands=(1, 15),
        years=(0, 5),
        schedule_chance=0.0,
        agreed_with="{creditor}",
    ),
    "other": DebtType(
        kind="other",
        creditors=("Česká kancelář pojistitelů", "Alza.cz", "Kooperativa pojišťovna"),
        thousands=(3, 60),
        years=(0, 6),
        schedule_chance=0.07,
        agreed_with="{creditor}",
    ),
}
# Debts besides rent arrears: type → weight (an insolvent household's are mostly loans).
OTHER_DEBTS = {
    "energy": 14,
    "water": 4,
    "telecom": 14,
    "health_insurance": 12,
    "social_insurance": 2,
    "bank_loan": 3,
    "non_bank_loan": 16,
    "fare_fine": 12,
    "fine": 3,
    "waste_fee": 10,
    "landlord_rent": 4,
    "other": 5,
}
INSOLVENCY_DEBTS = {**OTHER_DEBTS, "bank_loan": 14, "non_bank_loan": 30}
# Municipalities owed rent for a municipal flat, besides Liberec (they have a few flats each).
OTHER_LANDLORD_TOWNS = ["Chrastava", "Hrádek nad Nisou", "Český Dub", "Hodkovice nad Mohelkou"]
# Municipalities of the ORP that are towns (město), the rest are villages (obec); Liberec aside.
TOWNS = {"Hrádek nad Nisou", "Chrastava", "Hodkovice nad Mohelkou", "Český Dub", "Osečná"}
# Who at a municipality confirms what is owed to it (Liberec: by the kind of debt).
CONFIRMERS = {
    "municipal_rent": "Martina Kučerová, odbor správy bytů",
    "waste_fee": "odbor ekonomiky, oddělení místních poplatků",
}
# Of outstanding debts to a municipality: confirmed in the last 90 days, earlier, never.
CONFIRMATIONS = {"recent": 55, "stale": 27, "never": 18}
# How a schedule goes; a schedule agreed lately may not have started yet.
SCHEDULE_COURSES = {"paid_off": 16, "on_track": 54, "behind": 26, "not_started": 4}
MISSED = {1: 40, 2: 25, 3: 15, 4: 10, 6: 10}  # instalments missed by a schedule behind
