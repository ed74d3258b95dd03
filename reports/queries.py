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
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    BigIntegerField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
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
    ExtractDay,
    ExtractMonth,
    ExtractYear,
    Least,
    Round,
)

from clients.models import (
    Case,
    CaseStatus,
    CaseStatusChange,
    Client,
    CloseReason,
    Consultation,
    ConsultationTopicEntry,
    Debt,
    Household,
    HousingSituation,
    Payment,
    RepaymentSchedule,
)
from guarantees.models import Claim, FundMovement, Guarantee, GuaranteeFund
from housing.models import (
    CheckIn,
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
    in_month = Consultation.objects.filter(area.cases("case__"), _days(month, "date"))
    totals = in_month.aggregate(
        count=Count("pk"),
        minutes=Coalesce(Sum("minutes"), 0),
        households=Count("case__household", distinct=True),
    )
    persons = Client.objects.filter(
        _members_by(month), household__in=in_month.values("case__household")
    ).count()
    by_channel = (
        in_month.order_by().values("channel").annotate(count=Count("pk"), minutes=Sum("minutes"))
    )
    by_topic = (
        ConsultationTopicEntry.objects.filter(
            area.cases("consultation__case__"), _days(month, "consultation__date")
        )
        .order_by()
        .values("topic")
        .annotate(count=Count("pk"), minutes=Sum("consultation__minutes"))
    )
    return {
        **totals,
        "persons": persons,
        "by_channel": {row["channel"]: row for row in by_channel},
        "by_topic": {row["topic"]: row for row in by_topic},
    }


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
    counts = (
        Lease.objects.filter(area.leases(), continues__isnull=True)
        .annotate(start_day=ExtractDay("start_on"), end_day=ExtractDay("ended_on"))
        .aggregate(**aggregates)
    )
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
    return (
        Q(ended_on__isnull=True)
        | Q(ended_on__gt=check.last_day)
        | (_days(check, "ended_on") & (Q(end_day__gte=F("start_day")) | Q(end_day=check.days)))
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
    closed = _days(month, "closed_on") & Q(status=CaseStatus.CLOSED, was_in_prevention=True)
    counts = (
        Case.objects.filter(area.cases())
        .annotate(
            entered_in_month=Exists(to_prevention.filter(_moments(month, "changed_at"))),
            was_in_prevention=Exists(to_prevention.filter(changed_at__lt=month.ends_at)),
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
    day = month.last_day
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
    counts = (
        RepaymentSchedule.objects.filter(
            area.households("debt__debtor__household__"),
            Q(ended_on__isnull=True) | Q(ended_on__gte=month.first_day),
            first_due_on__lte=day,
        )
        .annotate(
            paid=Coalesce(Subquery(paid), 0, output_field=BigIntegerField()),
            instalment_h=_hellers(F("instalment")),
            total_h=_hellers(F("total")),
            months_due=months_due,
        )
        .annotate(due_h=_whole(F("instalment_h") * F("months_due")))
        .annotate(arrears_h=_whole(Least(F("due_h"), F("total_h")) - F("paid")))
        .aggregate(
            active=Count("pk"),
            persons=Count("debt__debtor", distinct=True),
            on_track=Count(
                "pk",
                filter=Q(arrears_h__lt=F("instalment_h"))
                & ~Q(arrears_h__gt=0, due_h__gte=F("total_h")),
            ),
        )
    )
    return counts


def debts(area: Area, month: Month) -> dict:
    """Outstanding debts of the area's households: the total, the number of indebted households,
    the median of what an indebted household owes (as clients.debts.debt_analysis), and the
    amounts by kind of creditor."""
    outstanding = Debt.objects.outstanding().filter(
        area.households("debtor__household__"), since__lte=month.last_day
    )
    totals = outstanding.aggregate(
        total=Coalesce(Sum("current_amount"), ZERO),
        households=Count("debtor__household", distinct=True),
        debts=Count("pk"),
    )
    by_kind = (
        outstanding.order_by()
        .values("creditor_kind")
        .annotate(
            amount=Sum("current_amount"),
            debts=Count("pk"),
            households=Count("debtor__household", distinct=True),
        )
    )
    return {
        **totals,
        "median": _median_per_household(outstanding, totals["households"]),
        "by_creditor": {row["creditor_kind"]: row for row in by_kind},
    }


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


def housing_need(area: Area, month: Month) -> dict:
    """Households with a case open at the month's end, and their members, by the ETHOS category
    of their situation on that day (the latest recorded by then; "" if none), and whether they
    live in a commercial hostel. Keys: (ethos, in_commercial_hostel)."""
    day = month.last_day
    open_case = Case.objects.filter(household=OuterRef("household"), opened_on__lte=day).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=day)
    )
    situation = HousingSituation.objects.filter(
        household=OuterRef("household"), since__lte=day
    ).order_by("-since", "-pk")
    rows = (
        Client.objects.filter(area.households("household__"), _members_by(month))
        .filter(Exists(open_case))
        .annotate(
            ethos=Coalesce(Subquery(situation.values("ethos")[:1]), Value("")),
            hostel=Coalesce(Subquery(situation.values("in_commercial_hostel")[:1]), Value(False)),
        )
        .order_by()
        .values("ethos", "hostel")
        .annotate(persons=Count("pk"), households=Count("household", distinct=True))
    )
    return {(row["ethos"], row["hostel"]): row for row in rows}


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
    result = CheckIn.objects.filter(lease=OuterRef("pk"), month=month.first_day).values("result")
    running = Q(start_on__lte=day) & (Q(last_day_on__isnull=True) | Q(last_day_on__gte=day))
    done = Q(result__isnull=False)
    return (
        Lease.objects.filter(area.leases())
        .with_last_day()
        .annotate(result=Subquery(result[:1]))
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
