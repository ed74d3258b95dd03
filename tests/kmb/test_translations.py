"""Czech comes first: every source string must have a Czech translation that is not fuzzy."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ["manage.py", "kmb", "clients", "providers", "housing", "guarantees", "reports", "demo"]
CATALOGUE = Path("locale/cs/LC_MESSAGES/django.po")


def test_every_string_has_a_czech_translation(tmp_path):
    # Extract the strings from a copy, so that the committed catalogue is not touched.
    for name in [*SOURCES, "templates"]:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tmp_path / name)
    (tmp_path / CATALOGUE).parent.mkdir(parents=True)
    shutil.copy(ROOT / CATALOGUE, tmp_path / CATALOGUE)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale=cs", "--no-obsolete"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )

    catalogue = polib.pofile(str(tmp_path / CATALOGUE))

    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == [], "Strings without a Czech translation (run `make translations`)"
    assert fuzzy == [], "Fuzzy Czech translations: check them and remove the fuzzy flag"


def test_the_czech_catalogue_compiles_cleanly():
    result = subprocess.run(
        ["msgfmt", "--check", "--output-file=/dev/null", str(ROOT / CATALOGUE)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
