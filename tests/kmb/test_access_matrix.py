"""Every URL of the project × every role → the expected outcome.

A URL without an entry here fails `test_every_url_has_an_entry`: deciding who may open a new page is
part of adding it. Pages marked `personal` must write exactly one access-log entry when they open.
"""

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from housing.models import FlatPhoto
from kmb.accounts.models import Role
from kmb.audit.models import AccessLog
from tests.factories.accounts import MunicipalityFactory, UserFactory
from tests.factories.clients import (
    BenefitFactory,
    CaseFactory,
    ConsentFactory,
    DebtFactory,
    IncomeFactory,
    ReferralFactory,
    RegisterRecordFactory,
    RepaymentScheduleFactory,
    SupportMeasureFactory,
)
from tests.factories.guarantees import (
    ClaimFactory,
    FundMovementFactory,
    GuaranteeFactory,
    GuaranteeFundFactory,
)
from tests.factories.housing import FlatFactory, LeaseFactory, OwnerFactory, RealtorFactory
from tests.kmb import (
    matrix_commission,
    matrix_followup,
    matrix_matching,
    matrix_owners,
    matrix_pairing,
    matrix_providers,
    matrix_reports,
)
from tests.kmb.matrix import (
    ANONYMOUS,
    ANOTHER_KMBS_FILE,
    CASE_FILE,
    CASEWORK,
    FLAT_MANAGERS,
    FORBIDDEN,
    HIDDEN,
    LOGIN,
    MANAGERS,
    OK,
    READERS,
    REDIRECT,
    ROLES,
    Case,
    everyone,
    flat_page,
    household_record,
    logged_in,
    only,
)

MATRIX = [
    Case("home", logged_in(OK)),
    Case("healthz", everyone(OK)),
    Case("set_language", everyone(REDIRECT), method="post"),
    # Authentication (Django's views, our templates)
    Case("login", everyone(OK, **dict.fromkeys(Role, REDIRECT))),
    # Logging out is a POST; it ends on the login page, whoever asks.
    Case("logout", everyone(LOGIN), method="post"),
    Case("password_change", logged_in(OK)),
    Case("password_change_done", logged_in(OK)),
    Case("password_reset", everyone(OK)),
    Case("password_reset_done", everyone(OK)),
    Case(
        "password_reset_confirm",
        everyone(REDIRECT),
        kwargs=lambda w: {"uidb64": w["uidb64"], "token": w["token"]},
    ),
    Case("password_reset_complete", everyone(OK)),
    # Accounts
    Case("accounts:profile", logged_in(OK)),
    Case("accounts:user-list", only(*MANAGERS)),
    Case("accounts:user-create", only(*MANAGERS)),
    Case(
        "accounts:user-detail",
        only(*MANAGERS),
        kwargs=lambda w: {"pk": w["colleague"].pk},
        personal=True,
        label="colleague",
    ),
    Case(
        "accounts:user-detail",
        only(*MANAGERS, outcome=OK) | {Role.MANAGER: HIDDEN},
        kwargs=lambda w: {"pk": w["outsider"].pk},
        personal=True,
        label="another KMB's staff",
    ),
    Case(
        "accounts:user-edit",
        only(*MANAGERS),
        kwargs=lambda w: {"pk": w["colleague"].pk},
        label="colleague",
    ),
    Case(
        "accounts:user-edit",
        only(Role.ADMINISTRATOR) | {Role.MANAGER: FORBIDDEN},
        kwargs=lambda w: {"pk": w["kmb_administrator"].pk},
        label="an administrator in the same KMB",
    ),
    Case(
        "accounts:user-send-password-link",
        only(*MANAGERS, outcome=REDIRECT),
        kwargs=lambda w: {"pk": w["colleague"].pk},
        method="post",
    ),
    Case("accounts:organisation-list", only(Role.ADMINISTRATOR)),
    Case("accounts:organisation-create", only(Role.ADMINISTRATOR)),
    Case(
        "accounts:organisation-detail",
        only(Role.ADMINISTRATOR),
        kwargs=lambda w: {"pk": w["kmb_office"].pk},
    ),
    Case(
        "accounts:organisation-edit",
        only(Role.ADMINISTRATOR),
        kwargs=lambda w: {"pk": w["kmb_office"].pk},
    ),
    # Territory (code lists)
    Case("territory:municipality-list", only(Role.ADMINISTRATOR)),
    Case("territory:municipality-create", only(Role.ADMINISTRATOR)),
    Case(
        "territory:municipality-edit",
        only(Role.ADMINISTRATOR),
        kwargs=lambda w: {"pk": w["municipality"].pk},
    ),
    # Audit
    Case("audit:access-log", only(*MANAGERS)),
    Case("audit:history", only(*MANAGERS)),
    # Case files
    Case("clients:case-list", only(*READERS)),
    Case("clients:intake", only(*CASEWORK)),
    Case("clients:register-expiring", only(*READERS)),
    Case(
        "clients:case-detail",
        CASE_FILE,
        kwargs=lambda w: {"pk": w["case"].pk},
        personal=True,
        label="own KMB",
    ),
    Case(
        "clients:case-detail",
        ANOTHER_KMBS_FILE,
        kwargs=lambda w: {"pk": w["other_case"].pk},
        personal=True,
        label="another KMB",
    ),
    household_record("clients:case-status", "case"),
    Case("clients:case-assign", only(Role.MANAGER), kwargs=lambda w: {"pk": w["case"].pk}),
    household_record("clients:consultation-create", "case"),
    household_record("clients:referral-outcome", "referral", personal=True),
    household_record("clients:household-edit", "household", personal=True),
    household_record("clients:member-create", "household"),
    household_record("clients:member-edit", "applicant", personal=True),
    household_record("clients:situation-create", "household"),
    household_record("clients:income-create", "household"),
    household_record("clients:income-edit", "income", personal=True),
    household_record("clients:benefit-create", "household"),
    household_record("clients:benefit-edit", "benefit", personal=True),
    household_record("clients:consent-create", "household"),
    household_record("clients:consent-withdraw", "consent", method="post", outcome=REDIRECT),
    household_record("clients:register-create", "household"),
    household_record("clients:register-edit", "register_record", personal=True),
    household_record("clients:register-change-create", "register_record"),
    household_record("clients:measure-create", "household"),
    household_record("clients:measure-edit", "measure", personal=True),
    household_record("clients:debt-create", "household"),
    household_record("clients:debt-edit", "debt", personal=True),
    household_record("clients:schedule-create", "open_debt", personal=True),
    Case(
        "clients:schedule-detail",
        only(*READERS),
        kwargs=lambda w: {"pk": w["schedule"].pk},
        personal=True,
    ),
    household_record("clients:payment-create", "schedule", method="post", personal=True),
    Case("clients:debt-worklist", only(*READERS)),
    Case("clients:debt-analysis", only(*READERS)),
    # Housing stock
    flat_page("housing:flat-list"),
    flat_page("housing:flat-summary"),
    flat_page("housing:flat-export"),
    flat_page("housing:flat-create", who=FLAT_MANAGERS),
    flat_page("housing:flat-import", who=FLAT_MANAGERS),
    flat_page("housing:flat-detail", "flat", personal=True),
    Case(
        "housing:flat-detail",
        {**only(Role.ADMINISTRATOR), **dict.fromkeys(FLAT_MANAGERS, HIDDEN)},
        kwargs=lambda w: {"pk": w["other_flat"].pk},
        personal=True,
        label="another ORP",
    ),
    flat_page("housing:flat-edit", "flat", who=FLAT_MANAGERS),
    flat_page("housing:flat-status", "flat", who=FLAT_MANAGERS),
    flat_page("housing:photo-create", "flat", who=FLAT_MANAGERS),
    flat_page("housing:photo", "photo"),
    flat_page("housing:owner-list"),
    flat_page("housing:owner-create", who=FLAT_MANAGERS),
    flat_page("housing:owner-detail", "owner", personal=True),
    flat_page("housing:owner-edit", "owner", who=FLAT_MANAGERS, personal=True),
    flat_page("housing:realtor-list"),
    flat_page("housing:realtor-create", who=FLAT_MANAGERS),
    flat_page("housing:realtor-detail", "realtor"),
    flat_page("housing:realtor-edit", "realtor", who=FLAT_MANAGERS),
    flat_page("housing:lease-create", "flat", who=FLAT_MANAGERS),
    flat_page("housing:lease-detail", "lease", personal=True),
    flat_page("housing:lease-edit", "lease", who=FLAT_MANAGERS),
    flat_page("housing:lease-extend", "lease", who=FLAT_MANAGERS),
    flat_page("housing:lease-end", "lease", who=FLAT_MANAGERS),
    flat_page("housing:lease-convert", "lease", who=FLAT_MANAGERS),
    flat_page("housing:event-create", "lease", who=FLAT_MANAGERS),
    # Guarantees
    flat_page("guarantees:guarantee-list"),
    flat_page("guarantees:fund-list"),
    flat_page("guarantees:fund-create", who=CASEWORK),
    flat_page("guarantees:fund-detail", "fund", personal=True),
    flat_page("guarantees:contribution-create", "fund", who=CASEWORK),
    flat_page("guarantees:guarantee-create", "lease", who=CASEWORK),
    flat_page("guarantees:guarantee-detail", "guarantee", personal=True),
    flat_page("guarantees:guarantee-edit", "guarantee", who=CASEWORK),
    flat_page("guarantees:claim-create", "guarantee", who=CASEWORK),
    flat_page("guarantees:claim-decide", "claim", who=CASEWORK),
    # An empty POST: the payment form comes back saying what is missing.
    flat_page("guarantees:claim-pay", "approved_claim", who=CASEWORK, method="post", personal=True),
    Case(
        "clients:client-export-json",
        only(*MANAGERS),
        kwargs=lambda w: {"pk": w["applicant"].pk},
        personal=True,
    ),
    Case(
        "clients:client-export-pdf",
        only(*MANAGERS),
        kwargs=lambda w: {"pk": w["applicant"].pk},
        personal=True,
    ),
    Case(
        "audit:history-detail",
        only(*MANAGERS),
        kwargs=lambda w: {"model": "accounts.user", "history_id": w["colleague_change"].history_id},
        personal=True,
    ),
]


def defined_url_names(resolver=None, namespace="") -> set[str]:
    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= defined_url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


PARTS = [matrix_providers, matrix_followup, matrix_matching, matrix_commission, matrix_reports]
PARTS.append(matrix_pairing)
PARTS.append(matrix_owners)
MATRIX += [case for part in PARTS for case in part.MATRIX]


def test_every_url_has_an_entry():
    assert defined_url_names() == {case.url_name for case in MATRIX}


def test_every_entry_names_every_role():
    for case in MATRIX:
        assert set(case.expect) == set(ROLES), case.url_name


def housing_world(staff, kmb_office, household, settings, tmp_path) -> dict:
    """A flat in the municipality of the housing department, inside the KMB's ORP, with a lease,
    a photo, a guarantee from a funded fund and claims; and a flat elsewhere."""
    settings.MEDIA_ROOT = tmp_path
    municipality = staff[Role.HOUSING_DEPARTMENT].organisation.municipality
    municipality.orp = kmb_office.orp
    municipality.save()
    flat = FlatFactory(municipality=municipality, owner=OwnerFactory(private=True))
    lease = LeaseFactory(flat=flat, household=household)
    fund = GuaranteeFundFactory(municipality=municipality)
    FundMovementFactory(fund=fund)
    guarantee = GuaranteeFactory(lease=lease, fund=fund, by_municipality=False)
    photo = FlatPhoto.objects.create(
        flat=flat, image=SimpleUploadedFile("byt.png", TINY_PNG, content_type="image/png")
    )
    return {
        "flat": flat,
        "other_flat": FlatFactory(),
        "owner": flat.owner,
        "realtor": RealtorFactory(),
        "photo": photo,
        "lease": lease,
        "fund": fund,
        "guarantee": guarantee,
        "claim": ClaimFactory(guarantee=guarantee),
        "approved_claim": ClaimFactory(guarantee=guarantee, approved=True),
    }


# The smallest valid PNG (1 × 1 pixel).
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@pytest.fixture
def world(staff, kmb_office, other_kmb_office, settings, tmp_path):
    colleague = UserFactory(username="kolega", organisation=kmb_office)
    colleague.last_name = "Přejmenovaná"
    colleague._history_user = staff[Role.MANAGER]
    colleague.save()
    case = CaseFactory(household__kmb=kmb_office, kmb=kmb_office)
    household = case.household
    ConsentFactory(household=household, recipient=staff[Role.PROVIDER_STAFF].organisation)
    schedule = RepaymentScheduleFactory(debt__debtor=household.members.get())
    base = {
        **staff,
        **housing_world(staff, kmb_office, household, settings, tmp_path),
        "case": case,
        "household": household,
        "applicant": household.members.get(),
        "other_case": CaseFactory(household__kmb=other_kmb_office, kmb=other_kmb_office),
        "referral": ReferralFactory(consultation__case=case),
        "income": IncomeFactory(household=household),
        "benefit": BenefitFactory(household=household),
        "consent": ConsentFactory(household=household),
        "register_record": RegisterRecordFactory(household=household),
        "measure": SupportMeasureFactory(household=household),
        "debt": schedule.debt,
        "open_debt": DebtFactory(debtor=household.members.get()),
        "schedule": schedule,
        "kmb_office": kmb_office,
        "colleague": colleague,
        "colleague_change": colleague.history.latest(),
        "outsider": UserFactory(username="cizi", organisation=other_kmb_office),
        "kmb_administrator": UserFactory(
            username="it", administrator=True, organisation=kmb_office
        ),
        "municipality": MunicipalityFactory(),
        "uidb64": urlsafe_base64_encode(force_bytes(colleague.pk)),
        "token": default_token_generator.make_token(colleague),
    }
    for part in PARTS:
        base.update(part.world(base))
    return base


def outcome_of(response):
    if response.status_code == 302:
        login_url = reverse("login")
        return LOGIN if response.url.startswith(login_url) else REDIRECT
    return response.status_code


CASES = [
    pytest.param(case, id=f"{case.url_name}[{case.label}]".replace("[]", "")) for case in MATRIX
]


@pytest.mark.parametrize("case", CASES)
def test_access(world, case):
    """Every role in turn, each with a fresh browser session; all mismatches are reported."""
    url = reverse(case.url_name, kwargs=case.kwargs(world))
    found = {}
    for role in ROLES:
        browser = Client()
        if role != ANONYMOUS:
            browser.force_login(world[role])
        reads_before = AccessLog.objects.count()

        response = getattr(browser, case.method)(url)

        reads = AccessLog.objects.count() - reads_before
        found[role] = (outcome_of(response), reads)
    expected = {
        role: (outcome, 1 if case.personal and outcome == OK else 0)
        for role, outcome in case.expect.items()
    }
    assert found == expected, "(outcome, access-log entries) per role"
