"""The access policy: the one place that decides what a user may see and do.

Roles grant capabilities (`Can`); organisations scope the records a capability reaches. Views ask
this module and nothing else. Everything not granted here is denied: no access to a record → 404
(its existence is not revealed), may see but not change → 403.
"""

from dataclasses import dataclass
from enum import StrEnum
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from kmb.accounts.models import Organisation, Role, User
from kmb.audit.models import AccessLog


class Can(StrEnum):
    VIEW_CASES = "view_cases"
    EDIT_CASES = "edit_cases"
    ASSIGN_CASES = "assign_cases"
    EXPORT_CLIENT_DATA = "export_client_data"
    VIEW_FLATS = "view_flats"
    MANAGE_FLATS = "manage_flats"
    VIEW_GUARANTEES = "view_guarantees"
    MANAGE_GUARANTEES = "manage_guarantees"
    VIEW_STAFF = "view_staff"
    MANAGE_STAFF = "manage_staff"
    MANAGE_ORGANISATIONS = "manage_organisations"
    MANAGE_TERRITORY = "manage_territory"
    VIEW_AUDIT = "view_audit"


ROLE_CAPABILITIES: dict[Role, frozenset[Can]] = {
    Role.SOCIAL_WORKER: frozenset(
        {
            Can.VIEW_CASES,
            Can.EDIT_CASES,
            Can.VIEW_FLATS,
            Can.MANAGE_FLATS,
            Can.VIEW_GUARANTEES,
            Can.MANAGE_GUARANTEES,
        }
    ),
    Role.MANAGER: frozenset(
        {
            Can.VIEW_CASES,
            Can.EDIT_CASES,
            Can.ASSIGN_CASES,
            Can.EXPORT_CLIENT_DATA,
            Can.VIEW_FLATS,
            Can.MANAGE_FLATS,
            Can.VIEW_GUARANTEES,
            Can.MANAGE_GUARANTEES,
            Can.VIEW_STAFF,
            Can.MANAGE_STAFF,
            Can.VIEW_AUDIT,
        }
    ),
    # The housing department manages its municipality's flats; it never sees a case file.
    Role.HOUSING_DEPARTMENT: frozenset({Can.VIEW_FLATS, Can.MANAGE_FLATS, Can.VIEW_GUARANTEES}),
    # Providers reach single case files through consents (households_visible_to), not lists.
    Role.PROVIDER_STAFF: frozenset(),
    # Administrators read everything (audited) but do no case work.
    Role.ADMINISTRATOR: frozenset(Can)
    - {Can.EDIT_CASES, Can.ASSIGN_CASES, Can.MANAGE_FLATS, Can.MANAGE_GUARANTEES},
}


def can(user, capability: Can) -> bool:
    if not user.is_authenticated or not user.is_active or not user.role:
        return False
    return capability in ROLE_CAPABILITIES[Role(user.role)]


def require(capability: Can):
    """View decorator: 403 unless the user's role grants the capability."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not can(request.user, capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def is_administrator(user) -> bool:
    return user.is_authenticated and user.role == Role.ADMINISTRATOR


# --- Staff and organisations -------------------------------------------------------------------


def users_visible_to(viewer) -> QuerySet[User]:
    users = User.objects.select_related("organisation")
    if is_administrator(viewer):
        return users
    if can(viewer, Can.VIEW_STAFF):
        return users.filter(organisation_id=viewer.organisation_id)
    return users.none()


def get_user_for(viewer, pk: int, *, write: bool = False) -> User:
    user = get_object_or_404(users_visible_to(viewer), pk=pk)
    if write and not can_edit_user(viewer, user):
        raise PermissionDenied
    return user


def can_edit_user(viewer, user: User) -> bool:
    if is_administrator(viewer):
        return True
    # A manager looks after the staff of their own KMB, but not the administrators.
    return (
        can(viewer, Can.MANAGE_STAFF)
        and user.organisation_id == viewer.organisation_id
        and user.role in assignable_roles(viewer)
    )


def assignable_roles(viewer) -> list[Role]:
    """The roles this user may give to others."""
    if is_administrator(viewer):
        return list(Role)
    if can(viewer, Can.MANAGE_STAFF):
        return [Role.SOCIAL_WORKER, Role.MANAGER]
    return []


def assignable_organisations(viewer) -> QuerySet[Organisation]:
    """The organisations this user may place staff in."""
    organisations = Organisation.objects.filter(is_active=True)
    if is_administrator(viewer):
        return organisations
    if can(viewer, Can.MANAGE_STAFF):
        return organisations.filter(pk=viewer.organisation_id)
    return organisations.none()


def organisations_visible_to(viewer) -> QuerySet[Organisation]:
    organisations = Organisation.objects.select_related("orp", "municipality")
    if is_administrator(viewer):
        return organisations
    if viewer.is_authenticated and viewer.organisation_id:
        return organisations.filter(pk=viewer.organisation_id)
    return organisations.none()


def get_organisation_for(viewer, pk: int, *, write: bool = False) -> Organisation:
    organisation = get_object_or_404(organisations_visible_to(viewer), pk=pk)
    if write and not can(viewer, Can.MANAGE_ORGANISATIONS):
        raise PermissionDenied
    return organisation


# --- Audit -------------------------------------------------------------------------------------


def access_log_visible_to(viewer) -> QuerySet[AccessLog]:
    entries = AccessLog.objects.select_related("user", "organisation", "content_type")
    if is_administrator(viewer):
        return entries
    if can(viewer, Can.VIEW_AUDIT):
        return entries.filter(organisation_id=viewer.organisation_id)
    return entries.none()


def history_visible_to(viewer, records: QuerySet) -> QuerySet:
    """Change history rows (simple-history) the user may browse: a manager sees the changes made
    by their own organisation's staff."""
    records = records.select_related("history_user")
    if is_administrator(viewer):
        return records
    if can(viewer, Can.VIEW_AUDIT):
        return records.filter(history_user__organisation_id=viewer.organisation_id)
    return records.none()


# What each role may see, told to the user on their home page (DOMAIN.md, "Who uses the system").
ROLE_DESCRIPTIONS: dict[Role, str] = {
    Role.SOCIAL_WORKER: _(
        "You keep the case files of your KMB's clients: intake, consultations, referrals, "
        "assistance plans and debts."
    ),
    Role.MANAGER: _(
        "You see everything of your KMB: you assign case managers, look after your staff, set the "
        "municipal rules and targets, and check who opened which personal data."
    ),
    Role.HOUSING_DEPARTMENT: _(
        "You see anonymised case summaries for your municipality's flats and record the "
        "commission's decisions. Names, contacts and notes of clients are never shown to you."
    ),
    Role.PROVIDER_STAFF: _(
        "You see only the households referred to your organisation whose members consented to it, "
        "and report on the support you give them."
    ),
    Role.ADMINISTRATOR: _(
        "You manage staff accounts, organisations and municipalities. Every read of personal data, "
        "yours included, is recorded."
    ),
}


# --- Navigation --------------------------------------------------------------------------------


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str
    capability: Can | None = None
    group: str | None = None  # items of a group share a drop-down menu


ADMINISTRATION = _("Administration")

NAVIGATION = [
    NavItem(_("Overview"), "home", "house"),
    NavItem(_("Cases"), "clients:case-list", "folder2-open", Can.VIEW_CASES),
    NavItem(_("New client"), "clients:intake", "person-plus", Can.EDIT_CASES),
    NavItem(_("Register"), "clients:register-expiring", "journal-check", Can.VIEW_CASES),
    NavItem(_("Debts"), "clients:debt-worklist", "cash-coin", Can.VIEW_CASES),
    NavItem(_("Flats"), "housing:flat-list", "buildings", Can.VIEW_FLATS),
    NavItem(_("Guarantees"), "guarantees:guarantee-list", "shield-check", Can.VIEW_GUARANTEES),
    NavItem(_("Staff"), "accounts:user-list", "people", Can.VIEW_STAFF, group=ADMINISTRATION),
    NavItem(
        _("Organisations"),
        "accounts:organisation-list",
        "building",
        Can.MANAGE_ORGANISATIONS,
        group=ADMINISTRATION,
    ),
    NavItem(
        _("Municipalities"),
        "territory:municipality-list",
        "geo-alt",
        Can.MANAGE_TERRITORY,
        group=ADMINISTRATION,
    ),
    NavItem(_("Access log"), "audit:access-log", "eye", Can.VIEW_AUDIT, group=ADMINISTRATION),
    NavItem(
        _("Change history"), "audit:history", "clock-history", Can.VIEW_AUDIT, group=ADMINISTRATION
    ),
]


def navigation_for(user) -> list[NavItem]:
    return [item for item in NAVIGATION if item.capability is None or can(user, item.capability)]


def navigation_groups_for(user) -> list[tuple[str | None, list[NavItem]]]:
    """The user's navigation as the bar shows it: single links, and groups in drop-downs."""
    groups: list[tuple[str | None, list[NavItem]]] = []
    for item in navigation_for(user):
        if item.group and groups and groups[-1][0] == item.group:
            groups[-1][1].append(item)
        else:
            groups.append((item.group, [item]))
    return groups


# --- Case files --------------------------------------------------------------------------------
# The querysets come from the clients app (kmb does not import it); this module decides which
# of their rows a user reaches. Their `kept_by` / `shared_with` methods say what the data mean.

CASEWORK_ROLES = {Role.SOCIAL_WORKER, Role.MANAGER}


def households_visible_to(user, households: QuerySet) -> QuerySet:
    if is_administrator(user):
        return households
    if user.role in CASEWORK_ROLES:
        return households.kept_by(user.organisation_id)
    if user.role == Role.PROVIDER_STAFF:
        # A provider reaches a household only while its consent to share with them is valid.
        return households.shared_with(user.organisation_id)
    return households.none()


def cases_visible_to(user, cases: QuerySet) -> QuerySet:
    if is_administrator(user):
        return cases
    if user.role in CASEWORK_ROLES:
        return cases.filter(kmb_id=user.organisation_id)
    if user.role == Role.PROVIDER_STAFF:
        return cases.shared_with(user.organisation_id)
    return cases.none()


def get_case_for(user, cases: QuerySet, pk: int, *, write: bool = False):
    """The case if the user may see it (else 404); write=True: 403 unless they may change it."""
    case = get_object_or_404(cases_visible_to(user, cases), pk=pk)
    if write and not may_change_case_file(user, case.household):
        raise PermissionDenied
    return case


def get_household_for(user, households: QuerySet, pk: int, *, write: bool = False):
    household = get_object_or_404(households_visible_to(user, households), pk=pk)
    if write and not may_change_case_file(user, household):
        raise PermissionDenied
    return household


def may_change_case_file(user, household) -> bool:
    """Only the staff of the KMB that keeps the file change it; administrators only read."""
    return user.role in CASEWORK_ROLES and household.kmb_id == user.organisation_id


def case_file_sections(user, household) -> frozenset[str]:
    """Which parts of a case file the user is shown: all of it for the KMB, and for a support
    provider what the household's valid consents to that provider cover (consultation notes
    never leave the KMB)."""
    if is_administrator(user) or user.role in CASEWORK_ROLES:
        return frozenset({*CONSENT_SECTIONS, "notes", "register"})
    if user.role == Role.PROVIDER_STAFF:
        return frozenset(consented_scopes(household, user.organisation_id) & CONSENT_SECTIONS)
    return frozenset()


# The consent scopes (clients.ConsentScope values) that open a section of the case file.
CONSENT_SECTIONS = frozenset({"contact", "situation", "finances", "support", "health"})


def may_share_with(household, organisation_id: int, scope: str) -> bool:
    """Whether information of `scope` may go to the organisation: only under a valid consent."""
    return scope in consented_scopes(household, organisation_id)


def consented_scopes(household, organisation_id: int) -> set[str]:
    scopes = set()
    for consent in household.consents.valid().filter(recipient_id=organisation_id):
        scopes.update(consent.scope)
    return scopes


# --- Housing stock and guarantees ------------------------------------------------------------
# Flats belong to municipalities: a KMB reaches the flats of its ORP, a housing department those
# of its municipality. Leases and guarantees follow their flat.


def flats_visible_to(user, flats: QuerySet) -> QuerySet:
    if is_administrator(user):
        return flats
    if not can(user, Can.VIEW_FLATS) or not user.organisation_id:
        return flats.none()
    organisation = user.organisation
    if user.role in CASEWORK_ROLES:
        return flats.filter(municipality__orp_id=organisation.orp_id)
    if user.role == Role.HOUSING_DEPARTMENT:
        return flats.filter(municipality_id=organisation.municipality_id)
    return flats.none()


def may_manage_flat(user, flat) -> bool:
    if not can(user, Can.MANAGE_FLATS) or not user.organisation_id:
        return False
    organisation = user.organisation
    if user.role in CASEWORK_ROLES:
        return flat.municipality.orp_id == organisation.orp_id
    if user.role == Role.HOUSING_DEPARTMENT:
        return flat.municipality_id == organisation.municipality_id
    return False


def municipalities_managed_by(user, municipalities: QuerySet) -> QuerySet:
    """Where the user may add flats."""
    if not can(user, Can.MANAGE_FLATS) or not user.organisation_id:
        return municipalities.none()
    organisation = user.organisation
    if user.role in CASEWORK_ROLES:
        return municipalities.filter(orp_id=organisation.orp_id)
    if user.role == Role.HOUSING_DEPARTMENT:
        return municipalities.filter(pk=organisation.municipality_id)
    return municipalities.none()


def get_flat_for(user, flats: QuerySet, pk: int, *, write: bool = False):
    flat = get_object_or_404(flats_visible_to(user, flats), pk=pk)
    if write and not may_manage_flat(user, flat):
        raise PermissionDenied
    return flat


def with_flats_visible_to(user, owners_or_realtors: QuerySet, flats: QuerySet) -> QuerySet:
    """Owners (or realtors) of a flat the user sees, and those with no flat yet: newly engaged,
    so that any KMB can offer them its first household. `flats`: the Flat queryset."""
    if not can(user, Can.VIEW_FLATS):
        return owners_or_realtors.none()
    field = owners_or_realtors.model._meta.model_name  # "owner" or "realtor"
    visible = flats_visible_to(user, flats)
    return owners_or_realtors.filter(
        models.Exists(visible.filter(**{field: models.OuterRef("pk")}))
        | ~models.Exists(flats.filter(**{field: models.OuterRef("pk")}))
    )


def leases_visible_to(user, leases: QuerySet, flats: QuerySet) -> QuerySet:
    """`flats`: the Flat queryset (kmb does not import housing)."""
    return leases.filter(flat__in=flats_visible_to(user, flats))


def may_see_household(user, household) -> bool:
    """Whether a page about a flat may name its tenants: only for those who see the case file
    (never the housing department, which sees households by number only)."""
    if is_administrator(user):
        return True
    if user.role in CASEWORK_ROLES:
        return household.kmb_id == user.organisation_id
    return False


def funds_visible_to(user, funds: QuerySet) -> QuerySet:
    if is_administrator(user):
        return funds
    if not can(user, Can.VIEW_GUARANTEES) or not user.organisation_id:
        return funds.none()
    organisation = user.organisation
    if user.role in CASEWORK_ROLES:
        return funds.filter(
            models.Q(orp_id=organisation.orp_id)
            | models.Q(municipality__orp_id=organisation.orp_id)
        )
    if user.role == Role.HOUSING_DEPARTMENT:
        return funds.filter(municipality_id=organisation.municipality_id)
    return funds.none()


def may_manage_fund(user, fund) -> bool:
    return (
        can(user, Can.MANAGE_GUARANTEES)
        and funds_visible_to(user, type(fund).objects.filter(pk=fund.pk)).exists()
    )
