"""The housing commission: the case manager's recommendation (refused until its text is clean),
sessions, the agenda of frozen anonymised summaries, decisions that feed the proposal's workflow,
closing, the minutes PDF, and who may do what."""

import datetime
import io
import json
import re
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from pypdf import PdfReader
from pytest_django.asserts import assertRedirects

from clients.models import Relationship
from housing import summaries
from housing.models import (
    AgendaItem,
    ApplicationStatus,
    CommissionSession,
    Decision,
    DeclineParty,
    DeclineReview,
    FlatStatus,
    HousingApplication,
    ProposalStatus,
    Readiness,
    Recommendation,
    SessionStatus,
)
from housing.services import commission as services
from housing.services import matching
from kmb.accounts.models import Role
from kmb.audit.models import AccessLog
from kmb.redaction import MESSAGES, FindingKind
from tests.factories.accounts import MunicipalityFactory, OrganisationFactory, UserFactory
from tests.factories.clients import ClientFactory
from tests.factories.housing import FlatFactory
from tests.factories.matching import HousingApplicationFactory, ProposalFactory

pytestmark = pytest.mark.django_db


def czech(message: str, **values) -> str:
    """What a Czech user reads for `message`."""
    with translation.override("cs"):
        text = gettext(message)
    return text % values if values else text


def text_of(response) -> str:
    """The page's visible text, tags stripped and whitespace collapsed."""
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.content.decode(), flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def logged_in(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


# --- The world ---------------------------------------------------------------------------------


@pytest.fixture
def clerk(staff, kmb_office):
    """The housing department of a municipality in the KMB's ORP."""
    clerk = staff[Role.HOUSING_DEPARTMENT]
    municipality = clerk.organisation.municipality
    municipality.name, municipality.orp, municipality.population = "Testov", kmb_office.orp, 9000
    municipality.save()
    return clerk


@pytest.fixture
def municipality(clerk):
    return clerk.organisation.municipality


@pytest.fixture
def other_clerk(kmb_office):
    """The housing department of another municipality of the same ORP."""
    elsewhere = MunicipalityFactory(name="Jinov", orp=kmb_office.orp, population=5000)
    return UserFactory(
        username="jinybytovy",
        first_name="Olga",
        last_name="Jiná",
        housing_department=True,
        organisation=OrganisationFactory(municipal=True, municipality=elsewhere),
    )


@pytest.fixture
def application(kmb_office):
    application = HousingApplicationFactory(
        case__household__kmb=kmb_office,
        case__kmb=kmb_office,
        case__applicant__first_name="Jana",
        case__applicant__last_name="Zqxnováková",
        case__applicant__birth_date=datetime.date(1991, 1, 1),
        case__applicant__birth_number="910101/7777",
        case__applicant__phone="777 123 456",
        case__applicant__email="qz@example.cz",
        case__household__address="Qwztova 77, Testov",
    )
    ClientFactory(
        household=application.household,
        relationship=Relationship.CHILD,
        first_name="Zdeněk",
        last_name="Zqxnovák",
        birth_date=datetime.date(2019, 5, 4),
    )
    return application


def reserved(application, municipality, **flat):
    return ProposalFactory(
        application=application,
        flat=FlatFactory(municipality=municipality, status=FlatStatus.RESERVED, **flat),
        status=ProposalStatus.RESERVED,
        # What propose() would have kept; the workflow's steps validate that it is there.
        snapshot={"score": 10},
    )


@pytest.fixture
def proposal(application, municipality):
    return reserved(application, municipality, street="Husova", number="5")


@pytest.fixture
def session(clerk, municipality):
    return services.create_session(
        municipality=municipality,
        held_on=timezone.localdate() + datetime.timedelta(days=7),
        place="Zasedací místnost",
        by=clerk,
    )


@pytest.fixture
def item(session, proposal, clerk):
    return services.add_to_agenda(session=session, proposal=proposal, by=clerk)


# --- The recommendation ------------------------------------------------------------------------


def recommendation_url(application) -> str:
    return reverse("housing:application-recommendation", args=[application.pk])


def test_recommendation_is_saved_with_its_author(application, social_worker):
    response = logged_in(social_worker).post(
        recommendation_url(application),
        {
            "recommendation": Recommendation.RECOMMEND_WITH_SUPPORT,
            "readiness": [Readiness.SUPPORT_AGREED, Readiness.COOPERATES],
            "recommendation_text": " Žadatelka spolupracuje a splácí dluh městu. ",
        },
    )

    assertRedirects(response, application.case.get_absolute_url(), fetch_redirect_response=False)
    application.refresh_from_db()
    assert (
        application.recommendation,
        application.readiness,
        application.recommendation_text,
        application.recommended_by,
        application.recommended_on,
    ) == (
        Recommendation.RECOMMEND_WITH_SUPPORT,
        [Readiness.COOPERATES, Readiness.SUPPORT_AGREED],
        "Žadatelka spolupracuje a splácí dluh městu.",
        social_worker,
        timezone.localdate(),
    )


UNCLEAN_TEXTS = [
    ("Paní Zqxnovákové pomáhá sestra.", "name", "Zqxnovákové"),
    ("Syn zqxnovak chodí do školy.", "name", "zqxnovak"),
    ("Narozena 1. 1. 1991, spolupracuje.", "birth_date", "1. 1. 1991"),
    ("RČ 910101/7777.", "birth_number", "910101/7777"),
    ("Volejte na 777 123 456.", "phone", "777 123 456"),
    ("Kontakt qz@example.cz.", "email", "qz@example.cz"),
    ("Bydlí v Qwztova 77 u známých.", "address", "Qwztova 77"),
]


@pytest.mark.parametrize(("text", "kind", "found"), UNCLEAN_TEXTS)
def test_recommendation_with_personal_data_is_refused_until_clean(
    application, social_worker, text, kind, found
):
    response = logged_in(social_worker).post(
        recommendation_url(application),
        {"recommendation": Recommendation.RECOMMEND, "recommendation_text": text},
    )

    assert response.status_code == 200
    with translation.override("cs"):
        message = str(MESSAGES[FindingKind(kind)]) % {"text": found}
    assert message in text_of(response)
    application.refresh_from_db()
    assert (application.recommendation, application.recommendation_text) == ("", "")


@pytest.mark.parametrize(
    "text",
    [
        "Nová smlouva byla podepsána 1. 3. 2024, rodina platí nájem včas.",
        "Žadatelka dlouhodobě spolupracuje s terénní službou, děti chodí do školy.",
        "Dluh městu splácí podle splátkového kalendáře 2 000 Kč měsíčně.",
    ],
)
def test_recommendation_checker_lets_clean_texts_through(application, social_worker, text):
    response = logged_in(social_worker).post(
        recommendation_url(application),
        {"recommendation": Recommendation.RECOMMEND, "recommendation_text": text},
    )

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.recommendation_text == text


def test_recommendation_service_checks_the_text_too(application, social_worker):
    with pytest.raises(ValidationError):
        services.record_recommendation(
            application=application,
            recommendation=Recommendation.RECOMMEND,
            readiness=[],
            text="Matka Jana Zqxnováková.",
            by=social_worker,
        )
    application.refresh_from_db()
    assert application.recommendation_text == ""


def test_recommendation_only_while_waiting(application, social_worker):
    HousingApplication.objects.filter(pk=application.pk).update(
        status=ApplicationStatus.WITHDRAWN, closed_on=timezone.localdate()
    )

    response = logged_in(social_worker).post(
        recommendation_url(application),
        {"recommendation": Recommendation.RECOMMEND, "recommendation_text": ""},
    )

    assert czech(
        "Only a household on the waiting list is recommended to the commission."
    ) in text_of(response)
    application.refresh_from_db()
    assert application.recommendation == ""


def test_recommendation_page_shows_the_form_and_is_audited(application, social_worker):
    response = logged_in(social_worker).get(recommendation_url(application))

    assert czech("Recommendation for the housing commission") in text_of(response)
    assert list(AccessLog.objects.values_list("object_id", "view_name")) == [
        (str(application.pk), "housing:application-recommendation")
    ]


def test_recommendation_access(application, staff, other_kmb_office):
    url = recommendation_url(application)
    outsider = UserFactory(username="cizi", organisation=other_kmb_office)

    assert logged_in(outsider).get(url).status_code == 404
    assert logged_in(staff[Role.HOUSING_DEPARTMENT]).get(url).status_code == 403
    assert logged_in(staff[Role.ADMINISTRATOR]).get(url).status_code == 403
    assert logged_in(staff[Role.SOCIAL_WORKER]).put(url).status_code == 405


# --- Sessions ----------------------------------------------------------------------------------


def test_session_is_planned_for_the_clerks_municipality(clerk, municipality):
    day = timezone.localdate() + datetime.timedelta(days=3)

    response = logged_in(clerk).post(
        reverse("housing:session-create"), {"held_on": day.isoformat(), "place": "Radnice"}
    )

    session = CommissionSession.objects.get()
    assertRedirects(response, session.get_absolute_url(), fetch_redirect_response=False)
    assert (session.municipality, session.held_on, session.place, session.created_by) == (
        municipality,
        day,
        "Radnice",
        clerk,
    )
    assert session.status == SessionStatus.PLANNED


def test_session_create_is_for_the_housing_department_only(social_worker, administrator):
    assert logged_in(social_worker).get(reverse("housing:session-create")).status_code == 403
    assert logged_in(administrator).get(reverse("housing:session-create")).status_code == 403


def test_session_edit_moves_the_date(session, clerk, other_clerk, social_worker):
    url = reverse("housing:session-edit", args=[session.pk])
    day = session.held_on + datetime.timedelta(days=1)

    response = logged_in(clerk).post(url, {"held_on": day.isoformat(), "place": "Radnice"})

    assertRedirects(response, session.get_absolute_url(), fetch_redirect_response=False)
    session.refresh_from_db()
    assert (session.held_on, session.place) == (day, "Radnice")
    assert logged_in(other_clerk).get(url).status_code == 404
    assert logged_in(social_worker).get(url).status_code == 403


def test_session_list_shows_the_municipalitys_sessions(session, clerk, other_clerk):
    response = logged_in(clerk).get(reverse("housing:session-list"))

    assert czech("Planned sessions") in text_of(response)
    assert session.held_on.strftime("%-d. %-m. %Y") in text_of(response)
    assert czech("New session") in text_of(response)
    other = logged_in(other_clerk).get(reverse("housing:session-list"))
    assert czech(
        "No session is planned. Plan one, then add the reserved proposals of your "
        "municipality's flats to its agenda."
    ) in text_of(other)


def test_session_list_is_read_only_for_the_kmb(session, social_worker):
    response = logged_in(social_worker).get(reverse("housing:session-list"))

    assert session.get_absolute_url() in response.content.decode()
    assert reverse("housing:session-create") not in response.content.decode()


def test_session_list_access(staff):
    url = reverse("housing:session-list")
    assert logged_in(staff[Role.PROVIDER_STAFF]).get(url).status_code == 403
    assert logged_in(staff[Role.HOUSING_DEPARTMENT]).post(url).status_code == 405


def test_session_list_query_count_is_constant(clerk, municipality):
    def add_session(n):
        session = services.create_session(
            municipality=municipality, held_on=timezone.localdate(), place="", by=clerk
        )
        services.add_to_agenda(
            session=session,
            proposal=reserved(HousingApplicationFactory(), municipality),
            by=clerk,
        )

    browser = logged_in(clerk)
    add_session(1)
    browser.get(reverse("housing:session-list"))  # the session's one-off queries
    with CaptureQueriesContext(connection) as one:
        browser.get(reverse("housing:session-list"))
    add_session(2)
    add_session(3)
    with CaptureQueriesContext(connection) as three:
        response = browser.get(reverse("housing:session-list"))

    assert len(three) == len(one)
    assert response.content.decode().count('data-testid="session-row"') == 3


def test_session_detail_shows_the_agenda_and_is_audited(item, clerk):
    response = logged_in(clerk).get(item.session.get_absolute_url())

    page = text_of(response)
    assert (
        czech("Item %(order)s: household %(code)s", order=1, code=item.summary["household"]["code"])
        in page
    )
    assert "Husova 5" in page
    assert list(AccessLog.objects.values_list("content_type__model", "object_id")) == [
        ("commissionsession", str(item.session.pk))
    ]


def test_session_detail_query_count_is_constant(session, clerk, municipality):
    def add_item():
        proposal = reserved(HousingApplicationFactory(), municipality)
        services.add_to_agenda(session=session, proposal=proposal, by=clerk)

    browser = logged_in(clerk)
    add_item()
    browser.get(session.get_absolute_url())
    with CaptureQueriesContext(connection) as one:
        browser.get(session.get_absolute_url())
    add_item()
    add_item()
    with CaptureQueriesContext(connection) as three:
        response = browser.get(session.get_absolute_url())

    assert len(three) == len(one)
    assert response.content.decode().count('data-testid="agenda-item"') == 3


def test_session_detail_access(item, other_clerk, staff):
    url = item.session.get_absolute_url()
    assert logged_in(other_clerk).get(url).status_code == 404
    assert logged_in(staff[Role.PROVIDER_STAFF]).get(url).status_code == 403
    assert logged_in(staff[Role.MANAGER]).get(url).status_code == 200
    assert logged_in(staff[Role.HOUSING_DEPARTMENT]).post(url).status_code == 405


# --- The agenda --------------------------------------------------------------------------------


def test_item_add_lists_only_reserved_proposals_of_the_municipality(
    session, proposal, clerk, municipality, other_clerk
):
    not_reserved = ProposalFactory(flat=FlatFactory(municipality=municipality))
    elsewhere = reserved(HousingApplicationFactory(), other_clerk.organisation.municipality)
    waiting = reserved(HousingApplicationFactory(), municipality)
    services.add_to_agenda(session=session, proposal=waiting, by=clerk)

    response = logged_in(clerk).get(reverse("housing:agenda-item-add", args=[session.pk]))

    assert list(response.context["form"].fields["proposal"].queryset) == [proposal]
    page = text_of(response)
    assert proposal.application.pseudonym in page
    for other in (not_reserved, elsewhere, waiting):
        assert other.application.pseudonym not in page


def test_item_add_freezes_the_summary_and_the_flat(session, proposal, clerk):
    response = logged_in(clerk).post(
        reverse("housing:agenda-item-add", args=[session.pk]), {"proposal": proposal.pk}
    )

    assertRedirects(response, session.get_absolute_url(), fetch_redirect_response=False)
    item = AgendaItem.objects.get()
    proposal.flat.refresh_from_db()
    with translation.override("cs"):
        expected = summaries.summary_of(proposal.application_id, flat=proposal.flat).to_dict()
        flat = summaries.flat_facts(proposal.flat)
    assert (item.session, item.proposal, item.order, item.decision) == (session, proposal, 1, "")
    assert item.summary == json.loads(json.dumps({"household": expected, "flat": flat}))


def test_item_summary_stays_as_the_commission_saw_it(item, application):
    application.recommendation_text = "Rodina se mezitím zadlužila."
    application.save()

    item.refresh_from_db()

    assert item.summary["household"]["recommendation_text"] == ""


def test_item_add_refuses_what_does_not_belong_on_the_agenda(
    session, item, clerk, municipality, other_clerk
):
    proposed = ProposalFactory(flat=FlatFactory(municipality=municipality))
    elsewhere = reserved(HousingApplicationFactory(), other_clerk.organisation.municipality)

    for proposal, message in [
        (
            proposed,
            "Only a proposal whose flat is reserved goes to the commission (this one is "
            "“%(status)s”).",
        ),
        (elsewhere, "The flat is not in the municipality of this commission."),
        (item.proposal, "The proposal is already on an agenda, waiting for a decision."),
    ]:
        with pytest.raises(ValidationError) as refused:
            services.add_to_agenda(session=session, proposal=proposal, by=clerk)
        assert refused.value.messages == [
            gettext(message) % {"status": ProposalStatus.PROPOSED.label}
            if "%(status)s" in message
            else gettext(message)
        ]


def test_item_add_access(session, social_worker, other_clerk, clerk):
    url = reverse("housing:agenda-item-add", args=[session.pk])
    assert logged_in(social_worker).get(url).status_code == 403
    assert logged_in(other_clerk).get(url).status_code == 404
    assert logged_in(clerk).put(url).status_code == 405


def test_item_add_empty_state(session, clerk):
    response = logged_in(clerk).get(reverse("housing:agenda-item-add", args=[session.pk]))

    assert czech(
        "No reserved proposal of a flat in %(municipality)s waits for the commission. When the "
        "KMB reserves one of your flats for a household, it appears here.",
        municipality="Testov",
    ) in text_of(response)


def test_item_detail_shows_the_summary_and_is_audited(item, clerk, social_worker):
    response = logged_in(clerk).get(reverse("housing:agenda-item-detail", args=[item.pk]))

    page = text_of(response)
    assert item.summary["household"]["code"] in page
    assert czech("Record the decision") in page
    assert list(AccessLog.objects.values_list("content_type__model", "object_id")) == [
        ("agendaitem", str(item.pk))
    ]
    kmb_page = text_of(
        logged_in(social_worker).get(reverse("housing:agenda-item-detail", args=[item.pk]))
    )
    assert czech("Record the decision") not in kmb_page


def test_item_detail_access(item, other_clerk, staff):
    url = reverse("housing:agenda-item-detail", args=[item.pk])
    assert logged_in(other_clerk).get(url).status_code == 404
    assert logged_in(staff[Role.PROVIDER_STAFF]).get(url).status_code == 403


def test_item_remove_takes_an_undecided_item_off(item, clerk):
    response = logged_in(clerk).post(reverse("housing:agenda-item-remove", args=[item.pk]))

    assertRedirects(response, item.session.get_absolute_url(), fetch_redirect_response=False)
    assert not AgendaItem.objects.exists()
    assert item.proposal.status == ProposalStatus.RESERVED


def test_item_remove_access(item, social_worker, other_clerk, clerk):
    url = reverse("housing:agenda-item-remove", args=[item.pk])
    assert logged_in(social_worker).post(url).status_code == 403
    assert logged_in(other_clerk).post(url).status_code == 404
    assert logged_in(clerk).get(url).status_code == 405


# --- Decisions ---------------------------------------------------------------------------------


def decide(browser, item, **data):
    return browser.post(reverse("housing:agenda-item-decide", args=[item.pk]), data)


def test_approval_approves_the_proposal(item, clerk):
    response = decide(
        logged_in(clerk), item, decision=Decision.APPROVE, conditions="Splátkový kalendář."
    )

    assertRedirects(response, item.session.get_absolute_url(), fetch_redirect_response=False)
    item.refresh_from_db()
    item.proposal.refresh_from_db()
    assert (item.decision, item.conditions, item.decided_by) == (
        Decision.APPROVE,
        "Splátkový kalendář.",
        clerk,
    )
    assert item.decided_at is not None
    assert item.proposal.status == ProposalStatus.APPROVED
    event = item.proposal.events.get(to_status=ProposalStatus.APPROVED)
    assert (event.by, event.note) == (
        clerk,
        gettext("Housing commission of %(date)s")
        % {"date": date_format(item.session.held_on, "j. n. Y")}
        + ": Splátkový kalendář.",
    )


def test_rejection_needs_reasons(item, clerk):
    response = decide(logged_in(clerk), item, decision=Decision.REJECT)

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "reasons": [gettext("A rejection needs its reasons.")]
    }
    item.refresh_from_db()
    assert item.decision == ""
    assert item.proposal.status == ProposalStatus.RESERVED


def test_rejection_declines_the_proposal_for_the_commission(item, clerk):
    decide(logged_in(clerk), item, decision=Decision.REJECT, reasons="Byt je pro rodinu malý.")

    proposal = item.proposal
    proposal.refresh_from_db()
    proposal.flat.refresh_from_db()
    assert (
        proposal.status,
        proposal.declined_by,
        proposal.decline_reason_text,
        proposal.decline_review,
        proposal.flat.status,
    ) == (
        ProposalStatus.DECLINED,
        DeclineParty.COMMISSION,
        "Byt je pro rodinu malý.",
        DeclineReview.PENDING,
        FlatStatus.FREE,
    )


def test_deferral_keeps_the_flat_reserved_for_a_later_session(item, clerk, municipality):
    decide(logged_in(clerk), item, decision=Decision.DEFER, reasons="Chybí potvrzení o příjmu.")

    item.proposal.refresh_from_db()
    assert item.proposal.status == ProposalStatus.RESERVED
    later = services.create_session(
        municipality=municipality, held_on=timezone.localdate(), place="", by=clerk
    )
    again = services.add_to_agenda(session=later, proposal=item.proposal, by=clerk)
    assert (again.session, again.order) == (later, 1)


def test_decision_texts_with_personal_data_are_refused(item, clerk):
    response = decide(
        logged_in(clerk),
        item,
        decision=Decision.APPROVE,
        conditions="Paní Zqxnováková doloží příjem.",
    )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"conditions"}
    item.refresh_from_db()
    assert item.decision == ""


@pytest.mark.parametrize("guess", ["Zqxnováková", "Nováková"])
def test_decision_texts_do_not_confirm_a_guessed_name(item, clerk, guess):
    """The commission never saw the household's names: its text is checked for the generic
    patterns only, so a guess is treated the same whether it is right or wrong."""
    response = decide(logged_in(clerk), item, decision="", conditions=f"Ověřit {guess}.")

    assert set(response.context["form"].errors) == {"decision"}


def test_decision_on_a_proposal_declined_meanwhile_is_refused(item, clerk, social_worker):
    matching.decline(
        proposal=item.proposal,
        party=DeclineParty.HOUSEHOLD,
        reason_text="Rodina našla jiné bydlení.",
        by=social_worker,
    )

    response = decide(logged_in(clerk), item, decision=Decision.APPROVE)

    assert czech(
        "The proposal is no longer reserved (“%(status)s”): take the item off the agenda.",
        status=czech(ProposalStatus.DECLINED.label),
    ) in text_of(response)
    item.refresh_from_db()
    assert item.decision == ""


def test_decided_item_is_not_decided_twice(item, clerk):
    services.record_decision(item=item, decision=Decision.DEFER, by=clerk)

    response = decide(logged_in(clerk), item, decision=Decision.APPROVE)

    assertRedirects(
        response,
        reverse("housing:agenda-item-detail", args=[item.pk]),
        fetch_redirect_response=False,
    )
    item.refresh_from_db()
    assert item.decision == Decision.DEFER
    with pytest.raises(ValidationError):
        services.record_decision(item=item, decision=Decision.APPROVE, by=clerk)


def test_decide_access(item, social_worker, other_clerk, clerk):
    url = reverse("housing:agenda-item-decide", args=[item.pk])
    assert logged_in(social_worker).post(url).status_code == 403
    assert logged_in(other_clerk).post(url).status_code == 404
    assert logged_in(clerk).get(url).status_code == 405


# --- Closing and the minutes -------------------------------------------------------------------


def test_session_with_an_undecided_item_is_not_closed(item, clerk):
    response = logged_in(clerk).post(
        reverse("housing:session-close", args=[item.session.pk]), follow=True
    )

    assert czech(
        "Record a decision on every item first (items without one: %(items)s).", items="1"
    ) in text_of(response)
    item.session.refresh_from_db()
    assert item.session.status == SessionStatus.PLANNED


def test_session_closes_when_every_item_is_decided(item, clerk):
    services.record_decision(item=item, decision=Decision.APPROVE, by=clerk)

    response = logged_in(clerk).post(reverse("housing:session-close", args=[item.session.pk]))

    assertRedirects(response, item.session.get_absolute_url(), fetch_redirect_response=False)
    session = CommissionSession.objects.get()
    assert session.status == SessionStatus.CLOSED
    assert session.closed_at is not None
    with pytest.raises(ValidationError):
        services.add_to_agenda(
            session=session,
            proposal=reserved(HousingApplicationFactory(), session.municipality),
            by=clerk,
        )


def test_empty_session_is_not_closed(session, clerk):
    with pytest.raises(ValidationError) as refused:
        services.close_session(session=session, by=clerk)
    assert refused.value.messages == [
        gettext("The agenda is empty: add a proposal before closing the session.")
    ]


def test_session_close_access(item, social_worker, other_clerk, clerk):
    url = reverse("housing:session-close", args=[item.session.pk])
    assert logged_in(social_worker).post(url).status_code == 403
    assert logged_in(other_clerk).post(url).status_code == 404
    assert logged_in(clerk).get(url).status_code == 405


def pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_minutes_carry_the_summaries_and_decisions(item, clerk):
    services.record_decision(
        item=item, decision=Decision.APPROVE, conditions="Podpora 2 hodiny týdně.", by=clerk
    )
    services.close_session(session=item.session, by=clerk)

    with translation.override("cs"):
        response = logged_in(clerk).get(reverse("housing:session-minutes", args=[item.session.pk]))

    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response)
    for expected in [
        czech("Minutes of the housing commission"),
        "Testov",
        item.summary["household"]["code"],
        "Husova 5",
        czech(Decision.APPROVE.label),
        "Podpora 2 hodiny týdně.",
        czech("Chair of the commission"),
    ]:
        assert expected in text
    assert czech("Draft: the session is not closed yet, so these are not the minutes.") not in text
    for marker in ("Zqxnov", "777 123 456", "qz@example.cz", "910101", "Qwztova"):
        assert marker.lower() not in text.lower()
    assert list(AccessLog.objects.values_list("content_type__model", "object_id")) == [
        ("commissionsession", str(item.session.pk))
    ]


def test_minutes_of_a_planned_session_are_a_draft(item, social_worker):
    response = logged_in(social_worker).get(
        reverse("housing:session-minutes", args=[item.session.pk])
    )

    text = pdf_text(response)
    assert czech("Agenda of the housing commission") in text
    assert czech("Draft: the session is not closed yet, so these are not the minutes.") in text


def test_minutes_access(item, other_clerk, staff):
    url = reverse("housing:session-minutes", args=[item.session.pk])
    assert logged_in(other_clerk).get(url).status_code == 404
    assert logged_in(staff[Role.PROVIDER_STAFF]).get(url).status_code == 403
    assert logged_in(staff[Role.HOUSING_DEPARTMENT]).post(url).status_code == 405


# --- The summary of a proposal -----------------------------------------------------------------


def test_proposal_summary_is_audited_as_a_read_of_the_application(proposal, clerk):
    response = logged_in(clerk).get(reverse("housing:proposal-summary", args=[proposal.pk]))

    page = text_of(response)
    assert proposal.application.pseudonym in page
    assert "Husova 5" in page
    assert list(AccessLog.objects.values_list("content_type__model", "object_id")) == [
        ("housingapplication", str(proposal.application_id))
    ]


def test_proposal_summary_warns_about_an_unclean_recommendation(proposal, clerk):
    HousingApplication.objects.filter(pk=proposal.application_id).update(
        recommendation_text="Jana Zqxnováková spolupracuje."
    )

    response = logged_in(clerk).get(reverse("housing:proposal-summary", args=[proposal.pk]))

    page = text_of(response)
    assert (
        czech(
            "The case manager's recommendation contains personal data. The KMB must correct it "
            "before the commission can read the summary."
        )
        in page
    )
    assert "Zqxnov" not in page


def test_proposal_summary_access(proposal, other_clerk, staff, other_kmb_office):
    url = reverse("housing:proposal-summary", args=[proposal.pk])
    outsider = UserFactory(username="cizi", organisation=other_kmb_office)
    assert logged_in(other_clerk).get(url).status_code == 404
    assert logged_in(outsider).get(url).status_code == 404
    assert logged_in(staff[Role.PROVIDER_STAFF]).get(url).status_code == 403
    assert logged_in(staff[Role.SOCIAL_WORKER]).get(url).status_code == 200
    assert logged_in(staff[Role.HOUSING_DEPARTMENT]).post(url).status_code == 405
