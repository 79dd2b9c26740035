"""Tests for storytrace.ingest: every format, and every way an input can be unusable."""

from __future__ import annotations

import gzip
import io
import json
import pickle
import sys

import pytest

from storytrace.readers.records import (
    IngestError,
    expand_paths,
    iter_records,
    looks_english,
    read_articles,
)
from storytrace.model import Article

STORY = (
    "The ferry service to the northern islands resumed on Friday after a three-day "
    "strike by crew members, the operator said.\n\n"
    "A spokesperson said talks over pay would continue next week."
)


def write(path, content, mode="w"):
    if mode == "w":
        path.write_text(content, encoding="utf-8", newline="")
    else:
        path.write_bytes(content)
    return path


def jsonl(*records) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


# --------------------------------------------------------------------------- IngestError


def test_ingest_error_str_and_fields():
    e = IngestError("articles.jsonl", "invalid JSON (Expecting ',' delimiter)", 7)
    assert str(e) == "articles.jsonl:7: invalid JSON (Expecting ',' delimiter)"
    assert (e.path, e.line, e.message) == ("articles.jsonl", 7, "invalid JSON (Expecting ',' delimiter)")
    assert str(IngestError("a.txt", "empty file")) == "a.txt: empty file"
    again = pickle.loads(pickle.dumps(e))
    assert (again.path, again.line, again.message) == (e.path, e.line, e.message)


# --------------------------------------------------------------------------- .txt / .md


def test_txt_without_front_matter(tmp_path):
    p = write(tmp_path / "ferry-strike.txt", "\n\n  " + STORY + "\n\n   \n")
    [a] = read_articles([p])
    assert a.id == "ferry-strike"
    assert a.text == STORY
    assert a.title is None and a.source is None
    assert a.origin == str(p)


def test_txt_with_front_matter(tmp_path):
    content = (
        "---\n"
        "title: Ferry strike ends\n"
        'source: "Island Times"\n'
        "url: https://example.org/ferry\n"
        "published_at: 2024-05-10T08:00:00Z\n"
        "id: island-times-ferry\n"
        "author: Someone Unknown\n"
        "---\n"
        "\n\n" + STORY + "\n  \n"
    )
    [a] = read_articles([write(tmp_path / "x.md", content)])
    assert a.id == "island-times-ferry"
    assert a.title == "Ferry strike ends"
    assert a.source == "Island Times"
    assert a.url == "https://example.org/ferry"
    assert a.published_at == "2024-05-10T08:00:00Z"
    assert a.text == STORY


def test_front_matter_without_id_uses_stem_and_date_alias(tmp_path):
    p = write(tmp_path / "v2.txt", "---\ntitle: T\ndate: 2024-05-10\n---\nBody text here.")
    [a] = read_articles([p])
    assert (a.id, a.title, a.published_at, a.text) == ("v2", "T", "2024-05-10", "Body text here.")


def test_leading_dashes_that_are_not_front_matter_stay_text(tmp_path):
    p = write(tmp_path / "a.txt", "---\nJust a rule, then prose.\n---\nMore prose.")
    [a] = read_articles([p])
    assert a.text == "---\nJust a rule, then prose.\n---\nMore prose."


def test_unclosed_front_matter_is_an_error(tmp_path):
    p = write(tmp_path / "a.txt", "---\ntitle: Oops\n\nThe body follows without a closing line.")
    with pytest.raises(IngestError, match="never closed") as ei:
        read_articles([p])
    assert ei.value.line == 1


def test_crlf_and_bom(tmp_path):
    raw = ("\ufeff---\r\ntitle: Windows\r\n---\r\n" + STORY.replace("\n", "\r\n") + "\r\n").encode("utf-8")
    [a] = read_articles([write(tmp_path / "win.txt", raw, "wb")])
    assert a.title == "Windows"
    assert a.text == STORY
    assert "\r" not in a.text and not a.text.startswith("\ufeff")


def test_text_kept_exactly_inside(tmp_path):
    body = "He said \u201cno comment\u201d\u2014twice.\n\n\tIndented   spaces  kept.  Caf\u00e9."
    [a] = read_articles([write(tmp_path / "a.txt", body + "\n")])
    assert a.text == body


def test_utf16_with_bom_is_decoded(tmp_path):
    p = write(tmp_path / "u16.txt", ("Caf\u00e9 owners said " + STORY).encode("utf-16"), "wb")
    [a] = read_articles([p])
    assert a.text == "Caf\u00e9 owners said " + STORY


def test_only_front_matter_is_an_error(tmp_path):
    with pytest.raises(IngestError, match="no article text"):
        read_articles([write(tmp_path / "a.txt", "---\ntitle: T\n---\n\n  \n")])


# --------------------------------------------------------------------------- .jsonl


def test_jsonl_fields_and_coercion(tmp_path):
    p = write(
        tmp_path / "batch.jsonl",
        jsonl(
            {"id": "a1", "text": STORY, "title": "Ferry", "source": "Wire", "url": "https://e.org/a1",
             "published_at": "2024-05-10"},
            {"id": 42, "text": ["First paragraph.", "Second paragraph."], "title": 7,
             "source": ["Wire", "Staff"], "published_at": 1715328000},
        )
        + "\n   \n",  # blank lines are skipped
    )
    a, b = read_articles([p])
    assert (a.id, a.title, a.source, a.url, a.published_at) == ("a1", "Ferry", "Wire", "https://e.org/a1", "2024-05-10")
    assert a.text == STORY and a.origin == f"{p}:1"
    assert b.id == "42" and b.title == "7" and b.source == "Wire, Staff"
    assert b.text == "First paragraph.\n\nSecond paragraph."
    assert b.published_at == "2024-05-10T08:00:00Z"
    assert b.origin == f"{p}:2"


def test_ndjson_extension_and_crlf_in_text(tmp_path):
    p = write(tmp_path / "b.ndjson", jsonl({"id": "x", "text": "Line one.\r\nLine two.\r\n"}))
    [a] = read_articles([p])
    assert a.text == "Line one.\nLine two."


def test_malformed_jsonl_line_strict_names_file_and_line(tmp_path):
    good = jsonl({"id": "a", "text": "Alpha text."})
    p = write(tmp_path / "articles.jsonl", good + '{"id": "b" "text": "x"}\n' + jsonl({"id": "c", "text": "Gamma."}))
    with pytest.raises(IngestError) as ei:
        read_articles([p])
    e = ei.value
    assert e.path == str(p) and e.line == 2
    assert str(e).startswith(f"{p}:2: invalid JSON (Expecting ',' delimiter")


def test_malformed_jsonl_lenient_keeps_good_lines(tmp_path):
    p = write(
        tmp_path / "mixed.jsonl",
        jsonl({"id": "a", "text": "Alpha."})
        + "not json at all\n"
        + jsonl({"text": "No id here."})
        + jsonl({"id": "d", "text": "   "})
        + "[1, 2]\n"
        + jsonl({"id": "f", "text": "Foxtrot."}),
    )
    recs = list(iter_records(p, strict=False))
    assert [r.id for r in recs if isinstance(r, Article)] == ["a", "f"]
    errors = [r for r in recs if isinstance(r, IngestError)]
    assert [e.line for e in errors] == [2, 3, 4, 5]
    assert "invalid JSON" in errors[0].message
    assert "id" in errors[1].message
    assert "empty" in errors[2].message and "'d'" in errors[2].message
    assert "JSON object" in errors[3].message
    assert all(e.path == str(p) for e in errors)


def test_jsonl_non_utf8_line_lenient(tmp_path):
    data = jsonl({"id": "a", "text": "Fine."}).encode() + b'{"id": "b", "text": "caf\xe9"}\n' + jsonl({"id": "c", "text": "Ok."}).encode()
    p = write(tmp_path / "enc.jsonl", data, "wb")
    recs = list(iter_records(p, strict=False))
    assert [r.id for r in recs if isinstance(r, Article)] == ["a", "c"]
    [err] = [r for r in recs if isinstance(r, IngestError)]
    assert err.line == 2 and "UTF-8" in err.message


def test_jsonl_gz(tmp_path):
    p = tmp_path / "batch.jsonl.gz"
    p.write_bytes(gzip.compress(jsonl({"id": "g1", "text": "Zipped text."}).encode()))
    [a] = read_articles([p])
    assert (a.id, a.text, a.origin) == ("g1", "Zipped text.", f"{p}:1")


def test_bad_gz_is_an_error(tmp_path):
    p = write(tmp_path / "fake.jsonl.gz", b"this is not gzip data at all", "wb")
    with pytest.raises(IngestError, match="decompress"):
        read_articles([p])


def test_stdin_jsonl(monkeypatch):
    data = jsonl({"id": "s1", "text": "From a pipe."}, {"id": "s2", "text": "Second."})
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data.encode()), encoding="utf-8"))
    arts = read_articles(["-"])
    assert [a.id for a in arts] == ["s1", "s2"]
    assert arts[1].origin == "<stdin>:2"


def test_jsonl_column_map(tmp_path):
    p = write(tmp_path / "m.jsonl", jsonl({"uid": "m1", "body": "Mapped.", "headline": "H"}))
    [a] = read_articles([p], column_map={"id": "uid", "text": "body", "title": "headline"})
    assert (a.id, a.text, a.title) == ("m1", "Mapped.", "H")


# --------------------------------------------------------------------------- .csv


def test_csv_basic_with_multiline_field(tmp_path):
    content = (
        "id,title,text,source\r\n"
        'c1,First,"Para one.\r\n\r\nPara two, with a comma.",Wire\r\n'
        "c2,Second,Plain text.,\r\n"
    )
    p = write(tmp_path / "arts.csv", content)
    a, b = read_articles([p])
    assert a.text == "Para one.\n\nPara two, with a comma."
    assert (a.id, a.title, a.source, a.origin) == ("c1", "First", "Wire", f"{p}:2")
    assert (b.id, b.source, b.origin) == ("c2", None, f"{p}:5")


def test_csv_column_map_and_line_numbers(tmp_path):
    content = "ID,TITLE,BODY\nk1,Kilo,Text of kilo.\nk2,Lima,\nk3,Mike,Text of mike.\n"
    p = write(tmp_path / "mapped.csv", content)
    cmap = {"title": "TITLE", "text": "BODY"}
    recs = list(iter_records(p, strict=False, column_map=cmap))
    assert [(r.id, r.title) for r in recs if isinstance(r, Article)] == [("k1", "Kilo"), ("k3", "Mike")]
    [err] = [r for r in recs if isinstance(r, IngestError)]
    assert err.line == 3 and "empty" in err.message
    with pytest.raises(IngestError) as ei:
        read_articles([p], column_map=cmap)
    assert ei.value.line == 3


def test_csv_missing_required_column(tmp_path):
    p = write(tmp_path / "bad.csv", "id,headline\n1,Hello\n")
    with pytest.raises(IngestError, match="'text'") as ei:
        read_articles([p])
    assert ei.value.line == 1 and "column_map" in ei.value.message


def test_csv_gz_and_long_field(tmp_path):
    long_text = "word " * 40000  # > csv's default 128 KB field limit
    buf = io.StringIO()
    import csv

    w = csv.writer(buf)
    w.writerow(["id", "text"])
    w.writerow(["long", long_text])
    p = tmp_path / "big.csv.gz"
    p.write_bytes(gzip.compress(buf.getvalue().encode()))
    [a] = read_articles([p])
    assert a.id == "long" and a.text == long_text.strip()


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


# --------------------------------------------------------------------------- file-level errors


def test_file_not_found(tmp_path):
    with pytest.raises(IngestError, match="file not found") as ei:
        read_articles([tmp_path / "nope.txt"])
    assert ei.value.path == str(tmp_path / "nope.txt") and ei.value.line is None


@pytest.mark.parametrize("name", ["e.txt", "e.jsonl", "e.csv", "e.html"])
def test_empty_file(tmp_path, name):
    with pytest.raises(IngestError, match="empty"):
        read_articles([write(tmp_path / name, "")])


def test_whitespace_only_txt(tmp_path):
    with pytest.raises(IngestError, match="no article text"):
        read_articles([write(tmp_path / "w.txt", "  \n\n \t\n")])


def test_binary_file(tmp_path):
    p = write(tmp_path / "blob.txt", b"abc\x00\x01\x02\x00def" * 20, "wb")
    with pytest.raises(IngestError, match="binary"):
        read_articles([p])


def test_pdf_named_txt(tmp_path):
    p = write(tmp_path / "paper.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "wb")
    with pytest.raises(IngestError, match="PDF"):
        read_articles([p])


def test_non_utf8_file_gives_offset_line_and_advice(tmp_path):
    data = "First line is fine.\nSecond line too.\n".encode() + b"Third has caf\xe9 in Latin-1.\n"
    p = write(tmp_path / "latin.txt", data, "wb")
    with pytest.raises(IngestError) as ei:
        read_articles([p])
    e = ei.value
    assert e.line == 3
    assert "UTF-8" in e.message and "0xE9" in e.message
    bad_at = data.index(b"\xe9")
    assert f"offset {bad_at}" in e.message
    assert "re-encode" in e.message


def test_file_over_size_limit(tmp_path):
    p = write(tmp_path / "big.txt", STORY * 10)
    with pytest.raises(IngestError, match="limit"):
        read_articles([p], max_bytes=100)
    assert read_articles([p], max_bytes=None)[0].id == "big"


def test_gz_over_size_limit_after_decompression(tmp_path):
    p = tmp_path / "bomb.txt.gz"
    p.write_bytes(gzip.compress(b"a" * 5000))
    assert len(p.read_bytes()) < 200
    with pytest.raises(IngestError, match="limit"):
        read_articles([p], max_bytes=1000)


def test_jsonl_over_size_limit_lenient_keeps_earlier_records(tmp_path):
    p = tmp_path / "many.jsonl.gz"
    p.write_bytes(gzip.compress(jsonl(*({"id": str(i), "text": "x" * 50} for i in range(100))).encode()))
    recs = list(iter_records(p, strict=False, max_bytes=1000))
    assert isinstance(recs[-1], IngestError) and "limit" in recs[-1].message
    assert all(isinstance(r, Article) for r in recs[:-1]) and len(recs) > 5


def test_unsupported_extension_lists_supported(tmp_path):
    p = write(tmp_path / "story.docx", "whatever")
    with pytest.raises(IngestError, match=r"unsupported file type \.docx") as ei:
        read_articles([p])
    assert ".jsonl" in ei.value.message and ".html" in ei.value.message


def test_directory_expands_to_sorted_supported_files(tmp_path):
    d = tmp_path / "story"
    d.mkdir()
    write(d / "b.txt", "Version b of the story.")
    write(d / "a.md", "Version a of the story.")
    write(d / "notes.docx", "ignored")
    write(d / ".hidden.txt", "ignored")
    write(d / "c.jsonl", jsonl({"id": "c", "text": "Version c."}))
    assert [a.id for a in read_articles([d])] == ["a", "b", "c"]
    assert expand_paths([d]) == [str(d / "a.md"), str(d / "b.txt"), str(d / "c.jsonl")]


def test_directory_without_supported_files(tmp_path):
    (tmp_path / "x.docx").write_text("no")
    with pytest.raises(IngestError, match="no supported files"):
        read_articles([tmp_path])


def test_duplicate_ids_name_both_places(tmp_path):
    a = write(tmp_path / "one.txt", "---\nid: same\n---\nFirst text.")
    b = write(tmp_path / "more.jsonl", jsonl({"id": "other", "text": "x."}, {"id": "same", "text": "Second."}))
    with pytest.raises(IngestError, match="duplicate") as ei:
        read_articles([a, b])
    e = ei.value
    assert e.path == str(b) and e.line == 2
    assert str(a) in e.message and "'same'" in e.message


def test_first_problem_raised_in_compare_mode(tmp_path):
    ok = write(tmp_path / "ok.txt", "Fine text.")
    with pytest.raises(IngestError, match="file not found"):
        read_articles([ok, tmp_path / "missing.txt", write(tmp_path / "x.docx", "z")])


def test_lenient_file_level_error_is_yielded_not_raised(tmp_path):
    recs = list(iter_records(tmp_path / "missing.jsonl", strict=False))
    assert len(recs) == 1 and isinstance(recs[0], IngestError)


# --------------------------------------------------------------------------- language


def test_non_english_text_accepted_and_flagged(tmp_path):
    german = (
        "Die Stadtbibliothek bleibt ab März an Werktagen bis neun Uhr abends geöffnet, "
        "teilte der Landkreis am Mittwoch mit. Die zusätzlichen Stunden werden von einer "
        "örtlichen Stiftung bezahlt."
    )
    [a] = read_articles([write(tmp_path / "de.txt", german)])
    assert a.text == german
    assert looks_english(a.text) is False
    assert looks_english(STORY) is True


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Le pont du port a rouvert à la circulation mardi après onze semaines de travaux, a indiqué la mairie.", False),
        ("Мост в гавани вновь открылся для движения во вторник после одиннадцати недель ремонта.", False),
        ("El puente del puerto volvió a abrirse al tráfico el martes tras once semanas de obras.", False),
        ("Police arrested three men on Monday night after a robbery at a shop in the city centre.", True),
        ("Short note.", True),
    ],
)
def test_looks_english(text, expected):
    assert looks_english(text) is expected
