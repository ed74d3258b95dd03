from decimal import Decimal

from django.utils import formats


def format_czk(amount: Decimal) -> str:
    """An amount as people read it in the current language: "8 500,00" in Czech."""
    return formats.number_format(amount, 2, use_l10n=True, force_grouping=True)
