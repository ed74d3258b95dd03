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
from django.utils.translation import pgettext_lazy

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
    VIEW_PROVIDERS = "view_providers"
    MANAGE_PROVIDERS = "manage_providers"
    VIEW_MATCHING = "view_matching"
    CONFIGURE_MATCHING = "configure_matching"
    REVIEW_DECLINES = "review_declines"
    VIEW_COMMISSION = "view_commission"
    DECIDE_COMMISSION = "decide_commission"
    VIEW_REPORTS = "view_reports"
    ISSUE_REPORTS = "issue_reports"
    SET_TARGETS = "set_targets"
    SUPPORT_HOUSEHOLDS = "support_households"


ROLE_CAPABILITIES: dict[Role, frozenset[Can]] = {
    Role.SOCIAL_WORKER: frozenset(
        {
            Can.VIEW_CASES,
            Can.EDIT_CASES,
            Can.VIEW_FLATS,
            Can.MANAGE_FLATS,
            Can.VIEW_GUARANTEES,
            Can.MANAGE_GUARANTEES,
            Can.VIEW_PROVIDERS,
            Can.VIEW_MATCHING,
            Can.VIEW_COMMISSION,
            Can.VIEW_REPORTS,
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
            Can.VIEW_PROVIDERS,
            Can.MANAGE_PROVIDERS,
            Can.VIEW_MATCHING,
            Can.CONFIGURE_MATCHING,
            Can.REVIEW_DECLINES,
            Can.VIEW_COMMISSION,
            Can.VIEW_REPORTS,
            Can.ISSUE_REPORTS,
            Can.SET_TARGETS,
        }
    ),
    # The housing department manages its municipality's flats; it never sees a case file.
    # Its commission decides on anonymised summaries; its reports are anonymised too.
    Role.HOUSING_DEPARTMENT: frozenset(
        {
            Can.VIEW_FLATS,
            Can.MANAGE_FLATS,
            Can.VIEW_GUARANTEES,
            Can.VIEW_COMMISSION,
            Can.DECIDE_COMMISSION,
            Can.VIEW_REPORTS,
        }
    ),
    # Providers reach single case files through consents (households_visible_to), not lists,
    # and report on the support they give in their portal.
    Role.PROVIDER_STAFF: frozenset({Can.SUPPORT_HOUSEHOLDS}),
    # Administrators read everything (audited) but do no case work.
    Role.ADMINISTRATOR: frozenset(Can)
    - {
        Can.EDIT_CASES,
        Can.ASSIGN_CASES,
        Can.MANAGE_FLATS,
        Can.MANAGE_GUARANTEES,
        Can.CONFIGURE_MATCHING,
        Can.REVIEW_DECLINES,
        Can.DECIDE_COMMISSION,
        Can.ISSUE_REPORTS,
        Can.SET_TARGETS,
        Can.SUPPORT_HOUSEHOLDS,
    },
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


# --- Notifications ------------------------------------------------------------------------------


def notifications_visible_to(user, notifications: QuerySet) -> QuerySet:
    """A notification is its recipient's alone; nobody else, administrators included, reads it."""
    if not user.is_authenticated:
        return notifications.none()
    return notifications.filter(recipient=user)


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
RECORDS = pgettext_lazy("navigation", "Records")
HOUSING = pgettext_lazy("navigation", "Housing")

# The icon of each drop-down menu.
GROUP_ICONS = {ADMINISTRATION: "gear", RECORDS: "journal-text", HOUSING: "buildings"}

NAVIGATION = [
    NavItem(_("Overview"), "home", "house"),
    NavItem(_("Cases"), "clients:case-list", "folder2-open", Can.VIEW_CASES),
    NavItem(_("New client"), "clients:intake", "person-plus", Can.EDIT_CASES),
    NavItem(
        pgettext_lazy("navigation", "Check-ins"),
        "housing:checkin-list",
        "telephone",
        Can.EDIT_CASES,
    ),
    NavItem(_("My households"), "providers:portal", "house-check", Can.SUPPORT_HOUSEHOLDS),
    NavItem(
        _("Register"), "clients:register-expiring", "journal-check", Can.VIEW_CASES, group=RECORDS
    ),
    NavItem(_("Debts"), "clients:debt-worklist", "cash-coin", Can.VIEW_CASES, group=RECORDS),
    NavItem(_("Flats"), "housing:flat-list", "buildings", Can.VIEW_FLATS, group=HOUSING),
    NavItem(
        _("Guarantees"),
        "guarantees:guarantee-list",
        "shield-check",
        Can.VIEW_GUARANTEES,
        group=HOUSING,
    ),
    NavItem(
        _("Matching"), "housing:matching-overview", "diagram-3", Can.VIEW_MATCHING, group=HOUSING
    ),
    NavItem(
        _("Commission"), "housing:session-list", "people-fill", Can.VIEW_COMMISSION, group=HOUSING
    ),
    NavItem(_("Support network"), "providers:provider-list", "diagram-2", Can.VIEW_PROVIDERS),
    NavItem(_("Reports"), "reports:dashboard", "bar-chart", Can.VIEW_REPORTS),
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


def navigation_groups_for(user) -> list[tuple[str | None, str, list[NavItem]]]:
    """The user's navigation as the bar shows it: single links, and groups in drop-downs (a group
    with a single item the user may open is shown as a plain link)."""
    groups: list[tuple[str | None, str, list[NavItem]]] = []
    for item in navigation_for(user):
        if item.group and groups and groups[-1][0] == item.group:
            groups[-1][2].append(item)
        else:
            groups.append((item.group, GROUP_ICONS.get(item.group, ""), [item]))
    return [
        (None, "", items) if group and len(items) == 1 else (group, icon, items)
        for group, icon, items in groups
    ]


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


def owners_visible_to(user, owners: QuerySet, flats: QuerySet) -> QuerySet:
    """Owners of a flat the user sees, and those the user's organisation added (engaged before
    their first flat is recorded). An owner's contacts are a private person's data: an owner with
    no flat in the user's area stays with the organisation that added it. `flats`: the Flat
    queryset."""
    if is_administrator(user):
        return owners
    if not can(user, Can.VIEW_FLATS) or not user.organisation_id:
        return owners.none()
    visible = flats_visible_to(user, flats)
    return owners.filter(
        models.Exists(visible.filter(owner=models.OuterRef("pk")))
        | models.Q(created_by_organisation_id=user.organisation_id)
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


# --- Support network ---------------------------------------------------------------------------
# The directory of providers and services is open to every KMB; a provider sees its own profile.
# Referrals and plans follow the household: its KMB, and the provider it was referred to, but only
# while the household's consent to share with that provider is valid.


def providers_visible_to(user, providers: QuerySet) -> QuerySet:
    if is_administrator(user) or can(user, Can.VIEW_PROVIDERS):
        return providers
    if user.role == Role.PROVIDER_STAFF and user.organisation_id:
        return providers.filter(organisation_id=user.organisation_id)
    return providers.none()


def may_manage_provider(user, provider) -> bool:
    """KMB managers keep the directory; a provider's staff keep their own profile and services
    (capacity, free places, territory)."""
    if can(user, Can.MANAGE_PROVIDERS):
        return True
    return user.role == Role.PROVIDER_STAFF and provider.organisation_id == user.organisation_id


def referrals_visible_to(user, referrals: QuerySet, households: QuerySet) -> QuerySet:
    """`households`: the Household queryset (kmb does not import clients)."""
    if is_administrator(user):
        return referrals
    if user.role in CASEWORK_ROLES:
        return referrals.filter(household__kmb_id=user.organisation_id)
    if user.role == Role.PROVIDER_STAFF:
        return referrals.filter(
            service__provider__organisation_id=user.organisation_id,
            household__in=households.shared_with(user.organisation_id),
        )
    return referrals.none()


def may_answer_referral(user, referral) -> bool:
    """Accepting, refusing, starting and ending belong to the provider the household was
    referred to."""
    return (
        user.role == Role.PROVIDER_STAFF
        and referral.service.provider.organisation_id == user.organisation_id
    )


def plans_visible_to(user, plans: QuerySet, households: QuerySet) -> QuerySet:
    if is_administrator(user):
        return plans
    if user.role in CASEWORK_ROLES:
        return plans.filter(household__kmb_id=user.organisation_id)
    if user.role == Role.PROVIDER_STAFF:
        # The plan is the "support" section of the file: it needs a consent that covers it.
        return plans.filter(
            provider__organisation_id=user.organisation_id,
            household__in=households.shared_with(user.organisation_id, scope="support"),
        )
    return plans.none()


def may_report_on_plan(user, plan) -> bool:
    """Log support, update goals, end the cooperation: the KMB that keeps the file, and the
    plan's provider."""
    if user.role in CASEWORK_ROLES:
        return plan.household.kmb_id == user.organisation_id
    if user.role == Role.PROVIDER_STAFF:
        return plan.provider_id is not None and plan.provider.organisation_id == (
            user.organisation_id
        )
    return False


# --- Matching and the housing commission ------------------------------------------------------
# Applications and proposals belong to the household's KMB. The housing department reaches a
# proposal only for its municipality's flats, and only as an anonymised summary (never a page
# that shows a person).


def applications_visible_to(user, applications: QuerySet) -> QuerySet:
    if is_administrator(user):
        return applications
    if user.role in CASEWORK_ROLES:
        return applications.filter(household__kmb_id=user.organisation_id)
    return applications.none()


def proposals_visible_to(user, proposals: QuerySet) -> QuerySet:
    if is_administrator(user):
        return proposals
    if user.role in CASEWORK_ROLES:
        return proposals.filter(application__household__kmb_id=user.organisation_id)
    if user.role == Role.HOUSING_DEPARTMENT and user.organisation_id:
        return proposals.filter(flat__municipality_id=user.organisation.municipality_id)
    return proposals.none()


def may_decide_proposal(user, proposal) -> bool:
    """Moving a proposal (reserve, record a decline, sign the lease): the household's KMB."""
    return (
        user.role in CASEWORK_ROLES
        and proposal.application.household.kmb_id == user.organisation_id
    )


def sessions_visible_to(user, sessions: QuerySet) -> QuerySet:
    if is_administrator(user):
        return sessions
    if not can(user, Can.VIEW_COMMISSION) or not user.organisation_id:
        return sessions.none()
    organisation = user.organisation
    if user.role in CASEWORK_ROLES:
        return sessions.filter(municipality__orp_id=organisation.orp_id)
    if user.role == Role.HOUSING_DEPARTMENT:
        return sessions.filter(municipality_id=organisation.municipality_id)
    return sessions.none()


def may_manage_session(user, session) -> bool:
    """The housing department of the municipality prepares its sessions and records decisions."""
    return (
        can(user, Can.DECIDE_COMMISSION)
        and user.organisation_id is not None
        and session.municipality_id == user.organisation.municipality_id
    )


def sees_anonymised_only(user) -> bool:
    """Whether everything about households must pass the redaction policy for this user."""
    return user.role == Role.HOUSING_DEPARTMENT


# --- Reports ----------------------------------------------------------------------------------


def report_scope(user, kmb: Organisation | None = None) -> dict:
    """Which area a user's reports cover: a KMB's ORP, or a housing department's municipality
    (anonymised). An administrator reports on the KMB `kmb` they choose (by default their own
    organisation, if it is a KMB). Empty for everyone else, and for an administrator until a KMB
    is chosen."""
    if not can(user, Can.VIEW_REPORTS) or not user.organisation_id:
        return {}
    organisation = user.organisation
    if is_administrator(user):
        chosen = kmb or organisation
        if chosen.kind != Organisation.Kind.KMB:
            return {}
        return {"kmb_id": chosen.pk, "orp_id": chosen.orp_id, "anonymised": False}
    if user.role in CASEWORK_ROLES:
        return {"kmb_id": organisation.pk, "orp_id": organisation.orp_id, "anonymised": False}
    if user.role == Role.HOUSING_DEPARTMENT:
        return {
            "municipality_id": organisation.municipality_id,
            "orp_id": organisation.municipality.orp_id,
            "anonymised": True,
        }
    return {}


def may_view_targets(user) -> bool:
    """A KMB's project targets are its own: its staff (and administrators) see them."""
    return can(user, Can.VIEW_REPORTS) and (is_administrator(user) or user.role in CASEWORK_ROLES)


def periods_visible_to(user, periods: QuerySet) -> QuerySet:
    """Project periods (with their targets): their KMB's staff; administrators all."""
    if is_administrator(user):
        return periods
    if may_view_targets(user):
        return periods.filter(kmb_id=user.organisation_id)
    return periods.none()


def issued_reports_visible_to(user, reports: QuerySet) -> QuerySet:
    """Issued monthly reports (anonymised, made to leave the KMB): the issuing KMB's staff, and
    the housing department of the municipality a report was issued for."""
    if is_administrator(user):
        return reports
    if not can(user, Can.VIEW_REPORTS) or not user.organisation_id:
        return reports.none()
    if user.role in CASEWORK_ROLES:
        return reports.filter(kmb_id=user.organisation_id)
    if user.role == Role.HOUSING_DEPARTMENT:
        return reports.filter(municipality_id=user.organisation.municipality_id)
    return reports.none()
