"""The support network in a browser: a provider reports the end of a cooperation from its portal
and the case manager sees the notification; screenshots of the main pages."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from playwright.sync_api import Page, expect

from kmb.accounts.models import Role
from kmb.notifications.models import Notification
from providers import services
from providers.models import AssistancePlan, PlanStatus, ServiceReferral
from tests.browser.conftest import SCREENSHOTS, czech
from tests.factories.accounts import MunicipalityFactory
from tests.factories.clients import CaseFactory, ConsentFactory
from tests.factories.providers import (
    AssistancePlanFactory,
    GoalFactory,
    PlanReviewFactory,
    ProviderFactory,
    ServiceFactory,
    StepFactory,
    SupportVisitFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = timezone.localdate()


def days_ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


@pytest.fixture
def network(staff, kmb_office):
    """The KMB Testov's ORP with three municipalities; the provider user's organisation runs a
    §43 service and a field programme there; an active case of the social worker's, referred to
    the §43 service under a consent, with a plan of two hours a week, goals, a review and
    visits."""
    testov = MunicipalityFactory(name="Testov", orp=kmb_office.orp)
    lhota = MunicipalityFactory(name="Lhota", orp=kmb_office.orp)
    MunicipalityFactory(name="Zálesí", orp=kmb_office.orp)
    organisation = staff[Role.PROVIDER_STAFF].organisation
    organisation.name = "Naděje Testov, z. s."
    organisation.save()
    provider = ProviderFactory(
        organisation=organisation, contact_person="Ivana Terénní", phone="+420 603 111 222"
    )
    service = ServiceFactory(
        provider=provider,
        name="Podpora samostatného bydlení",
        capacity=8,
        free_places=2,
        municipalities=[testov, lhota],
    )
    ServiceFactory(
        provider=provider,
        kind="s69",
        name="Terénní program",
        capacity=5,
        free_places=0,
        municipalities=[testov],
    )
    case = CaseFactory(
        household__kmb=kmb_office,
        status="active",
        case_manager=staff[Role.SOCIAL_WORKER],
        applicant__first_name="Žofie",
        applicant__last_name="Nováková",
    )
    ConsentFactory(household=case.household, recipient=organisation, given_on=days_ago(80))
    referral = services.refer_household(
        case=case,
        service=service,
        reason="Podpora v bytě po nastěhování, dluh na nájmu.",
        by=staff[Role.SOCIAL_WORKER],
        on=days_ago(70),
    )
    services.answer_referral(
        referral=referral, to="accepted", note="Převezme Ivana.", by=staff[Role.PROVIDER_STAFF]
    )
    services.answer_referral(referral=referral, to="started", by=staff[Role.PROVIDER_STAFF])
    # The case manager has read the notice of the acceptance.
    Notification.objects.update(read_at=timezone.now())
    plan = AssistancePlanFactory(
        case=case,
        case_manager=staff[Role.SOCIAL_WORKER],
        provider=provider,
        referral=referral,
        starts_on=days_ago(60),
        hours_per_week=Decimal("2"),
    )
    goal = GoalFactory(
        plan=plan, area="money", description="Splácet dluh na nájmu", state="in_progress"
    )
    StepFactory(
        goal=goal,
        description="Domluvit splátkový kalendář",
        who="case_manager",
        done_on=days_ago(20),
    )
    StepFactory(goal=goal, description="Trvalý příkaz na nájem", who="client", due_on=TODAY)
    GoalFactory(plan=plan, area="work", description="Najít práci na zkrácený úvazek")
    PlanReviewFactory(
        plan=plan, held_on=days_ago(30), participants=["client", "case_manager", "provider"]
    )
    for days in (5, 12, 19, 26):
        SupportVisitFactory(
            plan=plan,
            date=days_ago(days),
            minutes=90,
            progress="Nájem zaplacen, společný nákup.",
            by=staff[Role.PROVIDER_STAFF],
        )
    return {"case": case, "plan": plan, "referral": referral, "provider": provider}


def field(page: Page, label: str):
    return page.get_by_label(re.compile(rf"^\s*{re.escape(capfirst(label))}\s*\*?\s*$"))


def shoot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"providers-{name}.png", full_page=True)


def test_provider_reports_the_end_of_cooperation_and_the_case_manager_sees_it(
    page: Page, page_problems, live_server, log_in, staff, network, mailoutbox
):
    provider_user, case_manager = staff[Role.PROVIDER_STAFF], staff[Role.SOCIAL_WORKER]
    plan = network["plan"]
    log_in(page, provider_user)

    page.get_by_test_id("main-nav").get_by_role("link", name=czech("My households")).click()
    expect(page.get_by_test_id("households")).to_contain_text("Žofie Nováková")
    shoot(page, "portal")
    page.get_by_test_id("households").get_by_role("link", name=czech("End the cooperation")).click()
    field(page, czech("Why the cooperation ended")).select_option("no_contact")
    field(page, czech("Note for the case manager")).fill("Klientka nebere telefon od března.")
    page.get_by_role("button", name=czech("Save")).click()

    expect(page).to_have_url(live_server.url + reverse("providers:portal"))
    expect(page.get_by_test_id("no-households")).to_be_visible()
    plan.refresh_from_db()
    assert (plan.status, plan.end_reason, plan.ended_by) == (
        PlanStatus.ENDED,
        "no_contact",
        "provider",
    )
    assert ServiceReferral.objects.get().state == "ended"
    assert [mail.to for mail in mailoutbox] == [[case_manager.email]]

    page.context.clear_cookies()
    log_in(page, case_manager)

    expect(page.get_by_test_id("unread-count")).to_have_text(re.compile(r"^\s*1\b"))
    notification = Notification.objects.get(kind="cooperation_ended")
    assert (notification.recipient, notification.url) == (case_manager, plan.get_absolute_url())
    page.get_by_test_id("notifications-link").click()
    expect(page).to_have_url(live_server.url + reverse("notifications:list"))
    expect(page.locator("main")).to_contain_text(case_manager_text(notification))
    shoot(page, "notification")
    page.goto(live_server.url + plan.get_absolute_url())
    expect(page.get_by_test_id("plan-ended")).to_contain_text(czech("Contact with the client lost"))
    shoot(page, "plan-ended")
    assert page_problems == []


def case_manager_text(notification) -> str:
    from django.utils import translation

    with translation.override("cs"):
        return notification.text


def test_main_pages_of_the_support_network(
    page: Page, page_problems, live_server, log_in, staff, network
):
    log_in(page, staff[Role.MANAGER])

    page.get_by_test_id("main-nav").get_by_role("link", name=czech("Support network")).click()
    expect(page.get_by_test_id("provider-table")).to_contain_text("Naděje Testov, z. s.")
    shoot(page, "directory")
    page.get_by_role("link", name="Naděje Testov, z. s.").click()
    expect(page.get_by_test_id("referred-table")).to_contain_text("Žofie Nováková")
    shoot(page, "provider")
    page.goto(live_server.url + reverse("providers:coverage"))
    expect(page.get_by_test_id("coverage-table")).to_be_visible()
    shoot(page, "coverage")
    page.get_by_label(czech("Only social services")).check()
    page.get_by_role("button", name=czech("Show")).click()
    expect(page.get_by_test_id("coverage-table").locator("thead abbr")).to_have_count(14)
    page.goto(live_server.url + network["case"].get_absolute_url())
    expect(page.get_by_test_id("case-support")).to_contain_text("Podpora samostatného bydlení")
    page.get_by_test_id("case-support").screenshot(path=SCREENSHOTS / "providers-case-support.png")
    page.goto(live_server.url + network["plan"].get_absolute_url())
    expect(page.get_by_test_id("intensity")).to_be_visible()
    shoot(page, "plan")
    page.goto(live_server.url + network["referral"].get_absolute_url())
    expect(page.get_by_test_id("state-history")).to_be_visible()
    shoot(page, "referral")
    assert page_problems == []


def test_provider_changes_a_goal_state_in_place(
    page: Page, page_problems, live_server, log_in, staff, network
):
    plan = network["plan"]
    goal = plan.goals.get(area="work")
    log_in(page, staff[Role.PROVIDER_STAFF])
    page.goto(live_server.url + plan.get_absolute_url())

    state_url = reverse("providers:goal-state", args=[goal.pk])
    with page.expect_response(lambda response: response.url.endswith(state_url)) as answer:
        page.locator(f"#goal-state-{goal.pk}").select_option("met")

    assert answer.value.status == 200
    expect(page.locator(f"#goal-{goal.pk} select")).to_have_value("met")
    expect(page).to_have_url(live_server.url + plan.get_absolute_url())
    goal.refresh_from_db()
    assert goal.state == "met"
    assert AssistancePlan.objects.get().status == PlanStatus.ACTIVE
    assert page_problems == []
