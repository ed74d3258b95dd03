"""Forms of the reporting pages. They validate and scope the choices; reports.services issues
reports and sets targets."""

from dataclasses import dataclass

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kmb import access
from kmb.accounts.models import Organisation
from kmb.lib.forms import date_widgets, is_id
from kmb.territory.models import Municipality, Orp
from reports.indicators import Unit
from reports.models import ProjectPeriod
from reports.periods import Month
from reports.queries import Area
from reports.targets import TARGETABLE

# No KMB kept cases before this; earlier months are typing mistakes (and year 1 has no
# previous month to compare with).
FIRST_YEAR = 2000


class MonthInput(forms.TextInput):
    """The browser's month picker; the value travels as YYYY-MM whatever the language."""

    input_type = "month"


@dataclass(frozen=True)
class Choice:
    """What a report is about: the user's scope (kmb.access.report_scope) narrowed by the form."""

    scope: dict
    area: Area
    month: Month
    kmb: Organisation | None
    municipality: Municipality | None
    orp_name: str

    @property
    def anonymised(self) -> bool:
        return self.scope["anonymised"]


class AreaMonthForm(forms.Form):
    """A month and the area of a report: the KMB's whole ORP or one of its municipalities.
    A housing department's area is its municipality (no choice); an administrator first chooses
    the KMB."""

    kmb = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), required=False, label=_("KMB"), empty_label=None
    )
    month = forms.CharField(label=_("Month"), required=False, widget=MonthInput)
    municipality = forms.ModelChoiceField(
        queryset=Municipality.objects.none(),
        required=False,
        label=_("Area"),
        empty_label=_("The whole ORP"),
    )

    def __init__(self, data=None, *, user, default_month: Month, **kwargs):
        super().__init__(data, **kwargs)
        self.user = user
        self.default_month = default_month
        self.fields["month"].initial = str(default_month)
        self.fields["month"].widget.attrs["max"] = str(Month.current())
        self.fields["month"].widget.attrs["min"] = f"{FIRST_YEAR}-01"
        self.kmb = self._kmb_of(data or {})
        self.scope = access.report_scope(user, kmb=self.kmb)
        if self.kmb is None:
            del self.fields["kmb"]
        if self.scope.get("kmb_id"):
            self.fields["municipality"].queryset = Municipality.objects.filter(
                orp_id=self.scope["orp_id"]
            ).order_by("name", "pk")
        else:
            del self.fields["municipality"]

    def _kmb_of(self, data) -> Organisation | None:
        """An administrator's chosen KMB (the first one until they choose)."""
        if not access.is_administrator(self.user):
            return None
        offices = access.organisations_visible_to(self.user).filter(
            kind=Organisation.Kind.KMB, is_active=True
        )
        self.fields["kmb"].queryset = offices
        chosen = str(data.get("kmb", ""))
        found = offices.filter(pk=int(chosen)).first() if is_id(chosen) else None
        found = found or offices.order_by("name", "pk").first()
        if found:
            self.fields["kmb"].initial = found.pk
        return found

    def clean_month(self) -> Month:
        if not self.cleaned_data["month"]:
            return self.default_month
        try:
            month = Month.parse(self.cleaned_data["month"])
        except ValueError:
            raise forms.ValidationError(_("Choose a month, e.g. 2026-11.")) from None
        if month > Month.of(timezone.localdate()):
            raise forms.ValidationError(_("Reports are made for this month or earlier ones."))
        if month.year < FIRST_YEAR:
            raise forms.ValidationError(
                _("Reports are made for months from %(year)s on.") % {"year": FIRST_YEAR}
            )
        return month

    def choice(self) -> Choice | None:
        """The valid choice, else the defaults (this month, the whole area); None when the user
        has nothing to report on (an administrator while there is no KMB)."""
        if not self.scope:
            return None
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        municipality = data.get("municipality")
        if not self.scope.get("kmb_id"):
            municipality = self.user.organisation.municipality
        area = Area.from_scope(self.scope)
        if municipality is not None:
            area = Area(area.kmb_id, area.orp_id, municipality.pk)
        kmb = (self.kmb or self.user.organisation) if self.scope.get("kmb_id") else None
        return Choice(
            scope=self.scope,
            area=area,
            month=data.get("month") or self.default_month,
            kmb=kmb,
            municipality=municipality,
            orp_name=Orp.objects.get(pk=area.orp_id).name,
        )


class IssueForm(AreaMonthForm):
    """The monthly report a manager issues: a finished month by default."""

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, user=user, default_month=Month.current().previous(), **kwargs)


class ProjectPeriodForm(forms.ModelForm):
    class Meta:
        model = ProjectPeriod
        fields = ["name", "starts_on", "ends_on"]
        widgets = date_widgets("starts_on", "ends_on")
        help_texts = {"name": _("E.g. the project “Housing First Liberec 2026–2027”.")}


class TargetsForm(forms.Form):
    """One row per figure that may be targeted (reports.targets.TARGETABLE): the target for the
    period and a note. An empty target removes it."""

    def __init__(self, data=None, *, period: ProjectPeriod, **kwargs):
        super().__init__(data, **kwargs)
        existing = {target.indicator: target for target in period.targets.all()}
        self.rows = []
        for key, targetable in TARGETABLE.items():
            name = key.replace(":", "__")
            target = existing.get(key)
            percent = targetable.unit == Unit.PERCENT
            self.fields[f"{name}-target"] = forms.DecimalField(
                label=targetable.label,
                required=False,
                min_value=0,
                max_value=100 if percent else None,
                max_digits=12,
                decimal_places=1 if percent else 0,
                initial=_plain(target.target) if target else None,
            )
            self.fields[f"{name}-note"] = forms.CharField(
                label=_("Note"),
                required=False,
                max_length=250,
                initial=target.note if target else "",
            )
            self.rows.append((key, targetable))

    def row_fields(self) -> list[tuple]:
        """(targetable, target field, note field) per row, for the template's table."""
        return [
            (
                targetable,
                self[f"{key.replace(':', '__')}-target"],
                self[f"{key.replace(':', '__')}-note"],
            )
            for key, targetable in self.rows
        ]

    def targets(self) -> dict:
        """{key: (target or None, note)} of every row."""
        return {
            key: (
                self.cleaned_data[f"{key.replace(':', '__')}-target"],
                self.cleaned_data[f"{key.replace(':', '__')}-note"].strip(),
            )
            for key, _targetable in self.rows
        }


def _plain(amount):
    return int(amount) if amount == amount.to_integral_value() else amount
