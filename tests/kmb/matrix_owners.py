"""Access-matrix entries of owners with no flat yet (see tests/kmb/matrix.py): a private owner's
contacts stay with the organisation that added it until the owner has a flat in someone's area.
The owner of the world's flat (seen by every role that sees flats) is in test_access_matrix.py."""

from kmb.accounts.models import Role
from tests.factories.housing import OwnerFactory
from tests.kmb.matrix import FLAT_MANAGERS, FORBIDDEN, HIDDEN, Case, only

# Who opens the page of an owner with no flat that `adder` added: its staff (and the
# administrator, read only); every other role that sees flats gets 404.
KMB_STAFF = (Role.SOCIAL_WORKER, Role.MANAGER)


def _added_by(url_name, key, adders, *, who_else=(Role.ADMINISTRATOR,), label):
    viewers = {*adders, *who_else}
    expect = {
        **only(*viewers),
        **{role: HIDDEN for role in FLAT_MANAGERS if role not in viewers},
    }
    return Case(url_name, expect, kwargs=lambda w: {"pk": w[key].pk}, personal=True, label=label)


def _edit(key, adders, *, label):
    """Editing: the adding organisation's staff; the administrator never edits (403)."""
    expect = {
        **only(*adders),
        **{role: HIDDEN for role in FLAT_MANAGERS if role not in adders},
        Role.ADMINISTRATOR: FORBIDDEN,
    }
    return Case(
        "housing:owner-edit", expect, kwargs=lambda w: {"pk": w[key].pk}, personal=True, label=label
    )


MATRIX: list[Case] = [
    _added_by(
        "housing:owner-detail", "kmbs_new_owner", KMB_STAFF, label="no flat, added by the KMB"
    ),
    _added_by(
        "housing:owner-detail",
        "departments_new_owner",
        (Role.HOUSING_DEPARTMENT,),
        label="no flat, added by the housing department",
    ),
    _added_by(
        "housing:owner-detail",
        "other_kmbs_new_owner",
        (),
        label="no flat, added by another KMB",
    ),
    _edit("kmbs_new_owner", KMB_STAFF, label="no flat, added by the KMB"),
    _edit("other_kmbs_new_owner", (), label="no flat, added by another KMB"),
]


def world(base: dict) -> dict:
    """Private owners with no flat yet, added by the KMB, by the housing department of the flat's
    municipality, and by another KMB."""
    return {
        "kmbs_new_owner": OwnerFactory(private=True, created_by_organisation=base["kmb_office"]),
        "departments_new_owner": OwnerFactory(
            private=True,
            created_by_organisation=base[Role.HOUSING_DEPARTMENT].organisation,
        ),
        "other_kmbs_new_owner": OwnerFactory(
            private=True, created_by_organisation=base["other_case"].kmb
        ),
    }
