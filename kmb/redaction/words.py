"""Czech word forms: which written words are a form of a person's name, a street or a place.

Everything is compared folded (lower case, no diacritics: `kmb.lib.text.fold`), so "Novakova"
written without diacritics is found as surely as "Nováková". A name is declined by its ending
class (Jana → Jany, Janě, Janou; Novák → Nováka, Novákovi, Nováková; Nový → Nového, Nová;
Marek → Marka; Procházka → Procházce) with a generous set of endings: the checker prefers asking
a social worker to rephrase once over letting a name through.
"""

import re

from kmb.lib.text import fold

WORD = re.compile(r"[^\W\d_]+")

HARD_ADJECTIVE = ("y", "a", "e", "eho", "emu", "ym", "em", "ou", "ych", "ymi", "i")
SOFT_ADJECTIVE = ("i", "iho", "imu", "im", "ich", "imi")
# Nouns (Novák, Jana, Svoboda): cases, the -ová and -ovi family forms, possessives (Janin, Petrův).
NOUN = (
    *("", "a", "e", "i", "o", "u", "y", "ou", "em", "ech", "um", "ich", "am", "ami", "ach"),
    *("ovi", "ove", "ova", "ovo", "ovu", "ovy", "ovou", "ovych", "ovym", "ovymi", "uv"),
    *("in", "ina", "ine", "ino", "inu", "iny"),
)
NEUTER_O = ("o", "a", "u", "y", "e", "ou", "em", "ovi", "ova", "ove", "ovou")  # Ivo, Marko, Město
IE = ("e", "i")  # Lucie, Lucii; Alice, Alici
# Before -e and -i a final consonant softens: Procházka → Procházce, Olga → Olze.
SOFTENED = (("ch", "s"), ("k", "c"), ("h", "z"), ("g", "z"))


def fold_keeping_length(text: str) -> str:
    """`fold` character by character, so that a position in the result is the same position in
    `text` (plain `fold` strips the ends and may expand a ligature)."""
    folded = []
    for ch in text:
        one = fold(ch)
        folded.append(one if len(one) == 1 else ch.lower())
    return "".join(folded)


def word_forms(word: str) -> set[str]:
    """The folded forms of one word of a name, street or place."""
    lower = word.lower()
    folded = fold(word)
    if len(folded) <= 2:
        return {folded}
    if lower.endswith("ová") and len(folded) > 5:
        base = folded[:-3]
        forms = _with(base, NOUN)
        if len(base) > 2 and base[-1] in "kcl" and base[-2] not in "aeiouy":
            forms.add(f"{base[:-1]}e{base[-1]}")  # Hájková → Hájek, Němcová → Němec
        return forms
    if lower[-1] in "ýáé":
        return _with(folded[:-1], HARD_ADJECTIVE)
    if lower[-1] == "í":
        return _with(folded[:-1], SOFT_ADJECTIVE)
    if folded[-1] == "a":
        return _with(folded[:-1], NOUN) | _softened(folded[:-1])
    if folded[-1] == "o":
        return _with(folded[:-1], NEUTER_O)
    if folded[-1] == "e":
        return _with(folded[:-1], IE)
    if folded[-1] in "iuy":
        return {folded}
    forms = _with(folded, NOUN) | _softened(folded)
    if re.search(r"[^aeiouy]e[klc]$", folded):  # Marek → Marka, Pavel → Pavla, Němec → Němce
        dropped = folded[:-2] + folded[-1]
        forms |= _with(dropped, NOUN) | _softened(dropped)
    return forms


def _with(stem: str, endings) -> set[str]:
    return {stem + ending for ending in endings}


def _softened(stem: str) -> set[str]:
    for hard, soft in SOFTENED:
        if stem.endswith(hard):
            return _with(stem[: -len(hard)] + soft, IE)
    return set()


def name_words(name: str) -> list[str]:
    """The words of a person's name worth looking for: "Jana Nováková-Dvořáková" → Jana,
    Nováková, Dvořáková (an initial such as "J." is left out)."""
    return [word for word in WORD.findall(name) if len(word) > 1]


def place_words(place: str) -> list[str]:
    """The words of a place's name worth looking for: "Stráž pod Ralskem" → Stráž, Ralskem;
    "Horní Sytová" → Sytová (alone, "Horní" would be any upper part of anything)."""
    words = [word for word in name_words(place) if fold(word) not in PREPOSITIONS]
    distinctive = [word for word in words if not is_common_word(word, diacritics=True)]
    return distinctive or words


def word_set(words: str) -> frozenset[str]:
    """A set of words written as one string (lists of Czech words read better that way)."""
    return frozenset(words.split())


PREPOSITIONS = word_set("na u v ve k ke z ze s se o za pod nad pred mezi pri po od do")

# Words of an address that say what kind of place it is, not which one.
ADDRESS_GENERIC = PREPOSITIONS | word_set(
    """ul ulice ulici nam namesti tr trida nabr nabrezi sidl sidliste sidlisti ubytovna ubytovne
    ubytovny ubytovnu byt bytu dum domu domov c p cp ev cislo popisne orientacni mesto obec cast
    okres kraj psc"""
)
POSTCODE = re.compile(r"\b\d{3}\s?\d{2}\b")


def address_words(address: str) -> list[str]:
    """The words of a household's address that identify it: the street (or the named place when
    there is no house number), not the town: "Dlouhá 12, 460 01 Liberec" → ["Dlouhá"]."""
    parts = [part.strip() for part in address.split(",") if part.strip()]
    numbered = [part for part in parts if re.search(r"\d", part) and not POSTCODE.search(part)]
    words = []
    for part in numbered or parts[:1]:
        before_number = re.split(r"\d", part, maxsplit=1)[0]
        words += [word for word in place_words(before_number) if fold(word) not in ADDRESS_GENERIC]
    return words


# Everyday Czech words that are also forms of common names (or are after folding: "daně" is
# taxes, "Daně" is Dana). Such a word is taken for a name only where it is capitalised inside a
# sentence: "nová smlouva" and "Nová smlouva byla podepsána." are not Mrs Nová; "s paní Novou" is.
_ADJECTIVE_STEMS = """nov mal čern bíl vesel pokorn hrub konečn šťastn dlouh krátk tich star mlad
    dobr bohat chud jist zelen sladk hol kysel zlat mil svat každ prav dan"""
_SOFT_ADJECTIVE_STEMS = "horn doln hlavn školn poln lesn lučn zahradn nádražn"
_WORDS = """
    svoboda svobody svobodě svobodu svobodou  pravda pravdy pravdě pravdu pravdou
    král krále králi králem králové  němec němce němci němcem němcům
    kříž kříže kříži křížem  krize krizi krizí krizích
    procházka procházky procházce procházku procházkou
    dostal dostala dostali dostalo dostaly  musil musila musili  navrátil navrátila navrátili
    pospíšil pospíšila pospíšili  přibyl přibyla přibyli přibylo přibyly  rád ráda rádi rády
    rada rady radě radu radou  daň daně dani daní daních  dítě  věru  vlast vlasti vlastí
    lid lidu lidé lidi lidem lidmi lidech  nade  víte vítá vítám  květ květy květu květem
    zima zimy zimě zimu zimou  hora hory hoře horu horou horách  hlava hlavy hlavě hlavu hlavou
    vana vany vaně vanu vanou  pan pana panu panem pane paní  nám  do na le ha
"""
_HARD_ENDINGS = "ý á é ého ému ým ém ou ých ými í"
_SOFT_ENDINGS = "í ího ímu ím ích ími"
COMMON_WORDS = (
    word_set(_WORDS)
    | {stem + end for stem in word_set(_ADJECTIVE_STEMS) for end in word_set(_HARD_ENDINGS)}
    | {stem + end for stem in word_set(_SOFT_ADJECTIVE_STEMS) for end in word_set(_SOFT_ENDINGS)}
)
FOLDED_COMMON_WORDS = frozenset(fold(word) for word in COMMON_WORDS)


def is_common_word(word: str, *, diacritics: bool) -> bool:
    """Whether a written word is an everyday word as well as a name. In a text written with
    diacritics the spelling decides ("Dostál" is a name, "dostal" a verb); without them, the
    folded word ("dostal" may be either)."""
    lower = word.lower()
    if len(lower) <= 2 or lower in COMMON_WORDS:
        return True
    return not diacritics and fold(lower) in FOLDED_COMMON_WORDS
