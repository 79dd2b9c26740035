"""Tests for storytrace.readers.html: HTML pages, main text via trafilatura."""

from __future__ import annotations

import pytest

from storytrace.readers import IngestError, read_articles
from tests.readers.helpers import write


# --------------------------------------------------------------------------- .html


PAGE = """<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Library extends opening hours | Valley Courier</title>
<meta property="og:title" content="Library extends opening hours">
<meta property="article:published_time" content="2024-02-14T07:15:00Z">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/local">Local</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/subscribe">Subscribe today</a></li></ul></nav>
<div class="promo">Sign up for our newsletter and never miss a story!</div>
<main><article>
<h1>Library extends opening hours</h1>
<p>The central library will stay open until nine in the evening on weekdays from March, the county announced on Wednesday.</p>
<h2>Funding from a local trust</h2>
<p>The extra hours are paid for by a grant of 120,000 pounds from a local charitable trust, according to head librarian Sam Okafor.</p>
<p>Students had asked for longer hours<br>in a petition signed by 2,300 people last autumn.</p>
</article></main>
<aside><h3>Most popular</h3><ul><li><a href="/x">Dog wins baking contest</a></li>
<li><a href="/y">Roadworks on the bypass</a></li></ul></aside>
<footer><p>Copyright 2024 Valley Courier Media. All rights reserved.</p>
<a href="/privacy">Privacy</a> <a href="/cookies">Cookie settings</a></footer>
</body></html>
"""


def test_html_extraction_drops_boilerplate(tmp_path):
    [a] = read_articles([write(tmp_path / "courier.html", PAGE)])
    assert a.id == "courier"
    assert a.title == "Library extends opening hours"
    assert a.published_at == "2024-02-14T07:15:00Z"
    assert a.origin == str(tmp_path / "courier.html")
    for boiler in ("Subscribe", "newsletter", "Most popular", "Copyright", "Cookie", "Dog wins"):
        assert boiler not in a.text
    blocks = a.text.split("\n\n")
    assert blocks == [
        "Library extends opening hours",
        "The central library will stay open until nine in the evening on weekdays from March, "
        "the county announced on Wednesday.",
        "Funding from a local trust",
        "The extra hours are paid for by a grant of 120,000 pounds from a local charitable trust, "
        "according to head librarian Sam Okafor.",
        "Students had asked for longer hours\nin a petition signed by 2,300 people last autumn.",
    ]


def test_html_title_fallback_and_htm(tmp_path):
    page = (
        "<html><head><title>Council  votes on\n budget</title></head><body><article>"
        "<p>The council voted by twelve to five to approve the budget for next year, which raises "
        "spending on roads and schools while freezing the council tax.</p></article></body></html>"
    )
    [a] = read_articles([write(tmp_path / "v.htm", page)])
    assert a.title == "Council votes on budget"
    assert a.text.startswith("The council voted")


def test_html_without_text_is_an_error(tmp_path):
    p = write(tmp_path / "empty.html", "<html><head><title>Nothing</title></head><body></body></html>")
    with pytest.raises(IngestError, match="no article text found"):
        read_articles([p])


def test_html_legacy_charset_from_meta(tmp_path):
    page = (
        '<html><head><meta charset="windows-1252"><title>Caf\xe9</title></head><body><article>'
        "<p>The caf\xe9 on the high street closed its doors on Sunday after forty years of trading, "
        "its owners said in a statement.</p></article></body></html>"
    )
    [a] = read_articles([write(tmp_path / "cafe.html", page.encode("cp1252"), "wb")])
    assert "caf\u00e9 on the high street" in a.text
