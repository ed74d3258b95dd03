"""Access-matrix entries of the matching configuration and the pairing pages (see
tests/kmb/matrix.py).

A KMB manager configures matching for their own KMB and the municipalities of its ORP, and
assigns case managers; the KMB's staff see the support proposals; the administrator reads a
household's proposals (audited) but configures and assigns nothing; the housing department and
providers see none of it."""

from kmb.accounts.models import Role
from tests.factories.matching import DeclineReasonFactory
from tests.kmb.matrix import HIDDEN, OK, REDIRECT, Case, only

KMB_STAFF = (Role.SOCIAL_WORKER, Role.MANAGER)


def manager_only(url_name, key=None, *, method="get", outcome=OK, hidden=False, label=""):
    expect = only(Role.MANAGER, outcome=outcome)
    if hidden:
        expect[Role.MANAGER] = HIDDEN
    return Case(
        url_name,
        expect,
        kwargs=(lambda w: {"pk": w[key].pk}) if key else (lambda w: {}),
        method=method,
        label=label,
    )


MATRIX: list[Case] = [
    manager_only("housing:matching-settings"),
    manager_only("housing:matching-rules"),
    manager_only("housing:matching-rules-edit", "orp_municipality"),
    manager_only("housing:matching-rules-edit", "municipality", hidden=True, label="another ORP"),
    manager_only("housing:decline-reason-list"),
    manager_only("housing:decline-reason-create"),
    manager_only("housing:decline-reason-edit", "decline_reason"),
    manager_only(
        "housing:decline-reason-edit", "other_decline_reason", hidden=True, label="another KMB"
    ),
    manager_only(
        "housing:decline-reason-retire", "decline_reason", method="post", outcome=REDIRECT
    ),
    manager_only(
        "housing:decline-reason-restore", "decline_reason", method="post", outcome=REDIRECT
    ),
    manager_only("housing:pairing-case-managers"),
    # An empty POST: back to the proposals with a message saying what is missing.
    manager_only("housing:pairing-case-managers-accept", method="post", outcome=REDIRECT),
    Case("housing:pairing-support", only(*KMB_STAFF)),
    Case(
        "housing:pairing-case-services",
        only(*KMB_STAFF, Role.ADMINISTRATOR),
        kwargs=lambda w: {"pk": w["case"].pk},
        personal=True,
        label="own KMB",
    ),
    Case(
        "housing:pairing-case-services",
        only(Role.ADMINISTRATOR) | dict.fromkeys(KMB_STAFF, HIDDEN),
        kwargs=lambda w: {"pk": w["other_case"].pk},
        personal=True,
        label="another KMB",
    ),
]


def world(base: dict) -> dict:
    """A municipality of the KMB's ORP (the housing department's), a decline reason of the KMB
    and one of another KMB."""
    return {
        "orp_municipality": base[Role.HOUSING_DEPARTMENT].organisation.municipality,
        "decline_reason": DeclineReasonFactory(kmb=base["kmb_office"]),
        "other_decline_reason": DeclineReasonFactory(kmb=base["other_case"].kmb),
    }
