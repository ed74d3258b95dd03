"""The no-leak test (issue 8): nothing that identifies a person reaches the housing department.

Every person in the world carries unique markers: names, addresses, phones, e-mails, birth numbers
and dates of birth, and the free texts of their households. Three households go through the whole
flow (waiting list, the case manager's recommendation, proposal, reservation, agenda, decision,
closing, minutes), a fourth waits reserved. Then the housing department's clerk opens every page
of the project: every URL the resolver knows, with the records of the access matrix's world and
of this flow, as a page and as an htmx fragment, PDFs and spreadsheets read back as text. No
marker may appear anywhere, in any case, with or without diacritics.
"""

import datetime
import io
import itertools
import re
from collections.abc import Iterator
from decimal import Decimal
from html import unescape

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from clients.models import (
    Benefit,
    BenefitKind,
    BenefitState,
    CreditorKind,
    Debt,
    Household,
    HousingSituation,
    Relationship,
)
from clients.models import Client as Person
from housing.models import (
    CommissionSession,
    Decision,
    Disposition,
    FlatStatus,
    Program,
    Proposal,
    Readiness,
    Recommendation,
)
from housing.services import commission as commission_services
from housing.services import matching
from kmb.accounts.models import Role
from kmb.lib.text import digits, fold
from providers.models import Goal, SupportVisit
from tests.factories.clients import (
    BenefitFactory,
    CaseFactory,
    ClientFactory,
    DebtFactory,
    HousingSituationFactory,
    IncomeFactory,
)
from tests.factories.housing import FlatFactory
from tests.factories.providers import AssistancePlanFactory, GoalFactory, SupportVisitFactory
from tests.kmb import test_access_matrix
from tests.kmb.test_access_matrix import MATRIX, defined_url_names

pytestmark = pytest.mark.django_db

# The access matrix's world (every record its URLs need), as a fixture of this module.
world = test_access_matrix.world

# Every word marker starts with this: five letters no Czech text, code or pseudonym contains
# (a pseudonym's groups have four characters).
MARK = "qzxwv"
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def tag(n: int) -> str:
    """A letters-only suffix (names are words, so no digits): 0 → "a", 27 → "bb"."""
    return LETTERS[n % 26] * (n // 26 + 1)


class Markers:
    """The identifiers handed out, so that the test knows what to look for."""

    def __init__(self):
        self.numbers: set[str] = set()  # phones, birth numbers, dates of birth (folded forms)
        self._counter = itertools.count()

    def person(self, person: Person) -> None:
        """Give `person` marker identifiers (in place, saved); the date of birth stays (the age
        matters) and becomes a marker itself, in the ways dates are written."""
        n = next(self._counter)
        birth = person.birth_date
        person.first_name = f"{MARK.capitalize()}jarmila{tag(n)}"
        person.last_name = f"{MARK.capitalize()}nováková{tag(n)}"
        person.birth_number = f"{birth:%y%m%d}/{7700 + n}"
        person.phone = f"777 12{n // 1000 % 10} {n % 1000:03d}"
        person.email = f"{MARK}.{tag(n)}@example.cz"
        person.refresh_search_fields()
        person.save()
        self.numbers |= {
            person.birth_number,
            digits(person.birth_number),
            person.phone,
            digits(person.phone),
            f"{birth.day}. {birth.month}. {birth.year}",
            f"{birth.day}.{birth.month}.{birth.year}",
            f"{birth:%d.%m.%Y}",
            birth.isoformat(),
        }

    def household(self, household: Household) -> None:
        n = next(self._counter)
        household.address = f"Ulice {MARK.capitalize()}ská {tag(n)} 77, Testov"
        household.pets = f"pes {MARK}rex{tag(n)}"
        household.needs_note = f"Potřebuje {MARK}pomoc{tag(n)}."
        if household.permanent_residence_id is None:
            household.permanent_residence_elsewhere = f"{MARK.capitalize()}ov{tag(n)}"
        household.save()


def markerise_everybody(markers: Markers) -> None:
    """Every person and household already in the database gets markers; so do the free texts
    the housing department must never read."""
    for person in Person.objects.order_by("pk"):
        markers.person(person)
    for household in Household.objects.order_by("pk"):
        markers.household(household)
    HousingSituation.objects.update(description=f"Popis {MARK}situace.")
    Debt.objects.update(creditor_name=f"{MARK.capitalize()} s.r.o.", note=f"{MARK}poznámka")
    Benefit.objects.filter(kind=BenefitKind.FOUNDATION_GRANT).update(provider_name=f"Nadace {MARK}")
    Goal.objects.update(description=f"Cíl {MARK}cil")
    SupportVisit.objects.update(progress=f"Pokrok {MARK}pokrok")


# --- The flow ----------------------------------------------------------------------------------


def housed_household(world, markers: Markers, flat, *, text: str) -> Proposal:
    """A family of three of the KMB with a full history, on the waiting list with the case
    manager's recommendation, proposed the flat and having reserved it."""
    kmb = world["kmb_office"]
    worker = world[Role.SOCIAL_WORKER]
    case = CaseFactory(
        household__kmb=kmb,
        kmb=kmb,
        active=True,
        case_manager=worker,
        household__permanent_residence=flat.municipality,
    )
    household = case.household
    markers.household(household)
    markers.person(household.members.get())
    for relationship, age in ((Relationship.PARTNER, 35), (Relationship.CHILD, 8)):
        born = timezone.localdate().replace(day=1) - datetime.timedelta(days=365 * age + 17)
        markers.person(
            ClientFactory(household=household, relationship=relationship, birth_date=born)
        )
    HousingSituationFactory(household=household, ethos="9", description=f"U {MARK}known.")
    IncomeFactory(household=household, monthly_amount=Decimal("32000"))
    BenefitFactory(household=household)
    BenefitFactory(
        household=household,
        kind=BenefitKind.FOUNDATION_GRANT,
        dssp_component="",
        provider_name=f"Nadace {MARK}fond",
        state=BenefitState.GRANTED,
        monthly=False,
        amount=Decimal("5000"),
    )
    applicant = household.members.get(relationship=Relationship.APPLICANT)
    DebtFactory(
        debtor=applicant,
        creditor_kind=CreditorKind.MUNICIPALITY,
        creditor_municipality=flat.municipality,
        original_amount=Decimal("4321"),
        confirmed_by=f"{MARK.capitalize()} z odboru",
        confirmed_on=timezone.localdate(),
        note=f"{MARK} poznámka",
    )
    DebtFactory(debtor=applicant, creditor_name=f"{MARK.capitalize()} Energie a.s.")
    plan = AssistancePlanFactory(case=case, case_manager=worker)
    GoalFactory(plan=plan, description=f"Najít {MARK}práci")
    SupportVisitFactory(plan=plan, progress=f"Navštíveno u {MARK}známých.")
    application = matching.add_to_waiting_list(
        case=case, programs=[], emergency=False, vulnerable=True, by=worker
    )
    # The case manager's recommendation goes through her form, like every day.
    browser = Client()
    browser.force_login(worker)
    browser.post(
        reverse("housing:application-recommendation", args=[application.pk]),
        {
            "recommendation": Recommendation.RECOMMEND_WITH_SUPPORT,
            "readiness": [Readiness.COOPERATES, Readiness.PAYS_REGULARLY],
            "recommendation_text": text,
        },
    )
    application.refresh_from_db()
    assert application.recommendation_text == text, "the clean text was accepted"
    proposal = matching.propose(application=application, flat=flat, by=worker)
    return matching.reserve(proposal=proposal, by=worker)


def flat_of(municipality, street: str):
    return FlatFactory(
        municipality=municipality,
        street=street,
        disposition=Disposition.THREE_ONE,
        rooms=3,
        area=Decimal("72.0"),
        program=Program.SOCIAL,
        status=FlatStatus.FREE,
    )


@pytest.fixture
def flow(world):
    """The matrix's world with markers on everybody, and the commission flow on top."""
    markers = Markers()
    markerise_everybody(markers)
    clerk = world[Role.HOUSING_DEPARTMENT]
    municipality = clerk.organisation.municipality
    texts = [
        "Rodina spolupracuje, nájem na ubytovně platí včas.",
        "Žadatel splácí dluh městu podle splátkového kalendáře.",
        "Partnerka pracuje, dítě chodí do školy.",
        "Domácnost čeká na byt od loňska.",
    ]
    proposals = [
        housed_household(world, markers, flat_of(municipality, f"Lipová {n + 1}"), text=text)
        for n, text in enumerate(texts)
    ]
    browser = Client()
    browser.force_login(clerk)
    day = timezone.localdate()
    browser.post(reverse("housing:session-create"), {"held_on": day.isoformat(), "place": "Sál"})
    session = clerk_sessions(clerk).get(place="Sál")
    for proposal in proposals[:3]:
        browser.post(
            reverse("housing:agenda-item-add", args=[session.pk]), {"proposal": proposal.pk}
        )
    items = list(session.items.order_by("order"))
    assert len(items) == 3, "every proposal went on the agenda"
    decisions = [
        {"decision": Decision.APPROVE, "conditions": "Podpora terénní služby 2 hodiny týdně."},
        {"decision": Decision.REJECT, "reasons": "Byt je pro domácnost příliš drahý."},
        {"decision": Decision.DEFER, "reasons": "Chybí potvrzení o příjmu."},
    ]
    for item, decision in zip(items, decisions, strict=True):
        browser.post(reverse("housing:agenda-item-decide", args=[item.pk]), decision)
    browser.post(reverse("housing:session-close", args=[session.pk]))
    session.refresh_from_db()
    assert session.status == "closed", "the session was closed"
    planned = commission_services.create_session(
        municipality=municipality, held_on=day, place="Další", by=clerk
    )
    return {
        "markers": markers,
        "session": session,
        "planned": planned,
        "items": items,
        "waiting": proposals[3],
        "proposals": proposals,
    }


def clerk_sessions(clerk):
    return CommissionSession.objects.filter(municipality=clerk.organisation.municipality)


# --- Fetching every page -----------------------------------------------------------------------


def commission_kwargs(flow) -> dict[str, list[dict]]:
    """The flow's records for the commission's URLs (and the flats the flow reserved)."""
    sessions = [{"pk": flow["session"].pk}, {"pk": flow["planned"].pk}]
    return {
        "housing:session-detail": sessions,
        "housing:session-minutes": sessions,
        "housing:session-edit": sessions,
        "housing:agenda-item-add": sessions,
        "housing:agenda-item-detail": [{"pk": item.pk} for item in flow["items"]],
        "housing:proposal-summary": [{"pk": p.pk} for p in flow["proposals"]],
        "housing:application-recommendation": [{"pk": p.application_id} for p in flow["proposals"]],
        "housing:flat-detail": [{"pk": p.flat_id} for p in flow["proposals"]],
    }


def every_url(world, flow) -> Iterator[str]:
    extra = commission_kwargs(flow)
    for name in sorted(defined_url_names()):
        kwargs_list = [case.kwargs(world) for case in MATRIX if case.url_name == name]
        for kwargs in kwargs_list + extra.get(name, []):
            try:
                yield reverse(name, kwargs=kwargs)
            except NoReverseMatch:  # pragma: no cover - the matrix test covers every name
                pytest.fail(f"{name} {kwargs}")


def text_of(response) -> str:
    content_type = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if content_type.startswith("application/pdf"):
        try:
            return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
        except PdfReadError:  # not a whole PDF (a stored test file): read its bytes as they are
            return body.decode("latin-1")
    if "spreadsheet" in content_type:
        workbook = load_workbook(io.BytesIO(body), read_only=True)
        return " ".join(
            str(cell)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        )
    if content_type.startswith("image/"):
        return ""
    return body.decode()


def leaks(text: str, markers: Markers) -> list[str]:
    folded = fold(text)
    found = [MARK] if MARK in folded else []
    return found + sorted(number for number in markers.numbers if fold(number) in folded)


def links_in(text: str) -> list[str]:
    """The pages a page links to, except static files and logging out."""
    return [
        url
        for url in re.findall(r"""href="(/[^"#]*)""", text)
        if not url.startswith("/static/") and "logout" not in url
    ]


def test_the_housing_department_never_sees_a_person(world, flow):
    clerk = world[Role.HOUSING_DEPARTMENT]
    # A page that fails shows the error page, which names nobody: other tests catch the failure.
    browser = Client(raise_request_exception=False)
    browser.force_login(clerk)
    found, opened, visited = {}, set(), set()

    def fetch(url, **headers):
        response = browser.get(url, headers=headers)
        text = text_of(response)
        if response.status_code == 200:
            opened.add(url)
        if bad := leaks(text, flow["markers"]):
            found[f"{url} {headers}"] = bad
        return text

    pages = list(dict.fromkeys(every_url(world, flow)))
    for url in pages:
        visited.add(url)
        text = fetch(url)
        fetch(url, HX_Request="true")
        for link in links_in(unescape(text)):
            if link not in visited:
                visited.add(link)
                fetch(link)

    assert found == {}
    # The sweep saw what matters: the commission's pages, with the households' codes in them.
    session_url = reverse("housing:session-detail", args=[flow["session"].pk])
    minutes_url = reverse("housing:session-minutes", args=[flow["session"].pk])
    assert {session_url, minutes_url} <= opened
    minutes = text_of(browser.get(minutes_url))
    for item in flow["items"]:
        assert item.summary["household"]["code"] in minutes
    summary_url = reverse("housing:proposal-summary", args=[flow["waiting"].pk])
    assert flow["waiting"].application.pseudonym in text_of(browser.get(summary_url))


def test_the_markers_are_there_to_be_found(world, flow):
    """The same sweep finds the markers where they belong: on the KMB's own case page."""
    browser = Client()
    browser.force_login(world[Role.SOCIAL_WORKER])
    case = flow["proposals"][0].application.case

    page = text_of(browser.get(case.get_absolute_url()))

    assert leaks(page, flow["markers"])
