"""Assistance plans: agreeing one, goals and steps, reviews and tripartite meetings, the support
logged, the end of the cooperation (which tells the case manager at once), and the pages."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from kmb.accounts.models import Role
from kmb.audit.models import AccessLog
from kmb.notifications.models import Notification
from providers import services
from providers.models import (
    AssistancePlan,
    Goal,
    PlanReview,
    PlanStatus,
    ReferralState,
    Service,
    ServiceReferral,
    Step,
    SupportVisit,
)
from tests.factories.accounts import UserFactory
from tests.factories.providers import (
    AssistancePlanFactory,
    GoalFactory,
    ServiceReferralFactory,
    StepFactory,
    SupportVisitFactory,
)
from tests.providers.conftest import TODAY, czech, days_ago

IN_3_MONTHS = TODAY + datetime.timedelta(days=91)


def new_plan(**fields) -> AssistancePlan:
    return AssistancePlan(
        starts_on=fields.pop("starts_on", TODAY),
        next_review_on=fields.pop("next_review_on", IN_3_MONTHS),
        **fields,
    )


@pytest.fixture
def referral(case, service, consent, social_worker):
    return ServiceReferralFactory(
        case=case, service=service, consent=consent, sent_by=social_worker, accepted=True
    )


@pytest.fixture
def plan(case, social_worker, provider, referral):
    return AssistancePlanFactory(
        case=case,
        case_manager=social_worker,
        provider=provider,
        referral=referral,
        starts_on=days_ago(60),
        hours_per_week=Decimal("2"),
    )


# --- Agreeing a plan ---------------------------------------------------------------------------


def test_plan_with_a_consented_provider_links_its_open_referral(
    case, social_worker, provider, referral
):
    plan = services.create_plan(
        plan=new_plan(case_manager=social_worker, provider=provider, hours_per_week=Decimal(2)),
        case=case,
        by=social_worker,
    )

    assert (plan.household, plan.case, plan.referral, plan.status) == (
        case.household,
        case,
        referral,
        PlanStatus.ACTIVE,
    )
    assert plan.history.get().history_user == social_worker


def test_plan_provider_needs_the_households_consent(case, social_worker, other_provider):
    with pytest.raises(ValidationError) as refused:
        services.create_plan(
            plan=new_plan(case_manager=social_worker, provider=other_provider),
            case=case,
            by=social_worker,
        )

    assert list(refused.value.message_dict) == ["provider"]
    assert not AssistancePlan.objects.exists()


def test_plan_without_a_provider(case, social_worker):
    plan = services.create_plan(
        plan=new_plan(case_manager=social_worker), case=case, by=social_worker
    )

    assert (plan.provider, plan.referral) == (None, None)


def test_plan_case_manager_works_for_the_kmb(case, social_worker, other_kmb_office):
    outsider = UserFactory(organisation=other_kmb_office)

    with pytest.raises(ValidationError) as refused:
        services.create_plan(plan=new_plan(case_manager=outsider), case=case, by=social_worker)

    assert refused.value.message_dict == {
        "case_manager": [czech("The case manager must work for this KMB.")]
    }


def test_one_current_plan_per_household(plan, case, social_worker):
    with pytest.raises(ValidationError) as refused:
        services.create_plan(plan=new_plan(case_manager=social_worker), case=case, by=social_worker)

    assert czech("The household already has a current assistance plan.") in refused.value.messages


def test_plan_form_offers_consented_providers_and_proposes_the_accepted_one(
    client, social_worker, case, provider, referral, other_provider
):
    client.force_login(social_worker)

    response = client.get(reverse("providers:plan-create", args=[case.pk]))

    form = response.context["form"]
    assert list(form.fields["provider"].queryset) == [provider]
    assert form.initial["provider"] == provider.pk
    assert form.initial["case_manager"] == social_worker


def test_social_worker_agrees_a_plan_on_its_page(client, social_worker, case, provider, referral):
    client.force_login(social_worker)

    response = client.post(
        reverse("providers:plan-create", args=[case.pk]),
        {
            "provider": provider.pk,
            "case_manager": social_worker.pk,
            "starts_on": TODAY.isoformat(),
            "hours_per_week": "2",
            "next_review_on": IN_3_MONTHS.isoformat(),
        },
    )

    plan = AssistancePlan.objects.get()
    assertRedirects(response, plan.get_absolute_url())
    assert (plan.hours_per_week, plan.referral, plan.next_review_on) == (
        Decimal("2.0"),
        referral,
        IN_3_MONTHS,
    )


def test_plan_form_refuses_implausible_hours(client, social_worker, case):
    client.force_login(social_worker)

    response = client.post(
        reverse("providers:plan-create", args=[case.pk]),
        {
            "case_manager": social_worker.pk,
            "starts_on": TODAY.isoformat(),
            "hours_per_week": "41",
            "next_review_on": IN_3_MONTHS.isoformat(),
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["hours_per_week"]
    assert not AssistancePlan.objects.exists()


def test_editing_a_plan_keeps_the_provider_under_consent(
    client, manager, plan, provider, other_provider
):
    client.force_login(manager)

    response = client.post(
        reverse("providers:plan-edit", args=[plan.pk]),
        {
            "provider": provider.pk,
            "case_manager": plan.case_manager.pk,
            "hours_per_week": "3.5",
            "next_review_on": IN_3_MONTHS.isoformat(),
        },
    )

    assertRedirects(response, plan.get_absolute_url())
    plan.refresh_from_db()
    assert plan.hours_per_week == Decimal("3.5")
    page = client.get(reverse("providers:plan-edit", args=[plan.pk]))
    assert other_provider not in page.context["form"].fields["provider"].queryset


def test_provider_may_not_edit_the_plan(client, provider_user, plan):
    client.force_login(provider_user)

    assert client.get(reverse("providers:plan-edit", args=[plan.pk])).status_code == 403


# --- Goals and steps ---------------------------------------------------------------------------


def test_goals_and_steps_of_a_plan(plan, social_worker, provider_user):
    goal = services.add_goal(
        plan=plan,
        goal=Goal(area="money", description="Splácet dluh na nájmu", target_on=IN_3_MONTHS),
        by=social_worker,
    )
    step = services.add_step(
        goal=goal,
        step=Step(description="Domluvit splátkový kalendář", who="case_manager"),
        by=social_worker,
    )
    services.set_goal_state(goal=goal, state="in_progress", by=provider_user)
    services.set_step_done(step=step, done=True, by=social_worker)

    goal.refresh_from_db()
    step.refresh_from_db()
    assert (goal.plan, goal.state, step.done_on) == (plan, "in_progress", TODAY)
    assert [h.history_user for h in goal.history.order_by("history_id")] == [
        social_worker,
        provider_user,
    ]
    services.set_step_done(step=step, done=False, by=social_worker)
    step.refresh_from_db()
    assert step.done_on is None


def test_an_ended_plan_takes_no_more_goals(plan, social_worker):
    services.end_cooperation(plan=plan, end_reason="goals_met", by=social_worker)

    with pytest.raises(ValidationError):
        services.add_goal(plan=plan, goal=Goal(area="work", description="Práce"), by=social_worker)


def test_provider_changes_a_goals_state_by_htmx(client, provider_user, plan):
    goal = GoalFactory(plan=plan, description="Platit nájem včas")
    client.force_login(provider_user)

    response = client.post(
        reverse("providers:goal-state", args=[goal.pk]),
        {"state": "met"},
        headers={"HX-Request": "true"},
    )

    assertContains(response, f'id="goal-{goal.pk}"')
    assertContains(response, '<option value="met" selected>')
    assertNotContains(response, "<nav")
    assert Goal.objects.get().state == "met"


def test_goal_state_without_javascript_goes_back_to_the_plan(client, social_worker, plan):
    goal = GoalFactory(plan=plan)
    client.force_login(social_worker)

    response = client.post(reverse("providers:goal-state", args=[goal.pk]), {"state": "not_met"})

    assertRedirects(response, f"{plan.get_absolute_url()}#goal-{goal.pk}")
    assert Goal.objects.get().state == "not_met"


def test_goal_state_is_post_only(client, social_worker, plan):
    goal = GoalFactory(plan=plan)
    client.force_login(social_worker)

    assert client.get(reverse("providers:goal-state", args=[goal.pk])).status_code == 405


def test_goal_and_step_forms(client, social_worker, plan):
    client.force_login(social_worker)

    client.post(
        reverse("providers:goal-create", args=[plan.pk]),
        {"area": "housing", "description": "Udržet nájem", "state": "open"},
    )
    goal = Goal.objects.get()
    response = client.post(
        reverse("providers:step-create", args=[goal.pk]),
        {"description": "Trvalý příkaz na nájem", "who": "client", "due_on": TODAY.isoformat()},
    )
    assertRedirects(response, f"{plan.get_absolute_url()}#goal-{goal.pk}")
    step = Step.objects.get()
    response = client.post(reverse("providers:step-done", args=[step.pk]), {"done": "on"})

    assertRedirects(response, f"{plan.get_absolute_url()}#goal-{goal.pk}")
    assert (goal.description, step.goal, Step.objects.get().done_on) == (
        "Udržet nájem",
        goal,
        TODAY,
    )


def test_step_done_is_post_only(client, social_worker, plan):
    step = StepFactory(goal=GoalFactory(plan=plan))
    client.force_login(social_worker)

    assert client.get(reverse("providers:step-done", args=[step.pk])).status_code == 405


def test_another_provider_reaches_no_goal(client, other_provider_user, plan):
    goal = GoalFactory(plan=plan)
    client.force_login(other_provider_user)

    response = client.post(reverse("providers:goal-state", args=[goal.pk]), {"state": "met"})

    assert response.status_code == 404
    assert Goal.objects.get().state == "open"


def test_administrator_reads_but_does_not_report(client, administrator, plan):
    goal = GoalFactory(plan=plan)
    client.force_login(administrator)

    assert client.get(plan.get_absolute_url()).status_code == 200
    response = client.post(reverse("providers:goal-state", args=[goal.pk]), {"state": "met"})
    assert response.status_code == 403


# --- Reviews and meetings ----------------------------------------------------------------------


def test_review_moves_the_next_review(plan, social_worker):
    later = TODAY + datetime.timedelta(days=120)
    review = services.record_review(
        plan=plan,
        review=PlanReview(
            kind="review",
            held_on=TODAY,
            participants=["client", "case_manager", "client"],
            summary="Dluh se splácí.",
            next_review_on=later,
        ),
        by=social_worker,
    )

    plan.refresh_from_db()
    assert (review.participants, review.by, plan.next_review_on) == (
        ["client", "case_manager"],
        social_worker,
        later,
    )


def test_tripartite_meeting_needs_landlord_provider_and_client(plan, social_worker):
    meeting = PlanReview(
        kind="tripartite",
        held_on=TODAY,
        participants=["client", "provider"],
        participants_note="",
        summary="Pronajímatel nepřišel.",
        next_review_on=IN_3_MONTHS,
    )

    with pytest.raises(ValidationError) as refused:
        services.record_review(plan=plan, review=meeting, by=social_worker)

    assert refused.value.message_dict == {
        "participants": [
            czech(
                "A tripartite meeting brings together the landlord, the provider and the "
                "client: tick all three."
            )
        ]
    }
    assert not PlanReview.objects.exists()


def test_review_page_records_a_tripartite_meeting(client, provider_user, plan):
    client.force_login(provider_user)
    form = client.get(reverse("providers:review-create", args=[plan.pk])).context["form"]
    assert form.initial["participants"] == ["client", "provider"]

    response = client.post(
        reverse("providers:review-create", args=[plan.pk]),
        {
            "kind": "tripartite",
            "held_on": TODAY.isoformat(),
            "participants": ["client", "provider", "landlord", "case_manager"],
            "participants_note": "Ing. Malý za správu bytů",
            "summary": "Nájem se platí, domluvena oprava kotle.",
            "next_review_on": IN_3_MONTHS.isoformat(),
        },
    )

    assertRedirects(response, plan.get_absolute_url())
    review = PlanReview.objects.get()
    assert (review.kind, review.by, review.participants_note) == (
        "tripartite",
        provider_user,
        "Ing. Malý za správu bytů",
    )
    page = client.get(plan.get_absolute_url())
    assertContains(page, "Ing. Malý za správu bytů")


def test_review_cannot_be_recorded_in_advance(plan, social_worker):
    with pytest.raises(ValidationError):
        services.record_review(
            plan=plan,
            review=PlanReview(
                kind="review",
                held_on=TODAY + datetime.timedelta(days=1),
                participants=["client"],
                summary="…",
                next_review_on=IN_3_MONTHS,
            ),
            by=social_worker,
        )


# --- Support logged ----------------------------------------------------------------------------


def test_provider_logs_a_visit_once_however_often_the_form_is_sent(
    client, provider_user, plan, provider
):
    client.force_login(provider_user)
    token = str(uuid.uuid4())
    data = {
        "date": TODAY.isoformat(),
        "minutes": "90",
        "kind": "home_visit",
        "progress": "Nájem zaplacen, nákup s klientkou.",
        "token": token,
    }

    first = client.post(reverse("providers:visit-create", args=[plan.pk]), data)
    second = client.post(reverse("providers:visit-create", args=[plan.pk]), data)

    assertRedirects(first, plan.get_absolute_url())
    assertRedirects(second, plan.get_absolute_url())
    visit = SupportVisit.objects.get()
    assert (visit.organisation, visit.by, visit.minutes, str(visit.token)) == (
        provider.organisation,
        provider_user,
        90,
        token,
    )


def test_a_token_of_another_plans_visit_logs_nothing(plan, case, provider_user, kmb_office):
    other = SupportVisitFactory(token=uuid.uuid4())

    with pytest.raises(ValidationError):
        services.log_visit(
            plan=plan,
            visit=SupportVisit(date=TODAY, minutes=30, kind="phone"),
            token=other.token,
            by=provider_user,
        )
    assert plan.visits.count() == 0


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (TODAY + datetime.timedelta(days=1), "Support cannot be logged in advance."),
        (days_ago(61), "The plan had not started yet on that day."),
    ],
)
def test_visit_dates_are_plausible(plan, provider_user, day, message):
    with pytest.raises(ValidationError) as refused:
        services.log_visit(
            plan=plan,
            visit=SupportVisit(date=day, minutes=60, kind="phone"),
            token=None,
            by=provider_user,
        )

    assert refused.value.message_dict == {"date": [czech(message)]}


def test_visit_form_gives_a_fresh_token(client, provider_user, plan):
    client.force_login(provider_user)

    first = client.get(reverse("providers:visit-create", args=[plan.pk]))
    second = client.get(reverse("providers:visit-create", args=[plan.pk]))

    assert first.context["form"]["token"].value() != second.context["form"]["token"].value()


def test_plan_page_compares_the_agreed_and_logged_support(client, social_worker, plan):
    monday = TODAY - datetime.timedelta(days=TODAY.weekday() + 7)
    SupportVisitFactory(plan=plan, date=monday, minutes=90)
    client.force_login(social_worker)

    response = client.get(plan.get_absolute_url())

    measured = response.context["intensity"]
    assert [(w.agreed_minutes, w.logged_minutes) for w in measured.weeks] == [
        (120, 0),
        (120, 0),
        (120, 0),
        (120, 90),
    ]
    assertContains(response, czech("below the agreement"))
    assert list(AccessLog.objects.values_list("view_name", flat=True)) == ["providers:plan-detail"]


def test_plan_page_without_goals_says_what_to_do(client, social_worker, plan):
    client.force_login(social_worker)

    response = client.get(plan.get_absolute_url())

    assertContains(
        response,
        czech(
            "No goals yet. Agree two or three goals with the household (housing, money, work, "
            "health…), then the steps towards them and who does each."
        ),
    )


def test_plan_page_refuses_a_post(client, social_worker, plan):
    client.force_login(social_worker)

    assert client.post(plan.get_absolute_url()).status_code == 405


@pytest.mark.parametrize("size", [1, 3])
def test_plan_page_query_count_is_constant(
    client, social_worker, plan, django_assert_num_queries, size
):
    for _ in range(size):
        goal = GoalFactory(plan=plan)
        StepFactory.create_batch(2, goal=goal)
        SupportVisitFactory(plan=plan)
        services.record_review(
            plan=plan,
            review=PlanReview(
                kind="review",
                held_on=TODAY,
                participants=["client"],
                summary="…",
                next_review_on=IN_3_MONTHS,
            ),
            by=social_worker,
        )
    client.force_login(social_worker)
    # The content type of the access log is cached per process: count its query every time.
    ContentType.objects.clear_cache()

    # Session, user, the plan with its household, case, case manager and provider; the access
    # log (content type, insert); the visits measured, the applicant, the goals, their steps,
    # the reviews, the visits shown; the menu's notifications and organisation; session save (3).
    with django_assert_num_queries(16):
        response = client.get(plan.get_absolute_url())

    assert len(response.context["goals"]) == size


# --- The end of the cooperation ----------------------------------------------------------------


def test_provider_reports_the_end_and_the_case_manager_learns_at_once(
    client,
    provider_user,
    plan,
    referral,
    service,
    social_worker,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    client.force_login(provider_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("providers:plan-end", args=[plan.pk]),
            {"end_reason": "no_contact", "ended_on": TODAY.isoformat(), "note": "Nebere telefon."},
        )

    assertRedirects(response, reverse("providers:portal"))
    plan.refresh_from_db()
    referral.refresh_from_db()
    assert (plan.status, plan.ended_on, plan.ended_by, plan.end_reason, plan.end_note) == (
        PlanStatus.ENDED,
        TODAY,
        "provider",
        "no_contact",
        "Nebere telefon.",
    )
    assert (referral.state, referral.end_reason, referral.ended_on) == (
        ReferralState.ENDED,
        "no_contact",
        TODAY,
    )
    assert Service.objects.get(pk=service.pk).free_places == 3  # the place is free again
    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind, notification.url) == (
        social_worker,
        "cooperation_ended",
        plan.get_absolute_url(),
    )
    assert notification.params == {
        "provider": "Naděje Testov, z. s.",
        "case": plan.case.number,
        "date": f"{TODAY.day}. {TODAY.month}. {TODAY.year}",
        "reason": czech("Contact with the client lost"),
    }
    assert [mail.to for mail in mailoutbox] == [[social_worker.email]]
    assert plan.case.number in mailoutbox[0].body
    assert plan.get_absolute_url() in mailoutbox[0].body


def test_ending_by_the_case_manager_notifies_nobody(plan, social_worker, mailoutbox):
    services.end_cooperation(plan=plan, end_reason="client_ended", by=social_worker)

    plan.refresh_from_db()
    assert (plan.ended_by, ServiceReferral.objects.get().state) == ("client", "ended")
    assert not Notification.objects.exists()
    assert mailoutbox == []


def test_ending_ends_only_the_referrals_to_the_plans_provider(
    plan, case, other_service, provider_user
):
    other = ServiceReferralFactory(case=case, service=other_service, accepted=True)

    services.end_cooperation(plan=plan, end_reason="capacity", by=provider_user)

    other.refresh_from_db()
    assert other.state == ReferralState.ACCEPTED


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (TODAY + datetime.timedelta(days=1), "Report the end once it has happened."),
        (days_ago(61), "The cooperation cannot end before it began."),
    ],
)
def test_end_date_is_plausible(plan, provider_user, day, message):
    with pytest.raises(ValidationError) as refused:
        services.end_cooperation(plan=plan, end_reason="other", on=day, by=provider_user)

    assert refused.value.message_dict == {"ended_on": [czech(message)]}


def test_an_ended_plan_cannot_end_again(client, provider_user, plan):
    services.end_cooperation(plan=plan, end_reason="goals_met", by=provider_user)
    client.force_login(provider_user)

    response = client.get(reverse("providers:plan-end", args=[plan.pk]), follow=True)

    assertContains(response, czech("This cooperation has already ended."))
    assertContains(response, 'data-testid="plan-ended"')


def test_plan_end_form_refuses_a_put(client, provider_user, plan):
    client.force_login(provider_user)

    assert client.put(reverse("providers:plan-end", args=[plan.pk])).status_code == 405


def test_another_provider_cannot_end_the_plan(client, other_provider_user, plan):
    client.force_login(other_provider_user)

    response = client.post(
        reverse("providers:plan-end", args=[plan.pk]),
        {"end_reason": "other", "ended_on": TODAY.isoformat()},
    )

    assert response.status_code == 404
    assert AssistancePlan.objects.get().status == PlanStatus.ACTIVE


def test_housing_department_sees_no_plan(client, staff, plan):
    client.force_login(staff[Role.HOUSING_DEPARTMENT])

    assert client.get(plan.get_absolute_url()).status_code == 404
