"""Saving the proposals demo.proposals drew, each step as housing.services.matching records it:
the proposals and their events, the flats reserved and freed (through the flats service), the
applications closed, the case manager's notification, the commission's sessions
(demo.commission), and the last days' proposals made through the service itself.
"""

import datetime
import itertools
import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from demo import commission
from demo.common import dated, days, moment, save_all
from housing.matching.load import load_problem
from housing.models import (
    ApplicationStatus,
    Flat,
    FlatStatus,
    FlatStatusChange,
    HousingApplication,
    Lease,
    Proposal,
    ProposalEvent,
    ProposalStatus,
)
from housing.services.flats import change_flat_status
from housing.services.matching import propose
from kmb.notifications.models import Notification, NotificationKind
from kmb.notifications.services import notify

if TYPE_CHECKING:
    from demo.proposals import Stories

SEED = "kmb-demo-proposals"
PS = ProposalStatus
# As housing.services.matching.decline tells the case manager of a decline after approval.
DECLINED_AFTER_APPROVAL = gettext_noop(
    "The proposal of %(flat)s for household %(code)s was declined after the commission approved "
    "it: %(reason)s"
)


@dataclass
class Move:
    to: str
    day: datetime.date
    by: object
    note: str = ""


@dataclass
class Story:
    """One proposal as the demo wants it: its path, and what the commission did with it."""

    application: HousingApplication
    flat: Flat
    moves: list[Move]
    snapshot: dict
    declined_by: str = ""
    reason_text: str = ""
    decline_reason: object = None
    decline_note: str = ""
    after_acceptance: bool = False
    review: str = ""
    reviewed_by: object = None
    lease: Lease | None = None
    decision: tuple | None = None  # (Decision, conditions, reasons) at last month's session
    next_session: bool = False
    proposal: Proposal | None = field(default=None, repr=False)

    @property
    def status(self) -> str:
        return self.moves[-1].to


# --- Saving -----------------------------------------------------------------------------------


def save(at, stories: list[Story]) -> None:
    """The proposals with their events, the flats' status changes, the applications closed, the
    case manager's notification, and the commission's two sessions."""
    rows = []
    for story in stories:
        story.proposal = Proposal(
            application=story.application,
            flat=story.flat,
            status=story.status,
            status_changed_at=moment(status_moves(story)[-1].day, 11),
            score=Decimal(str(round(story.snapshot["score"], 2))),
            snapshot=story.snapshot,
            proposed_by=story.moves[0].by,
            declined_by=story.declined_by,
            decline_reason=story.decline_reason,
            decline_reason_text=story.reason_text,
            decline_note=story.decline_note,
            declined_after_acceptance=story.after_acceptance,
            decline_review=story.review,
            decline_reviewed_by=story.reviewed_by,
            lease=story.lease,
        )
        story.proposal._last = story.moves[-1]  # its history row: as it is now
        rows.append(story.proposal)
    save_all(
        Proposal,
        rows,
        when=lambda p: moment(p._last.day, 11),
        who=lambda p: p._last.by,
    )
    for row in rows:  # created when it was proposed
        row.created_at = moment(next(s for s in stories if s.proposal is row).moves[0].day, 9)
    Proposal.objects.bulk_update(rows, ["created_at"])
    save_all(ProposalEvent, [e for story in stories for e in events(story)])
    change_flats(stories)
    close_applications(stories)
    tell_of_decline(stories)
    sessions(at, stories)


def status_moves(story: Story) -> list[Move]:
    """The moves that changed the status (a manager's review of a decline does not)."""
    moves, previous = [], ""
    for move in story.moves:
        if move.to != previous:
            moves.append(move)
        previous = move.to
    return moves


def events(story: Story) -> list[ProposalEvent]:
    previous, rows = "", []
    for number, move in enumerate(story.moves):
        rows.append(
            ProposalEvent(
                proposal=story.proposal,
                from_status=previous,
                to_status=move.to,
                at=moment(move.day, 11, number),
                by=move.by,
                note=move.note[:500],
            )
        )
        previous = move.to
    return rows


def change_flats(stories: list[Story]) -> None:
    """The reservations and releases the proposals made, in order of day for each flat (flats
    the housing stock reserved already keep their history)."""
    changes: dict[int, list] = {}
    for story in stories:
        code = {"code": story.application.pseudonym}
        flat, moves = story.flat, status_moves(story)
        if flat.status == FlatStatus.RESERVED or story.lease:
            continue  # reserved by the housing stock already, or let since
        for before, move in itertools.pairwise(moves):
            if move.to == PS.RESERVED:
                change = (move.day, FlatStatus.RESERVED, _("Reserved for %(code)s") % code)
            elif before.to in (PS.RESERVED, PS.APPROVED) and move.to == PS.DECLINED:
                text = _("Declined: %(reason)s") % {"reason": story.reason_text}
                change = (move.day, FlatStatus.FREE, text)
            else:
                continue
            changes.setdefault(flat.pk, []).append((change, move.by, flat))
    for flat_changes in changes.values():
        for (day, to, note), by, flat in sorted(flat_changes, key=lambda c: c[0][0]):
            flat._history_date = moment(day, 11)
            with dated(day, (FlatStatusChange, "changed_at")):
                change_flat_status(flat=flat, to=to, by=by, note=note[:250])


def close_applications(stories: list[Story]) -> None:
    """A lease signed closes the application as housed; a withdrawal as withdrawn."""
    for story in stories:
        application = story.application
        if story.lease:
            application.status, application.closed_on = (
                ApplicationStatus.HOUSED,
                story.lease.start_on,
            )
        elif story.status == PS.WITHDRAWN:
            application.status, application.closed_on = (
                ApplicationStatus.WITHDRAWN,
                story.moves[-1].day,
            )
        else:
            continue
        application._history_date = moment(application.closed_on, 12)
        application._history_user = story.moves[-1].by
        application.full_clean()
        application.save()


def tell_of_decline(stories: list[Story]) -> None:
    """The case manager was notified of the decline after approval (without the e-mail
    housing.services.matching.decline also sends: the demo sends none)."""
    for story in stories:
        if not story.after_acceptance:
            continue
        proposal = story.proposal
        day = next(move.day for move in story.moves if move.to == PS.DECLINED)
        notification = notify(
            recipient=story.application.case.case_manager,
            kind=NotificationKind.PROPOSAL_DECLINED,
            message=DECLINED_AFTER_APPROVAL,
            params={
                "flat": str(proposal.flat),
                "code": story.application.pseudonym,
                "reason": proposal.decline_reason_text,
            },
            url=proposal.get_absolute_url(),
        )
        old = day < timezone.localdate() - days(7)  # read since
        read = moment(day + days(1), 9) if old else None
        Notification.objects.filter(pk=notification.pk).update(
            created_at=moment(day, 11), read_at=read
        )


def sessions(at, stories: list[Story]) -> None:
    held, planned = commission.session_days(at.today)
    decided = [(s.proposal, *s.decision) for s in stories if s.decision]
    waiting = [s.proposal for s in stories if s.next_session]
    if decided or waiting:
        commission.build_sessions(
            municipality=at.municipalities["Liberec"],
            held=held,
            planned=planned,
            decided=decided,
            waiting=waiting,
            by=at.housing_department,
        )


def fresh(at, stories: "Stories") -> None:
    """Proposals made in the last days through the service itself, for free flats that have no
    live proposal yet."""
    live = Counter(Proposal.objects.live().values_list("flat_id", flat=True))
    rng = random.Random(f"{SEED}-fresh")
    stories.problem = load_problem(kmb=at.kmb)
    for flat in Flat.objects.in_orp(at.kmb.orp_id).free().order_by("pk"):
        day = at.today - days(rng.randint(0, 4))
        wanted = 2 - live[flat.pk]  # a short list of two households a flat
        for application in stories.candidates(flat, on=day)[:4]:
            if wanted <= 0:
                break
            if proposed_through_service(application, flat, day, at):
                stories.busy.add(application.pk)
                wanted -= 1


def proposed_through_service(application, flat: Flat, day: datetime.date, at) -> bool:
    """Propose with housing.services.matching.propose, dated to `day`; False if it refused."""
    by = application.case.case_manager or at.manager
    tracked = [(ProposalEvent, "at"), (Proposal.history.model, "history_date")]
    try:
        with dated(day, *tracked):
            proposal = propose(application=application, flat=flat, by=by)
    except ValidationError:
        return False
    Proposal.objects.filter(pk=proposal.pk).update(
        created_at=moment(day), status_changed_at=moment(day)
    )
    return True
