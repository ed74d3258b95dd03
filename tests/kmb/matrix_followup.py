"""Access-matrix entries of the followup pages (see tests/kmb/matrix.py): the notification centre
(each user's own notifications only) and the monthly check-ins (the KMB's casework staff)."""

from kmb.accounts.models import Role
from kmb.notifications.models import NotificationKind
from kmb.notifications.services import notify
from tests.factories.housing import FlatFactory, LeaseFactory
from tests.kmb.matrix import CASEWORK, FORBIDDEN, HIDDEN, OK, REDIRECT, Case, logged_in, only

MATRIX: list[Case] = [
    Case("notifications:list", logged_in(OK)),
    # The social worker's notification: nobody else learns it exists.
    Case(
        "notifications:open",
        only(Role.SOCIAL_WORKER, outcome=REDIRECT, otherwise=HIDDEN),
        kwargs=lambda w: {"pk": w["notification"].pk},
        method="post",
    ),
    Case("notifications:mark-all-read", logged_in(REDIRECT), method="post"),
    Case("housing:checkin-list", only(*CASEWORK)),
    # An empty POST: the worklist comes back with the row's form saying what is missing.
    Case(
        "housing:checkin-record",
        only(*CASEWORK),
        kwargs=lambda w: {"pk": w["lease"].pk},
        method="post",
        label="own KMB",
    ),
    Case(
        "housing:checkin-record",
        only(*CASEWORK, outcome=HIDDEN, otherwise=FORBIDDEN),
        kwargs=lambda w: {"pk": w["other_kmbs_lease"].pk},
        method="post",
        label="another KMB's household",
    ),
]


def world(base: dict) -> dict:
    """A notification of the social worker; a lease of a flat in the KMB's ORP to a household
    that another KMB keeps the file of (large cities have several KMBs in one ORP)."""
    return {
        "notification": notify(
            recipient=base[Role.SOCIAL_WORKER],
            kind=NotificationKind.OTHER,
            message="Cooperation ended",
            url=base["case"].get_absolute_url(),
        ),
        "other_kmbs_lease": LeaseFactory(
            flat=FlatFactory(municipality=base["flat"].municipality),
            household=base["other_case"].household,
        ),
    }
