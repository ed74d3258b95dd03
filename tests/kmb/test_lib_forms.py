"""Form fields shared by the apps."""

import pytest
from django import forms

from kmb.lib.forms import MAX_ID, PairsField


class PairsForm(forms.Form):
    pairs = PairsField(error_messages={"invalid": "bad pairs"})


def test_pairs_are_read_in_order_without_repeats():
    form = PairsForm({"pairs": ["3:4", "1:2", "3:4"]})

    assert form.is_valid()
    assert form.cleaned_data["pairs"] == [(3, 4), (1, 2)]


@pytest.mark.parametrize(
    "posted",
    [
        "3",
        "3:4:5",
        "a:4",
        "3:",
        "-3:4",
        "0:4",
        "²:4",  # a digit to str.isdigit, not to int()
        "٣:4",  # Arabic-Indic three
        f"{MAX_ID + 1}:4",  # no database holds it; SQLite would overflow
        "99999999999999999999999:1",
    ],
)
def test_anything_but_two_database_ids_is_refused_with_the_fields_message(posted):
    form = PairsForm({"pairs": [posted]})

    assert not form.is_valid()
    assert form.errors["pairs"] == ["bad pairs"]
