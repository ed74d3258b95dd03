"""State changes of case files. Views call these; each validates before it saves."""

import datetime
import uuid
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import (
    MANAGED_STATUSES,
    Benefit,
    Case,
    CaseReasonEntry,
    CaseStatus,
    CaseStatusChange,
    Client,
    CloseReason,
    Consent,
    Consultation,
    ConsultationTopicEntry,
    Household,
    HousingSituation,
    Income,
    Referral,
    Relationship,
)
from kmb.accounts.models import User


def check_ages(applicant: Client, members: Iterable[Client]) -> None:
    """Refuse a household in which a child is older than the applicant or a parent younger.

    Raises ValidationError whose message names the member (by position in `members`)."""
    for position, member in enumerate(members):
        if not (member.birth_date and applicant.birth_date):
            continue
        if member.relationship in (Relationship.CHILD, Relationship.GRANDCHILD) and (
            member.birth_date <= applicant.birth_date
        ):
            raise ValidationError(
                _("A child cannot be older than the applicant."),
                code="child_older",
                params={"position": position},
            )
        if member.relationship in (Relationship.PARENT, Relationship.GRANDPARENT) and (
            member.birth_date >= applicant.birth_date
        ):
            raise ValidationError(
                _("A parent cannot be younger than the applicant."),
                code="parent_younger",
                params={"position": position},
            )


@transaction.atomic
def register_household(
    *,
    kmb,
    applicant: Client,
    household: Household,
    preferred_municipalities: Iterable = (),
    members: list[Client],
    situation: HousingSituation,
    incomes: list[Income],
    benefits: list[Benefit],
    reasons: list[str],
    case_manager: User | None,
    intake_token: uuid.UUID,
    by: User,
) -> Case:
    """Register a new household from the intake form and open its case.

    Idempotent on `intake_token`: a second submit of the same form returns the case the first
    one opened. Side effects: the household, its members, situation, incomes, benefits, one case
    with its reasons and its first status entry are saved; their history rows are written."""
    existing = Case.objects.filter(household__intake_token=intake_token).first()
    if existing:
        return existing
    check_ages(applicant, members)
    household.kmb = kmb
    household.intake_token = intake_token
    household.full_clean(exclude=["preferred_municipalities"])
    try:
        with transaction.atomic():
            household.save()
    except IntegrityError:
        # The same form was submitted twice at once; the other request has registered it.
        return Case.objects.get(household__intake_token=intake_token)
    household.preferred_municipalities.set(preferred_municipalities)
    for person, relationship in [(applicant, Relationship.APPLICANT)] + [
        (member, member.relationship) for member in members
    ]:
        person.household = household
        person.relationship = relationship
        save_client(client=person)
    situation.household = household
    situation.recorded_by = by
    situation.full_clean()
    situation.save()
    for income in incomes:
        income.household = household
        income.full_clean()
        income.save()
    for benefit in benefits:
        benefit.household = household
        benefit.full_clean()
        benefit.save()
    return open_case(household=household, reasons=reasons, case_manager=case_manager, by=by)


def save_client(*, client: Client) -> Client:
    """Save a person, refreshing the folded search fields."""
    client.refresh_search_fields()
    client.full_clean()
    client.save()
    return client


@transaction.atomic
def open_case(
    *, household: Household, reasons: list[str], case_manager: User | None, by: User
) -> Case:
    """Open a case for the household: active when it has a case manager, new otherwise."""
    status = CaseStatus.ACTIVE if case_manager else CaseStatus.NEW
    case = Case(household=household, kmb=household.kmb, status=status, case_manager=case_manager)
    case.full_clean()
    case.save()
    CaseReasonEntry.objects.bulk_create(
        [CaseReasonEntry(case=case, reason=reason) for reason in dict.fromkeys(reasons)]
    )
    CaseStatusChange.objects.create(case=case, from_status="", to_status=status, by=by)
    return case


@transaction.atomic
def change_status(
    *,
    case: Case,
    to: CaseStatus,
    by: User,
    note: str = "",
    close_reason: CloseReason | str = "",
    on: datetime.date | None = None,
) -> Case:
    """Move the case to another status. Closing needs a reason; reopening clears it. The path is
    kept in CaseStatusChange, so nothing of the history is lost."""
    if to not in case.next_statuses():
        raise ValidationError(
            _("A case cannot go from “%(from)s” to “%(to)s”.")
            % {"from": case.get_status_display(), "to": CaseStatus(to).label}
        )
    if to in MANAGED_STATUSES and not case.case_manager_id:
        raise ValidationError(
            _("Assign a case manager first: a case cannot be active without one.")
        )
    if to == CaseStatus.CLOSED:
        if not close_reason:
            raise ValidationError({"close_reason": _("Choose why the case is being closed.")})
        case.closed_on = on or timezone.localdate()
        case.close_reason = close_reason
    else:
        case.closed_on = None
        case.close_reason = ""
    previous = case.status
    case.status = to
    case.full_clean()
    case.save()
    CaseStatusChange.objects.create(case=case, from_status=previous, to_status=to, by=by, note=note)
    return case


@transaction.atomic
def assign_case_manager(*, case: Case, case_manager: User, by: User) -> Case:
    """Give the case a case manager; a new case becomes active with it."""
    if case_manager.organisation_id != case.kmb_id or not case_manager.is_active:
        raise ValidationError({"case_manager": _("The case manager must work for this KMB.")})
    case.case_manager = case_manager
    case.full_clean()
    case.save()
    if case.status == CaseStatus.NEW:
        change_status(case=case, to=CaseStatus.ACTIVE, by=by)
    return case


@transaction.atomic
def record_situation(
    *, household: Household, situation: HousingSituation, by: User
) -> HousingSituation:
    """Record the household's situation from a date on; earlier ones stay as its history."""
    situation.household = household
    situation.recorded_by = by
    situation.full_clean()
    situation.save()
    return situation


@transaction.atomic
def record_consultation(
    *,
    case: Case,
    consultation: Consultation,
    topics: list[str],
    referrals: list[Referral],
    by: User,
    token: uuid.UUID | None = None,
) -> Consultation:
    """Record a contact with the household and the referrals made during it. Idempotent on
    `token`: the same form submitted twice records the consultation once."""
    if token:
        Case.objects.select_for_update().filter(pk=case.pk).first()
        existing = Consultation.objects.filter(token=token).first()
        if existing:
            return existing
    if consultation.date and consultation.date > timezone.localdate():
        raise ValidationError({"date": _("A consultation cannot be recorded in advance.")})
    consultation.token = token
    consultation.case = case
    consultation.by = by
    consultation.full_clean()
    consultation.save()
    ConsultationTopicEntry.objects.bulk_create(
        [
            ConsultationTopicEntry(consultation=consultation, topic=topic)
            for topic in dict.fromkeys(topics)
        ]
    )
    for referral in referrals:
        referral.consultation = consultation
        referral.full_clean()
        referral.save()
    return consultation


@transaction.atomic
def withdraw_consent(*, consent: Consent, on: datetime.date, by: User) -> Consent:
    """Withdraw the consent from `on` (sharing stops that day)."""
    if consent.withdrawn_on:
        raise ValidationError(_("This consent has already been withdrawn."))
    consent.withdrawn_on = on
    consent.full_clean()
    consent.save()
    return consent
