"""The OPDS validator (opdscheck.py, schemas/opds-1.2.rng) can fail: two valid feeds pass,
and each broken variant of them gives the problem it should, at the line it should.

Fixtures: tests/cases/opds-schema/navigation.xml (a catalog root) and acquisition.xml (the
feed it links to), shaped like what Imprint writes into dist/opds/."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from conftest import CASES
from opdscheck import opds_links, opds_problems

FIXTURES = CASES / "opds-schema"
ATOM = "http://www.w3.org/2005/Atom"
OPDS = "http://opds-spec.org/2010/catalog"
THR = "http://purl.org/syndication/thread/1.0"
NS = {"atom": ATOM, "opds": OPDS, "dcterms": "http://purl.org/dc/terms/"}
ACQUISITION_TYPE = "application/atom+xml;profile=opds-catalog;kind=acquisition"
NAVIGATION_TYPE = "application/atom+xml;profile=opds-catalog;kind=navigation"
BATUNAEV = "urn:uuid:37ed51cd-ec72-5177-a125-225109aa6382"
POLYGLOT = "urn:uuid:8521c226-4195-58d9-8ba7-c57c4d47e554"
ENTRY = f"/atom:feed/atom:entry[atom:id='{BATUNAEV}']"
SECOND_ENTRY = f"/atom:feed/atom:entry[atom:id='{POLYGLOT}']"


# ----- helpers -----

def edited(tmp_path: Path, fixture: str, edit: Callable[[etree._ElementTree], object]) -> Path:
    """A copy of a fixture, changed by `edit` on its lxml tree, written as UTF-8."""
    tree = etree.parse(str(FIXTURES / fixture))
    edit(tree)
    path = tmp_path / fixture
    tree.write(str(path), encoding="UTF-8", xml_declaration=True)
    return path


def replaced(tmp_path: Path, fixture: str, old: str, new: str) -> Path:
    """A copy of a fixture with the one occurrence of `old` replaced by `new`."""
    text = (FIXTURES / fixture).read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not in {fixture} exactly once"
    path = tmp_path / fixture
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def first(tree: etree._ElementTree, xpath: str) -> etree._Element:
    found = tree.xpath(xpath, namespaces=NS)
    assert found, f"nothing at {xpath}"
    return found[0]


def remove(tree: etree._ElementTree, xpath: str) -> None:
    for element in tree.xpath(xpath, namespaces=NS):
        element.getparent().remove(element)


def line(path: Path, xpath: str) -> int:
    """The line of what `xpath` selects in the file as written."""
    return first(etree.parse(str(path)), xpath).sourceline


def rules(problems: list[str]) -> list[str]:
    """The problems found by the Python rules, without libxml2's RELAX NG messages."""
    return [problem for problem in problems if ": schema: " not in problem]


def schema(problems: list[str]) -> list[str]:
    return [problem for problem in problems if ": schema: " in problem]


# ----- valid feeds -----

@pytest.mark.parametrize("fixture", ["navigation.xml", "acquisition.xml"])
def test_valid_feeds_have_no_problems(fixture):
    assert opds_problems(FIXTURES / fixture) == []


def test_feed_author_may_be_left_to_the_entries():
    # RFC 4287 §4.1.1: acquisition.xml has no feed author, but every entry has one.
    tree = etree.parse(str(FIXTURES / "acquisition.xml"))
    assert tree.xpath("/atom:feed/atom:author", namespaces=NS) == []
    assert all(entry.xpath("atom:author", namespaces=NS) for entry in tree.xpath("//atom:entry", namespaces=NS))


@pytest.mark.parametrize("media_type", [
    "application/atom+xml; kind=acquisition; profile=opds-catalog",
    'application/atom+xml;profile="opds-catalog";kind=acquisition',
    "Application/Atom+XML;Profile=opds-catalog;Kind=acquisition",
    "application/atom+xml;type=feed;profile=opds-catalog;kind=acquisition",
])
def test_catalog_media_type_parameters_in_any_order_and_spacing(tmp_path, media_type):
    path = replaced(tmp_path, "acquisition.xml", f'href="all.xml"\n        type="{ACQUISITION_TYPE}"',
                    f'href="all.xml"\n        type=\'{media_type}\'')
    assert opds_problems(path) == []


def test_opds_extensions_the_schema_allows(tmp_path):
    # OPDS §4 facets (with thr:count), §5.4 opds:price and nested opds:indirectAcquisition,
    # an xhtml title (RFC 4287 §3.1.1.3) and a foreign extension element (RFC 4287 §6.4).
    def edit(tree):
        feed = tree.getroot()
        facet = etree.SubElement(feed, f"{{{ATOM}}}link", {
            "rel": "http://opds-spec.org/facet", "href": "new.xml", "title": "Новые",
            f"{{{OPDS}}}facetGroup": "Порядок", f"{{{OPDS}}}activeFacet": "true", f"{{{THR}}}count": "12"})
        first(tree, "/atom:feed/atom:link[@rel='up']").addnext(facet)
        buy = first(tree, f"{SECOND_ENTRY}/atom:link[@type='application/epub+zip']")
        buy.set("rel", "http://opds-spec.org/acquisition/buy")
        buy.set("type", "text/html")
        etree.SubElement(buy, f"{{{OPDS}}}price", currencycode="RUB").text = "150.00"
        outer = etree.SubElement(buy, f"{{{OPDS}}}indirectAcquisition", type="application/zip")
        etree.SubElement(outer, f"{{{OPDS}}}indirectAcquisition", type="application/epub+zip")
        title = first(tree, "/atom:feed/atom:title")
        title.text = None
        title.set("type", "xhtml")
        div = etree.SubElement(title, "{http://www.w3.org/1999/xhtml}div")
        div.text = "Все "
        etree.SubElement(div, "{http://www.w3.org/1999/xhtml}b").text = "публикации"
        etree.SubElement(first(tree, ENTRY), "{urn:example:shelf}shelf", place="A-12").text = "полка"

    assert opds_problems(edited(tmp_path, "acquisition.xml", edit)) == []


# ----- required Atom elements (RFC 4287 §4.1) -----

def test_feed_without_id(tmp_path):
    path = edited(tmp_path, "acquisition.xml", lambda tree: remove(tree, "/atom:feed/atom:id"))
    at = line(path, "/atom:feed")
    problems = opds_problems(path)
    assert rules(problems) == [f"{path}:{at}: atom:feed has no atom:id, needs exactly one (RFC 4287 §4.1.1)"]
    assert f"{path}:{at}: schema: Element feed failed to validate content" in problems


def test_entry_without_updated(tmp_path):
    path = edited(tmp_path, "acquisition.xml", lambda tree: remove(tree, f"{SECOND_ENTRY}/atom:updated"))
    at = line(path, SECOND_ENTRY)
    problems = opds_problems(path)
    assert rules(problems) == [f"{path}:{at}: atom:entry has no atom:updated, needs exactly one (RFC 4287 §4.1.2)"]
    assert f"{path}:{at}: schema: Expecting an element updated, got nothing" in problems


def test_entry_with_two_titles(tmp_path):
    def edit(tree):
        title = first(tree, f"{ENTRY}/atom:title")
        second = etree.Element(f"{{{ATOM}}}title")
        second.text = "Халхин-Гол"
        title.addnext(second)

    path = edited(tmp_path, "acquisition.xml", edit)
    assert rules(opds_problems(path)) == [
        f"{path}:{line(path, ENTRY)}: atom:entry has 2 atom:title, needs exactly one (RFC 4287 §4.1.2)"]


def test_entry_with_two_summaries(tmp_path):
    path = replaced(tmp_path, "acquisition.xml", "<rights>",
                    "<summary>Кратко.</summary>\n    <summary>Ещё короче.</summary>\n    <rights>")
    at = line(path, f"{ENTRY}/atom:summary[2]")
    problems = opds_problems(path)
    assert rules(problems) == [f"{path}:{at}: atom:entry has more than one atom:summary (RFC 4287 §4.1.2)"]
    assert f"{path}:{at}: schema: Extra element summary in interleave" in problems


def test_author_without_name(tmp_path):
    path = edited(tmp_path, "acquisition.xml",
                  lambda tree: remove(tree, f"{SECOND_ENTRY}/atom:author[2]/atom:name"))
    at = line(path, f"{SECOND_ENTRY}/atom:author[2]")
    assert schema(opds_problems(path))[:2] == [
        f"{path}:{at}: schema: Expecting an element name, got nothing",
        f"{path}:{at}: schema: Invalid sequence in interleave"]


def test_entry_without_author_in_a_feed_without_author(tmp_path):
    path = edited(tmp_path, "acquisition.xml", lambda tree: remove(tree, f"{ENTRY}/atom:author"))
    assert opds_problems(path) == [
        f"{path}:{line(path, ENTRY)}: atom:entry has no atom:author and neither has the atom:feed (RFC 4287 §4.1.1)"]


def test_feed_author_or_source_author_covers_the_entry(tmp_path):
    def feed_author(tree):
        remove(tree, f"{ENTRY}/atom:author")
        author = etree.Element(f"{{{ATOM}}}author")
        etree.SubElement(author, f"{{{ATOM}}}name").text = "Редакция журнала"
        first(tree, "/atom:feed/atom:updated").addnext(author)

    def source_author(tree):
        remove(tree, f"{ENTRY}/atom:author")
        source = etree.SubElement(first(tree, ENTRY), f"{{{ATOM}}}source")
        etree.SubElement(source, f"{{{ATOM}}}id").text = "urn:uuid:0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"
        author = etree.SubElement(source, f"{{{ATOM}}}author")
        etree.SubElement(author, f"{{{ATOM}}}name").text = "Батунаев Э. В."

    assert opds_problems(edited(tmp_path, "acquisition.xml", feed_author)) == []
    assert opds_problems(edited(tmp_path, "acquisition.xml", source_author)) == []


def test_entry_without_content_or_alternate_link(tmp_path):
    path = edited(tmp_path, "acquisition.xml", lambda tree: remove(tree, f"{SECOND_ENTRY}/atom:content"))
    assert opds_problems(path) == [
        f"{path}:{line(path, SECOND_ENTRY)}: atom:entry has neither atom:content nor a link with "
        f"rel=\"alternate\" (RFC 4287 §4.1.2)"]

    def with_alternate(tree):
        remove(tree, f"{SECOND_ENTRY}/atom:content")
        etree.SubElement(first(tree, SECOND_ENTRY), f"{{{ATOM}}}link", href="../polyglot-fixture/entry.xml",
                         type="application/atom+xml;type=entry;profile=opds-catalog")  # no rel: alternate
    assert opds_problems(edited(tmp_path, "acquisition.xml", with_alternate)) == []


def test_two_alternate_links_of_one_type(tmp_path):
    def edit(tree):
        for name in ("a.html", "b.html"):
            etree.SubElement(first(tree, ENTRY), f"{{{ATOM}}}link", rel="alternate", href=name, type="text/html")

    path = edited(tmp_path, "acquisition.xml", edit)
    at = line(path, f"{ENTRY}/atom:link[@href='b.html']")
    assert opds_problems(path) == [
        f"{path}:{at}: second alternate link with type 'text/html' and hreflang None (RFC 4287 §4.1.1, §4.1.2)"]


# ----- dates and ids -----

@pytest.mark.parametrize("value, why", [
    ("2024-05-13 18:00", "expected YYYY-MM-DDThh:mm:ss with Z or a ±hh:mm offset"),
    ("2024-05-13T18:00:00", "expected YYYY-MM-DDThh:mm:ss with Z or a ±hh:mm offset"),  # no zone
    ("2024-05-13t18:00:00z", "expected YYYY-MM-DDThh:mm:ss with Z or a ±hh:mm offset"),  # RFC 4287 §3.3
    ("13.05.2024", "expected YYYY-MM-DDThh:mm:ss with Z or a ±hh:mm offset"),
    ("2024-02-30T18:00:00Z", "day is out of range for month"),
])
def test_bad_updated_date(tmp_path, value, why):
    path = replaced(tmp_path, "acquisition.xml", "2024-05-13T18:00:00+05:00", value)
    at = line(path, f"{SECOND_ENTRY}/atom:updated")
    problems = opds_problems(path)
    assert rules(problems) == [
        f"{path}:{at}: atom:updated {value!r} is not an RFC 3339 date-time: {why} (RFC 4287 §3.3)"]
    assert f"{path}:{at}: schema: Error validating datatype dateTime" in problems


def test_bad_published_date(tmp_path):
    path = replaced(tmp_path, "acquisition.xml", "<published>2019-09-30T00:00:00Z", "<published>2019")
    at = line(path, f"{ENTRY}/atom:published")
    assert rules(opds_problems(path)) == [
        f"{path}:{at}: atom:published '2019' is not an RFC 3339 date-time: expected YYYY-MM-DDThh:mm:ss "
        f"with Z or a ±hh:mm offset (RFC 4287 §3.3)"]


@pytest.mark.parametrize("value, why", [
    ("all.xml", "it has no scheme, so it is relative"),
    ("/opds/all.xml", "it has no scheme, so it is relative"),
    ("каталог/все", "it has no scheme, so it is relative"),
    ("urn:uuid", "a urn is urn:<namespace>:<string>"),
    ("http:example.org/opds/all.xml", "an http(s) IRI is http(s)://<host>/..."),
    ("urn:uuid:66cf743b cadd", "it has white space or a character IRIs exclude"),
    ("", "it is empty"),
])
def test_relative_or_malformed_feed_id(tmp_path, value, why):
    path = replaced(tmp_path, "acquisition.xml", "<id>urn:uuid:66cf743b-cadd-505a-9f3f-58a19b6794c0</id>",
                    f"<id>{value}</id>")
    assert opds_problems(path) == [
        f"{path}:{line(path, '/atom:feed/atom:id')}: atom:id {value!r} is not an absolute IRI: {why} (RFC 4287 §4.2.6)"]


@pytest.mark.parametrize("value", [
    "https://журнал.example/opds/все", "tag:example.org,2024:opds/all", "urn:isbn:9785400000000"])
def test_absolute_feed_ids_pass(tmp_path, value):
    path = replaced(tmp_path, "acquisition.xml", "<id>urn:uuid:66cf743b-cadd-505a-9f3f-58a19b6794c0</id>",
                    f"<id>{value}</id>")
    assert opds_problems(path) == []


def test_duplicate_entry_ids(tmp_path):
    path = replaced(tmp_path, "acquisition.xml", f"<id>{POLYGLOT}</id>", f"<id>{BATUNAEV}</id>")
    tree = etree.parse(str(path))
    entries = tree.xpath("//atom:entry", namespaces=NS)
    second_id = entries[1].find(f"{{{ATOM}}}id").sourceline
    assert opds_problems(path) == [
        f"{path}:{second_id}: atom:id {BATUNAEV!r} is already the id of the entry at line {entries[0].sourceline}"]


# ----- OPDS feed links (OPDS 1.2 §2, §7.1) -----

@pytest.mark.parametrize("fixture", ["acquisition.xml", "navigation.xml"])
@pytest.mark.parametrize("rel", ["self", "start"])
def test_feed_without_self_or_start_link(tmp_path, fixture, rel):
    path = edited(tmp_path, fixture, lambda tree: remove(tree, f"/atom:feed/atom:link[@rel='{rel}']"))
    assert opds_problems(path) == [
        f"{path}:{line(path, '/atom:feed')}: atom:feed has no link with rel=\"{rel}\" (OPDS 1.2 §2.1, §2.6)"]


def test_feed_with_two_self_links(tmp_path):
    def edit(tree):
        first(tree, "/atom:feed/atom:link[@rel='self']").addnext(
            etree.Element(f"{{{ATOM}}}link", rel="self", href="all-2.xml", type=ACQUISITION_TYPE))

    path = edited(tmp_path, "acquisition.xml", edit)
    at = line(path, "//atom:link[@href='all-2.xml']")
    assert opds_problems(path) == [
        f"{path}:{at}: atom:feed has more than one link with rel=\"self\" (OPDS 1.2 §2.1, §2.6)"]


@pytest.mark.parametrize("rel, media_type, described", [
    ("self", "application/atom+xml", "type 'application/atom+xml'"),
    ("self", "application/atom+xml;profile=opds-catalog", "type 'application/atom+xml;profile=opds-catalog'"),
    ("start", "application/atom+xml;profile=opds-catalog;kind=bookshelf",
     "type 'application/atom+xml;profile=opds-catalog;kind=bookshelf'"),
    ("up", "application/atom+xml;type=entry;profile=opds-catalog;kind=navigation",
     "type 'application/atom+xml;type=entry;profile=opds-catalog;kind=navigation'"),
    ("up", "text/html", "type 'text/html'"),
    ("up", None, "no type"),
])
def test_feed_link_with_wrong_catalog_media_type(tmp_path, rel, media_type, described):
    def edit(tree):
        link = first(tree, f"/atom:feed/atom:link[@rel='{rel}']")
        if media_type is None:
            del link.attrib["type"]
        else:
            link.set("type", media_type)

    path = edited(tmp_path, "acquisition.xml", edit)
    at = line(path, f"/atom:feed/atom:link[@rel='{rel}']")
    assert rules(opds_problems(path)) == [
        f"{path}:{at}: link rel=\"{rel}\" has {described}, not an OPDS catalog feed type "
        f"(application/atom+xml;profile=opds-catalog;kind=navigation or kind=acquisition, OPDS 1.2 §7.1.3)"]


def test_self_link_kind_decides_the_feed_kind(tmp_path):
    # A self link that says "navigation" on a feed of publications: every entry is then
    # an OPDS Catalog Entry inside a Navigation Feed, which OPDS §2.2 forbids.
    path = replaced(tmp_path, "acquisition.xml", f'href="all.xml"\n        type="{ACQUISITION_TYPE}"',
                    f'href="all.xml"\n        type="{NAVIGATION_TYPE}"')
    problems = opds_problems(path)
    epub = line(path, f"{SECOND_ENTRY}/atom:link[@type='application/epub+zip']")
    assert (f"{path}:{epub}: acquisition link in atom:entry {POLYGLOT!r} of a navigation feed (OPDS 1.2 §2.2)"
            in problems)
    assert (f"{path}:{line(path, SECOND_ENTRY)}: atom:entry {POLYGLOT!r} in a navigation feed has no link to a "
            f"catalog feed (type application/atom+xml;profile=opds-catalog;kind=..., OPDS 1.2 §2.2)") in problems


# ----- entries of acquisition and navigation feeds -----

def test_acquisition_entry_without_acquisition_link(tmp_path):
    path = edited(tmp_path, "acquisition.xml", lambda tree: remove(
        tree, f"{SECOND_ENTRY}/atom:link[starts-with(@rel, 'http://opds-spec.org/acquisition')]"))
    assert opds_problems(path) == [
        f"{path}:{line(path, SECOND_ENTRY)}: atom:entry {POLYGLOT!r} in an acquisition feed has no acquisition "
        f"link with a type (rel http://opds-spec.org/acquisition..., OPDS 1.2 §5.4)"]


def test_acquisition_link_without_type(tmp_path):
    href = "../polyglot-fixture/polyglot-fixture.epub"
    epub = f"//atom:link[@href='{href}']"
    path = edited(tmp_path, "acquisition.xml", lambda tree: first(tree, epub).attrib.pop("type"))
    assert opds_problems(path) == [
        f"{path}:{line(path, SECOND_ENTRY)}: atom:entry {POLYGLOT!r} in an acquisition feed has no acquisition "
        f"link with a type (rel http://opds-spec.org/acquisition..., OPDS 1.2 §5.4)",
        f"{path}:{line(path, epub)}: acquisition link {href!r} has no type (OPDS 1.2 §5.3)"]


def test_navigation_entry_without_link_to_a_catalog_feed(tmp_path):
    path = edited(tmp_path, "navigation.xml",
                  lambda tree: first(tree, "//atom:entry/atom:link[@rel='subsection']").set("type", "text/html"))
    entry = "//atom:entry[atom:link/@rel='subsection']"
    assert opds_problems(path) == [
        f"{path}:{line(path, entry)}: atom:entry 'urn:uuid:060b5a8f-acbd-5832-97d1-2ff806148b91' in a navigation "
        f"feed has no link to a catalog feed (type application/atom+xml;profile=opds-catalog;kind=..., OPDS 1.2 §2.2)"]


def test_navigation_feed_is_recognised_without_self_kind(tmp_path):
    # No self link: a feed with no Acquisition Links is a navigation feed, and its entries
    # are held to the navigation rule (OPDS §2).
    def edit(tree):
        remove(tree, "/atom:feed/atom:link[@rel='self']")
        first(tree, "//atom:entry/atom:link[@rel='subsection']").set("type", "text/html")

    problems = opds_problems(edited(tmp_path, "navigation.xml", edit))
    assert [problem.split(": ", 1)[1] for problem in problems] == [
        "atom:feed has no link with rel=\"self\" (OPDS 1.2 §2.1, §2.6)",
        "atom:entry 'urn:uuid:060b5a8f-acbd-5832-97d1-2ff806148b91' in a navigation feed has no link to a catalog "
        "feed (type application/atom+xml;profile=opds-catalog;kind=..., OPDS 1.2 §2.2)"]


@pytest.mark.parametrize("media_type", ["text/html", "image/webp", None])
def test_image_link_with_a_non_image_type(tmp_path, media_type):
    def edit(tree):
        link = first(tree, f"{ENTRY}/atom:link[@rel='http://opds-spec.org/image']")
        if media_type is None:
            del link.attrib["type"]
        else:
            link.set("type", media_type)

    path = edited(tmp_path, "acquisition.xml", edit)
    at = line(path, f"{ENTRY}/atom:link[@rel='http://opds-spec.org/image']")
    described = f"type {media_type!r}" if media_type else "no type"
    assert opds_problems(path) == [
        f"{path}:{at}: image link '../batunaev-2019-khalkhin-gol/cover.png' has {described}, not one of image/gif, image/jpeg, "
        f"image/png, image/svg+xml (OPDS 1.2 §5.2.2)"]


def test_thumbnail_link_with_a_non_image_type(tmp_path):
    path = replaced(tmp_path, "acquisition.xml", 'type="image/jpeg"', 'type="text/html"')
    at = line(path, f"{ENTRY}/atom:link[@rel='http://opds-spec.org/image/thumbnail']")
    assert opds_problems(path) == [
        f"{path}:{at}: image link '../batunaev-2019-khalkhin-gol/cover-thumbnail.jpg' has type 'text/html', not one of "
        f"image/gif, image/jpeg, image/png, image/svg+xml (OPDS 1.2 §5.2.2)"]


# ----- facets (OPDS 1.2 §4) -----

def facet(title: str, group: str, active: bool) -> etree._Element:
    link = etree.Element(f"{{{ATOM}}}link", {"rel": "http://opds-spec.org/facet", "href": f"{title}.xml",
                                             "title": title, f"{{{OPDS}}}facetGroup": group})
    if active:
        link.set(f"{{{OPDS}}}activeFacet", "true")
    return link


def test_two_active_facets_in_one_group(tmp_path):
    def edit(tree):
        up = first(tree, "/atom:feed/atom:link[@rel='up']")
        up.addnext(facet("история", "Раздел", active=True))
        up.addnext(facet("экономика", "Раздел", active=True))
        up.addnext(facet("ru", "Язык", active=True))

    path = edited(tmp_path, "acquisition.xml", edit)
    # addnext puts each after "up", so the last one added comes first.
    first_active = line(path, "//atom:link[@title='экономика']")
    second_active = line(path, "//atom:link[@title='история']")
    assert opds_problems(path) == [
        f"{path}:{second_active}: second active facet in group 'Раздел' (the first is at line {first_active}, "
        f"OPDS 1.2 §4)"]


def test_facet_link_in_a_navigation_feed(tmp_path):
    path = edited(tmp_path, "navigation.xml", lambda tree: first(tree, "/atom:feed/atom:link[@rel='start']")
                  .addnext(facet("история", "Раздел", active=False)))
    at = line(path, "//atom:link[@title='история']")
    assert opds_problems(path) == [f"{path}:{at}: facet link in a navigation feed (OPDS 1.2 §4)"]


# ----- what only the schema checks -----

def polyglot_epub(tmp_path: Path, rel: str, children: str = "") -> Path:
    old = ('rel="http://opds-spec.org/acquisition/open-access"\n'
           '          href="../polyglot-fixture/polyglot-fixture.epub"\n'
           '          type="application/epub+zip"/>')
    new = (f'rel="{rel}"\n          href="../polyglot-fixture/polyglot-fixture.epub"\n'
           f'          type="application/epub+zip">{children}</link>')
    return replaced(tmp_path, "acquisition.xml", old, new)


def test_buy_link_without_price(tmp_path):
    # OPDS §5.4: a .../acquisition/buy link holds at least one opds:price.
    path = polyglot_epub(tmp_path, "http://opds-spec.org/acquisition/buy")
    at = line(path, f"{SECOND_ENTRY}/atom:link[@rel='http://opds-spec.org/acquisition/buy']")
    assert f"{path}:{at}: schema: Invalid attribute rel for element link" in opds_problems(path)
    assert rules(opds_problems(path)) == []


def test_price_on_an_open_access_link(tmp_path):
    path = polyglot_epub(tmp_path, "http://opds-spec.org/acquisition/open-access",
                         '<opds:price currencycode="RUB">150</opds:price>')
    at = line(path, f"{SECOND_ENTRY}/atom:link[opds:price]")
    assert f"{path}:{at}: schema: Element link has extra content: price" in opds_problems(path)


@pytest.mark.parametrize("price, message", [
    ('<opds:price currencycode="RUB">150 ₽</opds:price>', "schema: Type decimal doesn't allow value '150 ₽'"),
    ('<opds:price currencycode="rub">150</opds:price>', "schema: Element price failed to validate attributes"),
])
def test_malformed_price(tmp_path, price, message):
    path = polyglot_epub(tmp_path, "http://opds-spec.org/acquisition/borrow", price)
    at = line(path, f"{SECOND_ENTRY}/atom:link[opds:price]")
    assert f"{path}:{at}: {message}" in opds_problems(path)


def test_summary_must_be_plain_text(tmp_path):
    # OPDS §5.1.3 narrows RFC 4287: an OPDS summary is type "text".
    summary = '<summary type="html">&lt;p&gt;Кратко.&lt;/p&gt;</summary>'
    path = replaced(tmp_path, "acquisition.xml", "<rights>", f"{summary}\n    <rights>")
    at = line(path, f"{ENTRY}/atom:summary")
    assert f"{path}:{at}: schema: Invalid attribute type for element summary" in opds_problems(path)


def test_text_construct_with_an_unknown_type(tmp_path):
    path = replaced(tmp_path, "acquisition.xml", "<rights>", '<rights type="markdown">')
    at = line(path, f"{ENTRY}/atom:rights")
    assert f"{path}:{at}: schema: Extra element rights in interleave" in opds_problems(path)


def test_link_without_href(tmp_path):
    path = edited(tmp_path, "acquisition.xml",
                  lambda tree: first(tree, f"{ENTRY}/atom:link[1]").attrib.pop("href"))
    at = line(path, f"{ENTRY}/atom:link[1]")
    assert f"{path}:{at}: schema: Element link failed to validate attributes" in opds_problems(path)


def test_undefined_opds_element(tmp_path):
    # OPDS Appendix B: no elements from the OPDS namespace but the ones 1.2 defines.
    path = replaced(tmp_path, "acquisition.xml", "<rights>", "<opds:shelf/>\n    <rights>")
    at = line(path, f"{ENTRY}/opds:shelf")
    assert f"{path}:{at}: schema: Element entry has extra content: shelf" in opds_problems(path)


@pytest.mark.parametrize("old, new, message", [
    ("<dcterms:language>ru</dcterms:language>\n    <dcterms:issued>2019",
     "<dcterms:language>русский</dcterms:language>\n    <dcterms:issued>2019",
     "schema: Element language failed to validate content"),
    ("<dcterms:issued>2019</dcterms:issued>", "<dcterms:issued>в 2019 году</dcterms:issued>",
     "schema: Type gYear doesn't allow value 'в 2019 году'"),
])
def test_malformed_dublin_core(tmp_path, old, new, message):
    path = replaced(tmp_path, "acquisition.xml", old, new)
    at = line(path, f"{ENTRY}/dcterms:{'language' if 'language' in old else 'issued'}")
    assert f"{path}:{at}: {message}" in opds_problems(path)


def test_not_well_formed(tmp_path):
    path = replaced(tmp_path, "acquisition.xml", "</rights>", "</right>")
    at = next(number for number, text in enumerate(path.read_text().splitlines(), 1) if "</right>" in text)
    problems = opds_problems(path)
    assert len(problems) == 1
    assert problems[0].startswith(f"{path}:{at}: not well-formed XML: Opening and ending tag mismatch: rights")


# ----- entry documents (OPDS 1.2 §5) -----

def entry_document(tmp_path: Path, keep_author: bool = True) -> Path:
    tree = etree.parse(str(FIXTURES / "acquisition.xml"))
    entry = first(tree, ENTRY)
    if not keep_author:
        remove(tree, f"{ENTRY}/atom:author")
    path = tmp_path / "entry.xml"
    path.write_bytes(etree.tostring(entry, encoding="UTF-8", xml_declaration=True))
    return path


def test_valid_entry_document(tmp_path):
    assert opds_problems(entry_document(tmp_path)) == []


def test_entry_document_without_author(tmp_path):
    path = entry_document(tmp_path, keep_author=False)
    assert opds_problems(path) == [f"{path}:2: atom:entry has no atom:author (RFC 4287 §4.1.2)"]


# ----- opds_links -----

def test_links_of_a_feed_and_its_entries():
    assert opds_links(FIXTURES / "acquisition.xml") == [
        ("self", "all.xml"),
        ("start", "index.xml"),
        ("up", "index.xml"),
        ("http://opds-spec.org/image", "../batunaev-2019-khalkhin-gol/cover.png"),
        ("http://opds-spec.org/image/thumbnail", "../batunaev-2019-khalkhin-gol/cover-thumbnail.jpg"),
        ("http://opds-spec.org/acquisition/open-access", "../batunaev-2019-khalkhin-gol/batunaev-2019-khalkhin-gol.epub"),
        ("http://opds-spec.org/acquisition/open-access", "../batunaev-2019-khalkhin-gol/batunaev-2019-khalkhin-gol.pdf"),
        ("http://opds-spec.org/acquisition/open-access", "../polyglot-fixture/polyglot-fixture.epub"),
    ]


def test_links_default_rel_and_xml_base(tmp_path):
    def edit(tree):
        tree.getroot().set("{http://www.w3.org/XML/1998/namespace}base", "https://journal.example/opds/")
        first(tree, ENTRY).set("{http://www.w3.org/XML/1998/namespace}base", "../batunaev-2019-khalkhin-gol/")
        etree.SubElement(first(tree, ENTRY), f"{{{ATOM}}}link", href="entry.xml",
                         type="application/atom+xml;type=entry;profile=opds-catalog")

    links = opds_links(edited(tmp_path, "acquisition.xml", edit))
    assert links[0] == ("self", "https://journal.example/opds/all.xml")
    assert ("http://opds-spec.org/image", "https://journal.example/batunaev-2019-khalkhin-gol/cover.png") in links
    assert ("alternate", "https://journal.example/batunaev-2019-khalkhin-gol/entry.xml") in links
    assert links[-1] == ("http://opds-spec.org/acquisition/open-access",
                         "https://journal.example/polyglot-fixture/polyglot-fixture.epub")
