"""The bulk import of flats from a CSV or XLSX file, in two steps.

`read_upload` turns the file into a `Table` of plain text cells under our column names (plain
enough to keep in the session between the preview and the confirmation). `check_import` runs
each row through FlatResource and the model's validation without saving anything; `import_flats`
checks the rows again and saves them all in one transaction, or none.
"""

import csv
import datetime
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils import formats, translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from housing.models import Disposition, Flat, FlatKind, FlatStatus, Program, TechnicalState
from housing.resources import (
    COLUMNS,
    REQUIRED,
    FlatResource,
    column_label,
    match_key,
    yes_and_no,
)
from housing.services.flats import record_initial_status
from kmb import access
from kmb.accounts.models import User
from kmb.territory.models import Municipality

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
# What the parts of a workbook may unpack to: a few MB for the largest allowed import, while a
# crafted 2 MB file could unpack to gigabytes.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024


class UploadError(Exception):
    """Why a file cannot be imported at all, in messages for the user."""

    def __init__(self, *messages: str):
        super().__init__(*messages)
        self.messages = list(messages)


@dataclass
class Table:
    """An uploaded file's rows as text under our column names, with the row each came from in
    the spreadsheet (the header is row 1)."""

    name: str
    columns: list[str]
    rows: list[list[str]]
    lines: list[int]

    @property
    def labels(self) -> list[str]:
        return [column_label(name) for name in self.columns]


@dataclass
class RowCheck:
    line: int
    cells: list[tuple[str, bool]]  # each value, and whether it is wrong
    problems: list[str]


class ImportRejected(Exception):
    def __init__(self, checks: list[RowCheck]):
        super().__init__()
        self.checks = checks


def read_upload(upload) -> Table:
    """The file's rows, or UploadError if it is too large, not a CSV or XLSX file, or has
    unknown or missing columns or too many rows."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise UploadError(
            _("The file is larger than %(max)s. Split it into smaller files.")
            % {"max": filesizeformat(MAX_UPLOAD_BYTES)}
        )
    name = upload.name.lower()
    if name.endswith(".xlsx"):
        columns, rows, lines = _read_xlsx(upload.read())
    elif name.endswith((".csv", ".txt")):
        columns, rows, lines = _rows(_read_csv(upload.read()))
    else:
        raise UploadError(_("Upload a CSV file or an Excel workbook (.xlsx)."))
    return Table(name=upload.name, columns=columns, rows=rows, lines=lines)


def check_import(table: Table, *, user: User, owners: QuerySet) -> list[RowCheck]:
    """What is wrong with each row, as the model's validation says. `owners`: those the user
    may name in the file."""
    _flats, checks = _check_rows(table, user=user, owners=owners)
    return checks


@transaction.atomic
def import_flats(table: Table, *, by: User, owners: QuerySet, note: str = "") -> list[Flat]:
    """Add every row of the table to the inventory, or nothing (ImportRejected) if any row is
    wrong now. Side effects: each flat's first FlatStatusChange, with `note`."""
    flats, checks = _check_rows(table, user=by, owners=owners)
    if any(check.problems for check in checks):
        raise ImportRejected(checks)
    for flat in flats:
        flat._history_user = by
        flat.save()
        record_initial_status(flat=flat, by=by, note=note)
    return flats


def _check_rows(table: Table, *, user: User, owners: QuerySet):
    resource = FlatResource(user=user, owners=owners)
    flats, checks = [], []
    for line, cells in zip(table.lines, table.rows, strict=True):
        flat, errors = resource.new_flat(dict(zip(table.columns, cells, strict=True)))
        flats.append(flat)
        checks.append(_check(line, table.columns, cells, errors))
    return flats, checks


def _check(line: int, columns: list[str], cells: list[str], errors: dict) -> RowCheck:
    problems = [
        message if name == NON_FIELD_ERRORS else f"{column_label(name)}: {message}"
        for name, messages in errors.items()
        for message in messages
    ]
    wrong = [name in errors for name in columns]
    return RowCheck(line=line, cells=list(zip(cells, wrong, strict=True)), problems=problems)


def _read_csv(data: bytes) -> list[list[str]]:
    # Excel in a Czech Windows saves "CSV" in windows-1250; anything else should be UTF-8.
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1250")
        except UnicodeDecodeError:
            text = None
    if text is None or "\x00" in text:
        raise UploadError(_("The file is not a CSV file. Save it from Excel as CSV in UTF-8."))
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") >= header.count(",") else ","
    try:
        return [
            [_text(cell) for cell in row]
            for row in csv.reader(io.StringIO(text), delimiter=delimiter)
        ]
    except csv.Error as error:
        raise UploadError(_("The file is not a CSV file that can be read.")) from error


def _read_xlsx(data: bytes) -> tuple[list[str], list[list[str]], list[int]]:
    """The first sheet. The rows are read as they are needed, so that a small file that unpacks
    to a huge sheet stops at the row limit."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(member.file_size for member in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise UploadError(
                    _("The workbook holds too much. Keep only the sheet of flats in it.")
                )
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            rows = workbook.worksheets[0].iter_rows(values_only=True)
            return _rows([_text(cell) for cell in row] for row in rows)
        finally:
            workbook.close()
    except (zipfile.BadZipFile, InvalidFileException, KeyError, IndexError, SyntaxError) as error:
        # SyntaxError: the XML parsers' errors derive from it.
        raise UploadError(
            _("The file is not an Excel workbook (.xlsx) that can be read.")
        ) from error


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        # Fifteen digits hide the binary noise of a spreadsheet's arithmetic (55.300000000000004).
        return format(value, ".15g")
    return " ".join(str(value).split())


def _rows(rows: Iterable[list[str]]) -> tuple[list[str], list[list[str]], list[int]]:
    """Our names of the columns, the non-empty rows under the header and their row numbers."""
    rows = iter(rows)
    header = next(rows, [])
    while header and not header[-1]:
        header.pop()
    columns = _columns(header)
    kept, lines = [], []
    for line, cells in enumerate(rows, start=2):
        if not any(cells):
            continue
        if any(cells[len(columns) :]):
            raise UploadError(
                _("Row %(line)s has more values than the header has columns.") % {"line": line}
            )
        if len(kept) == MAX_ROWS:
            raise UploadError(
                _("The file has more than %(max)s rows. Split it into smaller files.")
                % {"max": formats.number_format(MAX_ROWS, force_grouping=True)}
            )
        kept.append([*cells[: len(columns)], *[""] * (len(columns) - len(cells))])
        lines.append(line)
    if not kept:
        raise UploadError(_("The file has no flats in it, only the header or nothing at all."))
    return columns, kept, lines


def _columns(header: list[str]) -> list[str]:
    """Our names of the file's columns, which may be headed by the name or by the label in any
    of the site's languages."""
    if not header:
        raise UploadError(_("The file is empty."))
    aliases = _column_aliases()
    names = [aliases.get(match_key(title)) for title in header]
    problems = []
    unknown = [title or "—" for title, name in zip(header, names, strict=True) if name is None]
    if unknown:
        problems.append(_("Unknown columns: %(columns)s.") % {"columns": ", ".join(unknown)})
    twice = [column_label(name) for name in COLUMNS if names.count(name) > 1]
    if twice:
        problems.append(_("Columns given twice: %(columns)s.") % {"columns": ", ".join(twice)})
    missing = [column_label(name) for name in COLUMNS if name in REQUIRED and name not in names]
    if missing:
        problems.append(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
    if problems:
        raise UploadError(*problems)
    return names


def _column_aliases() -> dict[str, str]:
    aliases = {match_key(name): name for name in COLUMNS}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            aliases |= {match_key(column_label(name)): name for name in COLUMNS}
    return aliases


def column_help(user: User) -> list[tuple[str, bool, str]]:
    """The columns of an import: label, whether required, and what values it takes."""
    managed = access.municipalities_managed_by(user, Municipality.objects.all())
    yes, no = yes_and_no()
    values = {
        "municipality": ", ".join(managed.values_list("name", flat=True)),
        "owner": _("The name of an owner already in the system."),
        "last_inspection_on": _("A date, e.g. 15. 3. 2025."),
        **dict.fromkeys(
            ["lift", "barrier_free", "qualifies_for_register"],
            _("“%(yes)s” or “%(no)s”") % {"yes": yes, "no": no},
        ),
        **dict.fromkeys(
            ["rent", "service_charges", "deposit", "max_permissible_rent"],
            _("In CZK, e.g. 6500 or 6500,50."),
        ),
    }
    for name, choices in [
        ("disposition", Disposition),
        ("technical_state", TechnicalState),
        ("kind", FlatKind),
        ("program", Program),
        ("status", FlatStatus),
    ]:
        values[name] = ", ".join(str(label) for label in choices.labels)
    return [(column_label(name), name in REQUIRED, values.get(name, "")) for name in COLUMNS]
