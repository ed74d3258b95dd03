import unicodedata


def fold(text: str) -> str:
    """Lower-case ASCII for diacritics-insensitive search: "Nováková Žofie" → "novakova zofie"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower().strip()


def digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())
