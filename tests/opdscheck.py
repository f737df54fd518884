"""A validator for OPDS 1.2 catalog feeds: the RELAX NG schema in schemas/opds-1.2.rng,
then the rules of RFC 4287 (Atom) and OPDS Catalog 1.2 that a grammar cannot express.

`opds_problems` returns readable "file:line: message" lines, none for a valid feed;
`opds_links` lists a feed's links so that tests can resolve them against dist/.
Section references: "RFC 4287 §n" for Atom, "OPDS §n" for https://specs.opds.io/opds-1.2.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from functools import cache
from pathlib import Path
from urllib.parse import urljoin

from lxml import etree

SCHEMA = Path(__file__).resolve().parent / "schemas" / "opds-1.2.rng"

ATOM = "http://www.w3.org/2005/Atom"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
FEED, ENTRY, LINK, ID, AUTHOR, SOURCE, CONTENT = (
    f"{{{ATOM}}}{name}" for name in ("feed", "entry", "link", "id", "author", "source", "content"))
DATES = (f"{{{ATOM}}}updated", f"{{{ATOM}}}published")
OPDS_FACET_GROUP = "{http://opds-spec.org/2010/catalog}facetGroup"
OPDS_ACTIVE_FACET = "{http://opds-spec.org/2010/catalog}activeFacet"

ACQUISITION = "http://opds-spec.org/acquisition"            # OPDS §5.2.1: a prefix
IMAGE_RELS = ("http://opds-spec.org/image", "http://opds-spec.org/image/thumbnail")  # OPDS §5.2.2
FACET = "http://opds-spec.org/facet"                        # OPDS §4
# OPDS §5.2.2 asks for GIF, JPEG or PNG and allows "a vector-based format" besides.
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/svg+xml"})
# OPDS §2.1 and §2.6 (start, self), §6 (subsection), RFC 5005 / RFC 8288 (up): links that
# name another feed of the catalog, so they must say which kind of feed (OPDS §7.1.3).
CATALOG_RELS = frozenset({"start", "self", "up", "subsection"})
CATALOG_KINDS = frozenset({"navigation", "acquisition"})
# RFC 4287 §4.2.7.2: a registered relation may also be written as this IRI plus its name.
IANA_RELATIONS = "http://www.iana.org/assignments/relation/"

# RFC 4287 §4.1.1 (feed) and §4.1.2 (entry): children that must appear exactly once, and
# those that may appear at most once. The schema says the same, but libxml2's messages for
# an interleave seldom name the missing element ("Expecting an element author, got
# nothing" when atom:id is missing), so the count is made again here, readably.
EXACTLY_ONCE = ("id", "title", "updated")
AT_MOST_ONCE = {
    FEED: ("generator", "icon", "logo", "rights", "subtitle"),
    ENTRY: ("content", "published", "rights", "source", "summary"),
}
SECTION = {FEED: "RFC 4287 §4.1.1", ENTRY: "RFC 4287 §4.1.2"}

# RFC 3339 §5.6 date-time, with RFC 4287 §3.3's upper-case "T" and "Z"; the zone is not
# optional (a date-time without one is not RFC 3339).
RFC3339 = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?"
                     r"(?:Z|([+-])(\d{2}):(\d{2}))")
# RFC 3987 §2.2 absolute IRI: a scheme, a colon, and no characters IRIs exclude
# (white space, <>"{}|\^` and controls). urn and http(s) get their own shape checks.
SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
IRI_EXCLUDED = re.compile(r"[\s<>\"{}|\\^`\x00-\x1f\x7f]")
URN = re.compile(r"urn:[A-Za-z0-9][A-Za-z0-9\-]{0,30}[A-Za-z0-9]:\S+", re.IGNORECASE)  # RFC 8141 §2
HTTP = re.compile(r"https?://[^/?#\s]+([/?#]\S*)?", re.IGNORECASE)                   # RFC 9110 §4.2


def opds_problems(path: Path) -> list[str]:
    """Every problem with the OPDS feed (or entry document) at `path`, in document order."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        tree = etree.parse(str(path), parser)
    except etree.XMLSyntaxError as error:
        return [f"{path}:{error.lineno}: not well-formed XML: {error.msg}"]
    found = _schema_problems(tree)
    root = tree.getroot()
    if root.tag == FEED:
        found += _feed_rules(root)
    elif root.tag == ENTRY:
        found += _entry_document_rules(root)
    found.sort(key=lambda problem: problem[0])
    return [f"{path}:{line}: {message}" for line, message in found]


def opds_links(path: Path) -> list[tuple[str, str]]:
    """(rel, href) of every atom:link of the feed and of its entries, in document order.

    A link without rel has the relation "alternate" (RFC 4287 §4.2.7.2). An href is
    resolved against any xml:base in scope (RFC 4287 §2, XML Base), and is otherwise
    returned as written: relative to the feed's own location.
    """
    root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
    holders = [root, *root.iterchildren(ENTRY)] if root.tag == FEED else [root]
    return [(_rel(link), _href(link)) for holder in holders for link in holder.iterchildren(LINK)]


@cache
def _schema() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(SCHEMA)))


def _schema_problems(tree: etree._ElementTree) -> list[tuple[int, str]]:
    """libxml2's RELAX NG messages, each with its line. Some ("Extra element title in
    interleave") come without a location; they explain the located message that follows
    them in the log, so they take its line."""
    schema = _schema()
    if schema.validate(tree):
        return []
    found: list[tuple[int, str]] = []
    waiting: list[str] = []
    for error in schema.error_log:
        message = f"schema: {error.message}"
        if error.line > 0:
            found += [(error.line, early) for early in waiting] + [(error.line, message)]
            waiting = []
        else:
            waiting.append(message)
    root_line = tree.getroot().sourceline or 1
    return found + [(root_line, early) for early in waiting]


# ----- the rules -----

Found = Iterator[tuple[int, str]]


def _feed_rules(feed: etree._Element) -> list[tuple[int, str]]:
    entries = list(feed.iterchildren(ENTRY))
    found = [*_cardinality(feed), *_ids_and_dates(feed), *_link_types(feed), *_alternates(feed)]
    found += _feed_author(feed, entries)
    found += _feed_links(feed)
    found += _entry_ids_unique(entries)
    kind = _feed_kind(feed, entries)
    for entry in entries:
        found += _cardinality(entry)
        found += _alternates(entry)
        found += _content_or_alternate(entry)
        if kind == "acquisition":
            found += _acquisition_entry(entry)
        else:
            found += _navigation_entry(entry)
    found += _facets(feed, kind)
    return found


def _entry_document_rules(entry: etree._Element) -> list[tuple[int, str]]:
    """An OPDS Catalog Entry Document: no feed to inherit an author from (RFC 4287
    §4.1.2), and at least one Acquisition Link (OPDS §5.4)."""
    found = [*_cardinality(entry), *_ids_and_dates(entry), *_link_types(entry), *_alternates(entry),
             *_content_or_alternate(entry), *_acquisition_entry(entry)]
    if not _has_author(entry):
        found.append((entry.sourceline, "atom:entry has no atom:author (RFC 4287 §4.1.2)"))
    return found


def _cardinality(element: etree._Element) -> Found:
    """The counts of RFC 4287 §4.1.1 and §4.1.2 (see EXACTLY_ONCE)."""
    name = etree.QName(element).localname
    section = SECTION[element.tag]
    for child in EXACTLY_ONCE:
        count = len(element.findall(f"{{{ATOM}}}{child}"))
        if count != 1:
            has = "no" if count == 0 else f"{count}"
            yield element.sourceline, f"atom:{name} has {has} atom:{child}, needs exactly one ({section})"
    for child in AT_MOST_ONCE[element.tag]:
        extra = element.findall(f"{{{ATOM}}}{child}")[1:]
        if extra:
            yield extra[0].sourceline, f"atom:{name} has more than one atom:{child} ({section})"


def _ids_and_dates(root: etree._Element) -> Found:
    """Every atom:id is an absolute IRI (RFC 4287 §4.2.6: "the definition of IRI excludes
    relative references"); every atom:updated and atom:published is an RFC 3339
    date-time with a zone (RFC 4287 §3.3)."""
    for element in root.iter(ID):
        value = element.text or ""
        problem = _iri_problem(value)
        if problem:
            yield element.sourceline, f"atom:id {value!r} is not an absolute IRI: {problem} (RFC 4287 §4.2.6)"
    for element in root.iter(*DATES):
        value = element.text or ""
        problem = _date_problem(value)
        if problem:
            name = etree.QName(element).localname
            yield element.sourceline, (f"atom:{name} {value!r} is not an RFC 3339 date-time: {problem} "
                                       f"(RFC 4287 §3.3)")


def _feed_author(feed: etree._Element, entries: list[etree._Element]) -> Found:
    """RFC 4287 §4.1.1: a feed has an atom:author unless every entry has one; an entry's
    own author may also come from its atom:source (§4.1.2)."""
    if _has_author(feed):
        return
    for entry in entries:
        if not _has_author(entry):
            yield entry.sourceline, ("atom:entry has no atom:author and neither has the atom:feed "
                                     "(RFC 4287 §4.1.1)")


def _has_author(element: etree._Element) -> bool:
    if element.find(AUTHOR) is not None:
        return True
    source = element.find(SOURCE)
    return source is not None and source.find(AUTHOR) is not None


def _feed_links(feed: etree._Element) -> Found:
    """OPDS §2.6: a feed should have one self link; §2.1: one start link, to the catalog
    root. Imprint's feeds must have both. Links that name another feed of the catalog
    carry its OPDS media type with the kind (OPDS §2.2, §2.3, §7.1.3)."""
    links = list(feed.iterchildren(LINK))
    for rel in ("self", "start"):
        having = [link for link in links if _rel(link) == rel]
        if not having:
            yield feed.sourceline, f"atom:feed has no link with rel=\"{rel}\" (OPDS 1.2 §2.1, §2.6)"
        elif len(having) > 1:
            yield having[1].sourceline, f"atom:feed has more than one link with rel=\"{rel}\" (OPDS 1.2 §2.1, §2.6)"
    for link in links:
        rel = _rel(link)
        if rel in CATALOG_RELS and _catalog_kind(link.get("type")) is None:
            yield link.sourceline, (f"link rel=\"{rel}\" has {_described(link.get('type'))}, not an OPDS "
                                    f"catalog feed type (application/atom+xml;profile=opds-catalog;"
                                    f"kind=navigation or kind=acquisition, OPDS 1.2 §7.1.3)")


def _link_types(root: etree._Element) -> Found:
    """Acquisition Links carry a type (OPDS §5.3); image links an image type (OPDS §5.2.2)."""
    for link in root.iter(LINK):
        rel, media = _rel(link), link.get("type")
        if rel.startswith(ACQUISITION) and not media:
            yield link.sourceline, f"acquisition link {link.get('href')!r} has no type (OPDS 1.2 §5.3)"
        if rel in IMAGE_RELS and _media_type(media)[0] not in IMAGE_TYPES:
            yield link.sourceline, (f"image link {link.get('href')!r} has {_described(media)}, not one of "
                                    f"{', '.join(sorted(IMAGE_TYPES))} (OPDS 1.2 §5.2.2)")


def _alternates(element: etree._Element) -> Found:
    """RFC 4287 §4.1.1, §4.1.2: at most one alternate link per (type, hreflang)."""
    seen: set[tuple[str | None, str | None]] = set()
    for link in element.iterchildren(LINK):
        if _rel(link) != "alternate":
            continue
        key = (link.get("type"), link.get("hreflang"))
        if key in seen:
            yield link.sourceline, (f"second alternate link with type {key[0]!r} and hreflang {key[1]!r} "
                                    f"(RFC 4287 §4.1.1, §4.1.2)")
        seen.add(key)


def _content_or_alternate(entry: etree._Element) -> Found:
    """RFC 4287 §4.1.2: an entry without atom:content has an alternate link."""
    alternate = any(_rel(link) == "alternate" for link in entry.iterchildren(LINK))
    if entry.find(CONTENT) is None and not alternate:
        yield entry.sourceline, ("atom:entry has neither atom:content nor a link with rel=\"alternate\" "
                                 "(RFC 4287 §4.1.2)")


def _entry_ids_unique(entries: list[etree._Element]) -> Found:
    """Imprint lists each publication once per feed, so entry ids are unique. (RFC 4287
    §4.1.1 would read repeated ids as versions of one entry; we never write those.)"""
    first: dict[str, int] = {}
    for entry in entries:
        element = entry.find(ID)
        if element is None or not element.text:
            continue  # the schema reports it
        if element.text in first:
            yield element.sourceline, (f"atom:id {element.text!r} is already the id of the entry at line "
                                       f"{first[element.text]}")
        else:
            first[element.text] = entry.sourceline


def _feed_kind(feed: etree._Element, entries: list[etree._Element]) -> str:
    """Navigation or acquisition (OPDS §2: every feed is one or the other). The kind of
    the self link says which; without one, a feed is an acquisition feed when any entry
    has an Acquisition Link (OPDS §2: they are identified by those links)."""
    for link in feed.iterchildren(LINK):
        if _rel(link) == "self":
            kind = _catalog_kind(link.get("type"))
            if kind is not None:
                return kind
    return "acquisition" if any(_acquisition_links(entry) for entry in entries) else "navigation"


def _acquisition_entry(entry: etree._Element) -> Found:
    """OPDS §2.3 and §5.4: an entry of an acquisition feed is an OPDS Catalog Entry, with
    at least one Acquisition Link, which has a type (§5.3)."""
    if not any(link.get("type") for link in _acquisition_links(entry)):
        yield entry.sourceline, (f"atom:entry {_entry_id(entry)!r} in an acquisition feed has no acquisition "
                                 f"link with a type (rel {ACQUISITION}..., OPDS 1.2 §5.4)")


def _navigation_entry(entry: etree._Element) -> Found:
    """OPDS §2.2: an entry of a navigation feed is not an OPDS Catalog Entry (no
    Acquisition Link) and links to another feed of the catalog."""
    for link in _acquisition_links(entry):
        yield link.sourceline, (f"acquisition link in atom:entry {_entry_id(entry)!r} of a navigation feed "
                                f"(OPDS 1.2 §2.2)")
    if not any(_catalog_kind(link.get("type")) for link in entry.iterchildren(LINK)):
        yield entry.sourceline, (f"atom:entry {_entry_id(entry)!r} in a navigation feed has no link to a "
                                 f"catalog feed (type application/atom+xml;profile=opds-catalog;kind=..., "
                                 f"OPDS 1.2 §2.2)")


def _facets(feed: etree._Element, kind: str) -> Found:
    """OPDS §4: facet links only in acquisition feeds; at most one active facet a group."""
    active: dict[str | None, int] = {}
    for link in feed.iterchildren(LINK):
        if _rel(link) != FACET:
            continue
        if kind != "acquisition":
            yield link.sourceline, "facet link in a navigation feed (OPDS 1.2 §4)"
        if link.get(OPDS_ACTIVE_FACET) == "true":
            group = link.get(OPDS_FACET_GROUP)
            if group in active:
                yield link.sourceline, (f"second active facet in group {group!r} (the first is at line "
                                        f"{active[group]}, OPDS 1.2 §4)")
            else:
                active[group] = link.sourceline


# ----- values -----

def _rel(link: etree._Element) -> str:
    """The relation, "alternate" when absent (RFC 4287 §4.2.7.2); a registered name
    written as an IANA IRI is reduced to the name."""
    rel = (link.get("rel") or "alternate").strip()
    return rel[len(IANA_RELATIONS):] if rel.startswith(IANA_RELATIONS) else rel


def _href(link: etree._Element) -> str:
    href = link.get("href") or ""
    bases = [element.get(XML_BASE) or "" for element in (link, *link.iterancestors())
             if element.get(XML_BASE)]
    base = ""
    for value in reversed(bases):  # outermost first: each xml:base is relative to the one above it
        base = urljoin(base, value)
    return urljoin(base, href) if base else href


def _described(media: str | None) -> str:
    return f"type {media!r}" if media else "no type"


def _acquisition_links(entry: etree._Element) -> list[etree._Element]:
    return [link for link in entry.iterchildren(LINK) if _rel(link).startswith(ACQUISITION)]


def _entry_id(entry: etree._Element) -> str:
    element = entry.find(ID)
    return (element.text or "") if element is not None else ""


def _media_type(value: str | None) -> tuple[str, dict[str, str]]:
    """("type/subtype", {parameter: value}), names lower-cased, spaces and quotes dropped
    (RFC 2045 §5.1: type, subtype and parameter names are case-insensitive; parameters
    come in any order)."""
    if not value:
        return "", {}
    head, *parameters = value.split(";")
    found: dict[str, str] = {}
    for parameter in parameters:
        name, _, content = parameter.partition("=")
        found[name.strip().lower()] = content.strip().strip('"')
    return head.strip().lower(), found


def _catalog_kind(value: str | None) -> str | None:
    """"navigation" or "acquisition" for an OPDS catalog feed media type (OPDS §7.1.2,
    §7.1.3), else None. The Atom type parameter, if given, is "feed" (RFC 5023 §12.1)."""
    media, parameters = _media_type(value)
    if media != "application/atom+xml" or parameters.get("profile") != "opds-catalog":
        return None
    if parameters.get("type", "feed") != "feed":
        return None
    kind = parameters.get("kind")
    return kind if kind in CATALOG_KINDS else None


def _iri_problem(value: str) -> str | None:
    if not value:
        return "it is empty"
    if IRI_EXCLUDED.search(value):
        return "it has white space or a character IRIs exclude"
    if not SCHEME.match(value):
        return "it has no scheme, so it is relative"
    if value.lower().startswith("urn:") and not URN.fullmatch(value):
        return "a urn is urn:<namespace>:<string>"
    if value.lower().startswith(("http:", "https:")) and not HTTP.fullmatch(value):
        return "an http(s) IRI is http(s)://<host>/..."
    return None


def _date_problem(value: str) -> str | None:
    match = RFC3339.fullmatch(value)
    if match is None:
        return "expected YYYY-MM-DDThh:mm:ss with Z or a ±hh:mm offset"
    year, month, day, hour, minute, second = (int(group) for group in match.groups()[:6])
    _, zone_hours, zone_minutes = match.group(8, 9, 10)
    if zone_hours is not None and (int(zone_hours) > 23 or int(zone_minutes) > 59):
        return "the offset is out of range"  # RFC 3339 §5.6 time-numoffset
    try:
        # RFC 3339 §5.6 allows second 60 (a leap second); datetime does not.
        datetime(year, month, day, hour, minute, min(second, 59))
    except ValueError as error:
        return str(error)
    return None
