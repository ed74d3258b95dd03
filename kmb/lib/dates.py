"""Days as the app writes them into sentences and messages: 21. 11. 2026, as the templates do
with |date:"j. n. Y"."""

import datetime

from django.utils.formats import date_format

DAY_FORMAT = "j. n. Y"


def format_day(value: datetime.date) -> str:
    return date_format(value, DAY_FORMAT)
