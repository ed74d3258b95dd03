"""Alerts of the plans the KMB follows, on fixed dates: review overdue, no provider report for 30
days, less support than agreed, cooperation ended."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from providers.alerts import AlertKind, plan_alerts
from providers.models import AssistancePlan, PlanStatus
from tests.factories.clients import ConsentFactory
from tests.factories.providers import AssistancePlanFactory, SupportVisitFactory
from tests.providers.conftest import czech, czech_plural

# A Thursday. The four full weeks before it begin on 2, 9, 16 and 23 March 2026.
TODAY = datetime.date(2026, 4, 2)
LONG_AGO = datetime.date(2026, 1, 5)


def on(day: int, month: int = 3) -> datetime.date:
    return datetime.date(2026, month, day)


@pytest.fixture
def plan(case, social_worker, provider):
    """Agreed in January with the provider, reviewed in the future, two hours a week; its
    provider reports weekly, two hours each time."""
    plan = AssistancePlanFactory(
        case=case,
        case_manager=social_worker,
        provider=provider,
        starts_on=LONG_AGO,
        next_review_on=on(30, 4),
        hours_per_week=Decimal("2.0"),
    )
    for monday in (2, 9, 16, 23):
        SupportVisitFactory(plan=plan, date=on(monday + 1), minutes=120)
    return plan


def alerts(plans=None, today=TODAY) -> list[tuple]:
    with translation.override("cs"):
        found = plan_alerts(plans or AssistancePlan.objects.all(), today)
    return [(alert.kind, alert.plan.pk, alert.since, alert.text) for alert in found]


def test_a_plan_on_track_raises_no_alert(plan):
    assert alerts() == []


def test_review_overdue_from_the_day_after_it_was_due(plan):
    plan.next_review_on = TODAY
    plan.save()
    assert alerts() == []

    plan.next_review_on = on(31)
    plan.save()

    assert alerts() == [
        (
            AlertKind.REVIEW_OVERDUE,
            plan.pk,
            on(31),
            czech("The plan review was due on %(date)s.", date="31. 3. 2026"),
        )
    ]


def test_no_report_from_the_provider_for_more_than_30_days(plan, provider):
    plan.visits.all().delete()
    plan.hours_per_week = None
    plan.save()
    SupportVisitFactory(plan=plan, date=on(3))  # 30 days before: still in time
    assert alerts() == []

    plan.visits.all().delete()
    SupportVisitFactory(plan=plan, date=on(2))  # 31 days before
    # The KMB's own visits are not the provider's report; nor is one logged ahead.
    SupportVisitFactory(plan=plan, date=on(1, 4), organisation=plan.case.kmb)
    SupportVisitFactory(plan=plan, date=on(3, 4))

    assert alerts() == [
        (
            AlertKind.NO_REPORT,
            plan.pk,
            on(2),
            czech(
                "No report from %(provider)s since %(date)s.",
                provider="Naděje Testov, z. s.",
                date="2. 3. 2026",
            ),
        )
    ]


def test_no_report_since_the_plan_was_agreed(plan):
    plan.visits.all().delete()
    plan.hours_per_week = None
    plan.starts_on = on(3)
    plan.save()
    assert alerts() == []

    plan.starts_on = on(2)
    plan.save()

    assert alerts() == [
        (
            AlertKind.NO_REPORT,
            plan.pk,
            on(2),
            czech(
                "No report from %(provider)s since the plan was agreed on %(date)s.",
                provider="Naděje Testov, z. s.",
                date="2. 3. 2026",
            ),
        )
    ]


def test_a_plan_without_a_provider_expects_no_report(case, social_worker):
    plan = AssistancePlanFactory(
        case=case, case_manager=social_worker, starts_on=LONG_AGO, next_review_on=on(30, 4)
    )

    assert alerts() == []
    assert plan.provider_id is None


def test_less_support_logged_than_agreed_over_the_last_four_weeks(plan):
    plan.visits.filter(date=on(10)).update(minutes=60)
    plan.visits.filter(date=on(24)).delete()
    # Outside the four weeks: this week's visit, and one in February.
    SupportVisitFactory(plan=plan, date=on(30), minutes=240)
    SupportVisitFactory(plan=plan, date=on(27, 2), minutes=240)

    assert alerts() == [
        (
            AlertKind.BELOW_INTENSITY,
            plan.pk,
            on(2),
            czech_plural(
                "%(logged)s of the agreed %(agreed)s hours of support logged in the last week.",
                "%(logged)s of the agreed %(agreed)s hours of support logged in the last "
                "%(weeks)s weeks.",
                4,
                logged="5,0",
                agreed="8,0",
                weeks=4,
            ),
        )
    ]


def test_a_plan_agreed_mid_period_is_measured_over_its_full_weeks(plan):
    # Agreed on Wednesday 11 March: measured over the weeks of 16 and 23 March only.
    plan.starts_on = on(11)
    plan.save()
    plan.visits.filter(date__lt=on(11)).delete()
    plan.visits.filter(date=on(24)).update(minutes=90)

    assert alerts() == [
        (
            AlertKind.BELOW_INTENSITY,
            plan.pk,
            on(16),
            czech_plural(
                "%(logged)s of the agreed %(agreed)s hours of support logged in the last week.",
                "%(logged)s of the agreed %(agreed)s hours of support logged in the last "
                "%(weeks)s weeks.",
                2,
                logged="3,5",
                agreed="4,0",
                weeks=2,
            ),
        )
    ]


def test_a_plan_agreed_this_week_is_not_measured_yet(plan):
    plan.starts_on = on(30)
    plan.save()
    plan.visits.all().delete()

    assert alerts() == []


def test_cooperation_ended_within_the_last_30_days(plan):
    plan.status = PlanStatus.ENDED
    plan.ended_on = on(3)
    plan.ended_by = "provider"
    plan.end_reason = "no_contact"
    plan.save()

    assert alerts() == [
        (
            AlertKind.COOPERATION_ENDED,
            plan.pk,
            on(3),
            czech(
                "%(who)s ended the cooperation on %(date)s: %(reason)s.",
                who="Naděje Testov, z. s.",
                date="3. 3. 2026",
                reason=czech("Contact with the client lost"),
            ),
        )
    ]
    plan.ended_on = on(2)
    plan.save()
    assert alerts() == []


def test_a_paused_plan_raises_no_alert(plan):
    plan.status = PlanStatus.PAUSED
    plan.next_review_on = on(1)
    plan.save()
    plan.visits.all().delete()

    assert alerts() == []


def test_alerts_come_by_kind_then_the_longest_standing_first(plan, kmb_office, social_worker):
    plan.next_review_on = on(31)
    plan.save()
    plan.visits.all().delete()
    older = AssistancePlanFactory(
        case__household__kmb=kmb_office,
        case_manager=social_worker,
        starts_on=LONG_AGO,
        next_review_on=on(15),
    )

    assert [(kind, pk, since) for kind, pk, since, _ in alerts()] == [
        (AlertKind.REVIEW_OVERDUE, older.pk, on(15)),
        (AlertKind.REVIEW_OVERDUE, plan.pk, on(31)),
        (AlertKind.NO_REPORT, plan.pk, LONG_AGO),
        (AlertKind.BELOW_INTENSITY, plan.pk, on(2)),
    ]


def test_alerts_keep_to_the_plans_given(plan, kmb_office):
    plan.next_review_on = on(31)
    plan.save()
    AssistancePlanFactory(case__household__kmb=kmb_office, next_review_on=on(15))

    found = alerts(AssistancePlan.objects.filter(case_manager=plan.case_manager))

    assert [(kind, pk) for kind, pk, _, _ in found] == [(AlertKind.REVIEW_OVERDUE, plan.pk)]


def test_an_alert_links_the_plan_and_the_case(plan):
    plan.next_review_on = on(31)
    plan.save()

    (alert,) = plan_alerts(AssistancePlan.objects.all(), TODAY)

    assert (alert.url, alert.case_url, alert.household_name) == (
        plan.get_absolute_url(),
        plan.case.get_absolute_url(),
        "Žofie Zlatohlávková",
    )


@pytest.mark.parametrize("plans", [1, 3])
def test_alerts_take_two_queries_whatever_the_number_of_plans(
    kmb_office, social_worker, provider, django_assert_num_queries, plans
):
    for _ in range(plans):
        plan = AssistancePlanFactory(
            case__household__kmb=kmb_office,
            case_manager=social_worker,
            provider=provider,
            starts_on=LONG_AGO,
            next_review_on=on(1),
            hours_per_week=Decimal("2"),
        )
        SupportVisitFactory(plan=plan, date=on(1))

    with django_assert_num_queries(2):
        found = plan_alerts(AssistancePlan.objects.all(), TODAY)
        texts = [(alert.text, alert.household_name, alert.case_url) for alert in found]

    assert len(texts) == 3 * plans


def test_plans_followed_by_each_role(plan, kmb_office, staff, social_worker, provider_user):
    from kmb.accounts.models import Role
    from providers.alerts import plans_followed_by

    colleagues = AssistancePlanFactory(case__household__kmb=kmb_office)

    assert list(plans_followed_by(social_worker)) == [plan]
    assert set(plans_followed_by(staff[Role.MANAGER])) == {plan, colleagues}
    assert list(plans_followed_by(staff[Role.HOUSING_DEPARTMENT])) == []
    # The provider follows its plan only under the household's valid consent.
    assert list(plans_followed_by(provider_user)) == []
    ConsentFactory(household=plan.household, recipient=provider_user.organisation)
    assert list(plans_followed_by(provider_user)) == [plan]
