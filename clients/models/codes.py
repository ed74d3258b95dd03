"""Code lists of the case file (DOMAIN.md, "Code lists").

Codes are stable; labels are translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EthosGroup(models.TextChoices):
    ROOFLESS = "roofless", _("Roofless")
    HOUSELESS = "houseless", _("Houseless")
    INSECURE = "insecure", _("Insecure housing")
    INADEQUATE = "inadequate", _("Inadequate housing")


class Ethos(models.TextChoices):
    """ETHOS operational categories (FEANTSA), codes 1–13."""

    LIVING_ROUGH = "1", _("1 Living rough (public space, outdoors)")
    NIGHT_SHELTER = "2", _("2 Night shelter")
    HOMELESS_HOSTEL = "3", _("3 Homeless hostel, asylum house, temporary accommodation")
    WOMENS_SHELTER = "4", _("4 Women's shelter")
    IMMIGRANT_ACCOMMODATION = "5", _("5 Accommodation for immigrants")
    DUE_FOR_RELEASE = (
        "6",
        _("6 Due to be released from an institution (prison, hospital, children's home)"),
    )
    LONG_TERM_SUPPORT = "7", _("7 Longer-term support due to homelessness")
    INSECURE_ACCOMMODATION = (
        "8",
        _("8 Temporarily with family or friends, no legal tenancy, illegal occupation"),
    )
    THREAT_OF_EVICTION = "9", _("9 Under threat of eviction")
    THREAT_OF_VIOLENCE = "10", _("10 Under threat of violence")
    TEMPORARY_STRUCTURE = "11", _("11 Temporary or non-conventional structure")
    UNFIT_HOUSING = "12", _("12 Unfit housing")
    EXTREME_OVERCROWDING = "13", _("13 Extreme overcrowding")

    @property
    def group(self) -> EthosGroup:
        return ETHOS_GROUPS[self]


ETHOS_GROUPS = {
    **dict.fromkeys([Ethos.LIVING_ROUGH, Ethos.NIGHT_SHELTER], EthosGroup.ROOFLESS),
    **dict.fromkeys(
        [
            Ethos.HOMELESS_HOSTEL,
            Ethos.WOMENS_SHELTER,
            Ethos.IMMIGRANT_ACCOMMODATION,
            Ethos.DUE_FOR_RELEASE,
            Ethos.LONG_TERM_SUPPORT,
        ],
        EthosGroup.HOUSELESS,
    ),
    **dict.fromkeys(
        [Ethos.INSECURE_ACCOMMODATION, Ethos.THREAT_OF_EVICTION, Ethos.THREAT_OF_VIOLENCE],
        EthosGroup.INSECURE,
    ),
    **dict.fromkeys(
        [Ethos.TEMPORARY_STRUCTURE, Ethos.UNFIT_HOUSING, Ethos.EXTREME_OVERCROWDING],
        EthosGroup.INADEQUATE,
    ),
}

# Czech housing-exclusion reports count commercial hostels (ubytovny) separately, inside 3 and 8.
ETHOS_WITH_COMMERCIAL_HOSTEL = [Ethos.HOMELESS_HOSTEL, Ethos.INSECURE_ACCOMMODATION]


def ethos_grouped_choices():
    """ETHOS categories grouped for a <select> with <optgroup>s."""
    return [
        (group.label, [(code.value, code.label) for code in Ethos if ETHOS_GROUPS[code] == group])
        for group in EthosGroup
    ]


class Relationship(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    PARTNER = "partner", _("Spouse or partner")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    SIBLING = "sibling", _("Brother or sister")
    GRANDCHILD = "grandchild", _("Grandchild")
    GRANDPARENT = "grandparent", _("Grandparent")
    OTHER_RELATIVE = "relative", _("Other relative")
    OTHER = "other", _("Other member of the household")


class Sex(models.TextChoices):
    # Asked for by funders' indicators (men / women); optional, never inferred.
    FEMALE = "f", _("Woman")
    MALE = "m", _("Man")


class SupportIntensity(models.TextChoices):
    NONE = "none", _("No support needed")
    LOW = "low", _("Low (occasional counselling)")
    MEDIUM = "medium", _("Medium (regular support)")
    HIGH = "high", _("High (intensive, e.g. Housing First)")


class IncomeKind(models.TextChoices):
    EMPLOYMENT = "employment", _("Employment")
    SELF_EMPLOYMENT = "self_employment", _("Self-employment")
    OLD_AGE_PENSION = "old_age_pension", _("Old-age pension")
    DISABILITY_PENSION = "disability_pension", _("Disability pension")
    UNEMPLOYMENT = "unemployment", _("Unemployment benefit")
    PARENTAL = "parental", _("Parental allowance")
    CARE_ALLOWANCE = "care_allowance", _("Care allowance")
    MAINTENANCE = "maintenance", _("Maintenance (alimony)")
    OTHER = "other", _("Other income")


class BenefitKind(models.TextChoices):
    DSSP = "dssp", _("DSSP (state social assistance benefit)")
    HOUSING_ALLOWANCE = (
        "housing_allowance",
        _("Housing allowance (příspěvek na bydlení, until 2025)"),
    )
    HOUSING_SUPPLEMENT = (
        "housing_supplement",
        _("Housing supplement (doplatek na bydlení, until 2025)"),
    )
    MOP = "mop", _("Extraordinary immediate assistance (MOP)")
    FOUNDATION_GRANT = "foundation_grant", _("Foundation grant")


class DsspComponent(models.TextChoices):
    LIVING = "living", _("Living (živobytí)")
    HOUSING = "housing", _("Housing (bydlení)")
    CHILD_BONUS = "child_bonus", _("Child bonus")
    WORK_BONUS = "work_bonus", _("Work bonus")


class MopSituation(models.TextChoices):
    HEALTH_RISK = "health_risk", _("Serious risk to health")
    EMERGENCY = "emergency", _("Disaster or an event threatening loss of housing")
    ONE_OFF_EXPENSE = "one_off_expense", _("One-off expense (fees, deposit, a night's lodging)")
    CHILD_EDUCATION = "child_education", _("Child's education or leisure")
    HOUSEHOLD_EQUIPMENT = "household_equipment", _("Basic household equipment")
    SOCIAL_EXCLUSION = "social_exclusion", _("Risk of social exclusion (e.g. release from prison)")


class BenefitState(models.TextChoices):
    APPLIED = "applied", _("Applied for")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")
    ENDED = "ended", pgettext_lazy("benefit", "Ended")


class CaseReason(models.TextChoices):
    HOUSING_NEED = "housing_need", _("Housing need (no or unfit housing)")
    RISK_OF_LOSS = "risk_of_loss", _("Risk of losing housing")
    NOTICE_TO_QUIT = "notice_to_quit", _("Notice to quit or eviction")
    ARREARS = "arrears", _("Rent or utility arrears")
    DEBTS = "debts", _("Debts, distraint")
    BENEFITS = "benefits", _("Benefits and income")
    UNSUITABLE_HOUSING = "unsuitable", _("Unsuitable or overcrowded housing")
    VIOLENCE = "violence", _("Domestic violence")
    LEAVING_INSTITUTION = "leaving_institution", _("Leaving an institution")
    OTHER = "other", _("Other")


class ConsultationChannel(models.TextChoices):
    OFFICE = "office", _("At the office")
    PHONE = "phone", _("Phone")
    FIELD = "field", _("Field visit")
    ONLINE = "online", _("Online (e-mail, video)")


class ConsultationTopic(models.TextChoices):
    HOUSING_SEARCH = "housing_search", _("Housing search")
    BENEFITS = "benefits", _("Benefits")
    DEBTS = "debts", _("Debts")
    LEGAL = "legal", _("Legal questions")
    NOTICE_TO_QUIT = "notice_to_quit", _("Notice to quit, eviction")
    CRISIS = "crisis", _("Crisis intervention")
    TENANCY = "tenancy", _("Tenancy and landlord")
    REGISTER = "register", _("Register of persons in need")
    EMPLOYMENT = "employment", _("Work and income")
    HEALTH = "health", _("Health and care")
    FAMILY = "family", _("Family and children")
    OTHER = "other", _("Other")


class ReferralKind(models.TextChoices):
    LEGAL_ADVICE = "legal_advice", _("Legal advice")
    DEBT_COUNSELLING = "debt_counselling", _("Debt counselling")
    SOCIAL_SERVICE = "social_service", _("Social service")
    FOUNDATION = "foundation", _("Foundation")
    FOOD_BANK = "food_bank", _("Food bank")
    FURNITURE_BANK = "furniture_bank", _("Furniture bank")
    LABOUR_OFFICE = "labour_office", _("Labour Office")
    OTHER = "other", _("Other")


class ReferralOutcome(models.TextChoices):
    PENDING = "pending", _("Waiting for the outcome")
    USED = "used", _("Help received")
    NOT_USED = "not_used", _("Client did not go")
    REFUSED = "refused", _("Refused by the recipient")
