"""What the KMB must notice about the assistance plans it follows (issue 6, follow-up): a review
overdue, a provider that has not reported for 30 days, support below the agreed intensity, and a
cooperation that ended in the last 30 days.

    alerts = plan_alerts(plans_followed_by(request.user), today)

`plans` is any AssistancePlan queryset the caller may see (plans_followed_by gives the usual one);
the function picks the plans that can raise an alert. Two queries whatever the number of plans.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from clients.models import Household
from clients.models.people import applicant_field
from kmb import access
from kmb.accounts.models import Role
from kmb.lib.dates import format_day
from providers import intensity
from providers.models import AssistancePlan, PlanStatus, SupportVisit

NO_REPORT_DAYS = 30
ENDED_WITHIN_DAYS = 30


class AlertKind(models.TextChoices):
    REVIEW_OVERDUE = "review_overdue", gettext_lazy("Plan review overdue")
    NO_REPORT = "no_report", gettext_lazy("No report from the provider")
    BELOW_INTENSITY = "below_intensity", gettext_lazy("Less support than agreed")
    COOPERATION_ENDED = "cooperation_ended", gettext_lazy("Cooperation ended")


@dataclass(frozen=True)
class Alert:
    kind: AlertKind
    plan: AssistancePlan
    since: datetime.date
    text: str

    @property
    def case(self):
        return self.plan.case

    @property
    def household_name(self) -> str:
        """The applicant's name (the plans come annotated with it)."""
        return f"{self.plan.applicant_first_name} {self.plan.applicant_last_name}"

    @property
    def url(self) -> str:
        return self.plan.get_absolute_url()

    @property
    def case_url(self) -> str:
        return self.plan.case.get_absolute_url()


def plans_followed_by(user):
    """The plans whose alerts the user follows: a social worker those they are the case manager
    of, a manager their whole KMB's, a provider the plans it supports (under a valid consent)."""
    plans = access.plans_visible_to(user, AssistancePlan.objects.all(), Household.objects.all())
    if user.role == Role.SOCIAL_WORKER:
        return plans.filter(case_manager=user)
    return plans


def plan_alerts(plans, today: datetime.date) -> list[Alert]:
    """The alerts of the plans, by kind in AlertKind's order, the longest-standing first."""
    since_ended = today - datetime.timedelta(days=ENDED_WITHIN_DAYS)
    candidates = list(
        plans.filter(
            Q(status=PlanStatus.ACTIVE, starts_on__lte=today)
            | Q(status=PlanStatus.ENDED, ended_on__gte=since_ended, ended_on__lte=today)
        )
        .select_related("case", "provider__organisation")
        .annotate(
            applicant_first_name=applicant_field("first_name"),
            applicant_last_name=applicant_field("last_name"),
            last_report_on=Subquery(
                SupportVisit.objects.filter(
                    plan=OuterRef("pk"),
                    organisation=OuterRef("provider__organisation"),
                    date__lte=today,
                )
                .order_by("-date")
                .values("date")[:1]
            ),
        )
        .order_by("pk")
    )
    measured = _intensities([p for p in candidates if p.status == PlanStatus.ACTIVE], today)
    alerts = []
    for plan in candidates:
        alerts += _alerts_of(plan, today, measured.get(plan.pk))
    kinds = list(AlertKind)
    return sorted(alerts, key=lambda alert: (kinds.index(alert.kind), alert.since, alert.plan.pk))


def _intensities(plans: list[AssistancePlan], today: datetime.date) -> dict:
    """The intensity of each plan with an agreement, from one query of the visits."""
    agreed = [plan for plan in plans if plan.hours_per_week]
    if not agreed:
        return {}
    mondays = intensity.weeks_before(today)
    visits = defaultdict(list)
    rows = SupportVisit.objects.filter(
        plan__in=[plan.pk for plan in agreed],
        date__gte=mondays[0],
        date__lte=mondays[-1] + datetime.timedelta(days=6),
    ).values_list("plan_id", "date", "minutes")
    for plan_id, date, minutes in rows:
        visits[plan_id].append((date, minutes))
    return {
        plan.pk: intensity.measure(
            hours_per_week=plan.hours_per_week,
            starts_on=plan.starts_on,
            ended_on=plan.ended_on,
            visits=visits[plan.pk],
            today=today,
        )
        for plan in agreed
    }


def _alerts_of(plan: AssistancePlan, today: datetime.date, measured) -> list[Alert]:
    if plan.status == PlanStatus.ENDED:
        return [_ended(plan)]
    alerts = []
    if plan.next_review_on < today:
        text = _("The plan review was due on %(date)s.") % {"date": format_day(plan.next_review_on)}
        alerts.append(Alert(AlertKind.REVIEW_OVERDUE, plan, plan.next_review_on, text))
    if plan.provider_id:
        last = plan.last_report_on or plan.starts_on
        if last < today - datetime.timedelta(days=NO_REPORT_DAYS):
            alerts.append(Alert(AlertKind.NO_REPORT, plan, last, _no_report_text(plan)))
    if measured is not None and measured.weeks and measured.is_below:
        alerts.append(Alert(AlertKind.BELOW_INTENSITY, plan, measured.since, _below(measured)))
    return alerts


def _no_report_text(plan: AssistancePlan) -> str:
    if plan.last_report_on:
        return _("No report from %(provider)s since %(date)s.") % {
            "provider": plan.provider,
            "date": format_day(plan.last_report_on),
        }
    return _("No report from %(provider)s since the plan was agreed on %(date)s.") % {
        "provider": plan.provider,
        "date": format_day(plan.starts_on),
    }


def _below(measured: intensity.Intensity) -> str:
    weeks = len(measured.weeks)
    return ngettext(
        "%(logged)s of the agreed %(agreed)s hours of support logged in the last week.",
        "%(logged)s of the agreed %(agreed)s hours of support logged in the last %(weeks)s weeks.",
        weeks,
    ) % {
        "logged": _number(measured.logged_hours),
        "agreed": _number(measured.agreed_hours),
        "weeks": weeks,
    }


def _number(value) -> str:
    return number_format(value, decimal_pos=1)


def _ended(plan: AssistancePlan) -> Alert:
    text = _("%(who)s ended the cooperation on %(date)s: %(reason)s.") % {
        "who": plan.provider or plan.get_ended_by_display(),
        "date": format_day(plan.ended_on),
        "reason": plan.get_end_reason_display(),
    }
    return Alert(AlertKind.COOPERATION_ENDED, plan, plan.ended_on, text)
