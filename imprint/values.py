"""Reading single front matter values: dates, DOIs, ORCID iDs, licences.

Each reader returns the value, or raises ValueError with a sentence for the
editor; source.py adds the file, line and field.
"""

from __future__ import annotations

import re

from .model import PartialDate

MONTHS = {name: number for number, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
    ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
    ("november", "nov"), ("december", "dec")), start=1) for name in names}


def parse_date(value: object) -> PartialDate:
    """YYYY, YYYY-MM, YYYY-MM-DD (also with '/'), 'March 5, 2024', '5 March 2024', 'March 2024'."""
    text = str(value).strip()
    if text.lower() in ("today", "now", "last-modified"):
        raise ValueError(f"'{text}' changes with every build; write the date itself (YYYY-MM-DD)")
    iso = re.fullmatch(r"(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?", text)
    if iso:
        parts = [int(p) for p in iso.groups() if p]
    else:
        words = re.findall(r"[A-Za-z]+|\d+", text)
        months = [MONTHS[w.lower()] for w in words if w.lower() in MONTHS]
        numbers = [int(w) for w in words if w.isdigit()]
        years = [n for n in numbers if n >= 1000]
        days = [n for n in numbers if n < 1000]
        if len(months) != 1 or len(years) != 1 or len(days) > 1 or len(words) != len(numbers) + 1:
            raise ValueError(f"'{text}' is not a date Imprint can read; write it as YYYY-MM-DD, YYYY-MM or YYYY")
        parts = [years[0], months[0]] + days
    date = PartialDate(*parts)
    try:
        date.to_datetime()
    except ValueError:
        raise ValueError(f"'{text}' is not a date in the calendar") from None
    return date


def normalise_doi(value: str) -> str:
    return re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", value.strip())


def orcid_checksum_ok(orcid: str) -> bool:
    """ISO 7064 MOD 11-2, as ORCID computes its last character."""
    digits = orcid.replace("-", "")
    total = 0
    for char in digits[:-1]:
        total = (total + int(char)) * 2
    check = (12 - total % 11) % 11
    return digits[-1] == ("X" if check == 10 else str(check))


def licence_url(text: str) -> str | None:
    """The URL of a Creative Commons licence named with its version ("CC BY 4.0").

    Without a version nothing is derived: which version applies is not known.
    """
    normal = text.strip().upper()
    if normal == "CC0 1.0":
        return "https://creativecommons.org/publicdomain/zero/1.0/"
    match = re.match(r"^CC[ -]?(BY(?:[ -](?:NC|SA|ND))*)[ -]?(\d\.\d)$", normal)
    if not match:
        return None
    kind = match.group(1).lower().replace(" ", "-")
    return f"https://creativecommons.org/licenses/{kind}/{match.group(2)}/"
