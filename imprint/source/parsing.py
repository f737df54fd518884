"""Reading single front matter values: dates, DOIs, ORCID iDs, licences.

Each reader returns the value, or raises ValueError with a sentence for the
editor; source/project.py adds the file, line and field.
"""

from __future__ import annotations

import calendar
import re
import subprocess
from datetime import datetime, timezone
from pathlib import Path

from .model import PartialDate

MONTHS = {name: number for number, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
    ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
    ("november", "nov"), ("december", "dec")), start=1) for name in names}
# The months in the languages of the editions' words and of the journals met most
# (Russian in both cases, Spanish, German, French): a date written in words in
# the article's language ("15 марта 2024 г.", "15 de marzo de 2024").
MONTHS.update({name: number for number, names in enumerate((
    ("январь", "января", "enero", "januar", "janvier"), ("февраль", "февраля", "febrero", "februar", "février"),
    ("март", "марта", "marzo", "märz", "mars"), ("апрель", "апреля", "abril", "avril"),
    ("май", "мая", "mayo", "mai"), ("июнь", "июня", "junio", "juni", "juin"),
    ("июль", "июля", "julio", "juli", "juillet"), ("август", "августа", "agosto", "août"),
    ("сентябрь", "сентября", "septiembre", "setiembre", "septembre"), ("октябрь", "октября", "octubre", "oktober",
                                                                       "octobre"),
    ("ноябрь", "ноября", "noviembre", "novembre"), ("декабрь", "декабря", "diciembre", "dezember", "décembre")),
    start=1) for name in names})
_DATE_FILLERS = {"de", "del", "of", "the", "г", "года", "год", "le", "er"}  # (words between a date's parts)


def parse_date(value: object) -> PartialDate:
    """YYYY, YYYY-MM, YYYY-MM-DD (also with '/'), 'March 5, 2024', '5 March 2024', 'March 2024',
    and as Russian writes it: '2024 г.', '5 марта 2024 г.', '24.02.2024' (day, month, year)."""
    text = str(value).strip()
    if is_date_placeholder(text):
        raise ValueError(f"'{text}' changes with every build; write the date itself (YYYY-MM-DD)")
    iso = re.fullmatch(r"(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?(?:\s*(?:г\.?|года?))?", text)
    dotted = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s*(?:г\.?|года?))?", text)  # (24.02.2024, as Russian)
    if iso:
        parts = [int(p) for p in iso.groups() if p]
    elif dotted:
        parts = [int(dotted[3]), int(dotted[2]), int(dotted[1])]
    else:
        words = [w for w in re.findall(r"[^\W\d_]+|\d+", text) if w.lower() not in _DATE_FILLERS]
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
        raise HintedError(f"'{text}' is not a date in the calendar", _calendar_hint(date, bool(dotted))) from None
    return date


class HintedError(ValueError):
    """A value that cannot be used (a date that cannot be, an image not found), with what to do about it."""

    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.hint = hint


def _calendar_hint(date: PartialDate, dotted: bool) -> str:
    """What to check in a date not in the calendar (2024-02-30: "February 2024 has 29 days")."""
    order = "day, month, year (24.02.2024)" if dotted else "year, month, day (2024-02-24)"
    if not 1 <= date.year <= 9999:  # (year 0: "0000", no such year in the calendar)
        return f"the calendar's years run from 1 to 9999: write the date as {order}"
    if not 1 <= (date.month or 1) <= 12:
        return f"a year has 12 months: write the date as {order}"
    if date.month is None:
        return f"write the date as {order}"
    days = calendar.monthrange(date.year, date.month)[1]
    name = next(name for name, number in MONTHS.items() if number == date.month).capitalize()  # (English: first)
    return f"{name} {date.year} has {days} days: correct the day, or the month"


# Quarto's date placeholders: the day of the render (`today`, `now`; LaTeX's
# `\today`, which templates write) and the day the file was last changed (`last-modified`).
DATE_PLACEHOLDERS = ("today", "now", "last-modified", "\\today")
# R Markdown's, in every RStudio template: the day of the knitting, formatted or not
# (`r Sys.Date()`, `r format(Sys.time(), '%d %B, %Y')`): Imprint runs no R, and its
# own rules format dates.
_R_TODAY = re.compile(r"`r\s+(?:format\(\s*)?(?:Sys\.(?:Date|time)|(?:lubridate::)?today)\(\)[^`]*`")


def is_date_placeholder(value: object) -> bool:
    return isinstance(value, str) and (value.strip().lower() in DATE_PLACEHOLDERS
                                       or _R_TODAY.fullmatch(value.strip()) is not None)


def placeholder_date(value: str, source_date_epoch: int | None, root: Path, file: Path) -> PartialDate:
    """Quarto's `today` or `last-modified`, read so that every build gives the same
    date: the day of SOURCE_DATE_EPOCH (UTC) when it is set, else the day of the
    last commit that touched `file` in git (as its committer dated it). Never the
    clock, nor the file's time on disk (a checkout sets it)."""
    text = value.strip()
    if source_date_epoch is not None:
        day = datetime.fromtimestamp(source_date_epoch, tz=timezone.utc)
        return PartialDate(day.year, day.month, day.day)
    since = (f"'{text}' is read so that every build gives the same date, as the day of SOURCE_DATE_EPOCH "
             "(not set) or of the file's last commit in git")
    try:
        # No network: `git log` reads the local repository only.
        run = subprocess.run(["git", "log", "-1", "--format=%cI %P", "--", str(file)], cwd=root,
                             capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
        # (a commit with no parent, in a shallow clone: the oldest it holds, whose parents it left out)
        shallow = run.returncode == 0 and len(run.stdout.split()) == 1 and subprocess.run(
            ["git", "rev-parse", "--is-shallow-repository"], cwd=root, capture_output=True, text=True, timeout=60,
            stdin=subprocess.DEVNULL).stdout.strip() == "true"
    except FileNotFoundError:
        raise ValueError(f"{since}, but git is not installed") from None
    except (OSError, subprocess.SubprocessError) as error:
        raise ValueError(f"{since}, but git could not be run ({error})") from None
    if run.returncode != 0:
        if "not a git repository" in run.stderr:
            raise ValueError(f"{since}, but the project is not a git repository")
        if "does not have any commits yet" in run.stderr:
            raise ValueError(f"{since}, but the file was never committed")
        reason = run.stderr.strip().splitlines()[-1] if run.stderr.strip() else f"exit code {run.returncode}"
        raise ValueError(f"{since}, but git failed: {reason}")
    stamp = run.stdout.strip().split(" ")[0]
    if not stamp:
        raise ValueError(f"{since}, but the file was never committed")
    if shallow:  # (the file's last change may be older than the clone's history)
        raise ValueError(f"{since}, but the clone is shallow: the file's last commit may be older than the "
                         "clone's history (clone with its history: git fetch --unshallow; in GitHub Actions, "
                         "actions/checkout with fetch-depth: 0), or set SOURCE_DATE_EPOCH")
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", stamp)
    if not match:
        raise ValueError(f"{since}, but git gave no date ({stamp!r})")
    return PartialDate(*(int(part) for part in match.groups()))


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
