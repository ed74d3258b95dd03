"""The matching pages and the waiting list: what they show (in Czech), what their forms and buttons
do, who may open them (outsider 404, read-only 403, wrong method 405) and their query counts."""

import datetime
import re
from decimal import Decimal
from html import unescape

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from clients.models import CaseStatus
from housing.matching import rules
from housing.models import (
    ApplicationStatus,
    DeclineParty,
    DeclineReview,
    FlatStatus,
    HousingApplication,
    Lease,
    MatchingSettings,
    Proposal,
    ProposalStatus,
)
from housing.services import matching as services
from kmb.audit.models import AccessLog
from tests.factories.accounts import MunicipalityFactory, UserFactory
from tests.factories.clients import CaseFactory, ClientFactory, ConsentFactory, IncomeFactory
from tests.factories.housing import FlatFactory
from tests.factories.matching import (
    DeclineReasonFactory,
    HousingApplicationFactory,
    MatchingSettingsFactory,
    ProposalFactory,
)

TODAY = timezone.localdate()


def czech(message) -> str:
    with translation.override("cs"):
        return str(translation.gettext(str(message)))


def text_of(response) -> str:
    """The page's text without tags, with its whitespace collapsed."""
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.content.decode(), flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def flashed(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def testov(kmb_office):
    return MunicipalityFactory(name="Testov", orp=kmb_office.orp)


@pytest.fixture
def outsider(other_kmb_office):
    return UserFactory(username="cizi", organisation=other_kmb_office)


def waiting(kmb, *, first_name="Věra", last_name="Malá", income=20000, days=30, **kwargs):
    case = CaseFactory(
        household__kmb=kmb,
        kmb=kmb,
        applicant__first_name=first_name,
        applicant__last_name=last_name,
    )
    ClientFactory(household=case.household, relationship="partner")
    IncomeFactory(
        household=case.household, monthly_amount=income, since=TODAY - datetime.timedelta(100)
    )
    return HousingApplicationFactory(
        case=case, submitted_on=TODAY - datetime.timedelta(days=days), **kwargs
    )


@pytest.fixture
def application(kmb_office):
    return waiting(kmb_office)


@pytest.fixture
def flat(testov):
    return FlatFactory(municipality=testov, street="Husova", number="12")


@pytest.fixture
def logged_in(client, social_worker):
    client.force_login(social_worker)
    return client


# --- Overview ----------------------------------------------------------------------------------


def test_overview_shows_figures_and_worklists(logged_in, application, flat, testov, social_worker):
    now = timezone.now()
    stalled = ProposalFactory(
        application=application,
        flat=FlatFactory(municipality=testov, street="Stará"),
        status_changed_at=now - datetime.timedelta(days=15),
    )
    week = ProposalFactory(
        application=application,
        flat=FlatFactory(municipality=testov, street="Týdenní"),
        status_changed_at=now - datetime.timedelta(days=8),
    )
    declined = ProposalFactory(
        application=application,
        flat=FlatFactory(municipality=testov, street="Odmítnutá"),
        status=ProposalStatus.DECLINED,
        declined_by=DeclineParty.OWNER,
        decline_reason_text="Prodává byt",
        decline_review=DeclineReview.PENDING,
    )
    waiting(application.household.kmb, parked=True)

    response = logged_in.get(reverse("housing:matching-overview"))

    context = response.context
    assert (context["waiting"], context["parked"], context["live"]) == (1, 1, 2)
    assert context["over_14"] == [stalled]
    assert context["over_7"] == [week]
    assert context["to_review"] == [declined]
    text = text_of(response)
    assert "1 domácností v pořadníku" in text
    assert "Vlastník: Prodává byt" in text
    assertContains(response, reverse("housing:matching-flat", args=[flat.pk]))


def test_overview_empty_states(logged_in):
    text = text_of(logged_in.get(reverse("housing:matching-overview")))

    assert "Žádné: každý návrh se za poslední dva týdny posunul." in text
    assert "Žádné odmítnutí nečeká na posouzení." in text
    assert "Žádný byt není volný." in text


# --- A flat's shortlist ------------------------------------------------------------------------


def test_shortlist_ranks_the_eligible_and_explains_the_others(logged_in, kmb_office, flat):
    long_waiting = waiting(kmb_office, first_name="Dana", last_name="Dlouhá", days=600)
    short_waiting = waiting(kmb_office, first_name="Klára", last_name="Krátká", days=5)
    poor = waiting(kmb_office, first_name="Olga", last_name="Chudá", income=4000)
    reads = AccessLog.objects.count()

    response = logged_in.get(reverse("housing:matching-flat", args=[flat.pk]))

    rows = response.context["rows"]
    assert [row.application for row in rows] == [long_waiting, short_waiting]
    assert rows[0].score > rows[1].score
    assert [row.application for row in response.context["ineligible"]] == [poor]
    assert [rule.code for rule in response.context["ineligible"][0].rules] == ["affordability"]
    text = text_of(response)
    assert "Všechna pravidla splňují 2 domácnosti" in text
    assert "1 domácnost nesplňuje pravidla" in text
    assert "Dana Dlouhá" in text
    assert AccessLog.objects.count() == reads + 1
    assert AccessLog.objects.latest("pk").object_id == str(flat.pk)


def test_shortlist_offers_propose_then_reserve(logged_in, application, flat, social_worker):
    url = reverse("housing:matching-flat", args=[flat.pk])
    assertContains(logged_in.get(url), reverse("housing:matching-propose", args=[flat.pk]))

    proposal = services.propose(application=application, flat=flat, by=social_worker)

    response = logged_in.get(url)
    assertContains(response, reverse("housing:proposal-reserve", args=[proposal.pk]))
    assertNotContains(response, reverse("housing:matching-propose", args=[flat.pk]))


def test_shortlist_of_a_flat_that_is_not_free(logged_in, application, flat):
    flat.status = FlatStatus.LET
    flat.save()

    response = logged_in.get(reverse("housing:matching-flat", args=[flat.pk]))

    assert "Byt není volný („Pronajatý“): není co navrhnout." in text_of(response)


def test_shortlist_with_invalid_settings_says_so(logged_in, application, flat, kmb_office):
    settings = MatchingSettingsFactory(kmb=kmb_office)
    MatchingSettings.objects.filter(pk=settings.pk).update(weight_children=12)

    response = logged_in.get(reverse("housing:matching-flat", args=[flat.pk]))

    assert response.status_code == 200
    assert flashed(response) == ["Nastavení párování není platné: Váha je od 0 do 10."]
    assert response.context["rows"] == []


def queries_of_shortlist(client, flat) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("housing:matching-flat", args=[flat.pk]))
    assert response.status_code == 200
    return len(queries)


def test_shortlist_query_count_is_constant(logged_in, kmb_office, flat):
    waiting(kmb_office)
    waiting(kmb_office, income=1000)
    one = queries_of_shortlist(logged_in, flat)

    for _ in range(2):
        waiting(kmb_office)
        waiting(kmb_office, income=1000)

    assert queries_of_shortlist(logged_in, flat) == one


def test_shortlist_needs_a_kmb(client, administrator, flat):
    client.force_login(administrator)

    assert client.get(reverse("housing:matching-flat", args=[flat.pk])).status_code == 403


def test_shortlist_of_another_orps_flat_is_hidden(client, outsider, flat):
    client.force_login(outsider)

    assert client.get(reverse("housing:matching-flat", args=[flat.pk])).status_code == 404


def test_shortlist_is_read_with_get_only(logged_in, flat):
    assert logged_in.post(reverse("housing:matching-flat", args=[flat.pk])).status_code == 405


# --- Proposing, reserving ----------------------------------------------------------------------


def test_propose_from_the_shortlist(logged_in, application, flat, social_worker):
    response = logged_in.post(
        reverse("housing:matching-propose", args=[flat.pk]), {"application": application.pk}
    )

    proposal = Proposal.objects.get()
    assertRedirects(response, proposal.get_absolute_url())
    assert (proposal.application, proposal.flat, proposal.proposed_by) == (
        application,
        flat,
        social_worker,
    )
    assert flashed(response) == ["Byt byl domácnosti navržen."]


def test_a_refused_proposal_returns_with_the_reason(logged_in, kmb_office, flat):
    parked = waiting(kmb_office, parked=True)

    response = logged_in.post(
        reverse("housing:matching-propose", args=[flat.pk]),
        {"application": parked.pk, "back": "application"},
    )

    assertRedirects(response, reverse("housing:matching-application", args=[parked.pk]))
    date = parked.parked_until.strftime("%-d. %-m. %Y")
    assert flashed(response) == [f"Domácnost je odložena do {date}: teď jí nelze navrhnout byt."]
    assert Proposal.objects.count() == 0


def test_another_kmbs_household_cannot_be_proposed(logged_in, other_kmb_office, flat):
    foreign = waiting(other_kmb_office)

    response = logged_in.post(
        reverse("housing:matching-propose", args=[flat.pk]), {"application": foreign.pk}
    )

    assertRedirects(response, reverse("housing:matching-flat", args=[flat.pk]))
    assert flashed(response) == ["Vyberte domácnost ze seznamu vhodných."]
    assert Proposal.objects.count() == 0


def test_propose_is_post_only(logged_in, flat):
    assert logged_in.get(reverse("housing:matching-propose", args=[flat.pk])).status_code == 405


def test_reserve_then_a_second_reservation_is_refused(
    logged_in, kmb_office, application, flat, social_worker
):
    first = services.propose(application=application, flat=flat, by=social_worker)
    second = services.propose(application=waiting(kmb_office), flat=flat, by=social_worker)

    response = logged_in.post(reverse("housing:proposal-reserve", args=[first.pk]))

    assertRedirects(response, first.get_absolute_url())
    assert flashed(response) == ["Byt je pro domácnost rezervován."]
    flat.refresh_from_db()
    assert flat.status == FlatStatus.RESERVED

    response = logged_in.post(reverse("housing:proposal-reserve", args=[second.pk]))

    assertRedirects(response, second.get_absolute_url())
    assert flashed(response) == [
        "Byt už není volný („Rezervovaný“): mezitím ho rezervoval návrh pro jinou domácnost."
    ]
    second.refresh_from_db()
    assert second.status == ProposalStatus.PROPOSED


def test_reserve_is_refused_to_a_reader(client, administrator, application, flat, social_worker):
    proposal = services.propose(application=application, flat=flat, by=social_worker)
    client.force_login(administrator)

    assert client.post(reverse("housing:proposal-reserve", args=[proposal.pk])).status_code == 403
    assert client.get(reverse("housing:proposal-reserve", args=[proposal.pk])).status_code == 405


# --- The proposal's page and its steps ---------------------------------------------------------


@pytest.fixture
def proposal(application, flat, social_worker):
    return services.propose(application=application, flat=flat, by=social_worker)


def test_proposal_detail_answers_why_this_household(logged_in, proposal):
    reads = AccessLog.objects.count()

    response = logged_in.get(proposal.get_absolute_url())

    text = text_of(response)
    assert "Proč tato domácnost?" in text
    assert "Věra Malá" in text
    assert [rule.code for rule in response.context["rules"]] == [
        rule["code"] for rule in proposal.snapshot["rules"]
    ]
    assert [part.label for part in response.context["parts"]] == [
        czech(label) for label in rules.COMPONENT_LABELS.values()
    ]
    assert [part.points for part in response.context["parts"]] == [
        part["points"] for part in proposal.snapshot["score_parts"]
    ]
    assert response.context["may_decide"] is True
    assertContains(response, reverse("housing:proposal-reserve", args=[proposal.pk]))
    assert AccessLog.objects.count() == reads + 1


def test_proposal_of_another_kmb_is_hidden(client, outsider, proposal):
    client.force_login(outsider)

    assert client.get(proposal.get_absolute_url()).status_code == 404
    assert client.post(reverse("housing:proposal-reserve", args=[proposal.pk])).status_code == 404


def test_proposal_detail_is_get_only(logged_in, proposal):
    assert logged_in.post(proposal.get_absolute_url()).status_code == 405


def test_decline_form_records_the_decline(logged_in, proposal, kmb_office):
    reason = DeclineReasonFactory(kmb=kmb_office, text="Byt je příliš daleko")
    url = reverse("housing:proposal-decline", args=[proposal.pk])
    assertContains(logged_in.get(url), "Byt je příliš daleko")

    response = logged_in.post(
        url, {"party": DeclineParty.HOUSEHOLD, "reason": reason.pk, "note": "Děti ve škole"}
    )

    assertRedirects(response, proposal.get_absolute_url())
    proposal.refresh_from_db()
    assert (
        proposal.status,
        proposal.declined_by,
        proposal.decline_reason_text,
        proposal.decline_note,
        proposal.decline_review,
    ) == (
        ProposalStatus.DECLINED,
        DeclineParty.HOUSEHOLD,
        "Byt je příliš daleko",
        "Děti ve škole",
        DeclineReview.PENDING,
    )


def test_decline_form_needs_a_reason(logged_in, proposal):
    response = logged_in.post(
        reverse("housing:proposal-decline", args=[proposal.pk]), {"party": DeclineParty.OWNER}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "reason_text": ["Vyberte důvod ze seznamu, nebo ho napište."]
    }
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PROPOSED


def test_decline_form_is_refused_to_a_reader(client, administrator, proposal):
    client.force_login(administrator)

    assert client.get(reverse("housing:proposal-decline", args=[proposal.pk])).status_code == 403


def test_decline_form_rejects_other_methods(logged_in, proposal):
    assert logged_in.put(reverse("housing:proposal-decline", args=[proposal.pk])).status_code == 405


def test_manager_reviews_a_decline(client, manager, social_worker, proposal):
    services.decline(
        proposal=proposal, party=DeclineParty.HOUSEHOLD, reason_text="Ne", by=social_worker
    )
    url = reverse("housing:proposal-review", args=[proposal.pk])
    client.force_login(social_worker)
    assert client.post(url, {"decision": "override"}).status_code == 403
    client.force_login(manager)

    response = client.post(url, {"decision": "override"})

    assertRedirects(response, proposal.get_absolute_url())
    proposal.refresh_from_db()
    assert (proposal.decline_review, proposal.decline_reviewed_by) == (
        DeclineReview.OVERRIDDEN,
        manager,
    )
    assert client.get(url).status_code == 405


def test_withdraw_button(logged_in, proposal):
    response = logged_in.post(reverse("housing:proposal-withdraw", args=[proposal.pk]))

    assertRedirects(response, proposal.get_absolute_url())
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.WITHDRAWN
    assert flashed(response) == ["Návrh byl stažen."]


def test_sign_the_lease_of_an_approved_proposal(logged_in, proposal, social_worker):
    services.reserve(proposal=proposal, by=social_worker)
    services.approve(proposal=proposal, by=social_worker)
    url = reverse("housing:proposal-lease", args=[proposal.pk])
    form = logged_in.get(url).context["form"]
    assert form.initial["rent"] == Decimal("6000.00")

    response = logged_in.post(
        url,
        {
            "start_on": TODAY.isoformat(),
            "end_on": (TODAY + datetime.timedelta(days=364)).isoformat(),
            "rent": "6000",
            "deposit": "12000",
        },
    )

    lease = Lease.objects.get()
    assertRedirects(response, lease.get_absolute_url())
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.LEASED


def test_sign_the_lease_of_a_proposal_not_approved_shows_why(logged_in, proposal):
    response = logged_in.post(
        reverse("housing:proposal-lease", args=[proposal.pk]),
        {"start_on": TODAY.isoformat(), "rent": "6000", "deposit": "0"},
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Smlouva se podepisuje až po schválení návrhu komisí; tento je ve stavu „Navrženo“."
    ]
    assert Lease.objects.count() == 0


# --- A household's suitable flats, "why not?", the global proposal ----------------------------


def test_suitable_flats_of_a_household(logged_in, application, testov, flat):
    small = FlatFactory(municipality=testov, rooms=1, area=Decimal("12"), street="Malá")

    response = logged_in.get(reverse("housing:matching-application", args=[application.pk]))

    assert [row.flat for row in response.context["rows"]] == [flat]
    assert [row.flat for row in response.context["ineligible"]] == [small]
    assert "Domácnosti vyhovuje 1 volný byt" in text_of(response)


def test_suitable_flats_of_another_kmbs_household_are_hidden(client, outsider, application):
    client.force_login(outsider)
    url = reverse("housing:matching-application", args=[application.pk])

    assert client.get(url).status_code == 404


def test_why_not_shows_every_rule(logged_in, kmb_office, flat):
    poor = waiting(kmb_office, income=3000)

    response = logged_in.get(reverse("housing:matching-pair", args=[poor.pk, flat.pk]))

    row = response.context["row"]
    assert row.score is None
    assert [rule.code for rule in row.rules if not rule.passed] == ["affordability"]
    assert len(row.rules) == 11
    assert "Ne: domácnost nesplňuje pravidla označená níže." in text_of(response)


def test_why_for_a_fitting_pair(logged_in, application, flat):
    response = logged_in.get(reverse("housing:matching-pair", args=[application.pk, flat.pk]))

    assert response.context["row"].score > 0
    assert "Ano: domácnost splňuje všechna pravidla" in text_of(response)
    # The next step is on the page: propose the flat to the household.
    assert reverse("housing:matching-propose", args=[flat.pk]) in response.content.decode()


def test_why_not_for_a_failing_pair_offers_no_proposal(logged_in, kmb_office, flat):
    poor = waiting(kmb_office, income=3000)

    response = logged_in.get(reverse("housing:matching-pair", args=[poor.pk, flat.pk]))

    assert reverse("housing:matching-propose", args=[flat.pk]) not in response.content.decode()


def test_global_proposal_beside_first_come(logged_in, kmb_office, testov):
    couple = waiting(kmb_office, days=10)
    single = waiting(kmb_office, days=400)
    single.household.members.exclude(relationship="applicant").delete()
    one_room = FlatFactory(municipality=testov, rooms=1, area=Decimal("30"))
    two_rooms = FlatFactory(municipality=testov, rooms=2, area=Decimal("50"))

    response = logged_in.get(reverse("housing:matching-global"))

    optimal = {(a.flat, a.optimal.application) for a in response.context["allocations"]}
    assert optimal == {(one_room, single), (two_rooms, couple)}
    assert response.context["optimal"].total >= response.context["greedy"].total


def test_global_proposal_leaves_out_households_holding_a_flat(
    logged_in, kmb_office, testov, application, flat, social_worker
):
    services.reserve(
        proposal=services.propose(application=application, flat=flat, by=social_worker),
        by=social_worker,
    )
    other = waiting(kmb_office)
    free = FlatFactory(municipality=testov)

    response = logged_in.get(reverse("housing:matching-global"))

    assert [(a.flat, a.optimal.application) for a in response.context["allocations"]] == [
        (free, other)
    ]


def test_global_proposal_with_nobody_waiting(logged_in, flat):
    response = logged_in.get(reverse("housing:matching-global"))

    assert response.context["allocations"] == []
    assert "Teď nelze přidělit žádný volný byt" in text_of(response)


def test_propose_pairs_of_the_global_proposal(logged_in, application, flat):
    response = logged_in.post(
        reverse("housing:matching-global"), {"pairs": [f"{application.pk}:{flat.pk}"]}
    )

    assertRedirects(response, reverse("housing:proposal-list"))
    assert flashed(response) == ["Navržen 1 byt."]
    assert list(Proposal.objects.values_list("application", "flat")) == [(application.pk, flat.pk)]


def test_propose_pairs_refuses_foreign_pairs(logged_in, other_kmb_office, flat):
    foreign = waiting(other_kmb_office)

    response = logged_in.post(
        reverse("housing:matching-global"), {"pairs": [f"{foreign.pk}:{flat.pk}", "x:1"]}
    )

    assertRedirects(response, reverse("housing:matching-global"))
    assert flashed(response) == ["Vyberte dvojice z návrhu."]
    assert Proposal.objects.count() == 0


# --- Lists and their query counts --------------------------------------------------------------


def queries_of(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_application_list_query_count_is_constant(logged_in, kmb_office):
    waiting(kmb_office)
    url = reverse("housing:application-list")
    one = queries_of(logged_in, url)
    waiting(kmb_office)
    waiting(kmb_office, parked=True)

    assert queries_of(logged_in, url) == one
    assert len(logged_in.get(url).context["page"].object_list) == 3


def test_proposal_list_query_count_is_constant(logged_in, application, testov):
    ProposalFactory(application=application, flat=FlatFactory(municipality=testov))
    url = reverse("housing:proposal-list")
    one = queries_of(logged_in, url)
    for _ in range(2):
        ProposalFactory(application=application, flat=FlatFactory(municipality=testov))

    assert queries_of(logged_in, url) == one
    assert len(logged_in.get(url).context["page"].object_list) == 3


def test_application_list_shows_the_waiting(logged_in, kmb_office, other_kmb_office):
    mine = waiting(kmb_office, first_name="Eva", last_name="Čekající", vulnerable=True)
    waiting(other_kmb_office)

    response = logged_in.get(reverse("housing:application-list"))

    assert list(response.context["page"].object_list) == [mine]
    text = text_of(response)
    assert "Eva Čekající" in text
    assert "zvláštní zranitelnost" in text


# --- The waiting list from the case page -------------------------------------------------------


def test_add_to_the_waiting_list_from_the_case(logged_in, kmb_office):
    case = CaseFactory(household__kmb=kmb_office, kmb=kmb_office)
    url = reverse("housing:application-create", args=[case.pk])

    response = logged_in.post(url, {"programs": ["social"], "emergency": "on"})

    application = HousingApplication.objects.get()
    assertRedirects(response, application.get_absolute_url())
    assert (application.programs, application.emergency, application.vulnerable) == (
        ["social"],
        True,
        False,
    )
    response = logged_in.post(url, {"programs": []})
    assert response.status_code == 200, response
    assert response.context["form"].non_field_errors() == ["Domácnost už je v pořadníku."]


def test_add_to_the_waiting_list_is_refused_to_readers_and_outsiders(
    client, administrator, outsider, kmb_office
):
    case = CaseFactory(household__kmb=kmb_office, kmb=kmb_office)
    url = reverse("housing:application-create", args=[case.pk])
    client.force_login(administrator)
    assert client.get(url).status_code == 403
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_case_page_shows_the_housing_section(logged_in, application, flat, social_worker):
    proposal = services.propose(application=application, flat=flat, by=social_worker)

    response = logged_in.get(application.case.get_absolute_url())

    assertContains(response, 'data-testid="case-housing"')
    assertContains(response, proposal.get_absolute_url())
    assertContains(response, reverse("housing:application-park", args=[application.pk]))
    assert f"v pořadníku od {application.submitted_on.strftime('%-d. %-m. %Y')}" in text_of(
        response
    )


def test_case_page_hides_the_housing_section_from_a_provider(client, staff, application):
    provider = staff["provider_staff"]
    ConsentFactory(household=application.household, recipient=provider.organisation)
    client.force_login(provider)

    response = client.get(application.case.get_absolute_url())

    assert response.status_code == 200
    assertNotContains(response, 'data-testid="case-housing"')
    assertNotContains(response, application.pseudonym)


def test_case_page_offers_the_waiting_list(logged_in, kmb_office):
    case = CaseFactory(household__kmb=kmb_office, kmb=kmb_office)

    response = logged_in.get(case.get_absolute_url())

    assertContains(response, reverse("housing:application-create", args=[case.pk]))
    assert "Domácnost není v pořadníku. Zařaďte ji" in text_of(response)


def test_park_and_unpark(logged_in, application):
    until = TODAY + datetime.timedelta(days=10)

    response = logged_in.post(
        reverse("housing:application-park", args=[application.pk]),
        {"until": until.isoformat(), "reason": "Lázně"},
    )

    assertRedirects(response, application.get_absolute_url())
    application.refresh_from_db()
    assert (application.parked_until, application.park_reason) == (until, "Lázně")
    response = logged_in.post(reverse("housing:application-unpark", args=[application.pk]))
    assertRedirects(response, application.get_absolute_url())
    application.refresh_from_db()
    assert application.parked_until is None


def test_park_form_refuses_today(logged_in, application):
    response = logged_in.post(
        reverse("housing:application-park", args=[application.pk]),
        {"until": TODAY.isoformat(), "reason": "Lázně"},
    )

    assert response.context["form"].errors == {
        "until": ["Domácnost lze odložit nejdříve do zítřka."]
    }


def test_withdraw_from_the_waiting_list(logged_in, application):
    response = logged_in.post(
        reverse("housing:application-withdraw", args=[application.pk]), {"note": "Našli byt"}
    )

    assertRedirects(response, application.get_absolute_url())
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN


def test_application_pages_of_another_kmb_are_hidden(client, outsider, application):
    client.force_login(outsider)

    for name in ("application-detail", "application-park", "application-withdraw"):
        assert client.get(reverse(f"housing:{name}", args=[application.pk])).status_code == 404


def test_unpark_is_post_only(logged_in, application):
    url = reverse("housing:application-unpark", args=[application.pk])

    assert logged_in.get(url).status_code == 405


def test_case_of_a_closed_case_offers_nothing(logged_in, kmb_office):
    case = CaseFactory(
        household__kmb=kmb_office,
        kmb=kmb_office,
        status=CaseStatus.CLOSED,
        closed_on=TODAY,
        close_reason="other",
    )

    response = logged_in.get(case.get_absolute_url())

    assertNotContains(response, reverse("housing:application-create", args=[case.pk]))
