"""``.html`` / ``.htm`` files: one article per page, main text via trafilatura.

Bytes are decoded as UTF-8 (or BOM-marked UTF-16), falling back to the
page's ``<meta charset>``.  The main text comes from trafilatura's XML output,
rebuilt as one paragraph per block (paragraph, heading, list item) with
blocks separated by a blank line and ``<br>`` kept as a single newline, so
navigation, promos, asides and footers are left out.  Title, URL and site
name come from trafilatura's metadata (title falling back to ``<title>``);
``published_at`` prefers the full timestamp of a published-time ``<meta>``
tag when it agrees with trafilatura's date.  The id is the file name's stem.
"""

from __future__ import annotations

import re

from storytrace.model import Article
from storytrace.readers.files import IngestError, decode, newlines, stem

__all__ = ["parse_html"]

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_PUBLISHED_META = re.compile(
    r"""<meta[^>]+(?:property|name|itemprop)\s*=\s*["'](?:article:published_time|datePublished|pubdate)["'][^>]*>""",
    re.I,
)
_CONTENT_ATTR = re.compile(r"""content\s*=\s*["']([^"']+)["']""", re.I)
_TITLE_TAG = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
_BLOCK_TAGS = ("p", "head", "item", "quote", "cell", "code", "list")


def parse_html(name: str, data: bytes) -> Article:
    """The article in an HTML page's bytes; `IngestError` when no main text is found."""
    m = _META_CHARSET.search(data[:4096])
    fallback = m.group(1).decode("ascii", "replace") if m else None
    html = decode(name, data, fallback=fallback)
    try:
        import trafilatura
    except ImportError:  # pragma: no cover - it is a declared dependency
        raise IngestError(name, "reading HTML needs the trafilatura package") from None

    text = _html_text(html)
    if not text:
        raise IngestError(name, "no article text found in the HTML")
    title = published = url = source = None
    try:
        md = trafilatura.extract_metadata(html, date_config={"original_date": True, "extensive_search": True})
    except Exception:  # metadata is a bonus; never fail the article over it
        md = None
    if md is not None:
        title, published, url, source = md.title, md.date, md.url, md.sitename
    if not title:
        tm = _TITLE_TAG.search(html)
        if tm:
            import html as _html

            title = " ".join(_html.unescape(tm.group(1)).split()) or None
    published = _full_timestamp(html, published)
    return Article(
        id=stem(name),
        text=text,
        title=title or None,
        source=source or None,
        url=url or None,
        published_at=published or None,
        origin=name,
    )


def _html_text(html: str) -> str:
    """Main text via trafilatura, one block (paragraph, heading, list item) per
    paragraph, blocks separated by a blank line, ``<br>`` kept as a single newline.

    trafilatura's plain-text output joins every block with a single ``\\n`` --
    the same as a ``<br>`` inside a paragraph -- so paragraph boundaries are
    rebuilt from its XML output instead.
    """
    import trafilatura

    opts = dict(include_comments=False, include_tables=False, favor_precision=True)
    xml = trafilatura.extract(html, output_format="xml", **opts)
    text = _xml_to_text(xml) if xml else ""
    if not text:  # fall back to the plain output (and to default precision)
        plain = trafilatura.extract(html, **opts) or trafilatura.extract(
            html, include_comments=False, include_tables=False
        )
        text = newlines(plain or "").strip()
    return text


def _xml_to_text(xml: str) -> str:
    from lxml import etree

    try:
        root = etree.fromstring(xml.encode("utf-8"))
    except etree.XMLSyntaxError:
        return ""
    main = root.find(".//main")
    if main is None:
        return ""
    blocks: list[str] = []

    def inline(el) -> str:
        parts = [el.text or ""]
        for child in el:
            if child.tag == "lb":
                parts.append("\n")
            elif child.tag in _BLOCK_TAGS:
                parts.append("\n")  # a block nested in a block: keep on its own line
                parts.append(inline(child))
            else:
                parts.append(inline(child))
            parts.append(child.tail or "")
        return "".join(parts)

    def has_own_text(el) -> bool:
        return bool((el.text or "").strip()) or any((c.tail or "").strip() for c in el)

    def add(el) -> None:
        txt = "\n".join(s.strip() for s in inline(el).split("\n")).strip()
        txt = re.sub(r"\n{2,}", "\n", txt)
        if txt:
            blocks.append(txt)

    def walk(el) -> None:
        for child in el:
            if child.tag == "lb":
                continue
            if child.tag in ("p", "head", "cell", "code"):
                add(child)
            elif has_own_text(child) or not len(child):
                add(child)  # an item, a quote without <p>, ...: one block
            else:  # list, quote, div, ...: a container of blocks
                walk(child)

    walk(main)
    return newlines("\n\n".join(blocks)).strip()


def _full_timestamp(html: str, date: str | None) -> str | None:
    """Prefer a full ISO timestamp from the page's published-time meta tag when
    it agrees with trafilatura's (date-only) publication date."""
    m = _PUBLISHED_META.search(html)
    if m:
        c = _CONTENT_ATTR.search(m.group(0))
        if c:
            stamp = c.group(1).strip()
            if re.match(r"^\d{4}-\d{2}-\d{2}", stamp) and (not date or stamp.startswith(date)):
                return stamp
    return date
