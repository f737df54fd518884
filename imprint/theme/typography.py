"""Non-breaking spaces where Russian and English typography want them.

Between initials and a surname (Э. В. Батунаев, Batunaev E. V.), after № and §,
between a number and its unit or abbreviation (1939 г., 45 км, p. 12, vol. 5, no 3), before a
dash in Russian (текст — текст), and after Russian one-letter words (в, к, с, и),
which must not end a line; and no break after the en dash of a number range
(1904–1905), which no line may end with, nor after the hyphen of a number's
Russian ending (57-го, 1920-х). Russian also joins a Roman numeral to
в./вв. (XX в.), a number's groups of thousands (10 000), a day to its month
(11 мая), an archive's abbreviations to their numbers (Ф. 1. Оп. 1. Д. 12. Л. 3).
Applied to text only, never inside markup.

nbsp() marks a break left out with a word joiner (U+2060); in HTML (nowrap(),
nbsp_html()) the word so joined is a `<span class="nowrap">` instead (white-space:
nowrap in every stylesheet), without the joiner: an invisible character copied
with a citation from a page or an e-book ("173–\u2060184") went into the
reader's manuscript and reference manager, and defeated search there.

A web address or a DOI written as a word (Pandoc links only `<https://...>`) is a
`<span class="url">` (url_html()), which the stylesheets never hyphenate (a hyphen
at a line's end in an address is read as part of it: "docu-/ments"); in print with
a break allowed after each slash and full stop (`<wbr/>`, which copies as nothing).
"""

from __future__ import annotations

import re
from typing import Callable

from markupsafe import Markup

NBSP = "\u00a0"
WORD_JOINER = "\u2060"  # (no glyph, no break; PDF text extraction leaves it out)
_RANGE = re.compile(r"(?<=\d\u2013)(?=\d)")
_CAPITAL = "A-ZА-ЯЁ"
_LETTER = "A-Za-zА-Яа-яЁё"
_UNITS = (r"гг?\.|вв?\.|с\.|стр\.|тыс\.|млн|млрд|руб\.|км|кг|см|мм|м|г|т|ч|мин|сек|%|‰|°|"
          r"pp?\.|mm|cm|km|kg|m|g|t|h|min|s|ha|AD|BC|BCE|CE")
_ABBREVIATIONS = (r"(?:с|стр|т|гл|рис|табл|разд|ч|л|об|ф|оп|д|ок|вып|кн|p|pp|ch|fig|figs|vol|no|nos|sec|"
                  r"para)\.")  # (ф., оп., д., л.: an archive's fonds, inventory, file and leaf)
_MONTHS = "января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря"
# (a number's Russian ending after a hyphen, 57-го, 1-й, 1920-х: never a line's start)
_ENDING = re.compile(r"-(?=[а-яё]{1,3}(?![а-яё]))(?<=\d-)")


def _thousands(match: re.Match) -> str:
    """A space between groups of thousands: the group before it is the first (one
    to three digits) or one joined already."""
    before = match.string[max(0, match.start() - 5):match.start()]
    return NBSP if re.search(r"(?:^|[^\d.,])\d{1,3}$|\u00a0\d{3}$", before) else match.group()
_DOT_DIGIT = re.compile(r"\. \d")

# Each rule replaces one space, and its pattern starts with that space, so that
# the regular expression engine jumps from space to space and tests the context
# (lookbehind, lookahead) there only: three to six times faster on Russian prose
# than a pattern starting with a lookbehind, tried at every character. Some
# rules also have a cheap test of whether they can apply at all (None: always).
_COMMON = (
    # Initial before an initial or a surname: E. V. Batunaev, Э. В. Батунаев.
    (None, re.compile(rf" (?<=\b[{_CAPITAL}]\. )(?=[{_CAPITAL}])"), NBSP),
    # Surname before its initials: Batunaev E. V.
    (None, re.compile(rf" (?=[{_CAPITAL}]\.(?:[ \u00a0]?[{_CAPITAL}]\.)?(?:[\s,;:)]|$))(?<=[{_LETTER}]{{2}} )"), NBSP),
    (lambda t: "№" in t or "§" in t, re.compile(r"(?<=[№§]) (?=\d)"), NBSP),
    (None, re.compile(rf" (?<=\d )(?=(?:{_UNITS})(?![{_LETTER}]))"), NBSP),
    (_DOT_DIGIT.search, re.compile(rf"(\b{_ABBREVIATIONS}) (?=\d)", re.I), r"\1" + NBSP),
    # "no 3" without a full stop, as GOST's English and the house style write it
    (lambda t: "o " in t, re.compile(r" (?<=\b[Nn]o )(?=\d)"), NBSP),
)
_RUSSIAN = (
    (lambda t: " \u2014 " in t or " \u2013 " in t, re.compile(r" (?=[—–] )"), NBSP),  # a dash never starts a line
    (None, re.compile(rf" (?<=(?<![{_LETTER}\-])[вксуоаиВКСУОАИ] )(?=[{_LETTER}\d«„(])"), NBSP),
    (lambda t: "т. " in t, re.compile(r"\b(т)\. (?=[дпе]\.)"), r"\1." + NBSP),  # т. д., т. п., т. е.
    # XX в., XIX–XX вв.
    (lambda t: "в." in t, re.compile(r" (?=вв?\.)(?<=[IVXLC] )(?<![^\WIVXLC][IVXLC] )(?<![^\WIVXLC][IVXLC]{2} )"),
     NBSP),
    # 10 000, 2 500 000 (a group of thousands after one to three digits, not after 1939)
    (re.compile(r"\d \d{3}").search, re.compile(r" (?=\d{3}(?!\d))(?<=\d )(?<![\d.,]\d{4} )"), _thousands),
    # 11 мая
    (re.compile(rf"\d (?:{_MONTHS})").search, re.compile(rf" (?=(?:{_MONTHS})(?![{_LETTER}]))(?<=\d )(?<!\d{{3}} )"),
     NBSP),
)


def nbsp(text: str, lang: str) -> str:
    if "\u2013" in text:
        text = _RANGE.sub(WORD_JOINER, text)
    russian = lang.split("-")[0].lower() in ("ru", "uk", "be")
    if russian and "-" in text:
        text = _ENDING.sub("-" + WORD_JOINER, text)
    if " " not in text:
        return text
    rules = _COMMON + (_RUSSIAN if russian else ())
    for applies, pattern, replacement in rules:
        if applies is None or applies(text):
            text = pattern.sub(replacement, text)
    return text


def nbsp_html(markup: str, lang: str) -> Markup:
    """nbsp() on the text of an HTML fragment, leaving its tags alone; its joined
    words in spans (nowrap()), but in such a span already (markup typeset twice)."""
    out, before = [], ""
    for part in re.split(r"(<[^>]*>)", str(markup)):
        if part.startswith("<"):
            out.append(part)
        elif before == _NOWRAP:
            out.append(nbsp(part, lang).replace(WORD_JOINER, ""))
        else:
            out.append(nowrap(nbsp(part, lang)))
        before = part
    return Markup("".join(out))


# A word nbsp() joined: a number range, or a number and its Russian ending (one
# joiner after each dash or hyphen between its parts: 1904–1905, 57-го, 1–2–3).
_NOWRAP = '<span class="nowrap">'
_JOINED = re.compile(r"(?<![\w.,])[\w.,]*\d[\u2013-]\u2060(?:\w+[\u2013-]\u2060)*\w+")  # (from a word's start:
# where the leftmost match starts anyway, and a long word is scanned once, not from each of its letters)


def nowrap(text: str) -> str:
    """Escaped text, each word joined by nbsp() as one span that no line breaks
    within, without its joiners."""
    if WORD_JOINER not in text:
        return text
    return _JOINED.sub(lambda m: f'{_NOWRAP}{m.group().replace(WORD_JOINER, "")}</span>', text)


# A web address or a DOI as a word: from its scheme, "www.", or a DOI's "10.", to the
# next space; a sentence's punctuation after it is not part of it, a parenthesis
# only where the address opened one (a Wikipedia page's "(disambiguation)").
_URL = re.compile(r"(?:\b(?:https?|ftp)://|\bwww\.|\b10\.\d{4,9}/)\S*", re.I)
_AFTER_URL = ".,;:!?»”’)]"  # (what may follow an address in a sentence, before a space)
_URL_BREAK = re.compile(r"(?<=[/.?&=#_])(?=[^/])|(?<=[^-/])(?=-)")


def url_parts(text: str) -> list[tuple[str, bool]]:
    """The text in parts, each (part, whether it is a web address or DOI), in order."""
    if "/" not in text and "www." not in text.lower():
        return [(text, False)]
    parts, at = [], 0
    for match in _URL.finditer(text):  # (in time linear in the text's length, whatever it holds)
        address = match.group().rstrip(_AFTER_URL)
        end = match.start() + len(address)
        opened = address.count("(") - address.count(")")
        while opened > 0 and text[end:end + 1] == ")":
            end, opened = end + 1, opened - 1
        if match.start() > at:
            parts.append((text[at:match.start()], False))
        parts.append((text[match.start():end], True))
        at = end
    if at < len(text):
        parts.append((text[at:], False))
    return parts


def url_html(address: str, escape: Callable[[str], str], breaks: bool = True) -> str:
    """An address as one span that no hyphen breaks; with `breaks`, a break allowed
    after each run of slashes and each . ? & = # _ in it, and before a hyphen (or a
    run of them: punycode's xn--), where a line ending in it would read as a word
    hyphenated (Unicode's line breaking still breaks after a hyphen of the address
    where no other break fits: a character or a span to stop it would be copied
    with the address, or cost WeasyPrint the break before); each piece escaped."""
    pieces = _URL_BREAK.split(address) if breaks else [address]
    return '<span class="url">' + "<wbr/>".join(escape(piece) for piece in pieces) + "</span>"

