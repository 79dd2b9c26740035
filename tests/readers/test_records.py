"""Tests for storytrace.readers.records: JSONL, CSV and stdin, and the entry points over all inputs."""

from __future__ import annotations

import gzip
import io
import sys

import pytest

from storytrace.model import Article
from storytrace.readers import IngestError, iter_records, read_articles
from tests.readers.helpers import STORY, jsonl, write


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


def test_jsonl_over_size_limit_lenient_keeps_earlier_records(tmp_path):
    p = tmp_path / "many.jsonl.gz"
    p.write_bytes(gzip.compress(jsonl(*({"id": str(i), "text": "x" * 50} for i in range(100))).encode()))
    recs = list(iter_records(p, strict=False, max_bytes=1000))
    assert isinstance(recs[-1], IngestError) and "limit" in recs[-1].message
    assert all(isinstance(r, Article) for r in recs[:-1]) and len(recs) > 5


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
    # > csv's default 128 KB field limit, in sentences (one 40,000-word sentence is over MAX_SENTENCE_WORDS)
    long_text = "Word word word word. " * 10000
    buf = io.StringIO()
    import csv

    w = csv.writer(buf)
    w.writerow(["id", "text"])
    w.writerow(["long", long_text])
    p = tmp_path / "big.csv.gz"
    p.write_bytes(gzip.compress(buf.getvalue().encode()))
    [a] = read_articles([p])
    assert a.id == "long" and a.text == long_text.strip()


# --------------------------------------------------------------------------- over all inputs


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
