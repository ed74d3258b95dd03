"""Multi-table report queries: the figures behind the indicators, for one area and one month.

Every function here runs a fixed number of aggregate queries, whatever the amount of data, and
returns plain data (ints, Decimals, dicts keyed by code). reports.indicators names the figures.

Which records belong to an area is decided here, once (`Area`):

- a household's records (registration, consultations, cases, debts and schedules, housing need)
  belong to the household's KMB; in a municipality, to the municipality of its permanent residence
  (households whose permanent residence is elsewhere or unknown count only in the ORP's figures);
- leases and guarantees belong to the KMB of the household and to the territory of the flat: the
  flat's municipality, or for the ORP every flat in the ORP;
- guarantee funds belong to their own territory: a municipality's fund counts in that municipality
  and its ORP, an ORP's fund only in the ORP's figures. Funds are not a KMB's: they are the
  territory's money, so two KMBs in one ORP report the same funds.

When a figure is counted:

- "in the month": a date field (consultation date, lease start, claim paid on...) within the
  month; a moment (`created_at`, a status change) between Prague midnights (reports.periods);
- "at the end of the month": the state on the month's last day (cases in prevention, housing
  need, fund balances, schedules' standing);
- "active in the month": in force on at least one day of the month (guarantees, schedules).
- Debts are a snapshot of what is recorded now (state, current amount) of the debts that arose by
  the month's end: the debt table keeps no amounts as of a past day.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    BigIntegerField,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models import Case as CaseWhen
from django.db.models.functions import (
    Cast,
    Coalesce,
    Concat,
    ExtractDay,
    ExtractMonth,
    ExtractYear,
    Least,
    Round,
)
from django.db.models.lookups import Exact, GreaterThanOrEqual

from clients.models import (
    Case,
    CaseStatus,
    CaseStatusChange,
    Client,
    CloseReason,
    Consultation,
    ConsultationChannel,
    ConsultationTopicEntry,
    Debt,
    Household,
    HousingSituation,
    Payment,
    RepaymentSchedule,
)
from guarantees.models import Claim, FundMovement, Guarantee, GuaranteeFund
from housing.models import (
    CheckInResult,
    Flat,
    HousingApplication,
    Lease,
    LeaseEndReason,
    LeaseExtension,
    Owner,
    OwnerKind,
)
from kmb.lib.money import ZERO
from providers.coverage import CoverageState, coverage
from providers.models import HOUSING_SUPPORT_TYPES, AssistancePlan, ServiceReferral
from reports.periods import Month

# How a lease ended decides whether its household kept its housing (retention):
# moving on to a standard lease is the goal of supported housing, so it counts as kept;
# a death takes the lease out of its cohort (neither kept nor lost); anything else is lost
# (moved out, eviction, other: the KMB does not know the household is housed).
RETAINED_END_REASONS = [LeaseEndReason.STANDARD_LEASE]
LEAVES_COHORT_END_REASONS = [LeaseEndReason.DEATH]


@dataclass(frozen=True)
class Area:
    """The territory of a report: a KMB's ORP, or one municipality in it.

    `kmb_id` None: the records of every KMB serving the ORP (a housing department's view of its
    municipality, which belongs to no KMB)."""

    kmb_id: int | None
    orp_id: int
    municipality_id: int | None = None

    @classmethod
    def of(cls, kmb, municipality=None) -> "Area":
        """The area of the KMB `kmb` (an Organisation), narrowed to `municipality` if given."""
        if municipality is not None and municipality.orp_id != kmb.orp_id:
            raise ValueError(f"{municipality} is not in the ORP of {kmb}")
        return cls(kmb.pk, kmb.orp_id, municipality.pk if municipality else None)

    @classmethod
    def from_scope(cls, scope: dict) -> "Area":
        """The area of kmb.access.report_scope(user)."""
        return cls(scope.get("kmb_id"), scope["orp_id"], scope.get("municipality_id"))

    def _kmb(self, path: str) -> Q:
        if self.kmb_id is None:
            return Q(**{f"{path}kmb__orp_id": self.orp_id})
        return Q(**{f"{path}kmb_id": self.kmb_id})

    def households(self, path: str = "") -> Q:
        """Households (reached through `path`, e.g. "case__household__") of the area."""
        area = self._kmb(path)
        if self.municipality_id:
            area &= Q(**{f"{path}permanent_residence_id": self.municipality_id})
        return area

    def cases(self, path: str = "") -> Q:
        area = self._kmb(path)
        if self.municipality_id:
            area &= Q(**{f"{path}household__permanent_residence_id": self.municipality_id})
        return area

    def flats(self, path: str = "") -> Q:
        if self.municipality_id:
            return Q(**{f"{path}municipality_id": self.municipality_id})
        return Q(**{f"{path}municipality__orp_id": self.orp_id})

    def leases(self, path: str = "") -> Q:
        return self._kmb(f"{path}household__") & self.flats(f"{path}flat__")

    def funds(self) -> Q:
        if self.municipality_id:
            return Q(municipality_id=self.municipality_id)
        return Q(orp_id=self.orp_id) | Q(municipality__orp_id=self.orp_id)


def _days(month: Month, field: str) -> Q:
    return Q(**{f"{field}__range": (month.first_day, month.last_day)})


def _moments(month: Month, field: str) -> Q:
    return Q(**{f"{field}__gte": month.starts_at, f"{field}__lt": month.ends_at})


def _all_days(months: Sequence[Month], field: str) -> Q:
    """A date field from the first day of the earliest month to the last day of the latest: the
    rows that the months' figures (a month and the previous one, and the project period so far,
    which run on) are counted from, read once."""
    return Q(
        **{f"{field}__range": (min(m.first_day for m in months), max(m.last_day for m in months))}
    )


def _members_by(month: Month, path: str = "") -> Q:
    """Members recorded by the end of the month (a member added later did not count then)."""
    return Q(**{f"{path}created_at__lt": month.ends_at})


# --- Clients and counselling ------------------------------------------------------------------


def registered(area: Area, month: Month) -> dict:
    """Households registered at intake in the month, and persons newly recorded in the month
    (the members of those households, and members who joined a known household)."""
    return {
        "households": Household.objects.filter(
            area.households(), _moments(month, "created_at")
        ).count(),
        "persons": Client.objects.filter(
            area.households("household__"), _moments(month, "created_at")
        ).count(),
    }


def consultations(area: Area, month: Month) -> dict:
    """Consultations in the month: in total, by channel and by topic (a consultation on two
    topics counts under each), with their minutes; and how many households and persons (the
    households' members) were counselled."""
    return consultations_in(area, [month])[0]


def consultations_in(area: Area, months: Sequence[Month]) -> list[dict]:
    """consultations(...) of each of several months. The topics of all the months come from one
    query, which joins the topics to the months' consultations once; the totals (by channel
    too) and the persons counselled from one query each a month (counting several months apart
    in one pass over their consultations costs more than it saves)."""
    in_area = Consultation.objects.filter(area.cases("case__"))
    results = []
    for month in months:
        in_month = in_area.filter(_days(month, "date"))
        channels = {
            f"{field}_{channel}": aggregate
            for channel in ConsultationChannel.values
            for field, aggregate in (
                ("count", Count("pk", filter=Q(channel=channel))),
                ("minutes", Coalesce(Sum("minutes", filter=Q(channel=channel)), 0)),
            )
        }
        totals = in_month.aggregate(
            **channels,  # first: they read the field `minutes`, not the total named so
            count=Count("pk"),
            minutes=Coalesce(Sum("minutes"), 0),
            households=Count("case__household", distinct=True),
        )
        by_channel = {
            channel: {
                "channel": channel,
                "count": totals.pop(f"count_{channel}"),
                "minutes": totals.pop(f"minutes_{channel}"),
            }
            for channel in ConsultationChannel.values
        }
        persons = Client.objects.filter(
            _members_by(month), household__in=in_month.values("case__household")
        ).count()
        results.append({**totals, "persons": persons, "by_channel": by_channel})
    topics = list(
        ConsultationTopicEntry.objects.filter(
            area.cases("consultation__case__"), _all_days(months, "consultation__date")
        )
        .order_by()
        .values("topic")
        .annotate(
            **{
                aggregate: function(field, filter=_days(month, "consultation__date"))
                for n, month in enumerate(months)
                for aggregate, function, field in (
                    (f"count_{n}", Count, "pk"),
                    (f"minutes_{n}", Sum, "consultation__minutes"),
                )
            }
        )
    )
    for n, result in enumerate(results):
        result["by_topic"] = {
            row["topic"]: {
                "topic": row["topic"],
                "count": row[f"count_{n}"],
                "minutes": row[f"minutes_{n}"],
            }
            for row in topics
            if row[f"count_{n}"]
        }
    return results


# --- Housing ----------------------------------------------------------------------------------


def housed(area: Area, month: Month) -> dict:
    """Households (and their members) whose lease started in the month, by the flat's program.
    A lease that continues another (conversion to a standard lease) houses nobody new."""
    leases = Lease.objects.filter(area.leases(), _days(month, "start_on"), continues__isnull=True)
    rows = (
        leases.order_by()
        .values("flat__program")
        .annotate(
            households=Count("household", distinct=True),
            persons=Count(
                "household__members",
                distinct=True,
                filter=_members_by(month, "household__members__"),
            ),
        )
    )
    return {row["flat__program"]: row for row in rows}


def leases(area: Area, month: Month) -> dict:
    """Leases signed (started) in the month, of them conversions to a standard lease; leases
    extended in the month; leases ended in the month, by how they ended."""
    started, ended = _days(month, "start_on"), _days(month, "ended_on")
    counts = Lease.objects.filter(area.leases()).aggregate(
        signed=Count("pk", filter=started),
        conversions=Count("pk", filter=started & Q(continues__isnull=False)),
        **{
            reason.value: Count("pk", filter=ended & Q(end_reason=reason))
            for reason in LeaseEndReason
        },
    )
    extended = LeaseExtension.objects.filter(
        area.leases("lease__"), _days(month, "extended_on")
    ).count()
    return {
        "signed": counts.pop("signed"),
        "conversions": counts.pop("conversions"),
        "extended": extended,
        "ended": counts,
    }


def retention(area: Area, month: Month, *, after_months: int, cohorts: int = 12) -> list[dict]:
    """Housing retention of the lease cohorts that reach `after_months` months in `month` (the
    first row) and in each of the `cohorts` - 1 months before it.

    A cohort is the leases that started in one month (not continuations: a household's housing
    starts with its first lease). A lease is retained when it had not ended before its
    anniversary (the same day `after_months` later, or the month's last day if that is shorter),
    or ended by moving to a standard lease; a lease ended by death before it leaves the cohort.
    """
    aggregates = {}
    for back in range(cohorts):
        check = month.shifted(-back)
        cohort = _days(check.shifted(-after_months), "start_on")
        housed_then = _housed_on_anniversary(check)
        gone = ~housed_then & Q(end_reason__in=LEAVES_COHORT_END_REASONS)
        aggregates[f"leases_{back}"] = Count("pk", filter=cohort & ~gone)
        aggregates[f"retained_{back}"] = Count(
            "pk", filter=cohort & (housed_then | Q(end_reason__in=RETAINED_END_REASONS))
        )
    oldest, newest = month.shifted(-cohorts + 1 - after_months), month.shifted(-after_months)
    # No annotations: an aggregate over annotated rows costs Django more to build than the
    # database to run.
    counts = Lease.objects.filter(
        area.leases(),
        continues__isnull=True,
        start_on__range=(oldest.first_day, newest.last_day),
    ).aggregate(**aggregates)
    return [
        {
            "cohort": month.shifted(-back - after_months),
            "leases": counts[f"leases_{back}"],
            "retained": counts[f"retained_{back}"],
        }
        for back in range(cohorts)
    ]


def _housed_on_anniversary(check: Month) -> Q:
    """The lease had not ended before its anniversary, which falls in `check` (on the start's
    day of the month, or on the last day of `check` when it is shorter)."""
    end_day = ExtractDay("ended_on")
    on_the_day = Q(GreaterThanOrEqual(end_day, ExtractDay("start_on")))
    on_the_day |= Q(Exact(end_day, check.days))
    return (
        Q(ended_on__isnull=True)
        | Q(ended_on__gt=check.last_day)
        | (_days(check, "ended_on") & on_the_day)
    )


# --- Prevention -------------------------------------------------------------------------------


def prevention(area: Area, month: Month) -> dict:
    """Cases that entered prevention in the month; cases in prevention at its end; cases closed
    in the month after having been in prevention, by the reason for closing."""
    to_prevention = CaseStatusChange.objects.filter(
        case=OuterRef("pk"), to_status=CaseStatus.PREVENTION
    )
    status_at_end = (
        CaseStatusChange.objects.filter(case=OuterRef("pk"), changed_at__lt=month.ends_at)
        .order_by("-changed_at", "-pk")
        .values("to_status")[:1]
    )
    closed = _days(month, "closed_on") & Q(status=CaseStatus.CLOSED)
    # Every figure is of a case that had been in prevention by the month's end: the others are
    # left out before their status changes are looked up.
    counts = (
        Case.objects.filter(
            area.cases(), Exists(to_prevention.filter(changed_at__lt=month.ends_at))
        )
        .annotate(
            entered_in_month=Exists(to_prevention.filter(_moments(month, "changed_at"))),
            status_at_end=Subquery(status_at_end),
        )
        .aggregate(
            entered=Count("pk", filter=Q(entered_in_month=True)),
            at_end=Count("pk", filter=Q(status_at_end=CaseStatus.PREVENTION)),
            **{
                reason.value: Count("pk", filter=closed & Q(close_reason=reason))
                for reason in CloseReason
            },
        )
    )
    return {
        "entered": counts.pop("entered"),
        "at_end": counts.pop("at_end"),
        "closed": counts,
    }


# --- Debts ------------------------------------------------------------------------------------


def _hellers(amount) -> Cast:
    """CZK as whole hellers: exact sums and comparisons on SQLite too (it computes in floats)."""
    return Cast(Round(amount * Value(100)), BigIntegerField())


def _whole(expression) -> ExpressionWrapper:
    return ExpressionWrapper(expression, output_field=BigIntegerField())


def repayment_schedules(area: Area, month: Month) -> dict:
    """Repayment schedules active in the month (first instalment due by its end, not ended before
    it), the persons owing under them, and how many are on track at the month's end.

    "On track" is clients.schedules.standing(...).on_track, in SQL: the arrears (instalments due
    by the day, capped at the total, less the payments made by the day) are under one instalment,
    and nothing at all is owing once the last instalment has fallen due."""
    return repayment_schedules_in(area, [month])[0]


def repayment_schedules_in(area: Area, months: Sequence[Month]) -> list[dict]:
    """repayment_schedules(...) of each of several months (or spans) in one query: the standing
    is worked out once for each last day among them (a month and the project period so far end
    on the same day)."""
    days = sorted({month.last_day for month in months})
    standing = {}
    for d, day in enumerate(days):
        paid = (
            Payment.objects.filter(schedule=OuterRef("pk"), paid_on__lte=day)
            .order_by()
            .values("schedule")
            .annotate(hellers=Sum(_hellers(F("amount"))))
            .values("hellers")
        )
        months_due = _whole(
            Value(day.year * 12 + day.month)
            - ExtractYear("first_due_on") * 12
            - ExtractMonth("first_due_on")
            + CaseWhen(When(day_of_month__lte=day.day, then=1), default=0)
        )
        standing[f"paid_{d}"] = Coalesce(Subquery(paid), 0, output_field=BigIntegerField())
        standing[f"due_h_{d}"] = _whole(F("instalment_h") * months_due)
    active = [
        (Q(ended_on__isnull=True) | Q(ended_on__gte=month.first_day))
        & Q(first_due_on__lte=month.last_day)
        for month in months
    ]
    schedules = (
        RepaymentSchedule.objects.filter(
            area.households("debt__debtor__household__"),
            Q(ended_on__isnull=True) | Q(ended_on__gte=min(month.first_day for month in months)),
            first_due_on__lte=days[-1],
        )
        .annotate(instalment_h=_hellers(F("instalment")), total_h=_hellers(F("total")))
        .annotate(**standing)
        .annotate(
            **{
                f"arrears_h_{d}": _whole(Least(F(f"due_h_{d}"), F("total_h")) - F(f"paid_{d}"))
                for d in range(len(days))
            }
        )
    )
    aggregates = {}
    for n, (month, in_force) in enumerate(zip(months, active, strict=True)):
        d = days.index(month.last_day)
        arrears, due = f"arrears_h_{d}", f"due_h_{d}"
        on_track = Q(**{f"{arrears}__lt": F("instalment_h")}) & ~Q(
            **{f"{arrears}__gt": 0, f"{due}__gte": F("total_h")}
        )
        aggregates |= {
            f"active_{n}": Count("pk", filter=in_force),
            f"persons_{n}": Count("debt__debtor", distinct=True, filter=in_force),
            f"on_track_{n}": Count("pk", filter=in_force & on_track),
        }
    counts = schedules.aggregate(**aggregates)
    return [
        {
            "active": counts[f"active_{n}"],
            "persons": counts[f"persons_{n}"],
            "on_track": counts[f"on_track_{n}"],
        }
        for n in range(len(months))
    ]


def debts(area: Area, month: Month) -> dict:
    """Outstanding debts of the area's households: the total, the number of indebted households,
    the median of what an indebted household owes (as clients.debts.debt_analysis), and the
    amounts by kind of creditor."""
    return debts_in(area, [month])[0]


def debts_in(area: Area, months: Sequence[Month]) -> list[dict]:
    """debts(...) at the end of each of several months: the totals and the kinds of creditor of
    all the months in one query each, a median per month."""
    outstanding = Debt.objects.outstanding().filter(
        area.households("debtor__household__"), since__lte=max(m.last_day for m in months)
    )
    by_month = [Q(since__lte=month.last_day) for month in months]
    totals = outstanding.aggregate(
        **{
            aggregate: expression
            for n, arisen in enumerate(by_month)
            for aggregate, expression in (
                (f"total_{n}", Coalesce(Sum("current_amount", filter=arisen), ZERO)),
                (f"households_{n}", Count("debtor__household", distinct=True, filter=arisen)),
                (f"debts_{n}", Count("pk", filter=arisen)),
            )
        }
    )
    by_kind = list(
        outstanding.order_by()
        .values("creditor_kind")
        .annotate(
            **{
                aggregate: expression
                for n, arisen in enumerate(by_month)
                for aggregate, expression in (
                    (f"amount_{n}", Sum("current_amount", filter=arisen)),
                    (f"debts_{n}", Count("pk", filter=arisen)),
                    (
                        f"households_{n}",
                        Count("debtor__household", distinct=True, filter=arisen),
                    ),
                )
            }
        )
    )
    return [
        {
            "total": totals[f"total_{n}"],
            "households": totals[f"households_{n}"],
            "debts": totals[f"debts_{n}"],
            "median": _median_per_household(outstanding.filter(arisen), totals[f"households_{n}"]),
            "by_creditor": {
                row["creditor_kind"]: {
                    "creditor_kind": row["creditor_kind"],
                    "amount": row[f"amount_{n}"],
                    "debts": row[f"debts_{n}"],
                    "households": row[f"households_{n}"],
                }
                for row in by_kind
                if row[f"debts_{n}"]
            },
        }
        for n, arisen in enumerate(by_month)
    ]


def _median_per_household(debts, households: int) -> Decimal | None:
    """The median of the `households` households' totals, chosen in the database: the one or two
    middle rows of the totals in order (the same rows on PostgreSQL and SQLite), averaged here.
    An empty area still runs the query, so that the number of queries never varies."""
    middle = (
        debts.order_by()
        .values("debtor__household")
        .annotate(amount=Sum("current_amount"))
        .order_by("amount", "debtor__household")
        .values_list("amount", flat=True)
    )
    amounts = list(middle[max((households - 1) // 2, 0) : households // 2 + 1])
    if not amounts:
        return None
    return (sum(amounts, ZERO) / len(amounts)).quantize(Decimal("0.01"))


# --- Guarantees -------------------------------------------------------------------------------


def guarantees(area: Area, month: Month) -> dict:
    """Guarantees in force on some day of the month; claims paid in the month (count, amount);
    each fund's balance at the month's end."""
    active = Guarantee.objects.filter(
        area.leases("lease__"), valid_from__lte=month.last_day, valid_until__gte=month.first_day
    ).count()
    claims = Claim.objects.filter(
        area.leases("guarantee__lease__"), _days(month, "paid_on"), state=Claim.State.PAID
    ).aggregate(count=Count("pk"), amount=Coalesce(Sum("amount_approved"), ZERO))
    return {"active": active, "claims_paid": claims, "funds": _fund_balances(area, month.last_day)}


def _fund_balances(area: Area, day: datetime.date) -> list[dict]:
    by_day = Q(movements__on__lte=day)
    funds = (
        GuaranteeFund.objects.filter(area.funds())
        .annotate(
            contributed=Coalesce(
                Sum(
                    "movements__amount",
                    filter=by_day & Q(movements__kind=FundMovement.Kind.CONTRIBUTION),
                ),
                ZERO,
            ),
            paid_out=Coalesce(
                Sum(
                    "movements__amount", filter=by_day & Q(movements__kind=FundMovement.Kind.PAYOUT)
                ),
                ZERO,
            ),
        )
        .order_by("name", "pk")
        .values("pk", "name", "contributed", "paid_out")
    )
    return [{**fund, "balance": fund["contributed"] - fund["paid_out"]} for fund in funds]


# --- Housing need -----------------------------------------------------------------------------


# Marks a situation in a commercial hostel in housing_need's situation codes.
_IN_HOSTEL = "+"


def housing_need(area: Area, month: Month) -> dict:
    """Households with a case open at the month's end, and their members, by the ETHOS category
    of their situation on that day (the latest recorded by then; "" if none), and whether they
    live in a commercial hostel. Keys: (ethos, in_commercial_hostel)."""
    day = month.last_day
    open_case = Case.objects.filter(household=OuterRef("household"), opened_on__lte=day).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=day)
    )
    # The situation as one code, "3" or "3+" (in a commercial hostel): one lookup per member.
    situation = (
        HousingSituation.objects.filter(household=OuterRef("household"), since__lte=day)
        .order_by("-since", "-pk")
        .annotate(
            code=Concat(
                "ethos",
                CaseWhen(
                    When(in_commercial_hostel=True, then=Value(_IN_HOSTEL)), default=Value("")
                ),
                output_field=CharField(),
            )
        )
        .values("code")[:1]
    )
    rows = (
        Client.objects.filter(area.households("household__"), _members_by(month))
        .filter(Exists(open_case))
        .annotate(situation=Coalesce(Subquery(situation), Value("")))
        .order_by()
        .values("situation")
        .annotate(persons=Count("pk"), households=Count("household", distinct=True))
    )
    return {
        (row["situation"].removesuffix(_IN_HOSTEL), row["situation"].endswith(_IN_HOSTEL)): {
            "persons": row["persons"],
            "households": row["households"],
        }
        for row in rows
    }


# --- Added later ------------------------------------------------------------------------------
# Referrals, the waiting list, the support network and the follow-up of housed households.


def referrals(area: Area, month: Month) -> dict:
    """Referrals of the area's households to a provider's service sent in the month: in total,
    by the service's type and by their state now (the outcome so far), and how many households
    were referred."""
    sent = ServiceReferral.objects.filter(area.households("household__"), _days(month, "sent_on"))
    rows = sent.order_by().values("service__kind", "state").annotate(count=Count("pk"))
    by_kind: dict[str, dict] = {}
    by_state: dict[str, dict] = {}
    for row in rows:
        for figures, key in ((by_kind, row["service__kind"]), (by_state, row["state"])):
            figures.setdefault(key, {"count": 0})["count"] += row["count"]
    return {
        "count": sum(row["count"] for row in by_kind.values()),
        "households": sent.aggregate(n=Count("household", distinct=True))["n"],
        "by_kind": by_kind,
        "by_state": by_state,
    }


def waiting_list(area: Area, month: Month) -> dict:
    """Housing applications of the area's households waiting on the month's last day (submitted
    by then, not closed by then, not parked on that day as parking is recorded now), and the
    median of their waiting days on that day, chosen in the database like the median debt."""
    day = month.last_day
    waiting = (
        HousingApplication.objects.filter(area.households("household__"), submitted_on__lte=day)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=day))
        .exclude(parked_until__gt=day)
    )
    count = waiting.count()
    # Longest waiting last: the middle rows in the order of the waiting days.
    ordered = waiting.order_by("-submitted_on", "-pk").values_list("submitted_on", flat=True)
    middle = ordered[max((count - 1) // 2, 0) : count // 2 + 1]
    days = [(day - submitted).days for submitted in middle]
    median = None
    if days:
        median = (Decimal(sum(days)) / len(days)).quantize(Decimal("0.1"))
    return {"households": count, "median_days": median}


def coverage_gaps(area: Area, month: Month) -> dict:
    """Per type of housing support (providers.HOUSING_SUPPORT_TYPES): how many of the area's
    municipalities no active service covers, and in how many every covering service is full.
    Services keep no history: this is the network as recorded now, whatever the month."""
    table = coverage(area.orp_id, kinds=HOUSING_SUPPORT_TYPES)
    rows = [
        row
        for row in table.rows
        if area.municipality_id is None or row.municipality.pk == area.municipality_id
    ]
    gaps: dict[str, dict] = {}
    for row in rows:
        for cell in row.cells:
            figures = gaps.setdefault(cell.kind.value, {"missing": 0, "full": 0})
            figures["missing"] += cell.state == CoverageState.MISSING
            figures["full"] += cell.state == CoverageState.FULL
    return {"municipalities": len(rows), "by_kind": gaps}


def check_ins(area: Area, month: Month) -> dict:
    """Check-ins due in the month (the area's leases running on its last day, and any lease whose
    check-in of the month is recorded), how many are done, and their results."""
    day = month.last_day
    running = Q(start_on__lte=day) & (Q(last_day_on__isnull=True) | Q(last_day_on__gte=day))
    done = Q(result__isnull=False)
    return (
        Lease.objects.filter(area.leases())
        .with_last_day()
        # A lease has at most one check-in a month: joined, not looked up once per figure.
        .annotate(
            this_month=FilteredRelation("check_ins", condition=Q(check_ins__month=month.first_day))
        )
        .annotate(result=F("this_month__result"))
        .filter(running | done)
        .aggregate(
            due=Count("pk"),
            done=Count("pk", filter=done),
            **{choice.value: Count("pk", filter=Q(result=choice)) for choice in CheckInResult},
        )
    )


def households_by_provider(area: Area, month: Month) -> list[dict]:
    """The area's households with an assistance plan with a provider current on the month's last
    day (agreed by then, not ended by then), by provider, in the order of the providers' names."""
    day = month.last_day
    return list(
        AssistancePlan.objects.filter(
            area.households("household__"), provider__isnull=False, starts_on__lte=day
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))
        .order_by()
        .values("provider", "provider__organisation__name")
        .annotate(households=Count("household", distinct=True))
        .order_by("provider__organisation__name", "provider")
    )


# Private landlords: what Liberec's target "private owners engaged" counts.
PRIVATE_OWNER_KINDS = [OwnerKind.PRIVATE_PERSON, OwnerKind.COMPANY]


def owners_engaged(area: Area, month: Month) -> int:
    """Private owners (persons and companies) engaged in the month (their `engaged_on`) who have
    a flat in the area. Owners belong to no KMB: two KMBs of one ORP count the same owners."""
    flats = Flat.objects.filter(area.flats(), owner=OuterRef("pk"))
    return Owner.objects.filter(
        Exists(flats), _days(month, "engaged_on"), kind__in=PRIVATE_OWNER_KINDS
    ).count()


# The sources that count several months (or spans) in the queries of one:
# reports.indicators.compute_periods runs them once for the month and the previous one (and the
# project period so far), where reading the same rows again would cost the most.
IN_SEVERAL_MONTHS = {
    consultations: consultations_in,
    repayment_schedules: repayment_schedules_in,
    debts: debts_in,
}
