"""Monthly check-ins with the housed households of the demo KMB (Praha 7 phones about 50 a month).

One social worker phones the round each month. The last three months are mostly done, mostly
"all well"; this month about half the households have been called so far. A few calls found
problems: those are recorded through housing.services.checkins, so that they do what a real call
does (the case moves to prevention, a prevention step joins the assistance plan, the case manager
is notified), dated back to the day of the call. Idempotent: nothing is built once the KMB's
leases have any check-in.
"""

import datetime
import random
from dataclasses import dataclass

from django.utils import timezone

from clients.models import CaseStatus, CaseStatusChange
from demo import builders
from demo.common import dated, days, moment, save_all
from housing.models import CheckIn, CheckInResult, Lease, TenancyEventKind
from housing.services.checkins import last_day_of, month_of, record_check_in, runs_in
from kmb.accounts.models import Organisation, User
from kmb.notifications.models import Notification
from providers.models import Step

SEED = "kmb-demo-checkins"
MONTHS = 4  # this month and the three before
# Who phoned each month's round, this month first.
CALLERS = ["michal.horak", "katerina.vesela", "lukas.cerny", "hana.svobodova"]
OWN_LOGIN = "socialni"
ALL_WELL_NOTES = [
    "",
    "",
    "Nájem zaplacen, vše v pořádku.",
    "Vše v pořádku, domácnost si zvyká.",
    "Nájem i zálohy zaplaceny trvalým příkazem.",
    "V pořádku, řeší jen drobnou opravu kohoutku s pronajímatelem.",
]
# Whether the rent came in, the landlord's records tell even when nobody answers.
NOT_REACHED_NOTES = [
    "Nebere telefon, zkusit znovu příští týden. Nájem podle pronajímatele zaplacen.",
    "Telefon vypnutý; nájem podle pronajímatele zaplacen.",
]


@dataclass(frozen=True)
class Problem:
    """A call that found trouble, recorded through the service."""

    months_ago: int
    result: str
    rent_paid: bool | None
    note: str


NOTICE_PROBLEMS = [
    Problem(2, CheckInResult.PROBLEMS, False, "Dluh na nájemném za dva měsíce, hrozí výpověď."),
    Problem(1, CheckInResult.NEEDS_VISIT, False, "Výpověď z nájmu, domluvit splátky a DSSP."),
]
THIS_MONTH_PROBLEMS = [
    Problem(0, CheckInResult.NEEDS_VISIT, True, "Sousedé si stěžují na hluk, domluvit návštěvu."),
    Problem(0, CheckInResult.PROBLEMS, False, "Nájem za tento měsíc nezaplacen, čeká na DSSP."),
]


def build_check_ins() -> int:
    """The check-ins of the last months; returns how many were recorded."""
    kmb = Organisation.objects.get(name=builders.KMB_NAME)
    leases = list(
        Lease.objects.filter(household__kmb=kmb)
        .select_related("flat")
        .prefetch_related("events", "household__cases__case_manager")
        .order_by("pk")
    )
    if CheckIn.objects.filter(lease__in=leases).exists():
        return 0
    today = timezone.localdate()
    callers = {u.username: u for u in User.objects.filter(username__in=CALLERS)}
    months = [month_of(today)]
    for _ in range(MONTHS - 1):
        months.append(month_of(months[-1] - days(1)))
    problems = choose_problems(leases, today)
    rows = []
    for lease in leases:
        rng = random.Random(f"{SEED}-{lease.pk}-{lease.start_on}")
        for ago, month in enumerate(months):
            if (lease.pk, ago) in problems or not due(lease, month, today):
                continue
            row = routine_call(rng, lease, month, ago, today, callers[CALLERS[ago]])
            if row:
                rows.append(row)
    save_all(CheckIn, rows, when=lambda c: moment(c.done_on, 10), who=lambda c: c.by)
    for (lease_id, ago), problem in sorted(problems.items(), key=lambda item: -item[0][1]):
        lease = next(lease for lease in leases if lease.pk == lease_id)
        record_problem(lease, months[ago], problem, callers[CALLERS[ago]], today)
    return len(rows) + len(problems)


def due(lease: Lease, month: datetime.date, today: datetime.date) -> bool:
    """A household is phoned in a month its lease runs in, once it has lived there a week."""
    last = min(last_day_of(month), today)
    return runs_in(lease, month) and lease.start_on <= last - days(7)


def routine_call(rng, lease, month, ago, today, caller) -> CheckIn | None:
    """Most of a past month's round was done, about half of this month's so far."""
    if rng.random() < (0.5 if ago == 0 else 0.06):
        return None
    first = max(month, lease.start_on + days(7))
    last = min(last_day_of(month), today, lease.last_day or today)
    if last < first:
        return None
    result = CheckInResult.NOT_REACHED if rng.random() < 0.08 else CheckInResult.ALL_WELL
    well = result == CheckInResult.ALL_WELL
    return CheckIn(
        lease=lease,
        month=month,
        done_on=first + days(rng.randint(0, (last - first).days)),
        result=result,
        rent_paid=True,
        note=rng.choice(ALL_WELL_NOTES if well else NOT_REACHED_NOTES),
        by=caller,
    )


def choose_problems(leases: list[Lease], today: datetime.date) -> dict:
    """(lease id, months ago) → the problem its call found: the household under notice to quit
    in the two months before, and this month one of the demo social worker's households and one
    more."""
    problems = {}
    running = [lease for lease in leases if runs_in(lease, month_of(today))]
    notice = [
        lease
        for lease in running
        if any(e.kind == TenancyEventKind.NOTICE_TO_QUIT for e in lease.events.all())
    ]
    for lease in notice[:1]:
        for problem in NOTICE_PROBLEMS:
            problems[(lease.pk, problem.months_ago)] = problem
    settled = [
        lease
        for lease in running
        if lease not in notice
        and lease.start_on <= today - days(60)
        and open_case(lease) is not None
        and open_case(lease).status == CaseStatus.FOLLOW_UP
    ]
    settled.sort(key=lambda lease: (open_case(lease).case_manager.username != OWN_LOGIN, lease.pk))
    for lease, problem in zip(settled, THIS_MONTH_PROBLEMS, strict=False):
        problems[(lease.pk, 0)] = problem
    return problems


def open_case(lease: Lease):
    cases = [case for case in lease.household.cases.all() if case.status != CaseStatus.CLOSED]
    return max(cases, key=lambda case: (case.opened_on, case.pk)) if cases else None


def record_problem(lease, month, problem: Problem, caller, today) -> None:
    """Record the call through the service on the day it was made, then date what it did."""
    day = min(month + days(4 + lease.pk % 10), today)
    day = max(day, lease.start_on + days(7))
    tracked = [
        (CaseStatusChange, "changed_at"),
        (Notification, "created_at"),
        (Step, "created_at"),
        (CheckIn, "created_at"),
        (CheckIn.history.model, "history_date"),
    ]
    with dated(day, *tracked):
        recorded = record_check_in(
            lease=lease,
            month=month,
            result=problem.result,
            rent_paid=problem.rent_paid,
            note=problem.note,
            by=caller,
            today=day,
        )
    step = recorded.step
    if step and step.due_on < today - days(14):  # an older problem the case manager saw to
        step.done_on = step.due_on - days(2)
        step.save(update_fields=["done_on"])
