"""THE redaction policy: what leaves the KMB about a person. Every output that goes outside the
KMB's own staff — the housing commission's summaries, agenda and minutes, exports, the reports and
their anonymised views — takes its figures and texts from this module and from nowhere else.
Redacting call site by call site leaks; one policy can be read, tested and changed in one place.

May leave the KMB (through these functions):
    - counts (`small_count`, `suppress_table`: 1–4 shown as "<5" in anything aggregated);
    - age bands, never exact ages (`age_band`);
    - the ETHOS category, support needs and benefits by kind (code-list labels);
    - the household's monthly income as a band (`income_band`);
    - debts by creditor kind and the debt to the municipality confirmed by its housing
      department, rounded (`round_debt`, `format_debt`);
    - municipalities of KMB_REDACTION_MIN_POPULATION inhabitants or more by name, smaller ones
      only by their ORP (`municipality_label`);
    - a pseudonymous code that cannot be traced back to the person (`new_pseudonym`);
    - counts of assistance-plan goals and of providers' reports, the case manager's structured
      recommendation, and free text that passed the checker (`check_free_text`).

Never leaves the KMB:
    names, dates and years of birth, exact ages, birth numbers, phones, e-mails, addresses,
    consultation and case notes, the names of small municipalities and of hostels, anything about
    ethnicity (which the KMB does not record at all).

How to use it:
    - the commission: `redact_case_summary(...)` → `AnonymisedSummary` (`rows()`, `to_dict()`);
    - a form field whose text leaves the KMB: `HouseholdIdentifiers(...).check(text)`, or
      `check_free_text(text, names=..., ...)`;
    - a report or export for outside the KMB: `small_count(n)` for each count, or
      `suppress_table(rows, count_keys)` for a table with totals.

This module is pure: no models, no queries (the apps load data and pass plain values).
"""

from kmb.redaction.checker import (
    MESSAGES,
    Finding,
    FindingKind,
    check_free_text,
    find_personal_data,
)
from kmb.redaction.figures import (
    ADULT_AGE,
    AGE_BANDS,
    HIDDEN,
    INCOME_BANDS,
    SECONDARY_SUPPRESSION_NOTE,
    SuppressedTable,
    age_band,
    format_czk,
    format_debt,
    income_band,
    is_pseudonym,
    municipality_label,
    new_pseudonym,
    round_debt,
    small_count,
    suppress_table,
)
from kmb.redaction.summary import (
    ALLOWED_SUMMARY_FIELDS,
    FIELD_LABELS,
    AnonymisedSummary,
    DebtFacts,
    DebtLine,
    HouseholdIdentifiers,
    MemberFacts,
    MemberLine,
    Residence,
    redact_case_summary,
)

__all__ = [
    "ADULT_AGE",
    "AGE_BANDS",
    "ALLOWED_SUMMARY_FIELDS",
    "FIELD_LABELS",
    "HIDDEN",
    "INCOME_BANDS",
    "MESSAGES",
    "SECONDARY_SUPPRESSION_NOTE",
    "AnonymisedSummary",
    "DebtFacts",
    "DebtLine",
    "Finding",
    "FindingKind",
    "HouseholdIdentifiers",
    "MemberFacts",
    "MemberLine",
    "Residence",
    "SuppressedTable",
    "age_band",
    "check_free_text",
    "find_personal_data",
    "format_czk",
    "format_debt",
    "income_band",
    "is_pseudonym",
    "municipality_label",
    "new_pseudonym",
    "redact_case_summary",
    "round_debt",
    "small_count",
    "suppress_table",
]
