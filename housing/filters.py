import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from housing.models import Disposition, Flat, FlatKind, FlatStatus, Program, TechnicalState


class FlatFilter(django_filters.FilterSet):
    street = django_filters.CharFilter(
        label=_("Street"),
        lookup_expr="icontains",
        widget=forms.TextInput(attrs={"placeholder": _("Part of the street name")}),
    )
    municipality = django_filters.ModelChoiceFilter(
        label=_("Municipality"), queryset=None, empty_label=_("Any")
    )
    # Today's status (Flat.objects.with_status_today): a flat whose lease has lapsed is free
    # before the nightly job records it.
    status = django_filters.ChoiceFilter(
        field_name="status_today",
        label=_("Status"),
        choices=FlatStatus.choices,
        empty_label=_("Any"),
    )
    disposition = django_filters.ChoiceFilter(
        label=_("Disposition"), choices=Disposition.choices, empty_label=_("Any")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=FlatKind.choices, empty_label=_("Any")
    )
    program = django_filters.ChoiceFilter(
        label=_("Program"), choices=Program.choices, empty_label=_("Any")
    )
    technical_state = django_filters.ChoiceFilter(
        label=_("Technical state"), choices=TechnicalState.choices, empty_label=_("Any")
    )
    barrier_free = django_filters.BooleanFilter(
        label=_("Only barrier-free"), method="only_barrier_free", widget=forms.CheckboxInput
    )
    order = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=[
            ("municipality__name", "municipality"),
            ("street", "street"),
            ("rent", "rent"),
            ("area", "area"),
            ("status_today", "status"),
        ],
        field_labels={
            "municipality": _("Municipality"),
            "street": _("Street"),
            "rent": _("Rent"),
            "area": _("Area"),
            "status": _("Status"),
        },
        empty_label=_("Address"),
    )

    class Meta:
        model = Flat
        fields = [
            "street",
            "municipality",
            "status",
            "disposition",
            "kind",
            "program",
            "technical_state",
            "barrier_free",
        ]

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["municipality"].queryset = municipalities

    def only_barrier_free(self, flats, name, value):
        return flats.filter(barrier_free=True) if value else flats
