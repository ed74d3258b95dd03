"""The free-text checker: personal data in text that is about to leave the KMB.

`find_personal_data` lists what it finds; `check_free_text` raises a ValidationError with one
message per finding, so a form field or a service refuses the text until it is clean. It looks for
the household's own identifiers (names in every Czech case and without diacritics, birth dates in
any usual format, birth numbers, phones, e-mails, the address and named places) and for anything
shaped like personal data even when it is not the household's (any birth number, phone number,
e-mail, street with a house number, a person named after "pan"/"paní" or a title, a date or year
of birth, an exact age).

False positives cost social workers time, so common words are not taken for names: a word that
is both ("nová", "krize", "dostal") counts as a name only when capitalised inside a sentence.
What it cannot know (a name it was not given, written in lower case) it cannot find: the checker
is a safety net under the rule that a recommendation describes roles, not people.
"""

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kmb.lib.text import digits, fold
from kmb.redaction.words import (
    WORD,
    address_words,
    fold_keeping_length,
    is_common_word,
    name_words,
    place_words,
    word_forms,
    word_set,
)


class FindingKind(StrEnum):
    NAME = "name"
    PERSON = "person"
    BIRTH_DATE = "birth_date"
    AGE = "age"
    BIRTH_NUMBER = "birth_number"
    PHONE = "phone"
    EMAIL = "email"
    ADDRESS = "address"
    PLACE = "place"


MESSAGES = {
    FindingKind.NAME: _(
        "The text names a member of the household (“%(text)s”). Write “the applicant”, "
        "“the partner” or “the child” instead."
    ),
    FindingKind.PERSON: _(
        "The text names a person (“%(text)s”). Write their role instead, such as “the landlord”."
    ),
    FindingKind.BIRTH_DATE: _(
        "The text gives a date of birth (“%(text)s”). Leave it out: the summary shows age bands."
    ),
    FindingKind.AGE: _(
        "The text gives an exact age (“%(text)s”). Leave it out: the summary shows age bands."
    ),
    FindingKind.BIRTH_NUMBER: _("The text contains a birth number (“%(text)s”). Leave it out."),
    FindingKind.PHONE: _("The text contains a phone number (“%(text)s”). Leave it out."),
    FindingKind.EMAIL: _("The text contains an e-mail address (“%(text)s”). Leave it out."),
    FindingKind.ADDRESS: _(
        "The text contains an address (“%(text)s”). Describe the kind of place instead, "
        "such as “a hostel” or “a flat in the town”."
    ),
    FindingKind.PLACE: _(
        "The text names a small municipality or a place that could identify the household "
        "(“%(text)s”). Name the ORP or the kind of place instead."
    ),
}


@dataclass(frozen=True)
class Finding:
    """One piece of personal data: its kind and where it is in the text (`text[start:end]`)."""

    kind: FindingKind
    text: str
    start: int
    end: int

    @property
    def message(self) -> str:
        return MESSAGES[self.kind] % {"text": self.text}


def find_personal_data(
    text: str,
    *,
    names: Iterable[str] = (),
    birth_dates: Iterable[datetime.date] = (),
    birth_numbers: Iterable[str] = (),
    phones: Iterable[str] = (),
    emails: Iterable[str] = (),
    addresses: Iterable[str] = (),
    places: Iterable[str] = (),
) -> list[Finding]:
    """What in `text` identifies a person, in the order it appears.

    The keyword arguments are the household's own identifiers: its members' names (full names or
    single words), dates of birth, birth numbers, phones, e-mails, addresses where it lives or
    lived, and `places` that must not be named (municipalities under KMB_REDACTION_MIN_POPULATION,
    a hostel's name). Generic patterns are found whether or not these are given.
    """
    scan = _Scan(text)
    _find_emails(scan, emails)
    _find_birth_numbers(scan, birth_numbers)
    _find_dates(scan, set(birth_dates))
    _find_phones(scan, phones)
    _find_ages(scan)
    _find_generic_addresses(scan)
    _find_words(scan, names=names, addresses=addresses, places=places)
    _find_titled_persons(scan)
    return sorted(scan.findings, key=lambda finding: finding.start)


def check_free_text(text: str, **identifiers) -> str:
    """`text` unchanged if it is clean; otherwise a ValidationError with a message for each
    different piece of personal data. Takes the keyword arguments of `find_personal_data`; use it
    in a form's `clean_<field>` and again in the service that puts the text into an output."""
    errors = []
    seen = set()
    for finding in find_personal_data(text, **identifiers):
        key = (finding.kind, fold(finding.text))
        if key not in seen:
            seen.add(key)
            errors.append(ValidationError(finding.message, code=finding.kind.value))
    if errors:
        raise ValidationError(errors)
    return text


class _Scan:
    """The text, its folded twin (same positions), and what has been found so far. A later,
    weaker finding that overlaps an earlier one is dropped: "jana.novakova@seznam.cz" is one
    e-mail, not an e-mail and a name."""

    def __init__(self, text: str):
        self.text = text
        self.folded = fold_keeping_length(text)
        self.findings: list[Finding] = []
        self.has_diacritics = self.folded != text.lower()

    def add(self, kind: FindingKind, start: int, end: int) -> None:
        if any(start < found.end and found.start < end for found in self.findings):
            return
        self.findings.append(Finding(kind, self.text[start:end].strip(), start, end))

    def starts_sentence(self, start: int) -> bool:
        before = self.text[:start].rstrip(" \t\xa0\"'„“”‚‘’(-–—•*")
        return not before or before[-1] in ".!?…\n\r"


# --- E-mails, birth numbers, dates, phones, ages ---------------------------------------------

# Each pattern that starts with a run of letters starts only where the run does: tried at every
# position of a long word, it would take seconds (quadratic) to say there is nothing.
EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]+(?:@|\s?[(\[](?:at|zavinac)[)\]]\s?)[\w-]+(?:\.[\w-]+)+",
    re.IGNORECASE,
)


def _find_emails(scan: _Scan, emails: Iterable[str]) -> None:
    for email in emails:
        if email:
            for match in re.finditer(re.escape(fold(email)), scan.folded):
                scan.add(FindingKind.EMAIL, *match.span())
    for match in EMAIL.finditer(scan.folded):
        scan.add(FindingKind.EMAIL, *match.span())


BIRTH_NUMBER_WITH_SLASH = re.compile(r"(?<![\d/])\d{6}\s?/\s?\d{3,4}(?![\d/])")
TEN_DIGITS = re.compile(r"(?<![\d/])\d{10}(?![\d/])")


def _find_birth_numbers(scan: _Scan, birth_numbers: Iterable[str]) -> None:
    for birth_number in birth_numbers:
        number = digits(birth_number)
        if len(number) in (9, 10):
            pattern = rf"(?<!\d){number[:6]}\s?/?\s?{number[6:]}(?!\d)"
            for match in re.finditer(pattern, scan.text):
                scan.add(FindingKind.BIRTH_NUMBER, *match.span())
    for match in BIRTH_NUMBER_WITH_SLASH.finditer(scan.text):
        scan.add(FindingKind.BIRTH_NUMBER, *match.span())
    # Without a slash only ten digits that start with a possible date: nine digits are a phone.
    for match in TEN_DIGITS.finditer(scan.text):
        if _starts_with_birth_date(match.group()):
            scan.add(FindingKind.BIRTH_NUMBER, *match.span())


def _starts_with_birth_date(number: str) -> bool:
    month, day = int(number[2:4]), int(number[4:6])
    # Women's months are +50; +20 marks the extra numbers issued since 2004.
    return any(1 <= month - offset <= 12 for offset in (0, 20, 50, 70)) and 1 <= day <= 31


MONTHS = [
    *("ledna", "unora", "brezna", "dubna", "kvetna", "cervna"),
    *("cervence", "srpna", "zari", "rijna", "listopadu", "prosince"),
]
DATES = (
    re.compile(
        r"(?<![\d.])(?P<day>\d{1,2})\.\s?(?P<month>\d{1,2})\.\s?(?P<year>\d{4}|\d{2})(?!\d)"
    ),
    re.compile(r"(?<!\d)(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})(?!\d)"),
    re.compile(r"(?<![\d/])(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4})(?![\d/])"),
    re.compile(rf"(?<!\d)(?P<day>\d{{1,2}})\.\s?(?P<month>{'|'.join(MONTHS)})\s(?P<year>\d{{4}})"),
)
BIRTH_CONTEXT = re.compile(
    r"\b(?:nar|narozen[aeiy]?|datum narozeni|born|dob|rocnik|roc)\b\.?:?\s*"
    r"(?:dne\s|v roce\s|roku\s|in\s|on\s)?$"
)
BIRTH_YEAR = re.compile(
    r"\b(?:nar|narozen[aeiy]?|born|rocnik|roc)\b\.?:?\s*(?:v roce\s|roku\s|r\.\s?|in\s)?"
    r"(?:19|20)\d{2}(?!\d)"
)


def _find_dates(scan: _Scan, birth_dates: set[datetime.date]) -> None:
    """The household's dates of birth in any format; any other date (or a year) only where the
    text says it is a birth: "1. 3. 2024" is when a lease began, "nar. 3. 4. 1990" is a person."""
    for pattern in DATES:
        for match in pattern.finditer(scan.folded):
            if _is_birth_date(match, birth_dates) or _after_birth_word(scan, match.start()):
                scan.add(FindingKind.BIRTH_DATE, *match.span())
    for match in BIRTH_YEAR.finditer(scan.folded):
        scan.add(FindingKind.BIRTH_DATE, *match.span())


def _is_birth_date(match: re.Match, birth_dates: set[datetime.date]) -> bool:
    month = match["month"]
    month = MONTHS.index(month) + 1 if month in MONTHS else int(month)
    day, year = int(match["day"]), int(match["year"])
    return any(
        (birth.day, birth.month) == (day, month)
        and (birth.year == year or (year < 100 and birth.year % 100 == year))
        for birth in birth_dates
    )


def _after_birth_word(scan: _Scan, start: int) -> bool:
    return bool(BIRTH_CONTEXT.search(scan.folded[max(0, start - 30) : start]))


PHONE_INTERNATIONAL = re.compile(r"(?<![\w+])(?:\+|00)\d{1,3}(?:[\s-]?\d){8,12}(?!\d)")
PHONE = re.compile(r"(?<![\w+])[1-9](?:[\s-]?\d){8}(?!\d)")


def _find_phones(scan: _Scan, phones: Iterable[str]) -> None:
    """Any phone number; the household's own also when written in an odd grouping."""
    patterns = [PHONE_INTERNATIONAL, PHONE]
    for phone in phones:
        number = digits(phone)[-9:]
        if len(number) == 9:
            patterns.append(re.compile(r"(?<!\d)" + r"[\s./-]?".join(number) + r"(?!\d)"))
    for pattern in patterns:
        for match in pattern.finditer(scan.text):
            scan.add(FindingKind.PHONE, *match.span())


RELATIVES = (
    r"(?:syn|dcer|dit|deti|chlap|divk|vnu|sestr|bratr|zadatel|partner|muz|zen|matk|otec|otc)"
)
AGES = (
    # "je mu 34 let", "ve věku 34 let", "věk: 34", "aged 34"
    re.compile(r"\b(?:ve veku|veku?:?|je (?:mu|ji|jim)|aged?)\s\d{1,3}(?:\s(?:let|roku|roky))?\b"),
    # "34letá matka", "5-letý syn"
    re.compile(rf"\b\d{{1,3}}\s?-?\s?let(?:y|a|e|eho|emu|ou|ym|ych|i)\s{RELATIVES}\w*"),
    # "syn (7)", "děti (3 a 7 let)"
    re.compile(
        rf"\b{RELATIVES}\w*\s?\(\s?\d{{1,2}}(?:\s?(?:,|a|and)\s?\d{{1,2}})*"
        r"\s?(?:let|roku|roky|years?)?\s?\)"
    ),
    re.compile(r"\b\d{1,3}\s(?:years? old|y\.\s?o\.)"),
)


def _find_ages(scan: _Scan) -> None:
    for pattern in AGES:
        for match in pattern.finditer(scan.folded):
            scan.add(FindingKind.AGE, *match.span())


# --- Names, addresses and places as words -----------------------------------------------------


def _find_words(scan: _Scan, *, names, addresses, places) -> None:
    """Words that are a form of the household's names, its address's street or a named place.
    A name counts in any case ("novák" is Novák), a street or place only capitalised ("dlouhá
    doba" is not Dlouhá street); a common word only capitalised inside a sentence."""
    wanted: dict[str, FindingKind] = {}
    for kind, words in (
        (FindingKind.PLACE, [w for place in places for w in place_words(place)]),
        (FindingKind.ADDRESS, [w for address in addresses for w in address_words(address)]),
        (FindingKind.NAME, [w for name in names for w in name_words(name)]),
    ):
        wanted.update(dict.fromkeys((form for w in words for form in word_forms(w)), kind))
    spans: list[tuple[FindingKind, int, int]] = []
    for match in WORD.finditer(scan.text):
        kind = wanted.get(fold(match.group()))
        if kind and _reads_as_name(scan, match, kind):
            previous = spans[-1] if spans else None
            if (
                previous
                and previous[0] == kind
                and not scan.text[previous[2] : match.start()].strip(" -\xa0")
            ):
                spans[-1] = (kind, previous[1], match.end())  # "Jana Nováková" is one finding
            else:
                spans.append((kind, *match.span()))
    for kind, start, end in spans:
        scan.add(kind, start, end)


def _reads_as_name(scan: _Scan, match: re.Match, kind: FindingKind) -> bool:
    capitalised = match.group()[0].isupper()
    if is_common_word(match.group(), diacritics=scan.has_diacritics):
        return capitalised and not scan.starts_sentence(match.start())
    return kind == FindingKind.NAME or capitalised


TITLED_PERSON = re.compile(
    r"\b(?:(?:pan|pana|panu|panem|pane|paní|slečn(?:a|y|ě|u|ou))\s+"
    r"|(?:p|sl|mudr|judr|mgr|bc|ing|phdr|dr)\.\s?)(?P<name>[^\W\d_]+)",
    re.IGNORECASE,
)


def _find_titled_persons(scan: _Scan) -> None:
    """Anybody named after "pan", "paní" or a title: "paní Horáková z ubytovny"."""
    for match in TITLED_PERSON.finditer(scan.text):
        if match["name"][0].isupper():
            scan.add(FindingKind.PERSON, *match.span())


# --- Addresses by their shape -----------------------------------------------------------------

STREET_MARKER = re.compile(
    r"\b(?:ul\.|ulic[ei]?|namesti|tr\.|trida|tride|nabr\.|nabrezi)\s?(?=[^\W\d_])",
)
HOUSE_NUMBER_MARKER = re.compile(r"\b(?:c\.\s?p\.|cp\.|c\.\s?ev\.|cislo popisne)\s?\d+")
STREET_AND_NUMBER = re.compile(
    r"(?<![^\W\d_])(?P<street>[^\W\d_]{3,})\s(?P<number>\d{1,4}(?P<slash>/\d{1,4})?[a-h]?)(?![\d/])"
)
# After the number these make "Ubytovna 3 měsíce" a quantity, not a house number.
NOT_A_HOUSE_NUMBER = re.compile(
    r"^(?:\s?(?:kc|czk|eur|%|let|rok|mesic|tyd|den|dn|hod|min|m2|m²|km|osob|clen|det|dit|krat|x\b"
    r"|ks|splat)|\s\d|[.,]\d|\.\s\d)"
)
# Capitalised words followed by a number that are not streets ("Praha 7" is a city district).
NOT_STREETS = word_set(
    """praha prahy praze prahu plzen plzne plzni zakon zakona zakonu paragraf clanek clanku bod
    bodu priloha prilohy tabulka tabulky kategorie kategorii skupina skupiny verze etapa faze covid
    """
)


def _find_generic_addresses(scan: _Scan) -> None:
    for match in HOUSE_NUMBER_MARKER.finditer(scan.folded):
        scan.add(FindingKind.ADDRESS, *match.span())
    for match in STREET_MARKER.finditer(scan.folded):
        word = WORD.match(scan.text, match.end())
        if word and word.group()[0].isupper():
            scan.add(FindingKind.ADDRESS, match.start(), word.end())
    for match in STREET_AND_NUMBER.finditer(scan.text):
        if _is_street_and_number(scan, match):
            scan.add(FindingKind.ADDRESS, *match.span())


def _is_street_and_number(scan: _Scan, match: re.Match) -> bool:
    """ "Husova 12", "Dlouhá 1234/5" inside a sentence: a capitalised word (not an acronym), then
    a house number that is not a year ("o Vánocích 2024") nor a quantity ("Ubytovna 3 měsíce")."""
    street = match["street"]
    if not street[0].isupper() or street.isupper() or fold(street) in NOT_STREETS:
        return False
    if scan.starts_sentence(match.start()):
        return False
    if not match["slash"] and 1900 <= int(re.sub(r"\D", "", match["number"])) <= 2099:
        return False
    return not NOT_A_HOUSE_NUMBER.match(scan.folded[match.end() : match.end() + 8])
