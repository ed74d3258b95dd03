"""Assistance plans of the demo households: goals by area, steps with who does them and when,
reviews and tripartite meetings, and the support the providers logged over the last three months.

Most plans run as agreed, so that what stands out is what the follow-up alerts are for (the
stories of demo.referrals.assign_stories): support well below the agreed two hours a week, a
provider without a report for 40 days, reviews overdue, a cooperation the provider ended two days
ago (its case manager has the notification), and some that ended earlier. A few housed
households have a plan with the KMB alone. Built once, with the referrals (demo.support).
"""

import datetime
import math
import random
from decimal import Decimal

from django.utils.translation import gettext_noop

from clients.models import CaseStatus, SupportIntensity
from demo.common import Facts, days, moment, save_all
from demo.providers import SERVICE_SPECS
from demo.referrals import PLAN_HOURS, Draft, Office
from demo.support import build_referrals, office
from demo.support_texts import (
    END_NOTES,
    GOALS,
    LANDLORD_NOTES,
    PROGRESS,
    REVIEW_SUMMARIES,
    TRIPARTITE_SUMMARIES,
)
from kmb.notifications.models import Notification, NotificationKind
from kmb.notifications.services import notify
from providers.models import (
    AssistancePlan,
    CooperationEndReason,
    EndedBy,
    Goal,
    GoalArea,
    GoalState,
    Participant,
    PlanReview,
    PlanStatus,
    Provider,
    ReferralState,
    ReviewKind,
    Step,
    SupportVisit,
    VisitKind,
)

SEED = "kmb-demo-plans"
VISITS_SINCE = 91  # days: the support logged over the last three months
KMB_ONLY_PLANS = 3
# As providers.services.end_cooperation tells the case manager.
COOPERATION_ENDED = gettext_noop(
    "%(provider)s ended the cooperation in case %(case)s on %(date)s: %(reason)s."
)
ENDED_BY = {
    CooperationEndReason.CLIENT_ENDED: EndedBy.CLIENT,
    CooperationEndReason.GOALS_MET: EndedBy.KMB,
}


class PlanStory:
    """One plan, drawn from its own generator: the plan, its goals and steps, its reviews and the
    visits logged under it."""

    def __init__(self, here: Office, facts: Facts, draft: Draft | None, provider: Provider | None):
        self.here, self.facts, self.draft, self.provider = here, facts, draft, provider
        self.today = here.today
        self.rng = random.Random(f"{SEED}-{facts.household.intake_token}")
        self.story = draft.story if draft else ""

    def plan(self) -> AssistancePlan:
        draft, facts = self.draft, self.facts
        if draft:
            starts = draft.started_on
        else:
            starts = min(facts.lease.start_on + days(self.rng.randint(7, 30)), self.today)
        hours = Decimal(PLAN_HOURS[draft.service]) if draft else None
        plan = AssistancePlan(
            household=facts.household,
            case=facts.case,
            case_manager=facts.manager or self.here.head,
            provider=self.provider,
            referral=draft.referral if draft else None,
            starts_on=starts,
            hours_per_week=hours,
            next_review_on=starts + days(90),
        )
        if self.story == "paused":
            plan.status = PlanStatus.PAUSED
        if draft and draft.state == ReferralState.ENDED:
            plan.status = PlanStatus.ENDED
            plan.ended_on = draft.ended_on
            plan.end_reason = draft.end_reason
            plan.ended_by = ENDED_BY.get(draft.end_reason, EndedBy.PROVIDER)
            plan.end_note = END_NOTES[draft.end_reason]
        self.model = plan
        return plan

    @property
    def until(self) -> datetime.date:
        """The last day the plan ran (today for a current plan)."""
        return self.model.ended_on or self.today

    # --- goals and steps ---

    def areas(self) -> list[str]:
        facts, rng = self.facts, self.rng
        debts = facts.municipal_debt > 0 or facts.reasons & {"debts", "arrears"}
        areas = [GoalArea.HOUSING] if facts.lease else []
        if debts or (self.draft and self.draft.service.endswith("_debts")):
            areas.append(GoalArea.MONEY)
        if facts.children:
            areas.append(GoalArea.FAMILY)
        if facts.household.barrier_free or facts.applicant.age >= 58:
            areas.append(GoalArea.HEALTH)
        if not facts.applicant.has_valid_id:
            areas.append(GoalArea.DOCUMENTS)
        if facts.applicant.age < 58 and rng.random() < 0.5:
            areas.append(GoalArea.WORK)
        if rng.random() < 0.15:
            areas.append(GoalArea.RELATIONSHIPS)
        for extra in (GoalArea.MONEY, GoalArea.HOUSING):
            if len(areas) < 2 and extra not in areas:
                areas.append(extra)
        return areas[:4]

    def goals(self) -> list[tuple[Goal, list[Step]]]:
        rng, plan = self.rng, self.model
        drawn = []
        for area in self.areas():
            description, steps = rng.choice(GOALS[area])
            target = plan.starts_on + days(rng.choice([60, 90, 120, 180, 270]))
            goal = Goal(
                plan=plan, area=area, description=description, target_on=target,
                state=self.goal_state(target),
            )  # fmt: skip
            drawn.append((goal, [self.step(goal, text, who) for text, who in steps]))
        return drawn

    def goal_state(self, target: datetime.date) -> str:
        rng = self.rng
        if self.story == "goals_met":
            return GoalState.MET
        if target < self.until:
            return rng.choices(
                [GoalState.MET, GoalState.NOT_MET, GoalState.IN_PROGRESS, GoalState.DROPPED],
                weights=[62, 13, 20, 5],
            )[0]
        started = (self.until - self.model.starts_on).days > 14
        return GoalState.IN_PROGRESS if started and rng.random() < 0.75 else GoalState.OPEN

    def step(self, goal: Goal, text: str, who: str) -> Step:
        rng, starts = self.rng, self.model.starts_on
        span = max(14, (goal.target_on - starts).days)
        due = starts + days(rng.randint(7, span))
        done = None
        if goal.state == GoalState.MET or (due < self.until and rng.random() < 0.7):
            done = min(max(starts, due - days(rng.randint(0, 6))), self.until)
        return Step(goal=goal, description=text, who=who, due_on=due, done_on=done)

    # --- reviews ---

    def reviews(self) -> list[PlanReview]:
        """Every ninety days or so from the start; an overdue plan missed its last one."""
        rng, plan = self.rng, self.model
        held = []
        if self.story in ("overdue", "long_overdue"):
            due = self.today - days(12 if self.story == "long_overdue" else 4)
            day = due - days(90)
            while day >= plan.starts_on + days(60):
                held.insert(0, day)
                day -= days(90)
            plan.next_review_on = due
        else:
            due = plan.starts_on + days(90)
            while due <= self.until:
                day = max(plan.starts_on + days(1), due - days(rng.randint(0, 6)))
                held.append(day)
                due = day + days(90)
            plan.next_review_on = due
        return [self.review(day, number) for number, day in enumerate(held)]

    def review(self, day: datetime.date, number: int) -> PlanReview:
        rng, plan, lease = self.rng, self.model, self.facts.lease
        participants = [Participant.CLIENT, Participant.CASE_MANAGER]
        if plan.provider:
            participants.append(Participant.PROVIDER)
        review = PlanReview(
            plan=plan,
            kind=ReviewKind.REVIEW,
            held_on=day,
            participants=participants,
            summary=rng.choice(REVIEW_SUMMARIES),
            next_review_on=day + days(90),
            by=plan.case_manager,
        )
        if plan.provider and lease and number == 0 and rng.random() < 0.45:
            review.kind = ReviewKind.TRIPARTITE
            review.participants = [*participants, Participant.LANDLORD]
            review.participants_note = LANDLORD_NOTES[lease.flat.kind]
            review.summary = rng.choice(TRIPARTITE_SUMMARIES)
        return review

    # --- the support logged ---

    def visits(self) -> list[SupportVisit]:
        """Week by week over the last three months, as much as agreed or a little more; a plan
        below the intensity gets a third to a half, a silent provider stopped 40 days ago, a
        paused plan three weeks ago, a debt counsellor sees the household every other week."""
        plan = self.model
        if not plan.provider or not plan.hours_per_week:
            return []
        start = max(plan.starts_on, self.today - days(VISITS_SINCE))
        end = {"silent": self.today - days(40), "paused": self.today - days(22)}.get(
            self.story, self.until
        )
        agreed = int(plan.hours_per_week * 60)
        monday = start - days(start.weekday())
        visits = []
        week = 0
        while monday <= end:
            week += 1
            budget = self.budget(agreed, week)
            for part in self.parts(budget):
                day = monday + days(self.rng.randint(0, 4))
                if start <= day <= end:
                    visits.append(self.visit(day, part))
            monday += days(7)
        return visits

    def budget(self, agreed: int, week: int) -> int:
        rng = self.rng
        if agreed <= 30:  # half an hour a week: an hour's appointment every other week
            return 60 if week % 2 == 0 else 0
        if self.story == "below":
            return 0 if rng.random() < 0.3 else int(agreed * rng.uniform(0.3, 0.55))
        if self.story == "ended_by_provider":
            return int(agreed * rng.uniform(0.2, 0.5))
        return int(agreed * rng.uniform(1.0, 1.3))

    def parts(self, budget: int) -> list[int]:
        if budget <= 0:
            return []
        count = 2 if budget >= 100 and self.rng.random() < 0.6 else 1
        share = math.ceil(budget / count / 5) * 5
        return [share] * count

    def visit(self, day: datetime.date, minutes: int) -> SupportVisit:
        rng = self.rng
        kind = rng.choices(
            [VisitKind.HOME_VISIT, VisitKind.ACCOMPANIMENT, VisitKind.OFFICE],
            weights=[70, 18, 12],
        )[0]
        if self.draft.service.endswith("_debts"):
            kind = VisitKind.OFFICE
        if minutes <= 30:
            kind = VisitKind.PHONE
        staff = self.here.provider_staff[self.provider.organisation.name]
        return SupportVisit(
            plan=self.model,
            organisation=self.provider.organisation,
            date=day,
            minutes=minutes,
            kind=kind,
            progress=rng.choice(PROGRESS[kind]),
            by=staff[day.toordinal() % len(staff)],
        )


def build_plans(here: Office, drafts: list[Draft]) -> list[AssistancePlan]:
    """The plans of the drafts marked for one, and a few the KMB keeps alone with housed
    households; with their goals, steps, reviews and visits."""
    providers = {p.organisation.name: p for p in Provider.objects.select_related("organisation")}
    stories = []
    for draft in drafts:
        if draft.plan:
            organisation = SERVICE_SPECS[draft.service].organisation
            stories.append(PlanStory(here, draft.facts, draft, providers[organisation]))
    stories += [PlanStory(here, facts, None, None) for facts in kmb_only(here, drafts)]
    plans = [story.plan() for story in stories]
    reviews = [review for story in stories for review in story.reviews()]  # sets next reviews
    save_all(
        AssistancePlan,
        plans,
        when=lambda plan: moment(plan.starts_on, 10),
        who=lambda plan: plan.case_manager,
    )
    goals, steps, visits = [], [], []
    for story in stories:
        for goal, goal_steps in story.goals():
            goals.append(goal)
            steps += goal_steps
        visits += story.visits()
    save_all(Goal, goals, when=lambda goal: moment(goal.plan.starts_on, 11))
    save_all(Step, steps)
    save_all(PlanReview, reviews)
    save_all(SupportVisit, visits)
    tell_of_endings(stories)
    return plans


def kmb_only(here: Office, drafts: list[Draft]) -> list[Facts]:
    """Housed households needing little support: the KMB agrees a plan with them alone."""
    referred = {draft.facts.household.pk for draft in drafts}
    housed = [
        f
        for f in here.facts
        if f.lease
        and f.status == CaseStatus.FOLLOW_UP
        and f.household.pk not in referred
        and f.household.support_intensity in (SupportIntensity.LOW, SupportIntensity.NONE)
    ]
    return housed[:KMB_ONLY_PLANS]


def tell_of_endings(stories: list[PlanStory]) -> None:
    """The case manager learnt at once of the cooperation the provider ended lately (as
    providers.services.end_cooperation tells it, without the e-mail: the demo sends none)."""
    for story in stories:
        plan = story.model
        if story.story != "ended_by_provider":
            continue
        ended = plan.ended_on
        notification = notify(
            recipient=plan.case_manager,
            kind=NotificationKind.COOPERATION_ENDED,
            message=COOPERATION_ENDED,
            params={
                "provider": str(plan.provider),
                "case": plan.case.number,
                "date": f"{ended.day}. {ended.month}. {ended.year}",
                "reason": str(CooperationEndReason(plan.end_reason).label),
            },
            url=plan.get_absolute_url(),
        )
        Notification.objects.filter(pk=notification.pk).update(created_at=moment(ended, 14))


def build_support() -> int:
    """The support network of the demo ORP: providers and services, then (once) the referrals
    and the plans. Returns how many plans were built."""
    here = office()
    drafts = build_referrals(here)
    return len(build_plans(here, drafts)) if drafts else 0
