"""Figures read as a Czech sentence would say them."""

from decimal import Decimal

import pytest
from django.utils import translation

from reports.figures import format_figure
from reports.indicators import Unit


@pytest.mark.parametrize(
    ("days", "text"),
    [
        (1, "1 den"),
        (3, "3 dny"),
        (12, "12 dní"),
        (Decimal("12.5"), "12,5 dne"),
        (1500, "1\xa0500 dní"),
    ],
)
def test_days_agree_with_their_number_in_czech(days, text):
    with translation.override("cs"):
        assert format_figure(days, Unit.DAYS) == text


def test_days_in_english():
    with translation.override("en"):
        assert [format_figure(n, Unit.DAYS) for n in (1, 2)] == ["1 day", "2 days"]
