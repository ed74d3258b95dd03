"""Flats as rows of a spreadsheet.

`FlatResource` (django-import-export) maps a flat to a row of columns an office reads (the
municipality and the owner by name, code lists by their labels) and a row of an import back to a
new flat. `render_csv` and `render_xlsx` write the export; housing.bulk_import reads a file in.
"""

import csv
import datetime
import io
from decimal import Decimal, InvalidOperation
from functools import cached_property

import tablib
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import QuerySet, TextChoices
from django.utils import formats, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from import_export import fields, resources, widgets
from openpyxl import Workbook
from openpyxl.styles import Font

from housing.models import Disposition, Flat, FlatKind, FlatStatus, Owner, Program, TechnicalState
from kmb import access
from kmb.accounts.models import User
from kmb.lib.text import fold
from kmb.territory.models import Municipality

# The columns of the export and of an import, in this order.
COLUMNS = [
    "municipality",
    "street",
    "number",
    "unit",
    "postcode",
    "disposition",
    "rooms",
    "area",
    "floor",
    "lift",
    "barrier_free",
    "technical_state",
    "last_inspection_on",
    "rent",
    "service_charges",
    "deposit",
    "qualifies_for_register",
    "max_permissible_rent",
    "kind",
    "program",
    "owner",
    "status",
]
# An import may leave out the other columns: the model's defaults apply.
REQUIRED = {
    "municipality",
    "street",
    "number",
    "postcode",
    "disposition",
    "rooms",
    "area",
    "floor",
    "rent",
    "kind",
    "program",
    "owner",
}
# What tells two flats apart, compared without case and extra spaces.
ADDRESS = ("municipality_id", "street", "number", "unit")
YES = {"1", "true", "yes", "y", "ano", "a", "x"}
NO = {"0", "false", "no", "n", "ne"}


def column_label(name: str) -> str:
    """The heading of a column (and of a field's errors) in the active language."""
    return capfirst(str(Flat._meta.get_field(name).verbose_name))


def yes_and_no() -> tuple[str, str]:
    """How a spreadsheet says yes and no in the active language."""
    return pgettext("in a spreadsheet cell", "yes"), pgettext("in a spreadsheet cell", "no")


def _address(municipality_id: int, *parts: str) -> tuple:
    return (municipality_id, *(" ".join(part.split()).casefold() for part in parts))


def match_key(text: str) -> str:
    """What a heading or a code-list value is matched by: no case, accents or spaces."""
    return "".join(fold(text).split())


# --- Cells -------------------------------------------------------------------------------------


class Text(widgets.Widget):
    """A cell as text; an empty cell is None, or an error where the column is required."""

    def __init__(self, *, required: bool = False):
        super().__init__(coerce_to_string=False)
        self.required = required

    def clean(self, value, row=None, **kwargs):
        text = " ".join(str(value or "").split())
        if not text:
            if self.required:
                raise ValueError(_("This field is required."))
            return None
        return self.parse(text)

    def parse(self, text: str):
        return text

    def render(self, value, obj=None, **kwargs):
        return value


class Number(Text):
    """An amount or a count as people type it: 6500, 6 500, 6500,50 or 6500.50."""

    def __init__(self, *, whole: bool = False, required: bool = False):
        super().__init__(required=required)
        self.whole = whole

    def parse(self, text):
        try:
            number = Decimal("".join(text.split()).replace(",", "."))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise ValueError(_("“%(value)s” is not a number.") % {"value": text})
        if not self.whole:
            return number
        if number != number.to_integral_value():
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": text})
        return int(number)


class YesNo(Text):
    def parse(self, text):
        yes, no = yes_and_no()
        key = match_key(text)
        if key in YES or key == match_key(yes):
            return True
        if key in NO or key == match_key(no):
            return False
        raise ValueError(_("Write “%(yes)s” or “%(no)s”.") % {"yes": yes, "no": no})

    def render(self, value, obj=None, **kwargs):
        yes, no = yes_and_no()
        return yes if value else no


class Date(Text):
    def parse(self, text):
        compact = "".join(text.split())
        for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
            try:
                return datetime.datetime.strptime(compact, pattern).date()
            except ValueError:
                continue
        raise ValueError(_("“%(value)s” is not a date; write it as 15. 3. 2025.") % {"value": text})


class Choice(Text):
    """A code-list value by its code or by its label in any of the site's languages."""

    def __init__(self, choices: type[TextChoices], *, required: bool = False):
        super().__init__(required=required)
        self.choices = choices

    @cached_property
    def codes(self) -> dict[str, str]:
        codes = {match_key(code): code for code in self.choices.values}
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                codes |= {match_key(str(label)): code for code, label in self.choices.choices}
        return codes

    def parse(self, text):
        code = self.codes.get(match_key(text))
        if code is None:
            labels = ", ".join(str(label) for label in self.choices.labels)
            raise ValueError(
                _("“%(value)s” is not one of: %(choices)s.") % {"value": text, "choices": labels}
            )
        return code

    def render(self, value, obj=None, **kwargs):
        return str(self.choices(value).label) if value else ""


class ByName(Text):
    """A record by its name, looked up once for each name the file uses."""

    def __init__(self, records: QuerySet):
        super().__init__(required=True)
        self.records = records
        self.found: dict[str, list] = {}

    def parse(self, text):
        key = text.casefold()
        if key not in self.found:
            self.found[key] = list(self.records.filter(name__iexact=text)[:2])
        matches = self.found[key]
        if len(matches) != 1:
            raise ValueError(self.problem(text, matches))
        return matches[0]

    def problem(self, name: str, matches: list) -> str:
        raise NotImplementedError

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


class MunicipalityByName(ByName):
    def problem(self, name, matches):
        if Municipality.objects.filter(name__iexact=name).exists():
            return _("You may not add flats in %(name)s.") % {"name": name}
        return _("There is no municipality called “%(name)s”.") % {"name": name}


class OwnerByName(ByName):
    def problem(self, name, matches):
        if matches:
            return _("Several owners are called “%(name)s”; give them distinct names first.") % {
                "name": name
            }
        return _("There is no owner called “%(name)s”; add the owner first.") % {"name": name}


# --- The resource ------------------------------------------------------------------------------


def _column(name: str, widget: widgets.Widget | None = None, **kwargs) -> fields.Field:
    return fields.Field(attribute=name, column_name=name, widget=widget, **kwargs)


class FlatResource(resources.ModelResource):
    """A flat as a row of the inventory export, and a row of an import as a new flat in one of
    the municipalities where `user` may add flats.

    An import does not go through import_data(), which saves row by row in savepoints: the rows
    are checked with new_flat() and saved together by housing.bulk_import."""

    municipality = _column("municipality")
    street = _column("street", Text(required=True))
    number = _column("number", Text(required=True))
    unit = _column("unit", Text(), default="")
    postcode = _column("postcode", Text(required=True))
    disposition = _column("disposition", Choice(Disposition, required=True))
    rooms = _column("rooms", Number(whole=True, required=True))
    area = _column("area", Number(required=True))
    floor = _column("floor", Number(whole=True, required=True))
    lift = _column("lift", YesNo(), default=False)
    barrier_free = _column("barrier_free", YesNo(), default=False)
    technical_state = _column(
        "technical_state", Choice(TechnicalState), default=TechnicalState.GOOD
    )
    last_inspection_on = _column("last_inspection_on", Date())
    rent = _column("rent", Number(required=True))
    service_charges = _column("service_charges", Number(), default=Decimal(0))
    deposit = _column("deposit", Number(), default=Decimal(0))
    qualifies_for_register = _column("qualifies_for_register", YesNo(), default=False)
    max_permissible_rent = _column("max_permissible_rent", Number())
    kind = _column("kind", Choice(FlatKind, required=True))
    program = _column("program", Choice(Program, required=True))
    owner = _column("owner")
    status = _column("status", Choice(FlatStatus), default=FlatStatus.FREE)

    class Meta:
        model = Flat
        fields = COLUMNS
        skip_diff = True

    def __init__(self, *, user: User, owners: QuerySet | None = None):
        """`owners`: those the user may name as a flat's owner (only an import needs them)."""
        super().__init__()
        self.municipalities = access.municipalities_managed_by(user, Municipality.objects.all())
        self.fields["municipality"].widget = MunicipalityByName(self.municipalities)
        self.fields["owner"].widget = OwnerByName(
            owners if owners is not None else Owner.objects.none()
        )
        self.addresses: set[tuple] | None = None  # of the flats there, read when first needed

    def get_export_headers(self, selected_fields=None):
        return [column_label(field.column_name) for field in self.get_export_fields()]

    def new_flat(self, row: dict[str, str]) -> tuple[Flat, dict[str, list[str]]]:
        """An unsaved flat from a row of an import, and what is wrong with it, by field."""
        flat = self.init_instance(row)
        errors = {}
        try:
            self.import_instance(flat, row)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        try:
            self.validate_instance(flat, errors)
        except ValidationError as error:
            return flat, error.message_dict
        return flat, {}

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The model's validation, except for two sets of queries a row that would make a full
        file take seconds: the check constraints (Flat.clean() and the field validators state
        each of them in friendlier words, and the database enforces them on save) and whether
        the municipality and the owner exist (the widgets have just read them from the database).
        """
        errors = dict(import_validation_errors or {})
        if self._is_repeated(instance):
            errors[NON_FIELD_ERRORS] = [
                ValidationError(_("A flat at this address is already in the inventory."))
            ]
        try:
            instance.full_clean(
                exclude={*errors, "municipality", "owner"},
                validate_unique=validate_unique,
                validate_constraints=False,
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def _is_repeated(self, flat: Flat) -> bool:
        """The same address as a flat in the inventory, or as an earlier row of the file."""
        if not (flat.municipality_id and flat.street and flat.number):
            return False
        if self.addresses is None:
            inventory = Flat.objects.filter(municipality__in=self.municipalities)
            self.addresses = {_address(*row) for row in inventory.values_list(*ADDRESS)}
        address = _address(*(getattr(flat, name) for name in ADDRESS))
        if address in self.addresses:
            return True
        self.addresses.add(address)
        return False


# --- Export ------------------------------------------------------------------------------------


def render_csv(dataset: tablib.Dataset) -> bytes:
    """Semicolons, decimal commas and UTF-8 with a byte-order mark: what Excel in a Czech Windows
    opens without garbling the accents or squeezing everything into one column."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(dataset.headers)
    writer.writerows([_csv_cell(value) for value in row] for row in dataset)
    return ("\ufeff" + out.getvalue()).encode()


def _csv_cell(value):
    if isinstance(value, Decimal):
        return formats.number_format(value)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        # A spreadsheet would run such a text as a formula.
        return "'" + value
    return value


def render_xlsx(dataset: tablib.Dataset) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Flats")
    sheet.append(dataset.headers)
    for row in dataset:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"  # a text starting with "=" stays text, not a formula
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
