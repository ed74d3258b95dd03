"""Money: Decimal CZK with two places, never float."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.utils import formats
from django.utils.translation import gettext_lazy as _

ZERO = Decimal("0")

# Keyword arguments of a DecimalField holding CZK: `models.DecimalField(_("rent"), **MONEY)`.
MONEY = {
    "max_digits": 12,
    "decimal_places": 2,
    "validators": [MinValueValidator(0, message=_("An amount cannot be negative."))],
}
POSITIVE_MONEY = {
    "max_digits": 12,
    "decimal_places": 2,
    "validators": [MinValueValidator(Decimal("0.01"), message=_("Enter an amount above zero."))],
}


def format_czk(amount: Decimal) -> str:
    """An amount as people read it in the current language: "8 500,00" in Czech."""
    return formats.number_format(amount, 2, use_l10n=True, force_grouping=True)
