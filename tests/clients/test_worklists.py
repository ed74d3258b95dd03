"""The worklists on the home page of the KMB's staff: own open cases, households out of touch,
expiring consents and, for the manager, new cases waiting for a case manager."""

import datetime
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from pytest_django.asserts import assertInHTML

from housing.models import CheckIn, CheckInResult
from kmb.accounts.models import Role
from providers.models import PlanStatus, ReferralState
from reports.home import WORKLIST_LENGTH, follow_up, provider_work
from tests.factories.accounts import MunicipalityFactory, OrganisationFactory, UserFactory
from tests.factories.clients import CaseFactory, ConsentFactory, ConsultationFactory
from tests.factories.housing import FlatFactory, LeaseFactory
from tests.factories.providers import (
    AssistancePlanFactory,
    ProviderFactory,
    ServiceFactory,
    ServiceReferralFactory,
)

URL = reverse("home")
TODAY = timezone.localdate()
D = datetime.date


def in_days(days: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=days)


def czech_date(day: datetime.date) -> str:
    return f"{day.day}. {day.month}. {day.year}"


def case_of(first_name, last_name, *, kmb, case_manager=None, opened=-60, **fields):
    """A case opened `opened` days from today; active when it has a case manager."""
    fields.setdefault("status", "active" if case_manager else "new")
    return CaseFactory(
        household__kmb=kmb,
        case_manager=case_manager,
        opened_on=in_days(opened),
        applicant__first_name=first_name,
        applicant__last_name=last_name,
        **fields,
    )


def contacted(case, *days_ago: int) -> None:
    for days in days_ago:
        ConsultationFactory(case=case, date=in_days(-days))


def section(response, title_id: str) -> str:
    """The HTML of one worklist card."""
    html = response.content.decode()
    start = html.index(f'aria-labelledby="{title_id}"')
    return html[start : html.index("</section>", start)]


def pks(rows) -> list[int]:
    return [row.pk for row in rows]


@pytest.fixture
def colleague(kmb_office):
    return UserFactory(username="kolegyne", organisation=kmb_office)


# --- My active cases --------------------------------------------------------------------------


def test_home_lists_my_open_cases_only(client, social_worker, colleague, kmb_office):
    housing = case_of("Jan", "Bílý", kmb=kmb_office, case_manager=social_worker)
    housing.status = "housing"
    housing.save()
    active = case_of("Eva", "Adámková", kmb=kmb_office, case_manager=social_worker)
    case_of(
        "Iva",
        "Stará",
        kmb=kmb_office,
        case_manager=social_worker,
        status="closed",
        closed_on=TODAY,
        close_reason="housed",
    )
    case_of("Petr", "Cizí", kmb=kmb_office, case_manager=colleague)
    case_of("Nikola", "Nová", kmb=kmb_office)
    client.force_login(social_worker)

    response = client.get(URL)

    worklists = response.context["worklists"]
    assert (pks(worklists["my_cases"]), worklists["my_case_count"]) == (
        [active.pk, housing.pk],
        2,
    )
    card = section(response, "my-cases-title")
    assertInHTML(
        '<h2 class="h5 card-title" id="my-cases-title">Moje aktivní případy '
        '<span class="badge text-bg-primary">2</span></h2>',
        card,
    )
    assertInHTML(
        f'<li><a href="{active.get_absolute_url()}">Eva Adámková</a> '
        '<span class="text-body-secondary small">· Aktivní</span></li>',
        card,
    )
    assertInHTML(
        f'<li><a href="{housing.get_absolute_url()}">Jan Bílý</a> '
        '<span class="text-body-secondary small">· Zabydlování</span></li>',
        card,
    )
    assert "Petr Cizí" not in card
    assert "Iva Stará" not in card


def test_home_without_own_cases_says_where_new_clients_go(client, social_worker, kmb_office):
    case_of("Nikola", "Nová", kmb=kmb_office)
    client.force_login(social_worker)

    response = client.get(URL)

    assert response.context["worklists"]["my_cases"] == []
    assert (
        "Nevedete žádný otevřený případ. Nové klienty zaevidujete v části „Nový klient“."
        in section(response, "my-cases-title")
    )


# --- No contact for 30 days -------------------------------------------------------------------


def test_home_lists_my_cases_without_contact_for_30_days(
    client, social_worker, colleague, kmb_office
):
    contacted_long_ago = case_of("Eva", "Malá", kmb=kmb_office, case_manager=social_worker)
    contacted(contacted_long_ago, 40, 75)
    never_contacted = case_of("Iva", "Malá", kmb=kmb_office, case_manager=social_worker, opened=-40)
    contacted(case_of("Ema", "Malá", kmb=kmb_office, case_manager=social_worker), 5, 50)
    case_of("Ida", "Malá", kmb=kmb_office, case_manager=social_worker, opened=-10)
    contacted(case_of("Petr", "Cizí", kmb=kmb_office, case_manager=colleague), 40)
    case_of("Nikola", "Nová", kmb=kmb_office, opened=-40)
    client.force_login(social_worker)

    response = client.get(URL)

    # Which order the two come in is the subject of the next test.
    assert set(pks(response.context["worklists"]["no_contact"])) == {
        contacted_long_ago.pk,
        never_contacted.pk,
    }
    card = section(response, "no-contact-title")
    assertInHTML(
        f'<li><a href="{contacted_long_ago.get_absolute_url()}">Eva Malá</a> '
        f'<span class="text-body-secondary small">· naposledy {czech_date(in_days(-40))}'
        "</span></li>",
        card,
    )
    assertInHTML(
        f'<li><a href="{never_contacted.get_absolute_url()}">Iva Malá</a> '
        '<span class="text-body-secondary small">· zatím bez kontaktu</span></li>',
        card,
    )
    assert "Ema Malá" not in card


def test_home_no_contact_list_keeps_households_never_contacted(client, social_worker, kmb_office):
    never_contacted = case_of("Iva", "Malá", kmb=kmb_office, case_manager=social_worker, opened=-90)
    for n in range(WORKLIST_LENGTH):
        contacted(case_of("Eva", f"Malá {n}", kmb=kmb_office, case_manager=social_worker), 40 + n)
    client.force_login(social_worker)

    response = client.get(URL)

    assert pks(response.context["worklists"]["no_contact"])[0] == never_contacted.pk


def test_home_no_contact_list_is_empty_when_all_were_in_touch(client, social_worker, kmb_office):
    contacted(case_of("Ema", "Malá", kmb=kmb_office, case_manager=social_worker), 5)
    client.force_login(social_worker)

    response = client.get(URL)

    assert response.context["worklists"]["no_contact"] == []
    assert "Se všemi vašimi domácnostmi jste byli v kontaktu během 30 dnů." in section(
        response, "no-contact-title"
    )


# --- Expiring consents ------------------------------------------------------------------------


def consent_of(case, **fields):
    return ConsentFactory(
        household=case.household,
        given_by=case.household.members.get(),
        given_on=in_days(-300),
        **fields,
    )


def test_home_lists_consents_ending_within_30_days(client, social_worker, colleague, kmb_office):
    mine = case_of("Eva", "Malá", kmb=kmb_office, case_manager=social_worker)
    later = consent_of(
        mine,
        expires_on=in_days(25),
        recipient=OrganisationFactory(provider=True, name="Naděje, z. s."),
    )
    sooner = consent_of(
        mine,
        expires_on=in_days(3),
        recipient=OrganisationFactory(provider=True, name="Armáda spásy"),
    )
    consent_of(mine, expires_on=in_days(40))
    consent_of(mine, expires_on=in_days(-1))
    consent_of(mine, expires_on=in_days(10), withdrawn_on=in_days(-2))
    consent_of(mine, expires_on=None)
    theirs = case_of("Petr", "Cizí", kmb=kmb_office, case_manager=colleague)
    consent_of(theirs, expires_on=in_days(5))
    client.force_login(social_worker)

    response = client.get(URL)

    assert pks(response.context["worklists"]["expiring_consents"]) == [sooner.pk, later.pk]
    card = section(response, "expiring-title")
    assertInHTML(
        f'<li><a href="{mine.get_absolute_url()}">Eva Malá</a> '
        '<span class="text-body-secondary small">· Armáda spásy · '
        f"{czech_date(in_days(3))}</span></li>",
        card,
    )
    assertInHTML(
        f'<li><a href="{mine.get_absolute_url()}">Eva Malá</a> '
        '<span class="text-body-secondary small">· Naděje, z. s. · '
        f"{czech_date(in_days(25))}</span></li>",
        card,
    )


def test_home_of_the_manager_lists_expiring_consents_of_the_whole_kmb(
    client, manager, colleague, kmb_office, other_kmb_office
):
    theirs = case_of("Petr", "Cizí", kmb=kmb_office, case_manager=colleague)
    expiring = consent_of(theirs, expires_on=in_days(5))
    elsewhere = case_of("Ota", "Daleký", kmb=other_kmb_office)
    consent_of(elsewhere, expires_on=in_days(5))
    client.force_login(manager)

    response = client.get(URL)

    assert pks(response.context["worklists"]["expiring_consents"]) == [expiring.pk]


def test_home_without_expiring_consents_says_so(client, social_worker, kmb_office):
    mine = case_of("Eva", "Malá", kmb=kmb_office, case_manager=social_worker)
    consent_of(mine, expires_on=in_days(31))
    client.force_login(social_worker)

    response = client.get(URL)

    assert "V příštích 30 dnech nekončí žádný souhlas ani zápis v evidenci." in section(
        response, "expiring-title"
    )


# --- New cases without a case manager --------------------------------------------------------


def test_home_of_the_manager_lists_new_cases_without_case_manager(
    client, manager, social_worker, kmb_office, other_kmb_office
):
    newer = case_of("Nikola", "Nová", kmb=kmb_office, opened=-2)
    older = case_of("Olga", "Nová", kmb=kmb_office, opened=-9)
    case_of("Eva", "Malá", kmb=kmb_office, case_manager=social_worker)
    case_of("Ota", "Daleký", kmb=other_kmb_office)
    client.force_login(manager)

    response = client.get(URL)

    assert pks(response.context["worklists"]["unassigned"]) == [older.pk, newer.pk]
    card = section(response, "unassigned-title")
    assert (
        '<h2 class="h5 card-title" id="unassigned-title">Nové případy bez case managera</h2>'
        in card
    )
    assertInHTML(
        f'<li><a href="{reverse("clients:case-assign", args=[older.pk])}">Olga Nová</a> '
        '<span class="text-body-secondary small">· založeno '
        f"{czech_date(in_days(-9))}</span></li>",
        card,
    )
    assert "Eva Malá" not in card


def test_home_of_the_manager_with_every_case_assigned_says_so(
    client, manager, social_worker, kmb_office
):
    case_of("Eva", "Malá", kmb=kmb_office, case_manager=social_worker)
    client.force_login(manager)

    response = client.get(URL)

    assert response.context["worklists"]["unassigned"] == []
    assert "Každý případ má case managera." in section(response, "unassigned-title")


def test_home_of_a_social_worker_has_no_list_of_unassigned_cases(client, social_worker, kmb_office):
    case_of("Nikola", "Nová", kmb=kmb_office)
    client.force_login(social_worker)

    response = client.get(URL)

    assert "unassigned" not in response.context["worklists"]
    assert "Nové případy bez case managera" not in response.content.decode()


# --- Follow-up: check-ins and assistance plan alerts ------------------------------------------


def housed(case, *, start=-400, **fields):
    """A lease of a flat in the case's KMB's ORP to the case's household."""
    municipality = MunicipalityFactory(name="Testov", orp=case.kmb.orp)
    return LeaseFactory(
        flat=FlatFactory(municipality=municipality),
        household=case.household,
        start_on=in_days(start),
        end_on=None,
        **fields,
    )


def test_home_counts_the_check_ins_due_this_month(
    client, social_worker, colleague, kmb_office, other_kmb_office
):
    housed(case_of("Eva", "Malá", kmb=kmb_office, case_manager=social_worker))
    housed(case_of("Petr", "Cizí", kmb=kmb_office, case_manager=colleague))
    called = housed(case_of("Ema", "Malá", kmb=kmb_office, case_manager=social_worker))
    CheckIn.objects.create(
        lease=called, month=TODAY.replace(day=1), result=CheckInResult.ALL_WELL, by=colleague
    )
    housed(case_of("Ota", "Daleký", kmb=other_kmb_office))
    client.force_login(social_worker)

    response = client.get(URL)

    assert response.context["follow_up"]["checkins_due"] == 2
    card = section(response, "checkins-title")
    assertInHTML(f'<p class="mb-2">{czech_plural(2)}</p>', card)
    assert f'href="{reverse("housing:checkin-list")}"' in card


def czech_plural(count: int) -> str:
    with translation.override("cs"):
        return translation.ngettext(
            "%(counter)s housed household still waits for this month's call.",
            "%(counter)s housed households still wait for this month's call.",
            count,
        ) % {"counter": count}


def test_home_with_every_check_in_made_says_so(client, social_worker, kmb_office):
    called = housed(case_of("Ema", "Malá", kmb=kmb_office, case_manager=social_worker))
    CheckIn.objects.create(
        lease=called, month=TODAY.replace(day=1), result=CheckInResult.ALL_WELL, by=social_worker
    )
    client.force_login(social_worker)

    response = client.get(URL)

    assert response.context["follow_up"]["checkins_due"] == 0
    assert czech("Every housed household has had this month's call.") in section(
        response, "checkins-title"
    )


def czech(message: str) -> str:
    with translation.override("cs"):
        return translation.gettext(message)


def plan_of(case, *, review_on, **fields):
    return AssistancePlanFactory(
        case=case, starts_on=D(2026, 1, 5), next_review_on=review_on, **fields
    )


def test_follow_up_of_a_social_worker_puts_her_own_plans_alerts_first(
    social_worker, colleague, kmb_office, other_kmb_office
):
    theirs = plan_of(
        case_of("Petr", "Cizí", kmb=kmb_office, case_manager=colleague), review_on=D(2026, 2, 1)
    )
    mine = plan_of(
        case_of("Eva", "Malá", kmb=kmb_office, case_manager=social_worker),
        review_on=D(2026, 3, 1),
    )
    plan_of(case_of("Ota", "Daleký", kmb=other_kmb_office, active=True), review_on=D(2026, 2, 1))
    plan_of(
        case_of("Ema", "Malá", kmb=kmb_office, case_manager=social_worker), review_on=D(2026, 5, 1)
    )

    found = follow_up(social_worker, D(2026, 3, 15))

    assert [(alert.plan, alert.kind) for alert in found["alerts"]] == [
        (mine, "review_overdue"),
        (theirs, "review_overdue"),
    ]
    assert found["alert_count"] == 2


def test_follow_up_of_the_manager_lists_the_kmbs_alerts_longest_standing_first(
    manager, social_worker, colleague, kmb_office, django_assert_num_queries
):
    later = plan_of(
        case_of("Eva", "Malá", kmb=kmb_office, case_manager=social_worker),
        review_on=D(2026, 3, 1),
    )
    earlier = plan_of(
        case_of("Petr", "Cizí", kmb=kmb_office, case_manager=colleague), review_on=D(2026, 2, 1)
    )
    ended = plan_of(
        case_of("Ema", "Malá", kmb=kmb_office, case_manager=colleague),
        review_on=D(2026, 6, 1),
        status=PlanStatus.ENDED,
        ended_on=D(2026, 3, 10),
        ended_by="client",
        end_reason="client_ended",
    )

    found = follow_up(manager, D(2026, 3, 15))

    assert [(alert.plan, alert.kind) for alert in found["alerts"]] == [
        (earlier, "review_overdue"),
        (later, "review_overdue"),
        (ended, "cooperation_ended"),
    ]
    with django_assert_num_queries(0):  # the page names each plan's case manager
        assert [alert.plan.case_manager for alert in found["alerts"]] == [
            colleague,
            social_worker,
            colleague,
        ]


def test_home_shows_the_plan_alerts(client, social_worker, kmb_office):
    case = case_of("Eva", "Malá", kmb=kmb_office, case_manager=social_worker)
    plan = AssistancePlanFactory(case=case, starts_on=in_days(-100), next_review_on=in_days(-3))
    client.force_login(social_worker)

    response = client.get(URL)

    card = section(response, "plan-alerts-title")
    assert f'<a href="{plan.get_absolute_url()}">Eva Malá</a>' in card
    assert response.context["follow_up"]["alerts"][0].text in unescape(card)


def test_home_without_plan_alerts_says_so(client, social_worker, kmb_office):
    client.force_login(social_worker)

    response = client.get(URL)

    assert czech(
        "No assistance plan needs attention: reviews are on time and providers report and give "
        "the support agreed."
    ) in section(response, "plan-alerts-title")


def test_provider_work_lists_referrals_waiting_for_an_answer_and_plan_alerts(staff, kmb_office):
    provider_user = staff[Role.PROVIDER_STAFF]
    service = ServiceFactory(provider=ProviderFactory(organisation=provider_user.organisation))
    waiting = ServiceReferralFactory(
        service=service, case=case_of("Eva", "Malá", kmb=kmb_office), sent_on=D(2026, 3, 2)
    )
    ServiceReferralFactory(
        service=service,
        case=case_of("Ema", "Malá", kmb=kmb_office),
        state=ReferralState.ACCEPTED,
    )
    ServiceReferralFactory(case=case_of("Iva", "Jiná", kmb=kmb_office))  # another provider
    started = ServiceReferralFactory(
        service=service,
        case=case_of("Jan", "Bílý", kmb=kmb_office, case_manager=staff[Role.SOCIAL_WORKER]),
        state=ReferralState.STARTED,
    )
    plan = plan_of(started.case, review_on=D(2026, 3, 1), provider=service.provider)

    found = provider_work(provider_user, D(2026, 3, 15))

    assert found["waiting_referrals"] == [waiting]
    assert [(alert.plan, alert.kind) for alert in found["alerts"]] == [
        (plan, "review_overdue"),
        (plan, "no_report"),
    ]


def test_home_of_provider_staff_shows_the_referrals_waiting(client, staff, kmb_office):
    provider_user = staff[Role.PROVIDER_STAFF]
    service = ServiceFactory(
        provider=ProviderFactory(organisation=provider_user.organisation), name="Podpora bydlení"
    )
    waiting = ServiceReferralFactory(service=service, case=case_of("Eva", "Malá", kmb=kmb_office))
    client.force_login(provider_user)

    response = client.get(URL)

    card = section(response, "waiting-referrals-title")
    assert f'<a href="{waiting.get_absolute_url()}">Eva Malá</a>' in card
    assert "Podpora bydlení" in card
    assert "worklists" not in response.context


# --- Query count ------------------------------------------------------------------------------

# Session, user, the user's organisation, its ORP and municipalities, the colleagues' count; my
# cases, their count, those without contact, the expiring consents, the expiring register
# entries; the check-ins due, the plans that may raise alerts and their visits (follow-up);
# session save (3). The manager's page adds the unassigned cases and the latest reads.
HOME_QUERIES = {Role.SOCIAL_WORKER: 18, Role.MANAGER: 20}


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.MANAGER])
@pytest.mark.parametrize("cases", [1, 3])
def test_home_query_count_is_constant(
    client, staff, kmb_office, django_assert_num_queries, role, cases
):
    user = staff[role]
    for n in range(cases):
        mine = case_of("Eva", f"Malá {n}", kmb=kmb_office, case_manager=user)
        contacted(mine, 40 + n)
        consent_of(mine, expires_on=in_days(5 + n))
        housed(mine)
        AssistancePlanFactory(
            case=mine, starts_on=in_days(-100), next_review_on=in_days(-n - 1), hours_per_week=2
        )
        case_of("Nikola", f"Nová {n}", kmb=kmb_office)
    client.force_login(user)

    with django_assert_num_queries(HOME_QUERIES[role]):
        response = client.get(URL)

    worklists = response.context["worklists"]
    assert [len(worklists[name]) for name in ("my_cases", "no_contact", "expiring_consents")] == [
        cases
    ] * 3
    follow = response.context["follow_up"]
    assert (follow["checkins_due"], len(follow["alerts"])) == (cases, cases * 2)
