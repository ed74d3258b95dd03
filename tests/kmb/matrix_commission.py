"""Access-matrix entries of the commission pages (see tests/kmb/matrix.py).

The housing department prepares its own municipality's sessions and decides; the KMB of the ORP
reads them (and writes the recommendation the commission reads); administrators read; providers
never see the commission. Every page with a summary is audited."""

from django.utils import timezone

from housing.models import FlatStatus, ProposalStatus
from housing.services import commission as services
from kmb.accounts.models import Role
from tests.factories.accounts import MunicipalityFactory
from tests.factories.housing import FlatFactory
from tests.factories.matching import HousingApplicationFactory, ProposalFactory
from tests.kmb.matrix import HIDDEN, OK, REDIRECT, Case, only

READERS = (Role.SOCIAL_WORKER, Role.MANAGER, Role.HOUSING_DEPARTMENT, Role.ADMINISTRATOR)
CLERK = (Role.HOUSING_DEPARTMENT,)
# Another municipality's session, outside the KMB's ORP: only the administrator reaches it.
ELSEWHERE = {
    **only(Role.ADMINISTRATOR),
    **dict.fromkeys((Role.HOUSING_DEPARTMENT, Role.SOCIAL_WORKER, Role.MANAGER), HIDDEN),
}


def session_page(url_name, key, *, who=READERS, personal=False, method="get", outcome=OK):
    return Case(
        url_name,
        only(*who, outcome=outcome),
        kwargs=lambda w: {"pk": w[key].pk},
        personal=personal,
        method=method,
    )


MATRIX: list[Case] = [
    Case("housing:session-list", only(*READERS)),
    Case("housing:session-create", only(*CLERK)),
    session_page("housing:session-detail", "session", personal=True),
    Case(
        "housing:session-detail",
        ELSEWHERE,
        kwargs=lambda w: {"pk": w["other_session"].pk},
        personal=True,
        label="another municipality",
    ),
    session_page("housing:session-edit", "session", who=CLERK),
    # The item is undecided: closing is refused with a message, and the page comes back.
    session_page("housing:session-close", "session", who=CLERK, method="post", outcome=REDIRECT),
    session_page("housing:session-minutes", "session", personal=True),
    Case(
        "housing:session-minutes",
        ELSEWHERE,
        kwargs=lambda w: {"pk": w["other_session"].pk},
        personal=True,
        label="another municipality",
    ),
    session_page("housing:agenda-item-add", "session", who=CLERK),
    session_page("housing:agenda-item-detail", "agenda_item", personal=True),
    # An empty POST: the decision form comes back with the summary, saying what is missing.
    session_page(
        "housing:agenda-item-decide", "agenda_item", who=CLERK, method="post", personal=True
    ),
    session_page(
        "housing:agenda-item-remove", "agenda_item", who=CLERK, method="post", outcome=REDIRECT
    ),
    session_page("housing:proposal-summary", "reserved_proposal", personal=True),
    Case(
        "housing:application-recommendation",
        only(Role.SOCIAL_WORKER, Role.MANAGER),
        kwargs=lambda w: {"pk": w["commission_application"].pk},
        personal=True,
    ),
]


def world(base: dict) -> dict:
    """A household of the KMB (not the core world's, which the matching pages use) whose
    reserved flat in the housing department's municipality is on a planned session's agenda, and
    a session of a municipality elsewhere."""
    clerk = base[Role.HOUSING_DEPARTMENT]
    municipality = clerk.organisation.municipality  # in the KMB's ORP (housing_world)
    kmb = base["kmb_office"]
    application = HousingApplicationFactory(case__household__kmb=kmb, case__kmb=kmb)
    proposal = ProposalFactory(
        application=application,
        flat=FlatFactory(municipality=municipality, status=FlatStatus.RESERVED),
        status=ProposalStatus.RESERVED,
        # What propose() would have kept; the workflow's steps validate that it is there.
        snapshot={"score": 10},
    )
    session = services.create_session(
        municipality=municipality, held_on=timezone.localdate(), place="", by=clerk
    )
    item = services.add_to_agenda(session=session, proposal=proposal, by=clerk)
    other_session = services.create_session(
        municipality=MunicipalityFactory(), held_on=timezone.localdate(), place="", by=clerk
    )
    return {
        "commission_application": application,
        "reserved_proposal": proposal,
        "session": session,
        "agenda_item": item,
        "other_session": other_session,
    }
