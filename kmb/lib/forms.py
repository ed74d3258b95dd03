from django import forms


class DateInput(forms.DateInput):
    """The browser's date picker; the value travels as ISO (YYYY-MM-DD) whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def date_widgets(*names: str) -> dict[str, DateInput]:
    return {name: DateInput() for name in names}
