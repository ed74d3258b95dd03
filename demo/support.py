"""Referrals of the demo households to the providers' services (drawn by demo.referrals), each
under a consent to share with that provider (given for the occasion where the household had none,
as the KMB records it).

Each referral keeps its state changes as providers.services would have recorded them, and the
places the accepted and started referrals hold are taken off the services' free places.
Assistance plans, visits and reviews follow in demo.plans. Idempotent: nothing is built once the
demo KMB has any referral.
"""

import datetime
import random

from django.utils import timezone

from clients.models import Consent, ConsentRecipient
from demo import builders
from demo.common import days, load_facts, moment, save_all
from demo.providers import SERVICE_SPECS, build_providers, build_services
from demo.referrals import (
    Draft,
    Office,
    R,
    Referrals,
    assign_stories,
)
from demo.support_texts import ACCEPTED_ANSWERS, END_NOTES, REFERRAL_REASONS, REFUSED_ANSWERS
from kmb.accounts.models import Organisation, Role, User
from providers.models import (
    PLACE_HOLDING_STATES,
    ReferralStateChange,
    Service,
    ServiceReferral,
)

SEED = "kmb-demo-network"


def office() -> Office:
    kmb = Organisation.objects.get(name=builders.KMB_NAME)
    staff: dict[str, list[User]] = {}
    providers = User.objects.filter(role=Role.PROVIDER_STAFF).select_related("organisation")
    for user in providers.order_by("username"):
        staff.setdefault(user.organisation.name, []).append(user)
    names = [spec.organisation for spec in SERVICE_SPECS.values()]
    return Office(
        today=timezone.localdate(),
        kmb=kmb,
        head=User.objects.get(username="vedouci"),
        provider_staff=staff,
        organisations={org.name: org for org in Organisation.objects.filter(name__in=names)},
    )


def build_referrals(here: Office) -> list[Draft]:
    """The providers and services, then (once) the referrals with their consents and state
    changes. Returns the drafts built (empty on a second run): demo.plans goes on from them."""
    providers = build_providers(here.kmb.orp_id)
    if ServiceReferral.objects.filter(household__kmb=here.kmb).exists():
        build_services(here.kmb.orp_id, providers, {})
        return []
    here.facts = load_facts(here.kmb)
    drafts = Referrals(here, here.facts).draw()
    assign_stories(drafts, here.today)
    held: dict[str, int] = {}
    for draft in drafts:
        if draft.state in PLACE_HOLDING_STATES:
            held[draft.service] = held.get(draft.service, 0) + 1
    services = build_services(here.kmb.orp_id, providers, held)
    save_consents(here, drafts)
    save_referrals(here, drafts, services)
    return drafts


SCOPES = {
    "nisa_debts": ["contact", "situation", "finances"],
    "cvt_debts": ["contact", "situation", "finances"],
    "legal": ["contact", "situation", "finances"],
    "foundation": ["contact", "situation", "finances"],
    "diakonie_rehab": ["contact", "situation", "support", "health"],
    "diakonie_sheltered": ["contact", "situation", "health"],
}


def save_consents(here: Office, drafts: list[Draft]) -> None:
    """Give each referral the household's consent to its provider, valid when the referral was
    sent (and still today while it is open), recording a new one where there is none."""
    rng = random.Random(f"{SEED}-consents")
    new = []
    for draft in drafts:
        facts = draft.facts
        organisation = here.organisations[SERVICE_SPECS[draft.service].organisation]
        until = here.today if draft.is_open else draft.sent_on
        draft.consent = facts.consent_to(organisation, on=draft.sent_on, until=until)
        if draft.consent:
            continue
        given = max(facts.case.opened_on, draft.sent_on - days(rng.randint(0, 4)))
        expires = given + days(365)
        consent = Consent(
            household=facts.household,
            given_by=facts.applicant,
            recipient_kind=ConsentRecipient.PROVIDER,
            recipient=organisation,
            scope=SCOPES.get(draft.service, ["contact", "situation", "support"]),
            given_on=given,
            expires_on=expires if expires >= until + days(30) else None,
            note="Souhlas podepsán při předání do služby.",
        )
        facts.consents.append(consent)
        new.append(consent)
        draft.consent = consent
    save_all(Consent, new, when=lambda c: moment(c.given_on, 9))


def save_referrals(here: Office, drafts: list[Draft], services: dict[str, Service]) -> None:
    rng = random.Random(f"{SEED}-answers")
    rows = []
    for draft in drafts:
        facts = draft.facts
        answer = ""
        if draft.state == R.REFUSED:
            answer = REFUSED_ANSWERS[draft.refusal]
        elif draft.answered_on:
            answer = rng.choice(ACCEPTED_ANSWERS)
        draft.referral = ServiceReferral(
            household=facts.household,
            case=facts.case,
            service=services[draft.service],
            consent=draft.consent,
            state=draft.state,
            sent_on=draft.sent_on,
            reason=rng.choice(REFERRAL_REASONS[draft.service]),
            answer=answer,
            end_reason=draft.end_reason if draft.state == R.ENDED else "",
            ended_on=draft.ended_on if draft.state == R.ENDED else None,
            sent_by=facts.manager or here.head,
        )
        rows.append(draft.referral)
    last_step = {id(d.referral): last_day(d) for d in drafts}
    save_all(
        ServiceReferral,
        rows,
        when=lambda r: moment(last_step[id(r)], 11),
        who=lambda r: r.sent_by,
    )
    for row in rows:  # the referral was created when it was sent
        row.created_at = moment(row.sent_on, 9)
    ServiceReferral.objects.bulk_update(rows, ["created_at"])
    save_all(ReferralStateChange, [c for d in drafts for c in state_changes(here, d)])


def last_day(draft: Draft) -> datetime.date:
    return draft.ended_on or draft.started_on or draft.answered_on or draft.sent_on


def provider_user(here: Office, draft: Draft) -> User:
    """Who at the provider answered: one of its portal users, else the case manager who
    recorded the provider's answer."""
    staff = here.provider_staff.get(SERVICE_SPECS[draft.service].organisation)
    if staff:
        return staff[draft.facts.household.pk % len(staff)]
    return draft.referral.sent_by


def state_changes(here: Office, draft: Draft) -> list[ReferralStateChange]:
    referral, provider = draft.referral, provider_user(here, draft)
    steps = [("", R.SENT, draft.sent_on, referral.sent_by, "")]
    if draft.state == R.REFUSED:
        steps.append((R.SENT, R.REFUSED, draft.answered_on, provider, referral.answer))
    elif draft.answered_on:
        steps.append((R.SENT, R.ACCEPTED, draft.answered_on, provider, referral.answer))
    if draft.started_on:
        steps.append((R.ACCEPTED, R.STARTED, draft.started_on, provider, ""))
    if draft.state == R.ENDED:
        before = R.STARTED if draft.started_on else R.ACCEPTED
        note = END_NOTES.get(draft.end_reason, "")
        steps.append((before, R.ENDED, draft.ended_on, provider, note))
    return [
        ReferralStateChange(
            referral=referral,
            from_state=before,
            to_state=after,
            changed_at=moment(day, 9 + number * 2),
            by=by,
            note=note,
        )
        for number, (before, after, day, by, note) in enumerate(steps)
    ]
