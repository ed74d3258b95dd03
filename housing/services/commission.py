"""State changes of the housing commission: sessions, their agenda, decisions, and the case
manager's recommendation that the commission reads.

Everything the commission sees about a household is built by `housing.summaries` through the
redaction policy and frozen into the agenda item when it is added; free text that reaches the
commission or its minutes passes the free-text checker here, whatever the form did before.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from housing import summaries
from housing.models import (
    AgendaItem,
    ApplicationStatus,
    CommissionSession,
    Decision,
    DeclineParty,
    HousingApplication,
    Proposal,
    ProposalStatus,
    Readiness,
    Recommendation,
    SessionStatus,
)
from housing.services import matching
from kmb.accounts.models import User
from kmb.lib.dates import format_day
from kmb.redaction import HouseholdIdentifiers
from kmb.territory.models import Municipality

# Proposal.decline_reason_text holds this much; the full reasons stay on the agenda item.
DECLINE_REASON_LENGTH = 200
# What the commission's own text is checked against: the generic patterns only.
COMMISSION_TEXT = HouseholdIdentifiers()


@transaction.atomic
def record_recommendation(
    *,
    application: HousingApplication,
    recommendation: Recommendation | str,
    readiness: list[str],
    text: str,
    by: User,
) -> HousingApplication:
    """Save the case manager's structured recommendation for the commission. Refused while the
    text contains personal data of the household (or anything shaped like it), and for a
    household no longer on the waiting list. Side effects:
    recommended_by/on are set; the change is kept in the application's history."""
    application = summaries.load_application(application.pk)
    if application.status != ApplicationStatus.WAITING:
        raise ValidationError(
            _("Only a household on the waiting list is recommended to the commission.")
        )
    summaries.identifiers_of(application).check(text)
    application.recommendation = recommendation
    application.readiness = [code for code in Readiness.values if code in readiness]
    application.recommendation_text = text.strip()
    application.recommended_by = by
    application.recommended_on = timezone.localdate()
    application._history_user = by
    application.full_clean()
    application.save()
    return application


@transaction.atomic
def create_session(
    *, municipality: Municipality, held_on: datetime.date, place: str, by: User
) -> CommissionSession:
    """Plan a session of the municipality's housing commission."""
    session = CommissionSession(municipality=municipality, held_on=held_on, place=place)
    session.created_by = by
    session._history_user = by
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def update_session(*, session: CommissionSession, by: User) -> CommissionSession:
    """Save a planned session's new date or place."""
    _require_planned(session)
    session._history_user = by
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def add_to_agenda(*, session: CommissionSession, proposal: Proposal, by: User) -> AgendaItem:
    """Put a reserved proposal of a flat in the session's municipality on its agenda. The
    anonymised summary (and the flat's particulars) are built now and frozen into the item:
    the minutes show what the commission saw. Refused for a closed session, a proposal that is
    not reserved, a flat elsewhere, or a proposal already waiting on an agenda."""
    session = CommissionSession.objects.select_for_update().get(pk=session.pk)
    _require_planned(session)
    proposal = (
        Proposal.objects.select_for_update()
        .select_related("flat__municipality")
        .get(pk=proposal.pk)
    )
    if proposal.status != ProposalStatus.RESERVED:
        raise ValidationError(
            _(
                "Only a proposal whose flat is reserved goes to the commission "
                "(this one is “%(status)s”)."
            )
            % {"status": proposal.get_status_display()}
        )
    if proposal.flat.municipality_id != session.municipality_id:
        raise ValidationError(_("The flat is not in the municipality of this commission."))
    if AgendaItem.objects.filter(proposal=proposal, decision="").exists():
        raise ValidationError(_("The proposal is already on an agenda, waiting for a decision."))
    summary = summaries.summary_of(proposal.application_id, flat=proposal.flat)
    last = session.items.aggregate(last=Max("order"))["last"] or 0
    item = AgendaItem(
        session=session,
        proposal=proposal,
        order=last + 1,
        summary={"household": summary.to_dict(), "flat": summaries.flat_facts(proposal.flat)},
    )
    item._history_user = by
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def remove_from_agenda(*, item: AgendaItem, by: User) -> None:
    """Take an undecided item off a planned session's agenda (e.g. the household declined the
    flat in the meantime). The proposal is not touched."""
    item = AgendaItem.objects.select_for_update().select_related("session").get(pk=item.pk)
    _require_planned(item.session)
    if item.decision:
        raise ValidationError(_("A decided item stays on the agenda and in the minutes."))
    item._history_user = by
    item.delete()


@transaction.atomic
def record_decision(
    *,
    item: AgendaItem,
    decision: Decision | str,
    conditions: str = "",
    reasons: str = "",
    by: User,
) -> AgendaItem:
    """Record the commission's decision on an agenda item and feed it to the proposal's workflow:
    approve → the proposal is approved (matching.approve, with the conditions as its note);
    reject → the commission declines it (matching.decline, the reasons copied onto the decline);
    defer → the proposal stays reserved for a later session. A rejection needs reasons; the
    conditions and reasons go into the minutes, so they pass the free-text checker."""
    item = (
        AgendaItem.objects.select_for_update().select_related("session", "proposal").get(pk=item.pk)
    )
    _require_planned(item.session)
    if item.decision:
        raise ValidationError(
            _("The commission has already decided on this item (%(decision)s).")
            % {"decision": item.get_decision_display()}
        )
    conditions, reasons = conditions.strip(), reasons.strip()
    if decision == Decision.REJECT and not reasons:
        raise ValidationError({"reasons": _("A rejection needs its reasons.")})
    check_commission_text(conditions=conditions, reasons=reasons)
    if decision != Decision.DEFER and item.proposal.status != ProposalStatus.RESERVED:
        raise ValidationError(
            _("The proposal is no longer reserved (“%(status)s”): take the item off the agenda.")
            % {"status": item.proposal.get_status_display()}
        )
    item.decision = decision
    item.conditions = conditions
    item.reasons = reasons
    item.decided_at = timezone.now()
    item.decided_by = by
    item._history_user = by
    item.full_clean()
    item.save()
    _feed_workflow(item, by=by)
    return item


def check_commission_text(**texts: str) -> None:
    """Conditions and reasons go into the minutes: refused (per field) while they contain
    personal data. The housing department writes them and was never shown the household's
    identifiers, so only the generic patterns are checked: checking its text against the real
    names and birth dates would confirm or rule out a guess."""
    identifiers = COMMISSION_TEXT
    errors = {}
    for field, text in texts.items():
        try:
            identifiers.check(text)
        except ValidationError as error:
            errors[field] = error.error_list
    if errors:
        raise ValidationError(errors)


def _feed_workflow(item: AgendaItem, *, by: User) -> None:
    proposal = item.proposal
    if item.decision == Decision.DEFER:
        return
    note = _("Housing commission of %(date)s") % {"date": format_day(item.session.held_on)}
    if item.decision == Decision.APPROVE:
        conditions = f": {item.conditions}" if item.conditions else ""
        matching.approve(proposal=proposal, by=by, note=Truncator(note + conditions).chars(500))
    else:
        matching.decline(
            proposal=proposal,
            party=DeclineParty.COMMISSION,
            reason_text=Truncator(item.reasons).chars(DECLINE_REASON_LENGTH),
            note=note,
            by=by,
        )


@transaction.atomic
def close_session(*, session: CommissionSession, by: User) -> CommissionSession:
    """Close the session once every item is decided; its minutes are then final. Refused for an
    empty agenda or an undecided item."""
    session = CommissionSession.objects.select_for_update().get(pk=session.pk)
    _require_planned(session)
    items = list(session.items.all())
    if not items:
        raise ValidationError(_("The agenda is empty: add a proposal before closing the session."))
    undecided = [item for item in items if not item.decision]
    if undecided:
        raise ValidationError(
            _("Record a decision on every item first (items without one: %(items)s).")
            % {"items": ", ".join(str(item.order) for item in undecided)}
        )
    session.status = SessionStatus.CLOSED
    session.closed_at = timezone.now()
    session._history_user = by
    session.full_clean()
    session.save()
    return session


def _require_planned(session: CommissionSession) -> None:
    if session.status != SessionStatus.PLANNED:
        raise ValidationError(_("The session is closed: its agenda and decisions are final."))
