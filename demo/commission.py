"""The housing commission of Liberec in the demo: the case managers' recommendations on the waiting
list, a session held last month (decisions approve, reject and defer, minutes issued) and one
planned for next week with proposals on its agenda.

What the commission sees of a household is built by housing.summaries through the redaction
policy and frozen into the agenda item, as housing.services.commission does. Recommendations,
conditions and reasons are written without names, dates or places, and each recommendation is
checked against the household's identifiers before it is kept.
"""

import datetime
import random

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from demo.common import days, moment, save_all
from housing import summaries
from housing.models import (
    AgendaItem,
    CommissionSession,
    HousingApplication,
    Readiness,
    Recommendation,
    SessionStatus,
)
from kmb.accounts.models import User
from kmb.territory.models import Municipality

SEED = "kmb-demo-commission"
PLACE = "Magistrát města Liberec, zasedací místnost č. 217"
R = Readiness
RECOMMENDATIONS = {
    Recommendation.RECOMMEND: (
        [R.COOPERATES, R.PAYS_REGULARLY, R.DOCUMENTS_READY, R.INCOME_SECURED],
        [
            "Domácnost spolupracuje pravidelně a plní dohodnuté kroky. Nájemné za ubytování platí "
            "včas, příjem je stabilní. Doporučujeme přidělení bytu.",
            "Dochází na všechny schůzky, doklady má v pořádku a dávky jsou přiznané. Předchozí "
            "nájem skončil bez dluhu. Doporučujeme.",
        ],
    ),
    Recommendation.RECOMMEND_WITH_SUPPORT: (
        [R.COOPERATES, R.SUPPORT_AGREED, R.KEEPS_SCHEDULE, R.INCOME_SECURED],
        [
            "Domácnost souhlasí s podporou poskytovatele v bydlení nejméně 2 hodiny týdně. Dluh "
            "splácí podle splátkového kalendáře bez výpadku. Doporučujeme s podporou.",
            "Po delší době bez domova potřebuje podporu při zabydlení. Spolupráce s terénním "
            "programem je dobrá, rozpočet sestavený. Doporučujeme s podporou poskytovatele.",
            "Rodina s dětmi v nevyhovujícím bydlení, spolupracuje se sociálně aktivizační službou. "
            "Doporučujeme s podporou, platby nájemného hlídá poskytovatel.",
        ],
    ),
    Recommendation.NOT_YET: (
        [R.COOPERATES],
        [
            "Spolupráce začala teprve nedávno, příjem zatím není zajištěn. Doporučujeme znovu "
            "posoudit za tři měsíce.",
        ],
    ),
}
RECOMMENDATION_WEIGHTS = {
    Recommendation.RECOMMEND: 35,
    Recommendation.RECOMMEND_WITH_SUPPORT: 55,
    Recommendation.NOT_YET: 10,
}
CONDITIONS = [
    "Podmínkou je dohoda o podpoře v bydlení s poskytovatelem na dobu nájmu.",
    "Podmínkou je složení jistoty ve výši jednoho nájemného, lze z dávky MOP.",
]
DEFER_REASONS = "Komise žádá doložit aktuální příjmy domácnosti a vyjádření poskytovatele podpory."
REJECT_DETAIL = (
    "Dluh vůči městu převyšuje hranici podle pravidel pro přidělování; po uhrazení nebo "
    "sjednání splátek lze žádost posoudit znovu."
)


def recommend(applications: list[HousingApplication], must: set[int], count: int) -> list:
    """Recommendations on the applications of `must` (their proposals go to the commission) and
    on others up to `count`: structured, with a text that passed the free-text checker."""
    rng = random.Random(SEED)
    chosen = [a for a in applications if a.pk in must]
    others = [a for a in applications if a.pk not in must and not a.parked_until]
    chosen += rng.sample(others, max(0, min(len(others), count - len(chosen))))
    done = []
    for application in chosen:
        kind = rng.choices(list(RECOMMENDATION_WEIGHTS), list(RECOMMENDATION_WEIGHTS.values()))[0]
        if application.pk in must and kind == Recommendation.NOT_YET:
            kind = Recommendation.RECOMMEND_WITH_SUPPORT
        readiness, texts = RECOMMENDATIONS[kind]
        text = clean_text(application, rng.sample(texts, len(texts)))
        application.recommendation = kind
        application.readiness = [code for code in Readiness.values if code in readiness]
        application.recommendation_text = text
        application.recommended_by = application.case.case_manager
        recommended = application.submitted_on + days(rng.randint(1, 6))
        application.recommended_on = min(recommended, timezone.localdate())
        application._history_user = application.recommended_by
        application._history_date = moment(application.recommended_on, 15)
        application.full_clean()
        application.save()
        done.append(application)
    return done


def clean_text(application: HousingApplication, texts: list[str]) -> str:
    """The first text the checker lets through for this household ("" if none would)."""
    identifiers = summaries.identifiers_of(summaries.load_application(application.pk))
    for text in texts:
        try:
            return identifiers.check(text)
        except ValidationError:
            continue
    return ""


def wednesday_before(day: datetime.date) -> datetime.date:
    return day - days((day.weekday() - 2) % 7)


def session_days(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The session held last month (three weeks ago at least) and next week's."""
    next_monday = today + days(7 - today.weekday())
    return wednesday_before(today - days(21)), next_monday + days(2)


def frozen_summary(proposal) -> dict:
    """What housing.services.commission.add_to_agenda freezes into an item (in the office
    language, as the commission reads it)."""
    with translation.override(settings.LANGUAGE_CODE):
        summary = summaries.summary_of(proposal.application_id, flat=proposal.flat)
        return {"household": summary.to_dict(), "flat": summaries.flat_facts(proposal.flat)}


def build_sessions(
    *,
    municipality: Municipality,
    held: datetime.date,
    planned: datetime.date,
    decided: list[tuple],
    waiting: list,
    by: User,
) -> list[CommissionSession]:
    """The closed session with its decided items (`decided`: (proposal, decision, conditions,
    reasons)) and the planned one with `waiting` proposals on its agenda."""
    closed = CommissionSession(
        municipality=municipality,
        held_on=held,
        place=PLACE,
        status=SessionStatus.CLOSED,
        closed_at=moment(held, 16, 30),
        created_by=by,
    )
    upcoming = CommissionSession(
        municipality=municipality, held_on=planned, place=PLACE, created_by=by
    )
    prepared = {id(closed): held - days(9), id(upcoming): planned - days(8)}
    sessions = save_all(
        CommissionSession,
        [closed, upcoming],
        when=lambda s: moment(prepared[id(s)], 9),
        who=lambda s: by,
    )
    items = [
        AgendaItem(
            session=closed,
            proposal=proposal,
            order=order,
            summary=frozen_summary(proposal),
            decision=decision,
            conditions=conditions,
            reasons=reasons,
            decided_at=moment(held, 14, order * 5),
            decided_by=by,
        )
        for order, (proposal, decision, conditions, reasons) in enumerate(decided, start=1)
    ]
    items += [
        AgendaItem(
            session=upcoming, proposal=proposal, order=order, summary=frozen_summary(proposal)
        )
        for order, proposal in enumerate(waiting, start=1)
    ]
    added = {id(item): item.session.held_on - days(7) for item in items}
    save_all(AgendaItem, items, when=lambda item: moment(added[id(item)], 10), who=lambda i: by)
    return sessions
