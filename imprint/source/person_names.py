"""Reading personal names written as one string, as people and BibTeX write them.

    "Norah Jones"                  given Norah, family Jones
    "Batunaev, Eduard V."          family first, as in a catalogue
    "Jane van der Berg"            lower-case particles belong to the family name
    "van der Berg, Jane"
    "Martin Luther King, Jr."      a suffix after the comma
    "King, Jr., Martin Luther"     BibTeX's "von Last, Jr, First"
    "{World Health Organization}"  braces (BibTeX): one name, never split
"""

from __future__ import annotations

import re
from dataclasses import replace

from .model import PersonName

SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "v", "2nd", "3rd"}
# Those a name may end with, without a comma before ("V" could be an initial)
_TRAILING_SUFFIXES = {"Jr.", "Jr", "Sr.", "Sr", "II", "III", "IV", "2nd", "3rd"}


def parse_name(text: str) -> PersonName:
    text = " ".join(text.split())
    if text.startswith("{") and text.endswith("}") and _balanced(text[1:-1]):
        return PersonName(literal=text[1:-1])
    parts = [p.strip() for p in _split_top_level(text, ",")]
    if len(parts) == 1:
        words = _split_top_level(parts[0], " ")
        if len(words) == 1:
            return PersonName(literal=_unbrace(words[0]))
        if len(words) >= 3 and words[-1] in _TRAILING_SUFFIXES:  # ("Martin Luther King Jr.", as Chicago writes it)
            return replace(parse_name(" ".join(words[:-1])), suffix=words[-1])
        if all(_INITIALS.fullmatch(w) for w in words[1:]) and not _INITIALS.fullmatch(words[0]) \
                or len(words) == 3 and _PATRONYMIC.search(words[2]) and not _PATRONYMIC.search(words[1]):
            # (Russian order: «Иванов И. И.», «Богданюк Анна Васильевна»: the family name first)
            return _person(given=" ".join(words[1:]), particle="", family=words[0])
        # Given names, then lower-case particles, then the family name.
        end = len(words) - 1
        start = end
        while start > 1 and _is_particle(words[start - 1]):
            start -= 1
        return _person(given=" ".join(words[:start]), particle=" ".join(words[start:end]), family=words[end])
    if len(parts) == 2 and parts[1].lower() in SUFFIXES:
        return replace(parse_name(parts[0]), suffix=parts[1])
    family_words = _split_top_level(parts[0], " ")
    start = 0
    while start < len(family_words) - 1 and _is_particle(family_words[start]):
        start += 1
    given = parts[-1]
    suffix = parts[1] if len(parts) > 2 else None
    return _person(given=given, particle=" ".join(family_words[:start]),
                   family=" ".join(family_words[start:]), suffix=suffix)


_INITIALS = re.compile(r"(?:[^\W\d_]\.-?)+")  # "И.", "В.Е.", "J.-P."
_PATRONYMIC = re.compile(r"(?:ович|евич|ич|овна|евна|ична|инична)$")


def _person(given: str, particle: str, family: str, suffix: str | None = None) -> PersonName:
    return PersonName(
        given=_unbrace(given) or None,
        family=_unbrace(family) or None,
        non_dropping_particle=_unbrace(particle) or None,
        suffix=suffix or None,
    )


def _is_particle(word: str) -> bool:
    return bool(re.match(r"^[a-z\u00e0-\u00ff'’]+$", word)) and word not in ("and",)


def _split_top_level(text: str, separator: str) -> list[str]:
    """Split outside braces."""
    parts, depth, current = [], 0, ""
    for char in text:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        if char == separator and depth == 0:
            if current.strip():
                parts.append(current.strip())
            current = ""
        else:
            current += char
    if current.strip():
        parts.append(current.strip())
    return parts


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def _unbrace(text: str) -> str:
    return text.replace("{", "").replace("}", "").strip()
