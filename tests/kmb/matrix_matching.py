"""Access-matrix entries of the matching pages and the waiting list (see tests/kmb/matrix.py).

These pages show persons: the KMB's staff use them, an administrator reads them (audited) but does
no matching, and the housing department never reaches them (403) — its view of a proposal is the
commission's anonymised summary. Pages that compute matching for "my KMB" (a flat's shortlist, the
global proposal) need a KMB, so an administrator gets 403 there too.
"""

from housing.models import DeclineParty, ProposalStatus
from kmb.accounts.models import Role
from tests.factories.housing import FlatFactory
from tests.factories.matching import HousingApplicationFactory, ProposalFactory
from tests.kmb.matrix import CASEWORK, FORBIDDEN, READERS, REDIRECT, Case, only

# Reading pages: the KMB's staff, the administrator (read only).
READ = only(*READERS)
# Acting pages and forms: the KMB's staff.
ACT = only(*CASEWORK)
ACT_POST = only(*CASEWORK, outcome=REDIRECT)


def _pk(key):
    return lambda w: {"pk": w[key].pk}


MATRIX: list[Case] = [
    Case("housing:matching-overview", READ),
    Case("housing:matching-global", ACT),
    Case("housing:matching-global", ACT_POST, method="post", label="propose the pairs"),
    Case("housing:matching-flat", ACT, kwargs=_pk("match_flat"), personal=True),
    Case("housing:matching-propose", ACT_POST, kwargs=_pk("match_flat"), method="post"),
    Case("housing:matching-application", READ, kwargs=_pk("application"), personal=True),
    Case(
        "housing:matching-pair",
        READ,
        kwargs=lambda w: {"pk": w["application"].pk, "flat": w["match_flat"].pk},
        personal=True,
    ),
    Case("housing:proposal-list", READ),
    Case("housing:proposal-detail", READ, kwargs=_pk("proposal"), personal=True),
    Case("housing:proposal-reserve", ACT_POST, kwargs=_pk("proposal"), method="post"),
    Case("housing:proposal-decline", ACT, kwargs=_pk("proposal_to_decline"), personal=True),
    Case("housing:proposal-withdraw", ACT_POST, kwargs=_pk("proposal_to_withdraw"), method="post"),
    Case(
        "housing:proposal-review",
        only(Role.MANAGER, outcome=REDIRECT) | {Role.SOCIAL_WORKER: FORBIDDEN},
        kwargs=_pk("declined_proposal"),
        method="post",
    ),
    Case("housing:proposal-lease", ACT, kwargs=_pk("approved_proposal"), personal=True),
    Case("housing:application-list", READ),
    Case("housing:application-create", ACT, kwargs=_pk("case")),
    Case("housing:application-detail", READ, kwargs=_pk("application"), personal=True),
    Case("housing:application-park", ACT, kwargs=_pk("application"), personal=True),
    Case("housing:application-unpark", ACT_POST, kwargs=_pk("application"), method="post"),
    Case("housing:application-withdraw", ACT, kwargs=_pk("application"), personal=True),
]


def world(base: dict) -> dict:
    """The case's household on the waiting list, free flats in the housing department's
    municipality (inside the KMB's ORP) and proposals in each state the actions need."""
    application = HousingApplicationFactory(case=base["case"], household=base["household"])
    municipality = base["flat"].municipality

    def proposal(**kwargs):
        return ProposalFactory(
            application=application, flat=FlatFactory(municipality=municipality), **kwargs
        )

    return {
        "application": application,
        "match_flat": FlatFactory(municipality=municipality),
        "proposal": proposal(),
        "proposal_to_decline": proposal(),
        "proposal_to_withdraw": proposal(),
        "declined_proposal": proposal(
            status=ProposalStatus.DECLINED,
            declined_by=DeclineParty.HOUSEHOLD,
            decline_reason_text="Daleko",
            decline_review="pending",
        ),
        "approved_proposal": proposal(status=ProposalStatus.APPROVED),
    }
