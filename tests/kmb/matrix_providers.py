"""Access-matrix entries of the providers pages (see tests/kmb/matrix.py).

The world's provider user works for the provider the core world's household consented to. Its
referral and plan are theirs; "another provider" records belong to a second provider (to which
the household also consented, or a second household did): the provider user gets 404 there.
"""

from kmb.accounts.models import Role
from tests.factories.accounts import OrganisationFactory
from tests.factories.clients import CaseFactory, ConsentFactory
from tests.factories.providers import (
    AssistancePlanFactory,
    GoalFactory,
    ProviderFactory,
    ServiceFactory,
    ServiceReferralFactory,
    StepFactory,
)
from tests.kmb.matrix import (
    ANONYMOUS,
    CASE_FILE,
    CASEWORK,
    FORBIDDEN,
    HIDDEN,
    LOGIN,
    OK,
    READERS,
    REDIRECT,
    Case,
    household_record,
    only,
)

# The directory: the KMB and the administrator read it; a provider reaches its own profile.
OWN_PROFILE = {**only(*READERS), Role.PROVIDER_STAFF: OK, Role.HOUSING_DEPARTMENT: HIDDEN}
# Keeping a profile: KMB managers (and the administrator) and the provider's own staff.
PROFILE_KEEPERS = {
    **only(Role.MANAGER, Role.ADMINISTRATOR, Role.PROVIDER_STAFF),
    Role.HOUSING_DEPARTMENT: HIDDEN,
}
# A referral or plan of another provider: the KMB sees it, the provider user does not.
OTHER_PROVIDERS = {**CASE_FILE, Role.PROVIDER_STAFF: HIDDEN}
# Reporting on a plan: the KMB that keeps the file and the plan's provider.
PLAN_REPORTERS = {
    ANONYMOUS: LOGIN,
    Role.SOCIAL_WORKER: OK,
    Role.MANAGER: OK,
    Role.PROVIDER_STAFF: OK,
    Role.ADMINISTRATOR: FORBIDDEN,
    Role.HOUSING_DEPARTMENT: HIDDEN,
}


def pk_of(key):
    return lambda w: {"pk": w[key].pk}


def plan_action(url_name, key, *, method="get", outcome=OK, expect=None):
    expected = expect or {
        role: (outcome if value == OK else value) for role, value in PLAN_REPORTERS.items()
    }
    return Case(url_name, expected, kwargs=pk_of(key), method=method)


MATRIX: list[Case] = [
    # The directory
    Case("providers:provider-list", only(*READERS)),
    Case("providers:provider-create", only(Role.MANAGER, Role.ADMINISTRATOR)),
    Case("providers:provider-detail", OWN_PROFILE, kwargs=pk_of("provider"), personal=True),
    Case(
        "providers:provider-detail",
        {**OWN_PROFILE, Role.PROVIDER_STAFF: HIDDEN},
        kwargs=pk_of("other_provider"),
        personal=True,
        label="another provider",
    ),
    Case("providers:provider-edit", PROFILE_KEEPERS, kwargs=pk_of("provider")),
    Case(
        "providers:provider-edit",
        {**PROFILE_KEEPERS, Role.PROVIDER_STAFF: HIDDEN},
        kwargs=pk_of("other_provider"),
        label="another provider",
    ),
    Case("providers:service-create", PROFILE_KEEPERS, kwargs=pk_of("provider")),
    Case("providers:service-detail", OWN_PROFILE, kwargs=pk_of("service")),
    Case("providers:service-edit", PROFILE_KEEPERS, kwargs=pk_of("service")),
    Case(
        "providers:service-edit",
        {**PROFILE_KEEPERS, Role.PROVIDER_STAFF: HIDDEN},
        kwargs=pk_of("other_service"),
        label="another provider",
    ),
    Case("providers:service-free-places", PROFILE_KEEPERS, kwargs=pk_of("service")),
    Case("providers:coverage", only(*READERS)),
    # Referrals
    household_record("providers:referral-create", "case"),
    Case(
        "providers:referral-detail",
        CASE_FILE,
        kwargs=pk_of("service_referral"),
        personal=True,
    ),
    Case(
        "providers:referral-detail",
        OTHER_PROVIDERS,
        kwargs=pk_of("other_referral"),
        personal=True,
        label="another provider",
    ),
    # An empty answer: the provider is sent back to the referral with a message.
    Case(
        "providers:referral-answer",
        {**only(Role.PROVIDER_STAFF, outcome=REDIRECT), Role.HOUSING_DEPARTMENT: HIDDEN},
        kwargs=pk_of("service_referral"),
        method="post",
    ),
    Case(
        "providers:referral-answer",
        {
            **only(Role.PROVIDER_STAFF, outcome=REDIRECT),
            Role.HOUSING_DEPARTMENT: HIDDEN,
            Role.PROVIDER_STAFF: HIDDEN,
        },
        kwargs=pk_of("other_referral"),
        method="post",
        label="another provider",
    ),
    Case("providers:referral-withdraw", only(*CASEWORK), kwargs=pk_of("service_referral")),
    # Assistance plans
    household_record("providers:plan-create", "case"),
    Case("providers:plan-detail", CASE_FILE, kwargs=pk_of("plan"), personal=True),
    Case(
        "providers:plan-detail",
        OTHER_PROVIDERS,
        kwargs=pk_of("other_plan"),
        personal=True,
        label="another provider",
    ),
    Case("providers:plan-edit", only(*CASEWORK), kwargs=pk_of("plan"), personal=True),
    plan_action("providers:goal-create", "plan"),
    plan_action(
        "providers:goal-create",
        "other_plan",
        expect={**PLAN_REPORTERS, Role.PROVIDER_STAFF: HIDDEN},
    ),
    # An empty state: sent back to the plan with a message.
    plan_action("providers:goal-state", "goal", method="post", outcome=REDIRECT),
    plan_action("providers:step-create", "goal"),
    # An empty form marks the step as not done yet.
    plan_action("providers:step-done", "step", method="post", outcome=REDIRECT),
    plan_action("providers:review-create", "plan"),
    plan_action("providers:visit-create", "plan"),
    plan_action(
        "providers:visit-create",
        "other_plan",
        expect={**PLAN_REPORTERS, Role.PROVIDER_STAFF: HIDDEN},
    ),
    plan_action("providers:plan-end", "plan"),
    plan_action(
        "providers:plan-end",
        "other_plan",
        expect={**PLAN_REPORTERS, Role.PROVIDER_STAFF: HIDDEN},
    ),
    # The provider's portal
    Case("providers:portal", only(Role.PROVIDER_STAFF)),
]


def world(base: dict) -> dict:
    """The provider user's organisation as a provider with a service, the household referred to
    it and its plan with a goal and a step; another provider with the household's referral and a
    second household's plan."""
    kmb = base["kmb_office"]
    organisation = base[Role.PROVIDER_STAFF].organisation
    household = base["household"]
    municipality = base["flat"].municipality
    service = ServiceFactory(provider=ProviderFactory(organisation=organisation))
    service.municipalities.set([municipality])
    referral = ServiceReferralFactory(
        case=base["case"],
        service=service,
        consent=household.consents.get(recipient=organisation),
        sent_by=base[Role.SOCIAL_WORKER],
        accepted=True,
    )
    plan = AssistancePlanFactory(
        case=base["case"],
        case_manager=base[Role.SOCIAL_WORKER],
        provider=service.provider,
        referral=referral,
    )
    goal = GoalFactory(plan=plan)
    other_organisation = OrganisationFactory(provider=True, name="Jiný poskytovatel, z. s.")
    other_service = ServiceFactory(provider=ProviderFactory(organisation=other_organisation))
    other_referral = ServiceReferralFactory(
        case=base["case"], service=other_service, sent_by=base[Role.SOCIAL_WORKER]
    )
    second_case = CaseFactory(household__kmb=kmb, kmb=kmb, active=True)
    ConsentFactory(household=second_case.household, recipient=other_organisation)
    return {
        "provider": service.provider,
        "service": service,
        "service_referral": referral,
        "plan": plan,
        "goal": goal,
        "step": StepFactory(goal=goal),
        "other_provider": other_service.provider,
        "other_service": other_service,
        "other_referral": other_referral,
        "other_plan": AssistancePlanFactory(
            case=second_case,
            case_manager=base[Role.SOCIAL_WORKER],
            provider=other_service.provider,
        ),
    }
