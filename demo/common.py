"""What the demo builders of the support network, follow-up, matching, commission and reports share:
dates counted back from today, dated saving in bulk, and the facts about the demo households.

The earlier builders (case files, housing) save row by row through the services; the later areas
have more rows per household (visits, steps, check-ins), so they validate every row with
`full_clean()` and then save each model's rows in one `bulk_create` (with their history rows,
dated to when they happened), which keeps the whole seed within its time budget.
"""

import datetime
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.db.models import Max
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from clients.models import (
    Case,
    CaseStatus,
    CaseStatusChange,
    Client,
    Consent,
    CreditorKind,
    Debt,
    Household,
    Relationship,
)
from clients.models.debts import OUTSTANDING_STATES
from housing.models import Lease
from kmb.accounts.models import Organisation


def days(count: int) -> datetime.timedelta:
    return datetime.timedelta(days=count)


def moment(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    """A local moment on `day` (aware, Europe/Prague)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def save_all(
    model: type[models.Model],
    rows: list,
    *,
    when: Callable | None = None,
    who: Callable | None = None,
    fully: int = 3,
) -> list:
    """Validate `rows` (unsaved instances of `model`) and save them in one query; a model with
    history gets its history rows too, dated by `when(row)` (a datetime) and attributed to
    `who(row)`. With `when`, `created_at` of a time-stamped model is dated the same way.

    The first `fully` rows get the whole `full_clean()`; the rest (drawn alike) are checked
    without the database: their fields and `clean()`. The foreign keys point at rows just saved,
    and the database enforces the constraints of every row anyway."""
    if not rows:
        return rows
    relations = [f.name for f in model._meta.concrete_fields if f.is_relation]
    for number, row in enumerate(rows):
        link(row)
        if when:
            row._history_date = when(row)
        if who:
            row._history_user = who(row)
        if number < fully:
            row.full_clean()
        else:
            row.clean_fields(exclude=relations)
            row.clean()
    if hasattr(model, "history"):
        saved = bulk_create_with_history(rows, model)
    else:
        saved = model.objects.bulk_create(rows)
    if when and any(f.name == "created_at" for f in model._meta.concrete_fields):
        for row in saved:
            row.created_at = when(row)
        model.objects.bulk_update(saved, ["created_at"])
    return saved


def link(row: models.Model) -> None:
    """Point the foreign keys of `row` at related rows saved since they were assigned (a row
    built before its parent was saved has the parent but not yet its id)."""
    for relation in row._meta.concrete_fields:
        if relation.many_to_one and getattr(row, relation.attname) is None:
            related = relation.get_cached_value(row) if relation.is_cached(row) else None
            if related is not None and related.pk is not None:
                setattr(row, relation.attname, related.pk)


@contextmanager
def dated(day: datetime.date, *tracked: tuple[type[models.Model], str]):
    """Date what a service records inside the block to `day`: the rows of each (model, field)
    in `tracked` that the block adds get `field` set to that day (a moment for a datetime
    field). Services stamp "now"; the demo's history happened earlier."""
    marks = [model.objects.aggregate(last=Max("pk"))["last"] or 0 for model, _f in tracked]
    yield
    for (model, name), mark in zip(tracked, marks, strict=True):
        is_moment = isinstance(model._meta.get_field(name), models.DateTimeField)
        model.objects.filter(pk__gt=mark).update(**{name: moment(day) if is_moment else day})


# --- The demo households ----------------------------------------------------------------------


@dataclass
class Facts:
    """A household of the demo KMB with what the later areas pick it by, from its latest case."""

    household: Household
    case: Case
    applicant: Client
    members: list[Client]
    ethos: str
    reasons: set[str]
    residence: str  # the municipality of permanent residence, "" if none in the ORP
    lease: Lease | None  # the running lease, if any
    consents: list[Consent] = field(default_factory=list)
    municipal_debt: Decimal = Decimal(0)
    entered: dict[str, datetime.date] = field(default_factory=dict)  # status → last entered

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def children(self) -> int:
        return sum(member.dependent_child for member in self.members)

    @property
    def status(self) -> str:
        return self.case.status

    @property
    def manager(self):
        return self.case.case_manager

    def consent_to(self, organisation: Organisation, *, on: datetime.date, until: datetime.date):
        """A consent to share with the organisation valid from `on` through `until`."""
        for consent in self.consents:
            if consent.recipient_id == organisation.pk and consent.is_valid(on):
                return consent if consent.is_valid(until) else None
        return None


def load_facts(kmb: Organisation) -> list[Facts]:
    """The households of the demo KMB (those with an intake token), in the order of their tokens,
    each with its latest case, members, consents, running lease and debt to municipalities."""
    households = (
        Household.objects.filter(kmb=kmb, intake_token__isnull=False)
        .select_related("permanent_residence")
        .prefetch_related("members", "consents", "situations", "cases__reasons")
        .prefetch_related("cases__status_changes", "cases__case_manager")
        .order_by("intake_token")
    )
    today = timezone.localdate()
    leases = {
        lease.household_id: lease
        for lease in Lease.objects.running(today).select_related(
            "flat__municipality", "flat__owner"
        )
    }
    debts: dict[int, Decimal] = {}
    to_municipality = Debt.objects.filter(
        creditor_kind=CreditorKind.MUNICIPALITY,
        state__in=OUTSTANDING_STATES,
        debtor__household__kmb=kmb,
    ).values_list("debtor__household_id", "current_amount")
    for household_id, amount in to_municipality:
        debts[household_id] = debts.get(household_id, Decimal(0)) + amount
    facts = []
    for household in households:
        case = max(household.cases.all(), key=lambda c: (c.opened_on, c.pk))
        members = sorted(household.members.all(), key=lambda m: m.pk)
        situations = sorted(household.situations.all(), key=lambda s: (s.since, s.pk))
        entered = {}
        for change in sorted(case.status_changes.all(), key=lambda c: (c.changed_at, c.pk)):
            entered[change.to_status] = timezone.localdate(change.changed_at)
        residence = household.permanent_residence
        facts.append(
            Facts(
                household=household,
                case=case,
                applicant=next(m for m in members if m.relationship == Relationship.APPLICANT),
                members=members,
                ethos=situations[-1].ethos if situations else "",
                reasons={entry.reason for entry in case.reasons.all()},
                residence=residence.name if residence else "",
                lease=leases.get(household.pk),
                consents=sorted(household.consents.all(), key=lambda c: (c.given_on, c.pk)),
                municipal_debt=debts.get(household.pk, Decimal(0)),
                entered=entered,
            )
        )
    return facts


def by_status(facts: Iterable[Facts], *statuses: str) -> list[Facts]:
    return [fact for fact in facts if fact.status in statuses]


OPEN_MANAGED = [CaseStatus.ACTIVE, CaseStatus.PREVENTION, CaseStatus.HOUSING, CaseStatus.FOLLOW_UP]
TRACKED_CASE_CHANGES = (CaseStatusChange, "changed_at")
