"""The redaction policy: bands, rounding, small counts, unnamed small municipalities, pseudonyms,
the free-text checker on Czech examples (what it must catch and what it must leave alone) and the
anonymised case summary."""

import datetime
import json
import re
from dataclasses import fields
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from kmb import redaction
from kmb.redaction import (
    AGE_BANDS,
    ALLOWED_SUMMARY_FIELDS,
    FIELD_LABELS,
    HIDDEN,
    AnonymisedSummary,
    DebtFacts,
    DebtLine,
    Finding,
    FindingKind,
    HouseholdIdentifiers,
    MemberFacts,
    MemberLine,
    Residence,
    age_band,
    check_free_text,
    find_personal_data,
    format_debt,
    income_band,
    is_pseudonym,
    municipality_label,
    new_pseudonym,
    redact_case_summary,
    round_debt,
    small_count,
    suppress_table,
)
from kmb.redaction.words import address_words, word_forms


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


# --- Age bands --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "band"),
    [
        (0, "0–5"),
        (5, "0–5"),
        (6, "6–14"),
        (14, "6–14"),
        (15, "15–17"),
        (17, "15–17"),
        (18, "18–25"),
        (25, "18–25"),
        (26, "26–39"),
        (39, "26–39"),
        (40, "40–64"),
        (64, "40–64"),
        (65, "65+"),
        (104, "65+"),
    ],
)
def test_age_band_edges(age, band):
    assert age_band(age) == band


def test_age_bands_cover_every_age_once():
    lows = [low for low, _ in AGE_BANDS]
    highs = [high for _, high in AGE_BANDS]
    assert lows[0] == 0
    assert highs[-1] is None
    assert [high + 1 for high in highs[:-1]] == lows[1:]


def test_age_band_refuses_a_negative_age():
    with pytest.raises(ValueError, match="negative"):
        age_band(-1)


# --- Income bands -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("monthly", "band"),
    [
        ("0", "up to 10,000 CZK"),
        ("10000.00", "up to 10,000 CZK"),
        ("10000.01", "10,000–20,000 CZK"),
        ("20000", "10,000–20,000 CZK"),
        ("29999", "20,000–30,000 CZK"),
        ("30000.01", "30,000–45,000 CZK"),
        ("45000", "30,000–45,000 CZK"),
        ("60000", "45,000–60,000 CZK"),
        ("60000.01", "over 60,000 CZK"),
        ("250000", "over 60,000 CZK"),
    ],
)
def test_income_band_edges(monthly, band):
    assert income_band(Decimal(monthly)) == band


def test_income_band_groups_digits_the_czech_way():
    with translation.override("cs"):
        assert "10\xa0000" in income_band(Decimal("15000"))
        assert "20\xa0000" in income_band(Decimal("15000"))


def test_income_band_refuses_a_negative_income():
    with pytest.raises(ValueError, match="negative"):
        income_band(Decimal("-1"))


# --- Debts ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "rounded"),
    [
        ("0", 0),
        ("0.01", 1_000),
        ("499", 1_000),
        ("1499.99", 1_000),
        ("1500", 2_000),
        ("10400", 10_000),
        ("10500", 11_000),
        ("99999", 100_000),
        ("100000", 100_000),
        ("100001", 100_000),
        ("102499.99", 100_000),
        ("102500", 105_000),
        ("1234567", 1_235_000),
    ],
)
def test_round_debt(amount, rounded):
    assert round_debt(Decimal(amount)) == Decimal(rounded)


def test_round_debt_refuses_a_negative_amount():
    with pytest.raises(ValueError, match="negative"):
        round_debt(Decimal("-5"))


def test_format_debt():
    assert format_debt(Decimal("12345.67")) == "about 12,000 CZK"
    assert format_debt(Decimal("150000")) == "about 150,000 CZK"
    assert format_debt(Decimal("0")) == "no debt"


# --- Small counts and tables ------------------------------------------------------------------


@pytest.mark.parametrize(("n", "shown"), [(0, 0), (1, "<5"), (4, "<5"), (5, 5), (123, 123)])
def test_small_count(n, shown):
    assert small_count(n) == shown


def test_small_count_follows_the_setting(settings):
    settings.KMB_SMALL_COUNT = 10
    assert [small_count(n) for n in (0, 9, 10)] == [0, "<10", 10]


def test_small_count_refuses_a_negative_count():
    with pytest.raises(ValueError, match="negative"):
        small_count(-1)


def test_suppress_table_leaves_a_table_without_small_counts_alone():
    rows = [{"topic": "debts", "n": 12}, {"topic": "benefits", "n": 0}]
    table = suppress_table(rows, ["n"])
    assert table.rows == rows
    assert table.totals == {"n": 12}
    assert table.note == ""


def test_suppress_table_hides_a_second_cell_so_the_total_gives_nothing_away():
    rows = [
        {"municipality": "A", "housed": 3, "waiting": 10},
        {"municipality": "B", "housed": 7, "waiting": 0},
        {"municipality": "C", "housed": 12, "waiting": 6},
    ]
    table = suppress_table(rows, ["housed", "waiting"])
    assert table.rows == [
        {"municipality": "A", "housed": "<5", "waiting": 10},
        {"municipality": "B", "housed": HIDDEN, "waiting": 0},
        {"municipality": "C", "housed": 12, "waiting": 6},
    ]
    assert table.totals == {"housed": 22, "waiting": 16}
    assert table.note == "× hidden so that counts under 5 cannot be worked out from the totals."
    assert rows[0]["housed"] == 3  # the input is not changed


def test_suppress_table_needs_no_second_cell_when_the_total_is_small_too():
    rows = [{"k": "A", "n": 3}, {"k": "B", "n": 0}, {"k": "C", "n": 0}]
    table = suppress_table(rows, ["n"])
    assert table.rows == [{"k": "A", "n": "<5"}, {"k": "B", "n": 0}, {"k": "C", "n": 0}]
    assert table.totals == {"n": "<5"}
    assert table.note == ""


def test_suppress_table_without_totals_hides_only_small_counts():
    rows = [{"k": "A", "n": 3}, {"k": "B", "n": 7}]
    table = suppress_table(rows, ["n"], totals=False)
    assert table.rows == [{"k": "A", "n": "<5"}, {"k": "B", "n": 7}]
    assert table.totals is None
    assert table.note == ""


def test_suppress_table_with_row_totals_protects_rows_and_columns():
    rows = [
        {"k": "A", "x": 3, "y": 10},
        {"k": "B", "x": 7, "y": 0},
        {"k": "C", "x": 12, "y": 6},
    ]
    table = suppress_table(rows, ["x", "y"], row_total_key="total")
    assert table.rows == [
        {"k": "A", "x": "<5", "y": HIDDEN, "total": 13},
        {"k": "B", "x": HIDDEN, "y": HIDDEN, "total": 7},
        {"k": "C", "x": HIDDEN, "y": HIDDEN, "total": 18},
    ]
    assert table.totals == {"x": 22, "y": 16}
    # No row or column has exactly one hidden cell next to a total that is shown.
    lines = [[row[key] for row in table.rows] for key in ("x", "y")]
    lines += [[row["x"], row["y"]] for row in table.rows]
    assert [sum(cell in ("<5", HIDDEN) for cell in line) for line in lines] == [3, 3, 2, 2, 2]


# --- Municipalities ---------------------------------------------------------------------------


def test_municipality_label_names_a_municipality_from_the_threshold_up():
    assert municipality_label("Liberec", 104_000, "Liberec") == "Liberec"
    assert municipality_label("Chrastava", 2_000, "Liberec") == "Chrastava"


def test_municipality_label_hides_a_small_municipality_behind_its_orp():
    assert (
        municipality_label("Horní Sytová", 1_999, "Semily")
        == "a municipality under 2,000 inhabitants (ORP Semily)"
    )


def test_municipality_label_of_unknown_size_is_not_named():
    assert municipality_label("Bílá", None, "Liberec") == "a municipality in the ORP Liberec"
    assert municipality_label("Kdesi", None, "") == "a municipality outside the KMB's area"


def test_municipality_label_follows_the_setting(settings):
    settings.KMB_REDACTION_MIN_POPULATION = 5_000
    assert (
        municipality_label("Chrastava", 4_999, "Liberec")
        == "a municipality under 5,000 inhabitants (ORP Liberec)"
    )
    assert municipality_label("Chrastava", 5_000, "Liberec") == "Chrastava"


# --- Pseudonyms -------------------------------------------------------------------------------


def test_new_pseudonym_has_the_format_and_no_ambiguous_characters():
    codes = [new_pseudonym() for _ in range(2_000)]
    assert all(re.fullmatch(r"KMB-[0-9A-Z]{4}-[0-9A-Z]{4}", code) for code in codes)
    assert set("".join(code[4:] for code in codes)) - set("-") <= set(
        "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    )
    assert all(is_pseudonym(code) for code in codes)


def test_new_pseudonyms_are_unique():
    assert len({new_pseudonym() for _ in range(10_000)}) == 10_000


@pytest.mark.parametrize(
    "code", ["KMB-7F3A-92C1", "KMB-7F3A-92C", "kmb-7f3a-92cx", "2024/00123", "KMB-OOOO-IIII", ""]
)
def test_is_pseudonym_refuses_other_codes(code):
    assert not is_pseudonym(code)


# --- Czech word forms -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "some_forms"),
    [
        ("Nováková", {"novakova", "novakove", "novakovou", "novak", "novaka", "novakovi"}),
        ("Hájková", {"hajkova", "hajek", "hajka", "hajkem"}),
        ("Marek", {"marek", "marka", "markovi", "markem", "markova"}),
        ("Němec", {"nemec", "nemce", "nemcovi", "nemcova"}),
        ("Jana", {"jana", "jany", "jane", "janu", "janou", "janin", "janina"}),
        ("Procházka", {"prochazka", "prochazce", "prochazkovi", "prochazkova"}),
        ("Olga", {"olga", "olze"}),
        ("Nový", {"novy", "nova", "noveho", "novemu", "novym", "nove", "novou"}),
        ("Jiří", {"jiri", "jiriho", "jirimu", "jirim"}),
        ("Ivo", {"ivo", "iva", "ivovi", "ivem"}),
        ("Husova", {"husova", "husove", "husovu", "husovy", "husovou"}),
    ],
)
def test_word_forms(word, some_forms):
    assert some_forms <= word_forms(word)


def test_word_forms_of_short_and_indeclinable_words():
    assert word_forms("Lucie") == {"lucie", "lucii"}
    assert word_forms("Do") == {"do"}
    assert word_forms("Rybníčku") == {"rybnicku"}


@pytest.mark.parametrize(
    ("address", "words"),
    [
        ("Dlouhá 12, 460 01 Liberec", ["Dlouhá"]),
        ("Liberec, Husova 1234/5", ["Husova"]),
        ("Husova 12 Liberec", ["Husova"]),
        ("náměstí Míru 3, Liberec", ["Míru"]),
        ("ubytovna Na Rybníčku, Liberec", ["Rybníčku"]),
        ("pod mostem u nádraží", ["mostem", "nádraží"]),
        ("", []),
    ],
)
def test_address_words_are_the_street_not_the_town(address, words):
    assert address_words(address) == words


# --- The free-text checker: what it must catch ------------------------------------------------

HOUSEHOLD = {
    "names": ["Jana Nováková", "Petr Novák", "Lucie Nováková", "Marek Nový", "Jiří Procházka"],
    "birth_dates": [datetime.date(1985, 2, 1), datetime.date(2017, 9, 30)],
    "birth_numbers": ["855201/1234"],
    "phones": ["+420 603 123 456"],
    "emails": ["jana.novakova@seznam.cz"],
    "addresses": ["Dlouhá 12, 460 01 Liberec"],
    "places": ["Horní Sytová", "Stráž pod Ralskem"],
}


def found(text: str, **identifiers) -> list[tuple[str, str]]:
    return [(f.kind.value, f.text) for f in find_personal_data(text, **identifiers)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Names in Czech cases, with and without diacritics, in capitals, family forms.
        ("Paní Nováková pracuje na směny.", [("name", "Nováková")]),
        ("Novakova pracuje na směny.", [("name", "Novakova")]),
        ("S panem Novákem jsme mluvili.", [("name", "Novákem")]),
        ("Novákovi bydlí na ubytovně.", [("name", "Novákovi")]),
        ("Dříve bydleli u Novákových.", [("name", "Novákových")]),
        ("Jany se ptala, Janě jsme volali.", [("name", "Jany"), ("name", "Janě")]),
        ("Přišla s Janou a s Lucií.", [("name", "Janou"), ("name", "Lucií")]),
        ("Janin syn chodí do školy.", [("name", "Janin")]),
        ("Mluvili jsme s Markem.", [("name", "Markem")]),
        ("Smlouvu podepíše s paní Novou.", [("name", "Novou")]),
        ("Pana Nového jsme nezastihli.", [("name", "Nového")]),
        ("Dluh nese JANA NOVÁKOVÁ.", [("name", "JANA NOVÁKOVÁ")]),
        ("Jana a Petr Novákovi přišli.", [("name", "Jana"), ("name", "Petr Novákovi")]),
        ("Podepsala Nováková-Procházková.", [("name", "Nováková-Procházková")]),
        ("Volali jsme panu Procházkovi.", [("name", "Procházkovi")]),
        ("Dopis jsme předali Procházce.", [("name", "Procházce")]),
        ("Jiřího matka pomáhá.", [("name", "Jiřího")]),
        ("novák přišel pozdě.", [("name", "novák")]),
        # Dates of birth: the household's in every format, others where the text says so.
        ("Žadatelka 1.2.1985 podala žádost.", [("birth_date", "1.2.1985")]),
        ("Podpis 01.02.1985.", [("birth_date", "01.02.1985")]),
        ("Datum 1. 2. 1985 chybí.", [("birth_date", "1. 2. 1985")]),
        ("Datum 1985-02-01 chybí.", [("birth_date", "1985-02-01")]),
        ("Datum 1/2/1985 chybí.", [("birth_date", "1/2/1985")]),
        ("Datum 1. února 1985 chybí.", [("birth_date", "1. února 1985")]),
        ("Datum 1.2.85 chybí.", [("birth_date", "1.2.85")]),
        ("Syn 30. 9. 2017 nastoupí.", [("birth_date", "30. 9. 2017")]),
        ("Partner, nar. 3. 4. 1990, pracuje.", [("birth_date", "3. 4. 1990")]),
        ("Partner (narozen 3.4.1990) pracuje.", [("birth_date", "3.4.1990")]),
        ("Partner, ročník 1990, pracuje.", [("birth_date", "ročník 1990")]),
        ("Partner nar. 1990 pracuje.", [("birth_date", "nar. 1990")]),
        # Birth numbers: the household's in any spelling, any other with a slash or ten digits.
        ("RČ 855201/1234.", [("birth_number", "855201/1234")]),
        ("RČ 8552011234.", [("birth_number", "8552011234")]),
        ("RČ 855201 / 1234.", [("birth_number", "855201 / 1234")]),
        ("Jiné RČ 900101/1235.", [("birth_number", "900101/1235")]),
        ("Jiné RČ 450101/123.", [("birth_number", "450101/123")]),
        ("Jiné RČ 9051011235.", [("birth_number", "9051011235")]),
        # Phones.
        ("Telefon 603 123 456.", [("phone", "603 123 456")]),
        ("Telefon 603123456.", [("phone", "603123456")]),
        ("Tel.: +420 603 123 456", [("phone", "+420 603 123 456")]),
        ("Tel.: +420603123456", [("phone", "+420603123456")]),
        ("Tel. 00420 777 123 456", [("phone", "00420 777 123 456")]),
        ("Tel. 777-123-456", [("phone", "777-123-456")]),
        ("Tel. 777 12 34 56", [("phone", "777 12 34 56")]),
        ("Tel. +421 903 123 456", [("phone", "+421 903 123 456")]),
        ("Tel. +380 67 123 4567", [("phone", "+380 67 123 4567")]),
        ("Tel. 603.123.456", [("phone", "603.123.456")]),
        # E-mails.
        ("Píše na jana.novakova@seznam.cz.", [("email", "jana.novakova@seznam.cz")]),
        ("Kontakt: info@example.org", [("email", "info@example.org")]),
        ("Kontakt: jana (at) seznam.cz", [("email", "jana (at) seznam.cz")]),
        # Addresses: the household's street in any case, any street with a number.
        ("Bydlí v Dlouhé ulici.", [("address", "Dlouhé")]),
        ("Bydlí na adrese Dlouhá 12.", [("address", "Dlouhá 12")]),
        ("Předtím bydlela na adrese Husova 1234/5.", [("address", "Husova 1234/5")]),
        ("Předtím bydlela v Jiráskově 7a.", [("address", "Jiráskově 7a")]),
        ("Přespává v ul. Masarykova.", [("address", "ul. Masarykova")]),
        ("Sejdeme se na náměstí Míru.", [("address", "náměstí Míru")]),
        ("Dům č. p. 123 je v havarijním stavu.", [("address", "č. p. 123")]),
        # Small municipalities and places the household is known by.
        ("Žije v Horní Sytové u rodičů.", [("place", "Sytové")]),
        ("Dříve žila ve Stráži pod Ralskem.", [("place", "Stráži"), ("place", "Ralskem")]),
        # Exact ages.
        ("Žadatelka je 34letá matka.", [("age", "34letá matka")]),
        ("Je jí 34 let.", [("age", "Je jí 34 let")]),
        ("Ve věku 34 let přišla o byt.", [("age", "Ve věku 34 let")]),
        ("Má dvě děti (3 a 7 let).", [("age", "děti (3 a 7 let)")]),
        ("Syn (7) chodí do školy.", [("age", "Syn (7)")]),
        # Other people, named after a form of address or a title.
        ("Volala paní Horáková z ubytovny.", [("person", "paní Horáková")]),
        ("Ošetřuje ji MUDr. Svoboda.", [("person", "MUDr. Svoboda")]),
    ],
)
def test_checker_catches(text, expected):
    assert found(text, **HOUSEHOLD) == expected


def test_checker_finds_generic_patterns_without_any_household_data():
    text = (
        "Partner, nar. 3. 4. 1990, RČ 900403/1234, tel. 777 123 456, petr@example.cz, "
        "bydlí v ulici Husova 12, volala paní Horáková."
    )
    assert found(text) == [
        ("birth_date", "3. 4. 1990"),
        ("birth_number", "900403/1234"),
        ("phone", "777 123 456"),
        ("email", "petr@example.cz"),
        ("address", "ulici Husova"),
        ("person", "paní Horáková"),
    ]


def test_checker_reports_where_each_finding_is():
    text = "Volali jsme Janě na 603 123 456."
    assert find_personal_data(text, **HOUSEHOLD) == [
        Finding(FindingKind.NAME, "Janě", 12, 16),
        Finding(FindingKind.PHONE, "603 123 456", 20, 31),
    ]


def test_checker_finds_nothing_in_an_empty_text():
    assert find_personal_data("", **HOUSEHOLD) == []


def test_checker_reports_an_e_mail_once_not_also_the_name_in_it():
    assert found("Napište na jana.novakova@seznam.cz", **HOUSEHOLD) == [
        ("email", "jana.novakova@seznam.cz")
    ]


# --- The free-text checker: what it must leave alone ------------------------------------------

CLEAN_RECOMMENDATION = (
    "Domácnost (žadatelka a dvě děti) spolupracuje s KMB od března 2024. Pravidelně hradí "
    "nájemné v ubytovně a splácí dluh u dodavatele energií podle splátkového kalendáře "
    "(od 1. 6. 2024 bez výpadku). Podpora poskytovatele (§43) probíhá dvakrát týdně, naposledy "
    "12. 5. 2025. Doporučujeme byt 2+1 v Liberci, nejlépe v dosahu školy. Žadatelka má stálý "
    "příjem ze zaměstnání a DSSP. Dluh vůči městu ve výši cca 8 000 Kč je potvrzen bytovým "
    "odborem. Rodina prošla krizí, ale nyní je situace stabilní."
)


@pytest.mark.parametrize(
    "text",
    [
        CLEAN_RECOMMENDATION,
        # Common words that are also forms of the household's names (Nový, Novák...).
        "Uzavřela nová smlouva a je spokojená.",
        "Nová smlouva byla podepsána v pondělí.",  # sentence start: read as the adjective
        "Nové okolnosti: nová práce, nový nájem.",
        # The household's street name as an everyday word.
        "Po dlouhé době platí nájem včas.",
        # Dates that are not births, amounts, durations, flats, laws, case numbers.
        "Od 1. 3. 2024 platí nájem pravidelně, výpověď dostala 15.10.2023.",
        "Žije zde 12 let, dluh 45 000 Kč splácí 2 000 Kč měsíčně.",
        "Na ubytovně žije 2 roky, předtím 8 měsíců u známých.",
        "Rodina potřebuje byt do 5 000 Kč měsíčně, nejvýše 3. patro.",
        "Bydlení s garancí na 12 měsíců, kauce 3 × nájemné, 2letá smlouva.",
        "Postupujeme podle zákona č. 175/2025 Sb., § 16 odst. 2.",
        "Splátkový kalendář ke spisu 2024/00123 je dodržován.",
        "Doporučuje KMB Praha 7, kategorie ETHOS 9.",
        "Od 2024 bydlí v ubytovně. Do konce roku 2025 splatí dluh.",
        "Dávku jí Úřad práce přiznal 1. 4. 2025, o Vánocích 2024 byla v nemocnici.",
        "Jednání s panem domácím proběhlo, paní ředitelka souhlasí.",
        "Dluh 1 250 000 Kč je v insolvenci, měsíčně splácí 3 500 Kč.",
        "Na sídlišti Rochlice je dostupná škola.",
        "Mladí ve věku do 26 let mají přednost.",
        "Rodina s dětmi, dítě chodí do školy pravidelně.",
    ],
)
def test_checker_leaves_alone(text):
    assert found(text, **HOUSEHOLD) == []


@pytest.mark.parametrize(
    ("names", "text"),
    [
        (["Tomáš Svoboda"], "Svoboda rozhodování je pro žadatele důležitá."),
        (["Dana Dostálová"], "Dostala přidáno, daná situace je dlouhodobá, daně platí."),
        (["Vít Kříž"], "Rodina prošla krizí, víte o tom, je v krizi."),
        (["Eva Malá"], "Malá domácnost, malý byt, bílá zeď."),
        (["Lída Nová"], "Lidé z okolí pomáhají, lidi ji znají."),
        (["Van Do Nguyen"], "Do konce měsíce zaplatí, přišla do kanceláře."),
        (["Věra Králová"], "Král je věru mrtev, ráda by pracovala."),
    ],
)
def test_checker_does_not_take_everyday_words_for_common_names(names, text):
    assert found(text, names=names) == []


@pytest.mark.parametrize(
    ("names", "text", "expected"),
    [
        (["Dana Dostálová"], "Dana přišla včas.", [("name", "Dana")]),
        (["Pavel Dostál"], "Dostál dostal výpověď.", [("name", "Dostál")]),
        (["Vít Kříž"], "Pan Kříž je v krizi.", [("name", "Kříž")]),
        (["Tomáš Svoboda"], "Mluvili jsme se Svobodou.", [("name", "Svobodou")]),
        (["Van Do Nguyen"], "Pan Do přišel.", [("name", "Do")]),
        (["Dana Dostálová"], "vcera prisla Dana", [("name", "Dana")]),
    ],
)
def test_checker_still_finds_common_names_written_as_names(names, text, expected):
    assert found(text, names=names) == expected


# --- check_free_text --------------------------------------------------------------------------


def test_check_free_text_returns_clean_text():
    assert check_free_text(CLEAN_RECOMMENDATION, **HOUSEHOLD) == CLEAN_RECOMMENDATION


def test_check_free_text_explains_each_finding_once():
    text = "Nováková (tel. 603 123 456) a Nováková spolu bydlí v Dlouhé ulici."
    with pytest.raises(ValidationError) as error:
        check_free_text(text, **HOUSEHOLD)
    assert error.value.messages == [
        "The text names a member of the household (“Nováková”). Write “the applicant”, "
        "“the partner” or “the child” instead.",
        "The text contains a phone number (“603 123 456”). Leave it out.",
        "The text contains an address (“Dlouhé”). Describe the kind of place instead, "
        "such as “a hostel” or “a flat in the town”.",
    ]
    assert [e.code for e in error.value.error_list] == ["name", "phone", "address"]


def test_household_identifiers_check_like_check_free_text():
    identifiers = HouseholdIdentifiers(names=("Jana Nováková",), phones=("603123456",))
    assert identifiers.find("Volala Jana.") == [Finding(FindingKind.NAME, "Jana", 7, 11)]
    with pytest.raises(ValidationError):
        identifiers.check("Volala Jana.")
    assert identifiers.check("Volala žadatelka.") == "Volala žadatelka."


# --- The anonymised case summary --------------------------------------------------------------

CODE = "KMB-7F3A-92CX"


def summary(**overrides) -> AnonymisedSummary:
    facts = {
        "code": CODE,
        "identifiers": HouseholdIdentifiers(names=("Jana Nováková", "Petr Novák")),
        "members": [
            MemberFacts(34, "Applicant"),
            MemberFacts(18, "Child"),
            MemberFacts(17, "Child"),
            MemberFacts(2, "Child"),
        ],
        "ethos": "3 Homeless hostel",
        "residence": Residence("Horní Sytová", 300, "Semily"),
        "monthly_income": Decimal("18500.00"),
        "benefits": ["DSSP", "MOP", "DSSP"],
        "debts": [
            DebtFacts("Energy", Decimal("12400.00")),
            DebtFacts("Energy", Decimal("300.00"), distraint=True),
            DebtFacts("Municipality", Decimal("8300.00"), to_municipality=True, confirmed=True),
            DebtFacts("Municipality", Decimal("1200.00"), to_municipality=True),
        ],
        "needs": ["Needs a barrier-free flat"],
        "plan_goals_met": 2,
        "plan_goals_total": 5,
        "cooperation": [("Home visits", 10), ("Phone", 3), ("Home visits", 2)],
        "recommendation": "Recommended",
        "readiness": ["Cooperates with the case manager"],
        "recommendation_text": "  Domácnost spolupracuje a platí včas.  ",
    }
    return redact_case_summary(**(facts | overrides))


def test_redact_case_summary():
    assert summary() == AnonymisedSummary(
        code=CODE,
        members=(
            MemberLine("Applicant", "26–39"),
            MemberLine("Child", "18–25"),
            MemberLine("Child", "15–17"),
            MemberLine("Child", "0–5"),
        ),
        adults=2,
        children=2,
        ethos="3 Homeless hostel",
        residence="a municipality under 2,000 inhabitants (ORP Semily)",
        income_band="10,000–20,000 CZK",
        benefits=("DSSP", "MOP"),
        debts=(DebtLine("Energy", Decimal(13_000)), DebtLine("Municipality", Decimal(10_000))),
        debt_total=Decimal(22_000),
        municipal_debt=Decimal(8_000),
        municipal_debt_unconfirmed=True,
        distraint=True,
        insolvency=False,
        needs=("Needs a barrier-free flat",),
        plan_goals_met=2,
        plan_goals_total=5,
        cooperation=(("Home visits", 12), ("Phone", 3)),
        recommendation="Recommended",
        readiness=("Cooperates with the case manager",),
        recommendation_text="Domácnost spolupracuje a platí včas.",
    )


def test_summary_rows():
    assert summary().rows() == [
        ("Code", CODE),
        (
            "Household",
            "2 adults, 2 children: Applicant (26–39), Child (18–25), Child (15–17), Child (0–5)",
        ),
        ("Housing situation (ETHOS)", "3 Homeless hostel"),
        ("Permanent residence", "a municipality under 2,000 inhabitants (ORP Semily)"),
        ("Monthly income of the household", "10,000–20,000 CZK"),
        ("Benefits", "DSSP, MOP"),
        (
            "Debts by creditor (rounded)",
            "Energy: about 13,000 CZK; Municipality: about 10,000 CZK; in distraint",
        ),
        ("Debts in total (rounded)", "about 22,000 CZK"),
        (
            "Debt to the municipality confirmed by its housing department",
            "about 8,000 CZK, another debt not yet confirmed",
        ),
        ("Needs", "Needs a barrier-free flat"),
        ("Assistance plan goals met", "2 of 5"),
        ("Cooperation with support providers", "Home visits: 12; Phone: 3"),
        ("Case manager's recommendation", "Recommended"),
        ("The case manager vouches for", "Cooperates with the case manager"),
        ("Recommendation in the case manager's words", "Domácnost spolupracuje a platí včas."),
    ]


def test_summary_of_a_household_with_nothing_recorded():
    empty = summary(
        members=[MemberFacts(40, "Applicant")],
        residence=None,
        monthly_income=Decimal(0),
        benefits=[],
        debts=[],
        needs=[],
        plan_goals_met=0,
        plan_goals_total=0,
        cooperation=[],
        recommendation="",
        readiness=[],
        recommendation_text="",
    )
    assert dict(empty.rows()) == {
        "Code": CODE,
        "Household": "1 adult, 0 children: Applicant (40–64)",
        "Housing situation (ETHOS)": "3 Homeless hostel",
        "Permanent residence": "not recorded",
        "Monthly income of the household": "up to 10,000 CZK",
        "Benefits": "—",
        "Debts by creditor (rounded)": "—",
        "Debts in total (rounded)": "no debt",
        "Debt to the municipality confirmed by its housing department": "no debt",
        "Needs": "—",
        "Assistance plan goals met": "no assistance plan goals yet",
        "Cooperation with support providers": "—",
        "Case manager's recommendation": "—",
        "The case manager vouches for": "—",
        "Recommendation in the case manager's words": "—",
    }


def test_summary_names_a_large_municipality():
    assert summary(residence=Residence("Liberec", 104_000, "Liberec")).residence == "Liberec"


def test_summary_survives_a_json_round_trip():
    original = summary()
    stored = json.loads(json.dumps(original.to_dict()))
    assert stored["debt_total"] == "22000"
    assert AnonymisedSummary.from_dict(stored) == original


def test_summary_refuses_a_code_that_is_not_a_pseudonym():
    with pytest.raises(ValueError, match="Not a pseudonym"):
        summary(code="2024/00123")


def test_summary_checks_the_text_again():
    with pytest.raises(ValidationError) as error:
        summary(recommendation_text="Petr Novák platí včas, tel. 777 123 456.")
    assert [e.code for e in error.value.error_list] == ["name", "phone"]


# --- The policy itself ------------------------------------------------------------------------


def test_the_summary_has_exactly_the_allowed_fields_each_with_a_label():
    assert [field.name for field in fields(AnonymisedSummary)] == list(ALLOWED_SUMMARY_FIELDS)
    assert list(FIELD_LABELS) == list(ALLOWED_SUMMARY_FIELDS)


def test_no_allowed_field_is_personal_data():
    personal = re.compile(r"name|birth|phone|e_?mail|address|note|ethnic|^age$")
    assert [name for name in ALLOWED_SUMMARY_FIELDS if personal.search(name)] == []


def test_the_policy_module_is_pure():
    package = Path(redaction.__file__).parent
    imports = [
        line.strip()
        for path in sorted(package.glob("*.py"))
        for line in path.read_text().splitlines()
        if re.match(r"\s*(from|import) ", line)
    ]
    forbidden = re.compile(r"\b(clients|providers|housing|guarantees|reports|django\.db)\b")
    assert [line for line in imports if forbidden.search(line)] == []
