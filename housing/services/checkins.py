"""Monthly check-ins with housed households (Praha 7 phones about 50 a month): which leases are
due in a month, and recording a call. A problem found on the phone opens prevention on the case.

A month is given by its first day (a local date, Europe/Prague), as CheckIn.month stores it.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from clients.models import Case, CaseStatus
from clients.models.cases import latest_case_id
from clients.models.people import applicant_field
from clients.services import change_status
from housing.models import PROBLEM_RESULTS, CheckIn, CheckInResult, Lease
from kmb.accounts.models import User
from kmb.notifications.models import Notification, NotificationKind
from kmb.notifications.services import notify
from providers.models import AssistancePlan, Goal, GoalArea, GoalState, PlanStatus, Step, StepOwner
from providers.services import add_goal, add_step

# Whom to phone first among those due: last month's call found trouble or reached nobody.
FOLLOW_UP_FIRST = [*PROBLEM_RESULTS, CheckInResult.NOT_REACHED]
# The prevention step is due within a week of the call.
STEP_DUE_IN = datetime.timedelta(days=7)
FINISHED_GOAL_STATES = [GoalState.MET, GoalState.NOT_MET, GoalState.DROPPED]

# What the case manager is told, by result (translated when shown, see Notification.text).
PROBLEM_MESSAGES = {
    CheckInResult.PROBLEMS: gettext_noop(
        "The check-in of %(month)s found problems (rent, neighbours or repairs) in case %(case)s."
    ),
    CheckInResult.NEEDS_VISIT: gettext_noop(
        "The check-in of %(month)s: the household of case %(case)s needs a visit."
    ),
}


# --- Months ------------------------------------------------------------------------------------


def month_of(day: datetime.date) -> datetime.date:
    """The month a day belongs to, as its first day."""
    return day.replace(day=1)


def last_day_of(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def worklist_day(month: datetime.date, today: datetime.date) -> datetime.date:
    """The day whose running leases make the month's worklist: today in the current month (a
    lease that ended last week is no longer phoned), the last day of a past month."""
    return today if month == month_of(today) else last_day_of(month)


def runs_in(lease: Lease, month: datetime.date) -> bool:
    """Whether the lease runs on at least one day of the month."""
    last_day = lease.last_day
    return lease.start_on <= last_day_of(month) and (last_day is None or last_day >= month)


# --- The worklist (reads) ----------------------------------------------------------------------


def check_in_worklist(
    leases: QuerySet[Lease], *, month: datetime.date, today: datetime.date
) -> QuerySet[Lease]:
    """The leases (of the user's scope, `leases`) whose household is phoned in `month`: those
    running on its worklist day, and any whose check-in for the month is recorded (a lease that
    ended since stays listed as done). Due ones first, those whose previous call found trouble
    first among them, then by the applicant's name. See `with_check_in_fields` for the columns."""
    running = Lease.objects.running(worklist_day(month, today)).values("pk")
    recorded = CheckIn.objects.filter(lease=OuterRef("pk"), month=month)
    leases = leases.filter(Q(pk__in=running) | Q(Exists(recorded)))
    return with_check_in_fields(leases, month=month).order_by(
        "done", "priority", "applicant_last_name", "applicant_first_name", "pk"
    )


def with_check_in_fields(leases: QuerySet[Lease], *, month: datetime.date) -> QuerySet[Lease]:
    """Everything a row of the worklist shows, in two queries: `done`, `priority`, the
    applicant's name and phone, the latest case (`case_id`), the previous call
    (`previous_month`, `previous_result`), the flat, and the month's check-in
    (`this_month`: a list of at most one)."""
    recorded = CheckIn.objects.filter(lease=OuterRef("pk"), month=month)
    earlier = CheckIn.objects.filter(lease=OuterRef("pk"), month__lt=month).order_by("-month")
    follow_up_first = models.Case(
        models.When(previous_result__in=FOLLOW_UP_FIRST, then=0),
        default=1,
        output_field=models.IntegerField(),
    )
    return (
        leases.select_related("flat__municipality")
        .annotate(
            done=Exists(recorded),
            previous_month=Subquery(earlier.values("month")[:1]),
            previous_result=Subquery(earlier.values("result")[:1]),
            applicant_first_name=applicant_field("first_name"),
            applicant_last_name=applicant_field("last_name"),
            applicant_phone=applicant_field("phone"),
            case_id=latest_case_id(),
        )
        .annotate(priority=follow_up_first)
        .prefetch_related(
            Prefetch(
                "check_ins",
                queryset=CheckIn.objects.filter(month=month).select_related("by"),
                to_attr="this_month",
            )
        )
    )


def due_count(leases: QuerySet[Lease], *, month: datetime.date, today: datetime.date) -> int:
    """How many of `leases` still wait for the month's call (one query)."""
    recorded = CheckIn.objects.filter(lease=OuterRef("pk"), month=month)
    running = Lease.objects.running(worklist_day(month, today)).values("pk")
    return leases.filter(pk__in=running).exclude(Exists(recorded)).count()


# --- Recording a call --------------------------------------------------------------------------


@dataclass(frozen=True)
class Recorded:
    """What recording a check-in did."""

    check_in: CheckIn
    prevention_case: Case | None = None  # the case in prevention because of this call
    step: Step | None = None  # the prevention step added to the assistance plan
    notification: Notification | None = None  # what the case manager was told


@transaction.atomic
def record_check_in(
    *,
    lease: Lease,
    month: datetime.date,
    result: CheckInResult | str,
    rent_paid: bool | None,
    note: str = "",
    by: User,
    today: datetime.date | None = None,
) -> Recorded:
    """Record the month's call with the household of `lease`. Refused, with nothing saved, for a
    future month, a month in which the lease does not run, and a second check-in of the lease
    in the same month (a double submit, also when two requests race: recorded once).

    Side effects of a result in PROBLEM_RESULTS (problems, needs a visit):
    - the household's latest open case moves to prevention, with a status change entry, if its
      status allows that and it has a case manager (a case already in prevention stays);
    - if the household has a current assistance plan (active or paused), a step "Prevention: …"
      for the case manager, due in a week, under the plan's first unfinished housing goal (a new
      housing goal when there is none);
    - the case manager (of the case, else of the plan) gets a CHECK_IN_PROBLEM notification
      linking to the case, unless they recorded the call themselves."""
    today = today or timezone.localdate()
    _check_month(lease=lease, month=month, today=today)
    check_in = CheckIn(
        lease=lease,
        month=month,
        done_on=today,
        result=result,
        rent_paid=rent_paid,
        note=note,
        by=by,
    )
    check_in._history_user = by
    # "Not known" (a call nobody answered) is a valid answer, though the model field has no
    # blank=True.
    check_in.full_clean(exclude=["rent_paid"] if rent_paid is None else None)
    try:
        with transaction.atomic():
            check_in.save()
    except IntegrityError as error:  # the same call submitted twice at once
        raise ValidationError(_("This month's check-in is already recorded.")) from error
    if result not in PROBLEM_RESULTS:
        return Recorded(check_in)
    return _open_prevention(check_in=check_in, by=by, today=today)


def _check_month(*, lease: Lease, month: datetime.date, today: datetime.date) -> None:
    if month.day != 1:
        raise ValidationError(_("The month is given by its first day."))
    if month > month_of(today):
        raise ValidationError(_("A check-in cannot be recorded for a month still to come."))
    if not runs_in(lease, month):
        raise ValidationError(_("The lease does not run in this month."))
    if CheckIn.objects.filter(lease=lease, month=month).exists():
        raise ValidationError(_("This month's check-in is already recorded."))


def _open_prevention(*, check_in: CheckIn, by: User, today: datetime.date) -> Recorded:
    household_id = check_in.lease.household_id
    case = (
        Case.objects.filter(household_id=household_id)
        .open()
        .select_related("case_manager")
        .order_by("-opened_on", "-pk")
        .first()
    )
    plan = (
        AssistancePlan.objects.filter(
            household_id=household_id, status__in=[PlanStatus.ACTIVE, PlanStatus.PAUSED]
        )
        .select_related("case", "case_manager")
        .first()
    )
    summary = _("Check-in %(month)s: %(result)s") % {
        "month": _month_label(check_in.month),
        "result": check_in.get_result_display(),
    }
    prevention_case = _move_to_prevention(case=case, note=summary, by=by) if case else None
    step = _add_prevention_step(plan=plan, check_in=check_in, by=by, today=today) if plan else None
    # Whoever manages the household hears of it: the case's manager, else the plan's.
    if case and case.case_manager_id:
        about, case_manager = case, case.case_manager
    elif plan:
        about, case_manager = plan.case, plan.case_manager
    else:
        return Recorded(check_in, prevention_case, step)
    notification = _tell(case_manager=case_manager, case=about, check_in=check_in, by=by)
    return Recorded(check_in, prevention_case, step, notification)


def _move_to_prevention(*, case: Case, note: str, by: User) -> Case | None:
    if case.status == CaseStatus.PREVENTION:
        return case
    if CaseStatus.PREVENTION not in case.next_statuses() or not case.case_manager_id:
        return None  # a new case without a case manager: the notification still goes out
    return change_status(case=case, to=CaseStatus.PREVENTION, by=by, note=note[:250])


def _add_prevention_step(
    *, plan: AssistancePlan, check_in: CheckIn, by: User, today: datetime.date
) -> Step:
    goal = (
        plan.goals.filter(area=GoalArea.HOUSING)
        .exclude(state__in=FINISHED_GOAL_STATES)
        .order_by("pk")
        .first()
    )
    if goal is None:
        goal = add_goal(
            plan=plan, goal=Goal(area=GoalArea.HOUSING, description=_("Keep the housing")), by=by
        )
    # The plan is shared with the provider: the call's note stays on the check-in, in the file.
    description = _("Prevention: %(result)s (check-in %(month)s)") % {
        "result": check_in.get_result_display(),
        "month": _month_label(check_in.month),
    }
    step = Step(
        description=description[:300], who=StepOwner.CASE_MANAGER, due_on=today + STEP_DUE_IN
    )
    return add_step(goal=goal, step=step, by=by)


def _tell(*, case_manager: User, case: Case, check_in: CheckIn, by: User) -> Notification | None:
    if case_manager.pk == by.pk:
        return None  # they made the call themselves
    return notify(
        recipient=case_manager,
        kind=NotificationKind.CHECK_IN_PROBLEM,
        message=PROBLEM_MESSAGES[CheckInResult(check_in.result)],
        params={"month": _month_label(check_in.month), "case": case.number},
        url=case.get_absolute_url(),
    )


def _month_label(month: datetime.date) -> str:
    return date_format(month, "n/Y")
