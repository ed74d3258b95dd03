"""Who of the demo households is referred to which provider's service, and how far each referral
has come (demo.support saves them). Housed households get social work in the flat (Housing First
from Domov pod Ještědem, elsewhere Člověk v tísni or Diakonie), households in prevention go to
debt counselling and legal advice, people sleeping rough to Naděje, families to the (full) family
services, and so on; every state occurs. Some plans get a story the follow-up alerts show.
"""

import datetime
import random
from dataclasses import dataclass, field

from clients.models import CaseStatus, CloseReason, Consent, SupportIntensity
from demo import builders
from demo.builders import NISA_VALLEY, PODJESTEDI
from demo.common import Facts, days
from demo.providers import ALL, SERVICE_SPECS
from housing.models import FlatKind, Program
from kmb.accounts.models import Organisation, User
from providers.models import (
    PLACE_HOLDING_STATES,
    CooperationEndReason,
    ReferralState,
    ServiceReferral,
)

SEED = "kmb-demo-network"
R = ReferralState
S = CaseStatus
E = CooperationEndReason
OPEN_STATES = [R.SENT, R.ACCEPTED, R.STARTED]
# The services whose support an assistance plan agrees, with the hours a week agreed.
PLAN_HOURS = {
    "dpj_hf": "2.0",
    "cvt_independent": "1.5",
    "diakonie_independent": "1.0",
    "nisa_debts": "0.5",
    "cvt_debts": "0.5",
    "nadeje_field": "1.0",
    "diakonie_rehab": "1.0",
}
CLOSE_TO_END = {
    CloseReason.MOVED_AWAY: E.MOVED_AWAY,
    CloseReason.NO_CONTACT: E.NO_CONTACT,
    CloseReason.HOUSED: E.GOALS_MET,
    CloseReason.CLIENT_ENDED: E.CLIENT_ENDED,
}


@dataclass
class Draft:
    """One referral as the demo wants it, with the day of each of its steps."""

    facts: Facts
    service: str
    state: str
    sent_on: datetime.date
    answered_on: datetime.date | None = None  # accepted or refused
    started_on: datetime.date | None = None
    ended_on: datetime.date | None = None
    end_reason: str = ""
    refusal: str = ""  # a key of REFUSED_ANSWERS
    plan: bool = False  # an assistance plan agrees the support
    story: str = ""  # what its plan shows the alerts (see assign_stories)
    consent: Consent | None = field(default=None, repr=False)
    referral: ServiceReferral | None = field(default=None, repr=False)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


@dataclass
class Office:
    today: datetime.date
    kmb: Organisation
    head: User
    provider_staff: dict[str, list[User]]  # organisation name → its portal users
    organisations: dict[str, Organisation]
    facts: list[Facts] = field(default_factory=list)  # the demo households (load_facts)


class Referrals:
    """Draws the referrals of all demo households from one seeded generator."""

    def __init__(self, office: Office, facts: list[Facts]):
        self.office, self.facts, self.today = office, facts, office.today
        self.rng = random.Random(SEED)
        self.drafts: list[Draft] = []
        self.open_pairs: set[tuple[int, str]] = set()
        self.planned: set[int] = set()  # households with a plan: one current plan each

    def draw(self) -> list[Draft]:
        self.housed()
        self.waiting_for_a_flat()
        self.prevention()
        self.active()
        self.closed()
        return self.drafts

    # --- helpers ---

    def held(self, service: str) -> int:
        return sum(
            1 for d in self.drafts if d.service == service and d.state in PLACE_HOLDING_STATES
        )

    def room(self, service: str) -> bool:
        spec = SERVICE_SPECS[service]
        return self.held(service) < spec.capacity - spec.free

    def covers(self, service: str, municipality: str) -> bool:
        covered = SERVICE_SPECS[service].municipalities
        return covered == ALL or municipality in covered

    def after(self, day: datetime.date, low: int, high: int) -> datetime.date:
        return min(day + days(self.rng.randint(low, high)), self.today)

    def add(
        self, facts: Facts, service: str, state: str, sent_on: datetime.date, **steps
    ) -> Draft | None:
        """A referral sent on `sent_on` (never before the case opened); the steps its state
        needs are drawn unless given."""
        if state in OPEN_STATES and (facts.household.pk, service) in self.open_pairs:
            return None
        sent_on = min(max(sent_on, facts.case.opened_on), self.today)
        draft = Draft(facts, service, state, sent_on, **steps)
        if state != R.SENT and draft.answered_on is None:
            draft.answered_on = self.after(sent_on, 2, 7)
        if state in (R.STARTED, R.ENDED) and draft.started_on is None:
            draft.started_on = self.after(draft.answered_on, 3, 12)
        if state == R.ENDED and draft.ended_on is None:
            draft.ended_on = self.after(draft.started_on, 20, 90)
        if state in OPEN_STATES:
            self.open_pairs.add((facts.household.pk, service))
        self.drafts.append(draft)
        return draft

    def with_plan(self, draft: Draft | None) -> bool:
        """Agree an assistance plan on the draft's support, unless its household has one."""
        if draft is None or draft.facts.household.pk in self.planned:
            return False
        draft.plan = True
        self.planned.add(draft.facts.household.pk)
        return True

    def ago(self, low: int, high: int) -> datetime.date:
        return self.today - days(self.rng.randint(low, high))

    # --- who is referred where ---

    def support_service(self, facts: Facts) -> str | None:
        """Social work in the flat: Housing First (and Domov pod Ještědem's sublets) from Domov pod
        Ještědem, in Podještědí Diakonie, elsewhere Člověk v tísni."""
        flat = facts.lease.flat
        town = flat.municipality.name
        if flat.program == Program.HOUSING_FIRST or flat.kind == FlatKind.NGO_SUBLET:
            return "dpj_hf"
        if town in PODJESTEDI:
            return "diakonie_independent"
        return "cvt_independent" if town in NISA_VALLEY else None

    def housed(self) -> None:
        housed = [f for f in self.facts if f.lease and f.status in (S.HOUSING, S.FOLLOW_UP)]
        intensive = (SupportIntensity.HIGH, SupportIntensity.MEDIUM)
        furnished = 0
        for facts in housed:
            start = max(facts.lease.start_on, self.today - days(700))
            service = self.support_service(facts)
            wanted = service == "dpj_hf" or facts.household.support_intensity in intensive
            if service and wanted and self.room(service):
                sent = start - days(self.rng.randint(14, 40))
                answered = self.after(sent, 2, 6)
                if (self.today - start).days >= 5:
                    started = min(start + days(self.rng.randint(0, 4)), self.today)
                    draft = self.add(
                        facts, service, R.STARTED, sent, answered_on=answered, started_on=started
                    )
                    self.with_plan(draft)
                else:
                    self.add(facts, service, R.ACCEPTED, sent, answered_on=answered)
            if (self.today - start).days <= 90 and furnished < 4:
                furnished += 1
                state = R.ENDED if (self.today - start).days > 30 else R.STARTED
                ended = self.after(start, 14, 30) if state == R.ENDED else None
                self.add(facts, "charita_furniture", state, start - days(3), ended_on=ended,
                         end_reason=E.GOALS_MET if ended else "")  # fmt: skip

    def waiting_for_a_flat(self) -> None:
        """Households waiting for a flat: Housing First agreed before the move (and one referral
        the provider has yet to answer); social work elsewhere asked for."""
        waiting = [
            f
            for f in self.facts
            if not f.lease
            and f.manager
            and (
                f.status == S.HOUSING
                or (f.status == S.ACTIVE and f.ethos in ("1", "2", "3", "6", "7"))
            )
        ]
        hf = sent = 0
        for facts in waiting:
            intensity = facts.household.support_intensity
            if intensity == SupportIntensity.HIGH and hf < 2 and self.room("dpj_hf"):
                hf += 1
                if hf == 1:
                    self.add(facts, "dpj_hf", R.SENT, self.ago(1, 4))
                else:
                    self.add(facts, "dpj_hf", R.ACCEPTED, self.ago(10, 40))
            elif (
                intensity == SupportIntensity.MEDIUM
                and sent < 2
                and self.covers("cvt_independent", facts.residence)
            ):
                sent += 1
                self.add(facts, "cvt_independent", R.SENT, self.ago(1, 8))

    def prevention(self) -> None:
        prevention = [f for f in self.facts if f.status == S.PREVENTION and f.manager]
        indebted = [f for f in prevention if f.reasons & {"arrears", "debts", "risk_of_loss"}]
        states = [R.STARTED] * 8 + [R.ACCEPTED] * 2 + [R.SENT] * 3 + [R.ENDED] * 2 + [R.REFUSED]
        nisa = self.office.organisations[builders.SECOND_PROVIDER_NAME]
        plans = 0
        for facts, state in zip(indebted, states, strict=False):
            consented = facts.consent_to(nisa, on=self.today, until=self.today)
            service = "nisa_debts"
            if (
                not consented
                and self.covers("cvt_debts", facts.residence)
                and self.rng.random() < 0.5
            ):
                service = "cvt_debts"
            entered = facts.entered.get(S.PREVENTION, facts.case.opened_on)
            sent = entered + days(self.rng.randint(0, 20))
            if state == R.SENT:
                sent = self.ago(1, 9)
            elif state == R.ACCEPTED:
                sent = min(sent, self.today - days(4))
            else:
                sent = min(sent, self.today - days(35))
            draft = self.add(facts, service, state, sent)
            if draft is None:
                continue
            if state == R.ENDED:
                draft.end_reason = self.rng.choice([E.GOALS_MET, E.HANDED_OVER])
            if state == R.REFUSED:
                draft.refusal = "full"
            if state == R.STARTED and plans < 6 and self.with_plan(draft):
                plans += 1
        served = {d.facts.household.pk for d in self.drafts if d.service == "legal"}
        notice = [f for f in prevention if "notice_to_quit" in f.reasons]
        for facts, state in zip(notice, [R.SENT, R.STARTED, R.ENDED], strict=False):
            if facts.household.pk in served:
                continue
            sent = self.ago(2, 6) if state == R.SENT else self.ago(30, 80)
            draft = self.add(facts, "legal", state, sent)
            if draft and state == R.ENDED:
                draft.end_reason = E.GOALS_MET

    def active(self) -> None:
        active = [f for f in self.facts if f.status == S.ACTIVE and f.manager]
        wanted = {  # service: [states], taken in order by the households that fit
            "nadeje_shelter": [R.STARTED] * 3,
            "nadeje_day": [R.STARTED] * 2,
            "nadeje_field": [R.STARTED] * 2,
            "charita_asylum": [R.STARTED] * 2,
            "dpj_mothers": [R.REFUSED] * 2,
            "charita_crisis": [R.STARTED],
            "cvt_families": [R.REFUSED, R.REFUSED, R.SENT],
            "dpj_halfway": [R.ACCEPTED],
            "diakonie_rehab": [R.STARTED, R.STARTED],
            "diakonie_sheltered": [R.REFUSED],
            "food": [R.SENT, R.SENT, R.STARTED, R.STARTED, R.STARTED],
            "foundation": [R.ACCEPTED, R.REFUSED, R.SENT],
        }
        fits = {
            "nadeje_shelter": lambda f: f.ethos in ("1", "2"),
            "nadeje_day": lambda f: f.ethos in ("1", "2", "3"),
            "nadeje_field": lambda f: f.ethos in ("1", "2", "8") and f.residence == "Liberec",
            "charita_asylum": lambda f: f.ethos == "3",
            "dpj_mothers": lambda f: f.ethos in ("4", "10") or "violence" in f.reasons,
            "charita_crisis": lambda f: f.ethos in ("4", "10", "1"),
            "cvt_families": lambda f: f.children > 0 and f.ethos in ("8", "12", "13"),
            "dpj_halfway": lambda f: f.ethos == "6" or "leaving_institution" in f.reasons,
            "diakonie_rehab": lambda f: f.household.barrier_free or f.applicant.age >= 58,
            "diakonie_sheltered": lambda f: f.household.barrier_free or f.applicant.age >= 58,
            "food": lambda f: f.children > 0 or f.ethos in ("8", "9"),
            "foundation": lambda f: f.ethos in ("8", "12", "13"),
        }
        for service, states in wanted.items():
            candidates = [f for f in active if fits[service](f)]
            for facts, state in zip(candidates, states, strict=False):
                self.active_referral(facts, service, state)

    def active_referral(self, facts: Facts, service: str, state: str) -> None:
        sent = self.ago(1, 9) if state == R.SENT else self.ago(12, 90)
        draft = self.add(facts, service, state, sent)
        if draft is None:
            return
        if state == R.REFUSED:
            covered = self.covers(service, facts.residence)
            draft.refusal = "grant" if service == "foundation" else "full" if covered else "area"
        if service in ("nadeje_field", "diakonie_rehab") and state == R.STARTED:
            self.with_plan(draft)

    def closed(self) -> None:
        recent = self.today - days(330)
        closed = [
            f
            for f in self.facts
            if f.status == S.CLOSED
            and f.case.close_reason in CLOSE_TO_END
            and f.manager
            and f.case.closed_on >= recent
            and (f.case.closed_on - f.case.opened_on).days >= 60
        ]
        services = ["nisa_debts", "cvt_independent", "nadeje_day", "cvt_families"]
        for facts, service in zip(closed, services, strict=False):
            ended = facts.case.closed_on - days(self.rng.randint(0, 10))
            sent = facts.case.opened_on + days(self.rng.randint(3, 20))
            if ended <= sent + days(15):
                continue
            self.add(
                facts,
                service,
                R.ENDED,
                sent,
                answered_on=sent + days(3),
                started_on=sent + days(10),
                ended_on=ended,
                end_reason=CLOSE_TO_END[facts.case.close_reason],
            )


# --- What the alerts will show -------------------------------------------------------------------

OWN_LOGIN = "socialni"  # the demo social worker sees these in her own cases first


def assign_stories(drafts: list[Draft], today: datetime.date) -> None:
    """Give some of the plans a story the follow-up alerts pick up: cooperation ended by the
    provider two days ago, ended earlier with goals met or by the client, support below the agreed
    intensity, a provider silent for 40 days, reviews overdue, a plan paused."""
    planned = [draft for draft in drafts if draft.plan]

    def age(draft: Draft) -> int:
        return (today - draft.started_on).days

    def pick(story: str, wanted, count: int = 1) -> list[Draft]:
        pool = [d for d in planned if not d.story and wanted(d)]
        pool.sort(key=lambda d: d.facts.manager.username != OWN_LOGIN)
        for draft in pool[:count]:
            draft.story = story
        return pool[:count]

    housing_support = ("dpj_hf", "cvt_independent", "diakonie_independent")
    endings = [
        ("ended_by_provider", lambda d: d.service == "dpj_hf" and age(d) >= 60, 2, E.NO_CONTACT),
        ("goals_met", lambda d: d.service in housing_support and age(d) >= 200, 45, E.GOALS_MET),
        (
            "client_ended",
            lambda d: d.service.endswith("_debts") and age(d) >= 40,
            20,
            E.CLIENT_ENDED,
        ),
    ]
    for story, wanted, ago, reason in endings:
        for draft in pick(story, wanted):
            draft.state, draft.ended_on, draft.end_reason = R.ENDED, today - days(ago), reason
    pick("below", lambda d: d.service == "dpj_hf" and age(d) >= 35, count=3)
    pick("silent", lambda d: d.service in housing_support[1:] and age(d) >= 60)
    for draft in pick("overdue", lambda d: age(d) >= 110, count=2)[:1]:
        draft.story = "long_overdue"
    pick("paused", lambda d: age(d) >= 60)
