"""The vocabulary of the access matrix: roles, outcomes and the `Case` of one URL.

`tests/kmb/test_access_matrix.py` holds the core entries; each area adds its own in
`tests/kmb/matrix_<area>.py` (a `MATRIX` list and a `world(base)` function adding the records its
URLs need), so that deciding who may open a new page stays part of adding it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from kmb.accounts.models import Role

ANONYMOUS = "anonymous"
ROLES = [ANONYMOUS, *Role]

OK = 200
LOGIN = "login"  # redirected to the login page
REDIRECT = 302  # redirected elsewhere (the page did its job)
FORBIDDEN = 403
HIDDEN = 404
NOT_ALLOWED = 405


def everyone(outcome, **exceptions):
    return {role: exceptions.get(role, outcome) for role in ROLES}


def logged_in(outcome, **exceptions):
    """Anonymous users go to the login page; the roles get `outcome` unless named."""
    return {ANONYMOUS: LOGIN, **{role: exceptions.get(role, outcome) for role in Role}}


def only(*roles, outcome=OK, otherwise=FORBIDDEN):
    return {ANONYMOUS: LOGIN, **{role: outcome if role in roles else otherwise for role in Role}}


@dataclass
class Case:
    url_name: str
    expect: dict
    kwargs: Callable[[dict], dict] = field(default=lambda world: {})
    method: str = "get"
    personal: bool = False
    label: str = ""


MANAGERS = (Role.MANAGER, Role.ADMINISTRATOR)
CASEWORK = (Role.SOCIAL_WORKER, Role.MANAGER)
READERS = (Role.SOCIAL_WORKER, Role.MANAGER, Role.ADMINISTRATOR)
# Who opens the KMB's own case file: its staff, the administrator (read only, audited), and the
# provider to which the household consented. The housing department never.
CASE_FILE = {**only(*READERS), Role.PROVIDER_STAFF: OK, Role.HOUSING_DEPARTMENT: HIDDEN}
ANOTHER_KMBS_FILE = {
    ANONYMOUS: LOGIN,
    Role.SOCIAL_WORKER: HIDDEN,
    Role.MANAGER: HIDDEN,
    Role.HOUSING_DEPARTMENT: HIDDEN,
    Role.PROVIDER_STAFF: HIDDEN,
    Role.ADMINISTRATOR: OK,
}


FLAT_VIEWERS = (Role.SOCIAL_WORKER, Role.MANAGER, Role.HOUSING_DEPARTMENT, Role.ADMINISTRATOR)
FLAT_MANAGERS = (Role.SOCIAL_WORKER, Role.MANAGER, Role.HOUSING_DEPARTMENT)


def flat_page(url_name, key=None, *, who=FLAT_VIEWERS, personal=False, method="get", outcome=OK):
    """A page of the housing stock of the KMB's ORP and the housing department's municipality."""
    return Case(
        url_name,
        only(*who, outcome=outcome),
        kwargs=(lambda w: {"pk": w[key].pk}) if key else (lambda w: {}),
        personal=personal,
        method=method,
    )


def household_record(url_name, key, *, personal=False, method="get", outcome=OK):
    """A page that changes a record of the KMB's own case file: its staff only."""
    return Case(
        url_name,
        only(*CASEWORK, outcome=outcome),
        kwargs=lambda w: {"pk": w[key].pk},
        personal=personal,
        method=method,
    )
