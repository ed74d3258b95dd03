import re
from datetime import datetime, timedelta

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.forms import case_managers_of
from clients.models import Case, CaseStatus, Client, Ethos
from kmb.territory.models import Municipality

# A case number as staff quote it: "2026/00042", or just "42" (up to five digits; longer numbers
# are phones or dates).
CASE_NUMBER = re.compile(r"^(?:(?P<year>\d{4})/0*(?P<serial>\d{1,9})|0*(?P<short>\d{1,5}))$")
OPEN = "open"


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(
            attrs={"placeholder": _("Name, birth date, phone or case number"), "autofocus": True}
        ),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(OPEN, _("All open")), *CaseStatus.choices],
        method="filter_status",
        empty_label=_("All"),
    )
    case_manager = django_filters.ModelChoiceFilter(
        label=_("Case manager"), queryset=None, empty_label=_("Anyone")
    )
    ethos = django_filters.ChoiceFilter(
        label=_("ETHOS"), choices=Ethos.choices, field_name="current_ethos", empty_label=_("Any")
    )
    municipality = django_filters.ModelChoiceFilter(
        label=_("Permanent residence"),
        field_name="household__permanent_residence",
        queryset=None,
        empty_label=_("Any"),
    )
    contact = django_filters.ChoiceFilter(
        label=_("Last contact"),
        method="filter_contact",
        choices=[
            ("stale", _("No contact for 30 days")),
            ("recent", _("Contact in the last 7 days")),
        ],
        empty_label=_("Any time"),
    )
    order = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=[
            ("opened_on", "opened"),
            ("applicant_last_name", "name"),
            ("last_contact_on", "contact"),
            ("status", "status"),
        ],
        field_labels={
            "opened": _("Opened"),
            "name": _("Name"),
            "contact": _("Last contact"),
            "status": _("Status"),
        },
        empty_label=_("Newest first"),
    )

    class Meta:
        model = Case
        fields = ["q", "status", "case_manager", "ethos", "municipality", "contact"]

    def __init__(self, *args, kmb, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["case_manager"].queryset = (
            case_managers_of(kmb.pk) if kmb else Case.objects.none()
        )
        self.filters["municipality"].queryset = Municipality.objects.filter(
            orp_id=kmb.orp_id if kmb else None
        )

    def search(self, cases, name, value):
        text = value.strip()
        number = CASE_NUMBER.match(text)
        if number and number["year"]:
            return cases.filter(pk=int(number["serial"]), opened_on__year=int(number["year"]))
        if number:
            return cases.filter(pk=int(number["short"]))
        people = Client.objects.matching(_as_iso_date(text))
        return cases.filter(household__in=people.values("household_id"))

    def filter_status(self, cases, name, value):
        return cases.open() if value == OPEN else cases.filter(status=value)

    def filter_contact(self, cases, name, value):
        if value == "stale":
            return cases.needing_contact()
        since = timezone.localdate() - timedelta(days=7)
        return cases.filter(last_contact_on__gte=since)


def _as_iso_date(text: str) -> str:
    """A birth date typed the Czech way ("1. 2. 1980", "01.02.1980") in the stored ISO form."""
    compact = text.replace(" ", "")
    for pattern in ("%d.%m.%Y", "%d.%m.%y"):
        try:
            return datetime.strptime(compact, pattern).date().isoformat()
        except ValueError:
            continue
    return text
