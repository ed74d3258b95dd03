"""Proposals of the demo ORP's flats to waiting households, each step as housing.services.matching
records it, and the housing commission of Liberec deciding on them (demo.commission).

Every proposal pairs a household and a flat that meet the rules on the day it was made: the pair
is checked and its snapshot taken by the real adapter and engine (housing.matching.load) as of
that day. The flats the stories need free for that moment (since reserved or let) are briefly
marked free while the snapshots are taken. What the demo shows:

- flats reserved before last month's session: approved there (waiting for the lease, stalled)
  or deferred to next week's session; flats reserved since: on next week's agenda;
- a flat approved last month and declined by the household three days ago (after acceptance,
  waiting for the manager's review; the case manager was notified), then proposed again;
- a proposal the commission rejected (debt to the city), the flat proposed to another household;
- a household's and an owner's declines (confirmed, one overridden), stalled proposals (8 and 15
  days), an application withdrawn with its proposal, leases signed from approved proposals;
- fresh proposals made through housing.services.matching.propose.

demo.workflow saves what is drawn here. Built once, with the waiting list (demo.matching).
"""

import datetime
import random
from contextlib import contextmanager

import numpy as np
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import CaseStatus
from demo import commission, matching, workflow
from demo.common import Facts, days, load_facts
from demo.workflow import PS, SEED, Move, Story
from housing.matching.load import load_problem
from housing.models import (
    Decision,
    DeclineParty,
    DeclineReview,
    Flat,
    FlatStatus,
    HousingApplication,
    Lease,
    OwnerKind,
    Program,
)
from kmb.lib.dates import format_day

OWN_LOGIN = "socialni"


def status_since(flat: Flat) -> datetime.date:
    changes = sorted(flat.status_changes.all(), key=lambda c: (c.changed_at, c.pk))
    return timezone.localdate(changes[-1].changed_at)


def reserved_on(flat: Flat, before: datetime.date | None = None) -> datetime.date | None:
    """The day the flat was last reserved (before `before`)."""
    days_reserved = [
        timezone.localdate(c.changed_at)
        for c in flat.status_changes.all()
        if c.to_status == FlatStatus.RESERVED
        and (before is None or timezone.localdate(c.changed_at) < before)
    ]
    return max(days_reserved) if days_reserved else None


def decided_in_liberec(flat: Flat) -> bool:
    """The city's own flats go to Liberec's housing commission."""
    return flat.municipality.name == "Liberec" and flat.owner.kind == OwnerKind.MUNICIPALITY


@contextmanager
def briefly_free(flats: list[Flat]):
    """The flats count as free while the block evaluates proposals made when they were (their
    status is put back afterwards; nothing is recorded)."""
    statuses = {flat.pk: flat.status for flat in flats}
    Flat.objects.filter(pk__in=statuses).update(status=FlatStatus.FREE)
    try:
        yield
    finally:
        for status in set(statuses.values()):
            pks = [pk for pk, value in statuses.items() if value == status]
            Flat.objects.filter(pk__in=pks).update(status=status)


class Stories:
    """Draws the proposals: which household for which flat, and what happened since."""

    def __init__(self, at: matching.Here, facts: dict[int, Facts], applications: list):
        self.at, self.today = at, at.today
        self.facts = facts  # by household id
        self.applications = {a.pk: a for a in applications}
        self.rng = random.Random(SEED)
        self.stories: list[Story] = []
        self.busy: set[int] = set()  # applications with a live proposal
        self.paired: set[tuple[int, int]] = set()  # (application, flat) proposed once already
        self.owners_declined: set[tuple[int, int]] = set()  # (application, owner)
        self.held, self.next = commission.session_days(self.today)
        self.hd = at.housing_department  # records the commission's decisions
        self.problem = load_problem(kmb=at.kmb)

    # --- choosing households ---

    def candidates(self, flat: Flat, *, on: datetime.date, prefer=None) -> list:
        """Waiting households that meet the rules for the flat (today's evaluation), the best
        score first, those `prefer` likes before the rest."""
        f = self.problem.flat_index(flat.pk)
        if f is None:
            return []
        column = self.problem.evaluation.score[:, f]
        order = np.argsort(-column, kind="stable")
        found = []
        for h in order:
            if not np.isfinite(column[h]):
                break
            application = self.applications[int(self.problem.application_ids[h])]
            if application.pk in self.busy or application.submitted_on > on - days(2):
                continue
            if (application.pk, flat.pk) in self.paired:
                continue
            if (application.pk, flat.owner_id) in self.owners_declined:
                continue
            found.append(application)
        if prefer:
            found.sort(key=lambda a: not prefer(self.facts[a.household_id]))
        return found

    def snapshot(self, application, flat: Flat, on: datetime.date) -> dict | None:
        """The snapshot of the pair as of `on` (None if it did not meet every rule then)."""
        problem = load_problem(
            kmb=self.at.kmb,
            today=on,
            flats=Flat.objects.filter(pk=flat.pk),
            applications=HousingApplication.objects.filter(pk=application.pk),
        )
        if not len(problem.application_ids) or not len(problem.flat_ids):
            return None
        snapshot = problem.snapshot(0, 0)
        return snapshot if all(rule["passed"] for rule in snapshot["rules"]) else None

    def pick(self, flat: Flat, on: datetime.date, prefer=None, live=True):
        """The first candidate whose snapshot holds on `on`, and the snapshot."""
        for application in self.candidates(flat, on=on, prefer=prefer)[:6]:
            snapshot = self.snapshot(application, flat, on)
            if snapshot:
                if live:
                    self.busy.add(application.pk)
                return application, snapshot
        return None, None

    def manager_of(self, application):
        return application.case.case_manager or self.at.manager

    def story(self, flat, on, moves, *, prefer=None, live=True, **details) -> Story | None:
        application, snapshot = self.pick(flat, on, prefer=prefer, live=live)
        if application is None:
            return None
        by = self.manager_of(application)
        first = Move(PS.PROPOSED, on, self.at.manager if self.rng.random() < 0.3 else by)
        story = Story(application, flat, [first, *moves(by)], snapshot, **details)
        self.stories.append(story)
        self.paired.add((application.pk, flat.pk))
        return story

    # --- what happened ---

    def commission_note(self, day: datetime.date, conditions: str = "") -> str:
        note = _("Housing commission of %(date)s") % {"date": format_day(day)}
        return f"{note}: {conditions}" if conditions else note

    def declined(self, story, party: str, text: str, day, by, *, review="", after=False):
        reason = self.at.reasons.get(text)
        story.moves.append(Move(PS.DECLINED, day, by, text))
        story.declined_by, story.reason_text, story.decline_reason = party, text, reason
        story.after_acceptance = after
        story.review = DeclineReview.PENDING
        if party == DeclineParty.OWNER:
            self.owners_declined.add((story.application.pk, story.flat.owner_id))
        if review:
            note = (
                _("The manager confirmed the decline.")
                if review == DeclineReview.CONFIRMED
                else _("The manager overrode the decline: the pair may be proposed again.")
            )
            review_day = min(day + days(2), self.today)
            story.moves.append(Move(PS.DECLINED, review_day, self.at.manager, note))
            story.review, story.reviewed_by = review, self.at.manager
        # A household that turned a flat down is not proposed another in the demo; one the
        # owner or the commission turned down may be.
        if party == DeclineParty.HOUSEHOLD:
            self.busy.add(story.application.pk)
        else:
            self.busy.discard(story.application.pk)

    def turned_down(self, flat, on, party, text, *, after, review, moves=None, **kwargs):
        """A proposal made on `on` that `party` declined `after` days later; a manager reviewed
        the decline. `approved`: it was declined after the commission's approval."""
        approved = kwargs.pop("approved", False)
        story = self.story(flat, on, moves or (lambda by: []), live=False, **kwargs)
        if story:
            by = self.manager_of(story.application)
            day = on + days(after)
            self.declined(story, party, text, day, by, review=review, after=approved)
        return story

    def reserved_flats(self, flats: list[Flat]) -> None:
        """Flats the housing stock reserved already: the proposals that hold them."""
        for flat in flats:
            day = reserved_on(flat)
            liberec = decided_in_liberec(flat)
            before_session = liberec and day < self.held - days(1)
            proposed = day - days(self.rng.randint(3, 7))
            if flat.owner.kind != OwnerKind.MUNICIPALITY:
                self.owner_declined_earlier(flat, proposed)
            story = self.story(flat, proposed, lambda by, d=day: [Move(PS.RESERVED, d, by)])
            if story is None:
                continue
            if before_session:
                self.decide(story)
            elif liberec:
                story.next_session = True

    def decide(self, story: Story) -> None:
        """Last month's session approved the flats reserved before it (the first and every other
        one after it; the rest it deferred to next week's session)."""
        decided = [s for s in self.stories if s.decision and s.flat.status == FlatStatus.RESERVED]
        if len(decided) % 2 == 1:
            story.decision = (Decision.DEFER, "", commission.DEFER_REASONS)
            story.next_session = True
            return
        conditions = self.rng.choice(commission.CONDITIONS)
        story.decision = (Decision.APPROVE, conditions, "")
        note = self.commission_note(self.held, conditions)
        story.moves.append(Move(PS.APPROVED, self.held, self.at.housing_department, note))

    def owner_declined_earlier(self, flat: Flat, before: datetime.date) -> None:
        text = "Vlastník požaduje vyšší jistotu, než domácnost může složit"
        on = before - days(12)
        self.turned_down(flat, on, DeclineParty.OWNER, text, after=5, review="confirmed")

    def approved_then_declined(self, flat: Flat) -> None:
        """Approved at last month's session; three days ago the household found a home of its
        own. The flat is free again and waits for the manager's review of the decline."""
        held = self.held

        def moves(by):
            note = self.commission_note(held)
            return [Move(PS.RESERVED, held - days(7), by), Move(PS.APPROVED, held, self.hd, note)]

        own = lambda f: f.manager and f.manager.username == OWN_LOGIN  # noqa: E731
        story = self.story(flat, held - days(9), moves, prefer=own)
        if story is None:
            return
        story.decision = (Decision.APPROVE, "", "")
        text = "Domácnost si mezitím našla bydlení sama"
        by = self.manager_of(story.application)
        day = self.today - days(3)
        self.declined(story, DeclineParty.HOUSEHOLD, text, day, by, after=True)

    def deferred(self, flat: Flat) -> None:
        """Reserved before last month's session, which deferred it to next week's."""
        reserve = self.held - days(6)
        story = self.story(flat, self.held - days(9), lambda by: [Move(PS.RESERVED, reserve, by)])
        if story:
            story.decision = (Decision.DEFER, "", commission.DEFER_REASONS)
            story.next_session = True

    def rejected(self, flat: Flat, free_since: datetime.date) -> None:
        """Before the session, a household approved at an earlier one found the rent too high
        (the manager confirmed that decline); then the commission rejected the next household
        (debt to the city); lately the flat was proposed again."""
        held = self.held
        if free_since <= held - days(12):
            on, approved = free_since + days(1), free_since + days(6)

            def first_moves(by):
                note = self.commission_note(approved)
                return [
                    Move(PS.RESERVED, on + days(1), by),
                    Move(PS.APPROVED, approved, self.hd, note),
                ]

            text = "Nájemné a zálohy jsou pro domácnost příliš vysoké"
            after = (held - days(5) - on).days
            self.turned_down(
                flat, on, DeclineParty.HOUSEHOLD, text, after=after, review="confirmed",
                moves=first_moves, approved=True,
            )  # fmt: skip
        indebted = lambda f: f.municipal_debt > 0  # noqa: E731
        reserve = lambda by: [Move(PS.RESERVED, held - days(2), by)]  # noqa: E731
        story = self.story(flat, held - days(4), reserve, prefer=indebted, live=False)
        if story is None:
            return
        text = "Neuhrazený dluh vůči městu"
        story.decision = (Decision.REJECT, "", f"{text}. {commission.REJECT_DETAIL}")
        reasons = story.decision[2][:200]
        self.declined(story, DeclineParty.COMMISSION, reasons, held, self.hd, review="confirmed")
        story.decline_note = self.commission_note(held)
        story.decline_reason = None  # the commission's reasons are written out, not listed
        self.story(flat, self.today - days(9), lambda by: [])

    def declined_then_reserved(self, flat: Flat, free_since: datetime.date) -> None:
        """A household turned it down; another reserved it 15 days ago (on next week's
        agenda)."""
        if (self.today - free_since).days >= 26:
            text = "Byt je ve vyšším patře bez výtahu, nevyhovuje zdravotnímu stavu"
            on = free_since + days(2)
            self.turned_down(flat, on, DeclineParty.HOUSEHOLD, text, after=4, review="confirmed")
        reserve = max(self.today - days(15), free_since + days(4))
        story = self.story(flat, reserve - days(3), lambda by: [Move(PS.RESERVED, reserve, by)])
        if story:
            story.next_session = True

    def household_declined(self, flat: Flat, free_since: datetime.date) -> None:
        """Turned down by a family (the school), the decline overridden; proposed to another
        household eight days ago."""
        on = max(free_since + days(1), self.today - days(18))
        text = "Byt je příliš daleko od školy dětí"
        self.turned_down(
            flat, on, DeclineParty.HOUSEHOLD, text, after=5, review="overridden",
            prefer=lambda f: f.children > 0,
        )  # fmt: skip
        self.story(flat, self.today - days(8), lambda by: [])

    def withdrawn(self, flat: Flat, free_since: datetime.date) -> Story | None:
        """The household moved away: its application and the proposal were withdrawn."""
        on = max(free_since + days(1), self.today - days(10))
        note = "Domácnost se odstěhovala k příbuzným mimo ORP, žádost stažena."
        story = self.story(
            flat, on, lambda by: [Move(PS.WITHDRAWN, self.today - days(5), by, note)], live=False
        )
        return story

    def owner_declined_reserved(self, flat: Flat, free_since: datetime.date) -> None:
        """A private owner declined a reserved household with a dog; another household waits for
        the owner's answer for 15 days now."""
        if (self.today - free_since).days < 22:
            return
        on = free_since + days(2)
        text = "Vlastník odmítl domácnost se zvířetem"
        self.turned_down(
            flat, on, DeclineParty.OWNER, text, after=8, review="confirmed",
            moves=lambda by: [Move(PS.RESERVED, on + days(2), by)],
            prefer=lambda f: bool(f.household.pets),
        )  # fmt: skip
        self.story(flat, self.today - days(15), lambda by: [])

    def leased(self, lease: Lease) -> None:
        """A lease signed from an approved proposal; before it, another household declined."""
        flat, start = lease.flat, lease.start_on
        reserved = reserved_on(flat, before=start)
        application = next(
            (a for a in self.applications.values() if a.household_id == lease.household_id), None
        )
        if reserved is None or application is None:
            return
        proposed = reserved - days(self.rng.randint(3, 6))
        snapshot = self.snapshot(application, flat, proposed)
        if snapshot is None:
            return
        approved = self.held if reserved < self.held < start else min(reserved + days(3), start)
        by = self.manager_of(application)
        moves = [
            Move(PS.PROPOSED, proposed, by),
            Move(PS.RESERVED, reserved, by),
            Move(PS.APPROVED, approved, self.at.housing_department, self.commission_note(approved)),
            Move(PS.LEASED, start, self.at.housing_department),
        ]
        story = Story(application, flat, moves, snapshot, lease=lease)
        if approved == self.held and decided_in_liberec(flat):
            story.decision = (Decision.APPROVE, "", "")
        self.busy.add(application.pk)
        self.paired.add((application.pk, flat.pk))
        self.stories.append(story)


def build_proposals() -> int:
    """The waiting list (demo.matching), the proposals and the commission, once."""
    at = matching.here()
    matching.build_rules(at)
    if HousingApplication.objects.of_kmb(at.kmb.pk).exists():
        return 0
    facts = load_facts(at.kmb)
    leases = recent_leases(at, facts)
    latest = {lease.household_id: reserved_on(lease.flat) - days(20) for lease in leases}
    applications = matching.build_applications(
        at, facts, [f for f in facts if f.household.pk in latest], latest
    )
    flats = list(
        Flat.objects.in_orp(at.kmb.orp_id)
        .select_related("municipality", "owner")
        .prefetch_related("status_changes")
        .order_by("pk")
    )
    reserved = [f for f in flats if f.status == FlatStatus.RESERVED]
    with briefly_free(reserved + [lease.flat for lease in leases]):
        stories = Stories(at, {f.household.pk: f for f in facts}, applications)
        draw(stories, flats, leases)
    must = {s.application.pk for s in stories.stories if s.decision or s.next_session}
    commission.recommend(applications, must, count=20)
    workflow.save(at, stories.stories)
    workflow.fresh(at, stories)
    return len(applications)


def recent_leases(at, facts: list[Facts]) -> list[Lease]:
    """Leases signed in the last three months, after the flat was reserved, for households being
    housed: each signed from an approved proposal (demo.proposals.Stories.leased checks that
    the household met the rules)."""
    running = [
        f.lease.pk
        for f in facts
        if f.lease and f.status in (CaseStatus.HOUSING, CaseStatus.FOLLOW_UP)
    ]
    leases = (
        Lease.objects.filter(
            pk__in=running,
            start_on__gt=at.today - days(90),
            flat__status_changes__to_status=FlatStatus.RESERVED,
        )
        .select_related("flat__municipality", "flat__owner")
        .prefetch_related("flat__status_changes")
        .distinct()
        .order_by("start_on", "pk")
    )
    return list(leases)


def draw(stories: Stories, flats: list[Flat], leases: list[Lease]) -> None:
    for lease in leases:
        stories.leased(lease)
    stories.reserved_flats([f for f in flats if f.status == FlatStatus.RESERVED])
    free = sorted(
        (f for f in flats if f.status == FlatStatus.FREE),
        key=lambda f: (status_since(f), f.pk),
    )
    city = [
        f
        for f in free
        if decided_in_liberec(f) and f.program not in (Program.CRISIS, Program.HOUSING_FIRST)
    ]
    early = [f for f in city if status_since(f) <= stories.held - days(10)][:3]
    for flat, role in zip(early, ["approved_then_declined", "rejected", "deferred"], strict=False):
        if role == "rejected":
            stories.rejected(flat, status_since(flat))
        else:
            getattr(stories, role)(flat)
    for flat in free:
        if flat.program == Program.HOUSING_FIRST:
            stories.declined_then_reserved(flat, status_since(flat))
            break
    rest = [f for f in city if f not in early]
    if rest:
        stories.household_declined(rest[0], status_since(rest[0]))
    if len(rest) > 1:
        stories.withdrawn(rest[1], status_since(rest[1]))
    for flat in free:
        if flat.owner.kind != OwnerKind.MUNICIPALITY:
            stories.owner_declined_reserved(flat, status_since(flat))
