from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def validate_ico(value: str) -> None:
    """An IČO has eight digits, the last a mod-11 check digit (Czech business register)."""
    if not (len(value) == 8 and value.isascii() and value.isdigit()):
        raise ValidationError(_("An ID number (IČO) has exactly eight digits."), code="ico_format")
    total = sum(
        int(digit) * weight for digit, weight in zip(value[:7], range(8, 1, -1), strict=True)
    )
    if int(value[7]) != (11 - total % 11) % 10:
        raise ValidationError(
            _("This ID number (IČO) is not valid: please check the digits."), code="ico_checksum"
        )


# Agreements run for years, not centuries; beyond this a date is a typing mistake.
PLAUSIBLE_YEARS_AHEAD = 50
PLAUSIBLE_FIRST_YEAR = 1900


def validate_plausible_date(value) -> None:
    """Refuse a date far in the future or the past (a mistyped year), which date arithmetic
    cannot carry: the day before 1 January of year 1 does not exist."""
    if value and value.year > timezone.localdate().year + PLAUSIBLE_YEARS_AHEAD:
        raise ValidationError(
            _("Check the year: %(year)s is too far in the future.") % {"year": value.year},
            code="implausible_date",
        )
    if value and value.year < PLAUSIBLE_FIRST_YEAR:
        raise ValidationError(
            _("Check the year: %(year)s is too far in the past.") % {"year": value.year},
            code="implausible_date",
        )
