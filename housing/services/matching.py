"""State changes of the matching workflow.

The waiting list (housing applications: add, park, unpark, withdraw) and the path of a proposal of
a flat to a household: proposed → reserved (the flat is held) → approved by the housing commission
→ leased; or declined (by the household, the owner or the commission) / withdrawn from any live
step. Every step writes a ProposalEvent and moves `status_changed_at` (the stall worklist reads it).
A step that touches a flat locks the flat's row first, so two workers acting on proposals of one
flat at the same moment are served one after the other and the second sees the first's result.
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from clients.models import Case
from housing.matching import rules
from housing.matching.load import Problem, load_problem
from housing.models import (
    HOLDING_STATUSES,
    LIVE_STATUSES,
    ApplicationStatus,
    DeclineParty,
    DeclineReason,
    DeclineReview,
    Flat,
    FlatKind,
    FlatStatus,
    HousingApplication,
    Lease,
    LeaseKind,
    Program,
    Proposal,
    ProposalEvent,
    ProposalStatus,
)
from housing.services import leases as lease_services
from housing.services.flats import change_flat_status
from kmb.accounts.models import Role, User
from kmb.lib.dates import format_day
from kmb.notifications.models import NotificationKind
from kmb.notifications.services import notify
from kmb.redaction.figures import new_pseudonym

# --- The waiting list ---------------------------------------------------------------------------


@transaction.atomic
def add_to_waiting_list(
    *, case: Case, programs: Iterable[str], emergency: bool, vulnerable: bool, by: User
) -> HousingApplication:
    """Put the case's household on the waiting list from today. `programs`: housing.Program values
    it applies for (none: any that fits). Refused if the case is closed or the household is already
    waiting. Side effect: the application gets a random code (pseudonym) the commission and the
    reports use instead of names."""
    if not case.is_open:
        raise ValidationError(_("A closed case cannot put its household on the waiting list."))
    programs = list(dict.fromkeys(programs))
    if not set(programs) <= set(Program.values):
        raise ValidationError({"programs": _("Choose programs from the list.")})
    waiting = HousingApplication.objects.filter(
        household_id=case.household_id, status=ApplicationStatus.WAITING
    )
    if waiting.exists():
        raise ValidationError(_("The household is already on the waiting list."))
    application = HousingApplication(
        household_id=case.household_id,
        case=case,
        programs=programs,
        emergency=emergency,
        vulnerable=vulnerable,
        pseudonym=_unused_pseudonym(),
    )
    application._history_user = by
    application.full_clean()
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as error:  # the same household added twice at the same moment
        raise ValidationError(_("The household is already on the waiting list.")) from error
    return application


def _unused_pseudonym() -> str:
    while True:
        code = new_pseudonym()
        if not HousingApplication.objects.filter(pseudonym=code).exists():
            return code


@transaction.atomic
def park(
    *, application: HousingApplication, until: datetime.date, reason: str, by: User
) -> HousingApplication:
    """Keep the household out of all proposals until `until` (e.g. while in hospital). Refused if
    it is not waiting, the day is not after today or it holds a reserved or approved flat (decline
    or withdraw that first). Side effect: its proposals not yet reserved are withdrawn."""
    application = _locked_application(application)
    _check_waiting(application, parked_ok=True)
    errors = {}
    if until is None or until <= timezone.localdate():
        errors["until"] = _("Park the household until a day after today.")
    if not (reason or "").strip():
        errors["reason"] = _("Write why the household is parked.")
    if errors:
        raise ValidationError(errors)
    holding = application.proposals.filter(status__in=HOLDING_STATUSES).first()
    if holding:
        raise ValidationError(
            _(
                "The household holds the flat %(flat)s: decline or withdraw that proposal before "
                "parking the household."
            )
            % {"flat": holding.flat}
        )
    note = _("The household is parked until %(date)s.") % {"date": format_day(until)}
    for proposal in application.proposals.filter(status=ProposalStatus.PROPOSED):
        _move(proposal, ProposalStatus.WITHDRAWN, by=by, note=note)
    application.parked_until = until
    application.park_reason = reason.strip()
    return _save_application(application, by)


@transaction.atomic
def unpark(*, application: HousingApplication, by: User) -> HousingApplication:
    """Let the parked household be proposed again from today."""
    application = _locked_application(application)
    if application.status != ApplicationStatus.WAITING or application.parked_until is None:
        raise ValidationError(_("The household is not parked."))
    application.parked_until = None
    application.park_reason = ""
    return _save_application(application, by)


@transaction.atomic
def withdraw_application(
    *, application: HousingApplication, by: User, note: str = ""
) -> HousingApplication:
    """Take the household off the waiting list today. Side effects: its live proposals are
    withdrawn and the flats they held become free."""
    application = _locked_application(application)
    if application.status != ApplicationStatus.WAITING:
        raise ValidationError(_("The household is no longer on the waiting list."))
    note = note.strip() or _("The household was taken off the waiting list.")
    for proposal in application.proposals.filter(status__in=LIVE_STATUSES):
        _withdraw(proposal, by=by, note=note)
    application.status = ApplicationStatus.WITHDRAWN
    application.closed_on = timezone.localdate()
    return _save_application(application, by)


def _locked_application(application: HousingApplication) -> HousingApplication:
    return (
        HousingApplication.objects.select_for_update(of=("self",))
        .select_related("household__kmb", "case")
        .get(pk=application.pk)
    )


def _save_application(application: HousingApplication, by: User) -> HousingApplication:
    application._history_user = by
    application.full_clean()
    application.save()
    return application


def _check_waiting(application: HousingApplication, *, parked_ok: bool = False) -> None:
    if application.status != ApplicationStatus.WAITING:
        raise ValidationError(
            _("The household is not on the waiting list (“%(status)s”).")
            % {"status": application.get_status_display()}
        )
    if not application.case.is_open:
        raise ValidationError(
            _("The household's case is closed: reopen the case before proposing it a flat.")
        )
    if not parked_ok and application.is_parked():
        raise ValidationError(
            _("The household is parked until %(date)s: it cannot be proposed a flat now.")
            % {"date": format_day(application.parked_until)}
        )


# --- Proposals ----------------------------------------------------------------------------------


@transaction.atomic
def propose(*, application: HousingApplication, flat: Flat, by: User) -> Proposal:
    """Propose the flat to the household, evaluated with the KMB's current rules and settings.
    Refused if the household is not waiting or is parked, the flat is not free or lies outside
    the KMB's ORP, the pair was proposed or declined before, or the household fails a rule.
    Side effects: the Proposal keeps a snapshot of the rules, weights, norms, the inputs (no
    names) and each rule's result and score part; a ProposalEvent. A pair whose decline a manager
    overrode is proposed again on the same row (the decline stays in its history and events)."""
    application = _locked_application(application)
    _check_waiting(application)
    flat = Flat.objects.select_related("municipality").get(pk=flat.pk)
    _check_free(flat)
    kmb = application.household.kmb
    if flat.municipality.orp_id != kmb.orp_id:
        raise ValidationError(_("The flat is not in the ORP the KMB serves."))
    earlier = _earlier_proposal(application, flat)
    problem = _pair_problem(application, flat)
    _check_eligible(problem)
    snapshot = problem.snapshot(0, 0)
    proposal = earlier or Proposal(application=application, flat=flat)
    previous = proposal.status if earlier else ""
    proposal.status = ProposalStatus.PROPOSED
    proposal.score = Decimal(str(round(snapshot["score"], 2)))
    proposal.snapshot = snapshot
    proposal.proposed_by = by
    _clear_decline(proposal)
    note = _("Proposed again after a manager overrode the decline.") if earlier else ""
    return _save(proposal, previous=previous, by=by, note=note)


def _earlier_proposal(application, flat) -> Proposal | None:
    """The pair's earlier proposal if it may be proposed again (its decline was overridden);
    refused if it is live or its decline stands."""
    earlier = (
        Proposal.objects.filter(application=application, flat=flat)
        .exclude(status=ProposalStatus.WITHDRAWN)
        .first()
    )
    if earlier is None:
        return None
    if earlier.status != ProposalStatus.DECLINED:
        raise ValidationError(_("This household was already proposed for this flat."))
    if earlier.decline_review != DeclineReview.OVERRIDDEN:
        raise ValidationError(
            _("This flat was declined for this household before: the pair is not proposed again.")
        )
    return earlier


def _clear_decline(proposal: Proposal) -> None:
    proposal.declined_by = ""
    proposal.decline_reason = None
    proposal.decline_reason_text = ""
    proposal.decline_note = ""
    proposal.declined_after_acceptance = False
    proposal.decline_review = ""
    proposal.decline_reviewed_by = None


def _pair_problem(application: HousingApplication, flat: Flat) -> Problem:
    """The matching problem of this one household and this one flat."""
    problem = load_problem(
        kmb=application.household.kmb,
        flats=Flat.objects.filter(pk=flat.pk),
        applications=HousingApplication.objects.filter(pk=application.pk),
    )
    assert len(problem.application_ids) == len(problem.flat_ids) == 1, "checked by the caller"
    return problem


def _check_eligible(problem: Problem) -> None:
    failed = [result for result in problem.explain(0, 0) if not result.passed]
    if failed:
        sentences = " ".join(rules.sentence(result, problem) for result in failed)
        raise ValidationError(
            _("The household does not meet the rules for this flat: %(rules)s")
            % {"rules": sentences}
        )


def _check_free(flat: Flat) -> None:
    if flat.status != FlatStatus.FREE:
        raise ValidationError(
            _("The flat is no longer free: it is “%(status)s”.")
            % {"status": flat.get_status_display()}
        )


@transaction.atomic
def propose_pairs(*, pairs: Iterable[tuple[HousingApplication, Flat]], by: User) -> list[Proposal]:
    """Propose each flat to its household (the global proposal's chosen pairs); all or nothing.
    Refused with the first pair's reason if any pair cannot be proposed."""
    proposals = []
    for application, flat in pairs:
        try:
            proposals.append(propose(application=application, flat=flat, by=by))
        except ValidationError as error:
            raise ValidationError(
                _("%(code)s and %(flat)s: %(reason)s")
                % {"code": application.pseudonym, "flat": flat, "reason": " ".join(error.messages)}
            ) from error
    return proposals


@transaction.atomic
def reserve(*, proposal: Proposal, by: User) -> Proposal:
    """Hold the flat for the household: the household accepted the proposal. The flat's row is
    locked first, so of two workers reserving the same flat at the same moment exactly one
    succeeds; the other is told the flat is no longer free. Refused also if the proposal is not
    waiting for a reservation, the household is not waiting or is parked, already holds another
    flat, or no longer meets the rules. Side effects: the flat becomes reserved (with a status
    change entry); a ProposalEvent."""
    flat = Flat.objects.select_for_update().get(pk=proposal.flat_id)
    proposal = _locked(proposal)
    if proposal.status != ProposalStatus.PROPOSED:
        raise ValidationError(
            _(
                "Only a proposal waiting for the household's answer can reserve the flat; this "
                "one is “%(status)s”."
            )
            % {"status": proposal.get_status_display()}
        )
    if flat.status != FlatStatus.FREE:
        raise ValidationError(
            _(
                "The flat is no longer free (“%(status)s”): another household's proposal has "
                "reserved it in the meantime."
            )
            % {"status": flat.get_status_display()}
        )
    application = proposal.application
    _check_waiting(application)
    holding = (
        application.proposals.filter(status__in=HOLDING_STATUSES).exclude(pk=proposal.pk).first()
    )
    if holding:
        raise ValidationError(
            _("The household already holds the flat %(flat)s: decline or withdraw that first.")
            % {"flat": holding.flat}
        )
    _check_eligible(_pair_problem(application, flat))
    change_flat_status(
        flat=flat, to=FlatStatus.RESERVED, by=by, note=_("Reserved for %(code)s") % _code(proposal)
    )
    return _move(proposal, ProposalStatus.RESERVED, by=by)


@transaction.atomic
def approve(*, proposal: Proposal, by: User, note: str = "") -> Proposal:
    """Record the housing commission's approval of a reserved proposal. The flat stays reserved
    until the lease is signed. Side effect: a ProposalEvent with the note."""
    proposal = _locked(proposal)
    if proposal.status != ProposalStatus.RESERVED:
        raise ValidationError(
            _("The commission approves a proposal with a reserved flat; this one is “%(status)s”.")
            % {"status": proposal.get_status_display()}
        )
    return _move(proposal, ProposalStatus.APPROVED, by=by, note=note)


@transaction.atomic
def decline(
    *,
    proposal: Proposal,
    party: DeclineParty | str,
    reason: DeclineReason | None = None,
    reason_text: str = "",
    note: str = "",
    by: User,
) -> Proposal:
    """Record that the household, the owner or the commission declined the proposal, with a
    reason from the KMB's list (its text is copied onto the proposal) or written out. The pair (for
    the owner: the household and all the owner's flats) is never proposed again unless a manager
    overrides the decline. Side effects: a flat the proposal held becomes free; the decline waits
    for a manager's review; a decline after the commission's approval is marked so and the case
    manager (without one: the KMB's managers) is notified in the app and by e-mail; a
    ProposalEvent."""
    Flat.objects.select_for_update().get(pk=proposal.flat_id)
    proposal = _locked(proposal)
    if proposal.status not in LIVE_STATUSES:
        raise ValidationError(
            _("Only a live proposal can be declined; this one is “%(status)s”.")
            % {"status": proposal.get_status_display()}
        )
    text = _decline_text(proposal, party, reason, reason_text)
    after_acceptance = proposal.status == ProposalStatus.APPROVED
    held = proposal.status in HOLDING_STATUSES
    proposal.declined_by = party
    proposal.decline_reason = reason
    proposal.decline_reason_text = text[:200]
    proposal.decline_note = note.strip()[:500]
    proposal.declined_after_acceptance = after_acceptance
    proposal.decline_review = DeclineReview.PENDING
    _move(proposal, ProposalStatus.DECLINED, by=by, note=text)
    if held:
        # The flat's history is read by the housing department: a code, never the typed text.
        _free(proposal.flat, by=by, note=_("Proposal %(code)s declined") % _code(proposal))
    if after_acceptance:
        _alert_case_manager(proposal)
    return proposal


def _decline_text(proposal, party, reason, reason_text) -> str:
    if party not in DeclineParty.values:
        raise ValidationError({"party": _("Choose who declined.")})
    if reason is None:
        text = (reason_text or "").strip()
        if not text:
            raise ValidationError({"reason": _("Choose a reason from the list or write one.")})
        return text
    if reason.kmb_id != proposal.application.household.kmb_id or reason.party != party:
        raise ValidationError(
            {"reason": _("Choose one of the reasons of the party that declined.")}
        )
    return reason.text


def _alert_case_manager(proposal: Proposal) -> None:
    application = proposal.application
    recipients = [application.case.case_manager] if application.case.case_manager else []
    if not recipients:
        recipients = User.objects.filter(
            organisation_id=application.household.kmb_id, role=Role.MANAGER, is_active=True
        )
    for recipient in recipients:
        notify(
            recipient=recipient,
            kind=NotificationKind.PROPOSAL_DECLINED,
            message=gettext_noop(
                "The proposal of %(flat)s for household %(code)s was declined after the "
                "commission approved it: %(reason)s"
            ),
            params={
                "flat": str(proposal.flat),
                "code": application.pseudonym,
                "reason": proposal.decline_reason_text,
            },
            url=proposal.get_absolute_url(),
            email=True,
        )


@transaction.atomic
def review_decline(*, proposal: Proposal, confirm: bool, by: User) -> Proposal:
    """A manager confirms the decline (the pair stays apart for good) or overrides it (the pair
    may be proposed again, e.g. when the reason proved wrong). Side effect: a ProposalEvent."""
    proposal = _locked(proposal)
    if proposal.status != ProposalStatus.DECLINED or proposal.decline_review not in (
        DeclineReview.PENDING,
        "",
    ):
        raise ValidationError(_("This decline is not waiting for a manager's review."))
    proposal.decline_review = DeclineReview.CONFIRMED if confirm else DeclineReview.OVERRIDDEN
    proposal.decline_reviewed_by = by
    note = (
        _("The manager confirmed the decline.")
        if confirm
        else _("The manager overrode the decline: the pair may be proposed again.")
    )
    proposal._history_user = by
    proposal.full_clean()
    proposal.save()
    _event(proposal, ProposalStatus.DECLINED, ProposalStatus.DECLINED, by=by, note=note)
    return proposal


@transaction.atomic
def withdraw(*, proposal: Proposal, by: User, note: str = "") -> Proposal:
    """Withdraw a live proposal (the KMB changed its mind, the household moved...). Side effects:
    a flat it held becomes free; a ProposalEvent."""
    Flat.objects.select_for_update().get(pk=proposal.flat_id)
    proposal = _locked(proposal)
    if proposal.status not in LIVE_STATUSES:
        raise ValidationError(
            _("Only a live proposal can be withdrawn; this one is “%(status)s”.")
            % {"status": proposal.get_status_display()}
        )
    return _withdraw(proposal, by=by, note=note.strip())


def _withdraw(proposal: Proposal, *, by: User, note: str) -> Proposal:
    held = proposal.status in HOLDING_STATUSES
    _move(proposal, ProposalStatus.WITHDRAWN, by=by, note=note)
    if held:
        _free(proposal.flat, by=by, note=_("Proposal %(code)s withdrawn") % _code(proposal))
    return proposal


@transaction.atomic
def sign_lease(
    *,
    proposal: Proposal,
    start_on: datetime.date,
    end_on: datetime.date | None,
    rent: Decimal,
    deposit: Decimal,
    by: User,
) -> Lease:
    """Sign the lease of the approved proposal (a sublease for an NGO sublet). Side effects: the
    lease (through housing.services.leases.sign_lease: the flat becomes let); the proposal is
    leased and linked to it; the application is closed as housed; the household's and the flat's
    other live proposals are withdrawn (flats they held become free); ProposalEvents."""
    flat = Flat.objects.select_for_update().get(pk=proposal.flat_id)
    proposal = _locked(proposal)
    if proposal.status != ProposalStatus.APPROVED:
        raise ValidationError(
            _(
                "A lease is signed once the commission approved the proposal; this one is "
                "“%(status)s”."
            )
            % {"status": proposal.get_status_display()}
        )
    application = proposal.application
    lease = Lease(
        flat=flat,
        household_id=application.household_id,
        kind=LeaseKind.SUBLEASE if flat.kind == FlatKind.NGO_SUBLET else LeaseKind.LEASE,
        start_on=start_on,
        end_on=end_on,
        rent=rent,
        deposit=deposit,
    )
    lease_services.sign_lease(lease=lease, by=by)
    proposal.lease = lease
    _move(proposal, ProposalStatus.LEASED, by=by)
    others = Proposal.objects.live().exclude(pk=proposal.pk)
    for other in others.filter(application=application).select_related("flat"):
        _withdraw(other, by=by, note=_("The household signed a lease of another flat."))
    for other in others.filter(flat_id=flat.pk):
        _withdraw(other, by=by, note=_("The flat was let to another household."))
    application.status = ApplicationStatus.HOUSED
    application.closed_on = timezone.localdate()
    _save_application(application, by)
    return lease


# --- Helpers ------------------------------------------------------------------------------------


def _locked(proposal: Proposal) -> Proposal:
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("application__household", "application__case__case_manager", "flat")
        .get(pk=proposal.pk)
    )


def _code(proposal: Proposal) -> dict:
    return {"code": proposal.application.pseudonym}


def _move(proposal: Proposal, to: ProposalStatus, *, by: User, note: str = "") -> Proposal:
    previous = proposal.status
    proposal.status = to
    return _save(proposal, previous=previous, by=by, note=note)


def _save(proposal: Proposal, *, previous: str, by: User, note: str) -> Proposal:
    proposal.status_changed_at = timezone.now()
    proposal._history_user = by
    proposal.full_clean()
    try:
        with transaction.atomic():
            proposal.save()
    except IntegrityError as error:
        # The database's constraints settle a race the checks above could not see.
        raise ValidationError(
            _(
                "Another worker changed the flat or the proposal at the same moment: reload the "
                "page and try again."
            )
        ) from error
    _event(proposal, previous, proposal.status, by=by, note=note)
    return proposal


def _event(proposal, previous, to, *, by, note) -> ProposalEvent:
    event = ProposalEvent(
        proposal=proposal, from_status=previous, to_status=to, by=by, note=note[:500]
    )
    event.full_clean()
    event.save()
    return event


def _free(flat: Flat, *, by: User, note: str) -> None:
    flat.refresh_from_db(fields=["status"])
    if flat.status == FlatStatus.RESERVED:
        change_flat_status(flat=flat, to=FlatStatus.FREE, by=by, note=note[:250])
