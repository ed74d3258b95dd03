import datetime
import uuid
from decimal import Decimal

import factory
from django.utils import timezone

from clients.models import (
    Benefit,
    BenefitKind,
    BenefitState,
    Case,
    CaseReasonEntry,
    CaseStatus,
    CaseStatusChange,
    Client,
    Consent,
    ConsentRecipient,
    Consultation,
    ConsultationChannel,
    ConsultationTopicEntry,
    CreditorKind,
    Debt,
    DebtState,
    Household,
    HousingSituation,
    Income,
    IncomeKind,
    Payment,
    Referral,
    ReferralKind,
    RegisterChange,
    RegisterRecord,
    Relationship,
    RepaymentSchedule,
    SupportMeasure,
    SupportMeasureKind,
)
from clients.schedules import Terms, due_dates
from tests.factories.accounts import MunicipalityFactory, OrganisationFactory, UserFactory


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    kmb = factory.SubFactory(OrganisationFactory)


class ClientFactory(factory.django.DjangoModelFactory):
    """The applicant of a new household by default; pass household= and relationship= for
    members. The folded search fields are filled as the services fill them."""

    class Meta:
        model = Client

    household = factory.SubFactory(HouseholdFactory)
    relationship = Relationship.APPLICANT
    first_name = factory.Maybe(
        "female",
        factory.Faker("first_name_female", locale="cs_CZ"),
        factory.Faker("first_name_male", locale="cs_CZ"),
    )
    last_name = factory.Maybe(
        "female",
        factory.Faker("last_name_female", locale="cs_CZ"),
        factory.Faker("last_name_male", locale="cs_CZ"),
    )
    birth_date = factory.Faker("date_of_birth", minimum_age=18, maximum_age=80)
    phone = factory.Sequence(lambda n: f"+420 7{n % 100_000_000:08d}")

    class Params:
        female = factory.Faker("boolean")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        person = model_class(*args, **kwargs)
        person.refresh_search_fields()
        person.save()
        return person


class CaseFactory(factory.django.DjangoModelFactory):
    """A new case of a new household (with its applicant). Trait `active` gives it a manager."""

    class Meta:
        model = Case
        skip_postgeneration_save = True

    household = factory.SubFactory(HouseholdFactory)
    kmb = factory.SelfAttribute("household.kmb")
    status = CaseStatus.NEW

    class Params:
        active = factory.Trait(
            status=CaseStatus.ACTIVE,
            case_manager=factory.SubFactory(
                UserFactory, organisation=factory.SelfAttribute("..kmb")
            ),
        )

    @factory.post_generation
    def applicant(case, create, extracted, **kwargs):
        if create and extracted is not False and not case.household.members.exists():
            ClientFactory(household=case.household, **kwargs)


class CaseStatusChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseStatusChange

    case = factory.SubFactory(CaseFactory)
    to_status = CaseStatus.NEW
    by = factory.SubFactory(UserFactory)


class HousingSituationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HousingSituation

    household = factory.SubFactory(HouseholdFactory)
    ethos = "8"
    recorded_by = factory.SubFactory(UserFactory)


class IncomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Income

    household = factory.SubFactory(HouseholdFactory)
    kind = IncomeKind.EMPLOYMENT
    monthly_amount = 18000


class BenefitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Benefit

    household = factory.SubFactory(HouseholdFactory)
    kind = BenefitKind.DSSP
    dssp_component = "housing"
    state = BenefitState.GRANTED
    amount = 4500


class ConsultationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consultation

    case = factory.SubFactory(CaseFactory)
    minutes = 45
    channel = ConsultationChannel.OFFICE
    by = factory.SubFactory(UserFactory)


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    consultation = factory.SubFactory(ConsultationFactory)
    kind = ReferralKind.DEBT_COUNSELLING


class ConsentFactory(factory.django.DjangoModelFactory):
    """A valid consent to share everything with a support provider."""

    class Meta:
        model = Consent

    household = factory.SubFactory(HouseholdFactory)
    given_by = factory.LazyAttribute(
        lambda consent: (
            consent.household.members.filter(relationship=Relationship.APPLICANT).first()
            or ClientFactory(household=consent.household)
        )
    )
    recipient_kind = ConsentRecipient.PROVIDER
    recipient = factory.SubFactory(OrganisationFactory, provider=True)
    scope = factory.LazyFunction(lambda: ["contact", "situation", "finances", "support", "health"])
    given_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=10))


class RegisterRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegisterRecord

    household = factory.SubFactory(HouseholdFactory)
    applied_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=60))


class CaseReasonEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseReasonEntry

    case = factory.SubFactory(CaseFactory)
    reason = "housing_need"


class ConsultationTopicEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsultationTopicEntry

    consultation = factory.SubFactory(ConsultationFactory)
    topic = "housing_search"


class RegisterChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegisterChange

    record = factory.SubFactory(RegisterRecordFactory)
    description = "Změna adresy pobytu."


class SupportMeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportMeasure

    household = factory.SubFactory(HouseholdFactory)
    kind = SupportMeasureKind.COUNSELLING


def _fifteenth_of_last_month() -> datetime.date:
    first_of_this_month = timezone.localdate().replace(day=1)
    return (first_of_this_month - datetime.timedelta(days=1)).replace(day=15)


class DebtFactory(factory.django.DjangoModelFactory):
    """An open energy debt of 12,000 CZK, owed for a year. Trait `municipal`: owed to a
    municipality (unconfirmed)."""

    class Meta:
        model = Debt

    debtor = factory.SubFactory(ClientFactory)
    creditor_kind = CreditorKind.ENERGY
    original_amount = Decimal("12000.00")
    current_amount = factory.SelfAttribute("original_amount")
    since = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=365))

    class Params:
        municipal = factory.Trait(
            creditor_kind=CreditorKind.MUNICIPALITY,
            creditor_municipality=factory.SubFactory(MunicipalityFactory),
        )


class RepaymentScheduleFactory(factory.django.DjangoModelFactory):
    """The whole current amount of a debt in a schedule, 1,000 CZK a month from the 15th of last
    month; the planned end is the last due date of those terms."""

    class Meta:
        model = RepaymentSchedule

    debt = factory.SubFactory(DebtFactory, state=DebtState.SCHEDULE)
    total = factory.SelfAttribute("debt.current_amount")
    instalment = Decimal("1000.00")
    first_due_on = factory.LazyFunction(_fifteenth_of_last_month)
    day_of_month = factory.SelfAttribute("first_due_on.day")
    planned_end_on = factory.LazyAttribute(
        lambda schedule: due_dates(
            Terms(
                total=schedule.total,
                instalment=schedule.instalment,
                first_due=schedule.first_due_on,
                day_of_month=schedule.day_of_month,
            )
        )[-1]
    )


class PaymentFactory(factory.django.DjangoModelFactory):
    """A payment of one instalment on the schedule's first due day. It does not lower the debt's
    current amount: record_payment does that."""

    class Meta:
        model = Payment

    schedule = factory.SubFactory(RepaymentScheduleFactory)
    paid_on = factory.SelfAttribute("schedule.first_due_on")
    amount = factory.SelfAttribute("schedule.instalment")
    recorded_by = factory.SubFactory(UserFactory)
    token = factory.LazyFunction(uuid.uuid4)
