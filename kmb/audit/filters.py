import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from kmb import access
from kmb.audit.history import model_choices
from kmb.audit.models import AccessLog
from kmb.lib.forms import DateInput

date_input = DateInput()


class AccessLogFilter(django_filters.FilterSet):
    user = django_filters.ModelChoiceFilter(label=_("Who"), queryset=None)
    date_from = django_filters.DateFilter(
        field_name="at", lookup_expr="date__gte", label=_("From"), widget=date_input
    )
    date_to = django_filters.DateFilter(
        field_name="at", lookup_expr="date__lte", label=_("To"), widget=date_input
    )
    content_type = django_filters.ModelChoiceFilter(
        label=_("Record type"), queryset=ContentType.objects.none()
    )
    object_id = django_filters.CharFilter(label=_("Record number"))

    class Meta:
        model = AccessLog
        fields = ["user", "date_from", "date_to", "content_type", "object_id"]

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["user"].queryset = access.users_visible_to(viewer)
        self.filters["content_type"].queryset = ContentType.objects.filter(
            pk__in=AccessLog.objects.values("content_type")
        )


class HistoryFilterForm(forms.Form):
    """Choose which model's history to browse; the rest narrows it."""

    model = forms.ChoiceField(label=_("Record type"), choices=model_choices)
    user = forms.ModelChoiceField(label=_("Changed by"), queryset=None, required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=date_input)
    date_to = forms.DateField(label=_("To"), required=False, widget=date_input)
    object_id = forms.IntegerField(label=_("Record number"), required=False, min_value=1)

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = access.users_visible_to(viewer)

    def filter(self, records):
        data = self.cleaned_data
        if data["user"]:
            records = records.filter(history_user=data["user"])
        if data["date_from"]:
            records = records.filter(history_date__date__gte=data["date_from"])
        if data["date_to"]:
            records = records.filter(history_date__date__lte=data["date_to"])
        if data["object_id"]:
            records = records.filter(id=data["object_id"])
        return records
