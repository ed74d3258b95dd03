from django import forms
from django.core.exceptions import ValidationError


class DateInput(forms.DateInput):
    """The browser's date picker; the value travels as ISO (YYYY-MM-DD) whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def date_widgets(*names: str) -> dict[str, DateInput]:
    return {name: DateInput() for name in names}


def add_errors(form, error: ValidationError) -> None:
    """Show a service's refusal on the form: next to its field where it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# The largest primary key the databases store (a signed 64-bit integer).
MAX_ID = 2**63 - 1


class PairsField(forms.Field):
    """Pairs of ids posted by checkboxes or hidden inputs as "12:34", deduplicated, in order.
    Anything else (letters, non-ASCII digits, ids no database holds) is "invalid"."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[tuple[int, int]]:
        pairs = []
        for item in value or []:
            parts = str(item).split(":")
            if not (len(parts) == 2 and all(is_id(part) for part in parts)):
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            pairs.append((int(parts[0]), int(parts[1])))
        return list(dict.fromkeys(pairs))


def is_id(text: str) -> bool:
    """Whether a typed or posted text is a primary key a database can hold."""
    return text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID
