"""Issue 12 regressions: every record is checked alone; a bad one is reported (file:line) and skipped.

Each test is one defect as it was found: the bad record used to lose its whole
file (or reach the store as garbage); now only it is reported.
"""

from __future__ import annotations

import codecs
import gzip
import json
import os
import re
from pathlib import Path

import pytest

from storytrace.model import Article
from storytrace.readers import IngestError, iter_records, read_articles
from storytrace.readers import limits
from storytrace.readers.checks import article_problem, has_visible_text, shown_path
from tests.readers.helpers import jsonl, write

GOOD = "The council approved the new bridge over the Tamsey on Monday, officials said."


def records(path) -> tuple[list[Article], list[IngestError]]:
    out = list(iter_records(path, strict=False))
    return [r for r in out if isinstance(r, Article)], [r for r in out if isinstance(r, IngestError)]


def good_lines(n: int, prefix: str = "ok") -> list[str]:
    return [json.dumps({"id": f"{prefix}-{i}", "text": f"{GOOD} ({i})"}) for i in range(n)]


@pytest.mark.parametrize("field", ["text", "id", "title", "source", "url"])
def test_a_lone_surrogate_loses_only_its_own_line(tmp_path, field):
    lines = good_lines(40)
    bad = {"id": "bad", "text": "A text.", field: "x \ud800 y"}
    lines.insert(20, json.dumps(bad))  # json.dumps writes it as the escape \ud800
    p = write(tmp_path / "s.jsonl", "\n".join(lines) + "\n")
    good, errors = records(p)
    assert len(good) == 40
    [e] = errors
    assert e.line == 21 and "lone surrogate" in e.message and field in e.message


def test_a_latin1_row_in_a_utf8_csv_loses_only_that_row(tmp_path):
    rows = [f"r{i},{GOOD} {i}".encode() for i in range(99)]
    rows.insert(50, "x,Café owners protest".encode("latin-1"))
    p = write(tmp_path / "l.csv", b"id,text\n" + b"\n".join(rows) + b"\n", "wb")
    good, errors = records(p)
    assert len(good) == 99
    [e] = errors
    assert e.line == 52 and "0xE9" in e.message and "not valid UTF-8" in e.message


@pytest.mark.parametrize("field, digits", [("id", 5000), ("published_at", 5000), ("id", 200),
                                           ("published_at", 200), ("title", 300)])
def test_huge_integers_lose_only_their_record(tmp_path, field, digits):
    lines = good_lines(20)
    rec = '{"id": "h", "text": "A text.", "%s": %s}' % (field, "9" * digits)
    if field == "id":
        rec = '{"id": %s, "text": "A text."}' % ("9" * digits)
    lines.insert(10, rec)
    p = write(tmp_path / "h.jsonl", "\n".join(lines) + "\n")
    good, errors = records(p)
    assert len(good) == 20
    [e] = errors
    assert e.line == 11 and ("too long" in e.message or "digits" in e.message)
    assert "set_int_max_str_digits" not in e.message


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_non_finite_numbers_are_no_id_and_no_time(tmp_path, value):
    p = write(tmp_path / "n.jsonl", jsonl({"id": "a", "text": GOOD})
              + '{"id": %s, "text": "x"}\n{"id": "b", "text": "y", "published_at": %s}\n' % (value, value))
    good, errors = records(p)
    assert [a.id for a in good] == ["a"] and [e.line for e in errors] == [2, 3]


@pytest.mark.parametrize("text", ["\x00\x00\x00", "\u200b\u200b", "\ufeff \u200d\t\u2060", "\x1b\x07\u202e", "\u00ad"])
def test_text_of_only_invisible_characters_is_rejected(tmp_path, text):
    p = write(tmp_path / "z.jsonl", jsonl({"id": "ok", "text": GOOD}, {"id": "inv", "text": text}))
    good, errors = records(p)
    assert [a.id for a in good] == ["ok"]
    [e] = errors
    assert e.line == 2 and ("no readable text" in e.message or "empty" in e.message)


def test_a_text_file_of_zero_width_spaces_is_rejected(tmp_path):
    p = write(tmp_path / "zw.txt", "\u200b\u200b\u200b\n\u2060")
    with pytest.raises(IngestError, match="no readable text"):
        read_articles([p])


def test_an_id_of_only_invisible_characters_is_rejected():
    assert "no visible characters" in article_problem(Article(id="\u200b", text=GOOD))
    assert has_visible_text("a\u200b") and not has_visible_text("\u200b\x00 \u3000")


@pytest.mark.parametrize("bom, codec", [(b"", "utf-32"), (codecs.BOM_UTF32_BE, "utf-32-be"), (b"", "utf-16"),
                                        (codecs.BOM_UTF16_BE, "utf-16-be")])
def test_utf32_and_utf16_with_a_bom_are_read_as_the_text_they_hold(tmp_path, bom, codec):
    text = GOOD + " Café in Zürich."
    p = write(tmp_path / "w.txt", bom + text.encode(codec), "wb")
    [a] = read_articles([p])
    assert a.text == text
    j = write(tmp_path / "w.jsonl", bom + (json.dumps({"id": "j", "text": text}) + "\n").encode(codec), "wb")
    [b] = read_articles([j])
    assert b.text == text


@pytest.mark.parametrize("data, message", [
    ("A text without a byte-order mark.".encode("utf-16-le"), "without a byte-order mark"),
    ("A text without a byte-order mark.".encode("utf-32-le"), "without a byte-order mark"),
    ("A broken UTF-32 text.".encode("utf-32")[:-2], "not valid UTF-32"),
    (codecs.BOM_UTF16_LE + b"a\x00\x00\xd8c\x00", "not valid UTF-16"),
])
def test_wide_text_that_cannot_be_decoded_is_rejected_clearly(tmp_path, data, message):
    p = write(tmp_path / "w.txt", data, "wb")
    with pytest.raises(IngestError, match=message):
        read_articles([p])


def test_a_stray_nul_byte_in_a_csv_row_is_that_rows_problem_not_a_binary_file(tmp_path):
    rows = "".join(f"r{i},{GOOD} {i}\n" for i in range(30))
    p = write(tmp_path / "n.csv", ("id,text\n" + rows + "nul,\x00\x00\n").encode(), "wb")
    good, errors = records(p)
    assert len(good) == 30 and len(errors) == 1 and errors[0].line == 32


def test_a_file_name_that_is_not_utf8_is_reported_printably(tmp_path):
    folder = os.fsencode(tmp_path / "f")
    os.mkdir(folder)
    with open(os.path.join(folder, b"caf\xe9.txt"), "wb") as fh:
        fh.write(GOOD.encode())
    write(tmp_path / "f" / "fine.txt", GOOD)
    good, errors = records(tmp_path / "f")
    assert [a.id for a in good] == ["fine"]
    [e] = errors
    assert "not valid UTF-8" in e.message and e.path.endswith("caf\\xe9.txt")
    str(e).encode("utf-8")  # printable: no surrogates left in it
    assert shown_path(os.fsdecode(b"caf\xe9")) == "caf\\xe9"


def test_an_unreadable_folder_is_one_clear_error(tmp_path, monkeypatch):
    d = tmp_path / "sealed"
    d.mkdir()
    write(d / "a.txt", GOOD)
    real = os.listdir

    def listdir(path="."):
        if os.fspath(path) == str(d):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "listdir", listdir)  # chmod does not stop root
    with pytest.raises(IngestError, match="cannot read folder"):
        read_articles([d])


def test_a_folder_over_the_file_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr("storytrace.readers.files.MAX_FOLDER_FILES", 3)
    for i in range(4):
        write(tmp_path / f"a{i}.txt", GOOD)
    with pytest.raises(IngestError, match="more than the 3-file limit per folder"):
        read_articles([tmp_path])


def test_an_article_over_the_character_limit_is_refused_by_name(tmp_path):
    long_text = "word " * (limits.MAX_ARTICLE_CHARS // 5 + 10)
    p = write(tmp_path / "l.jsonl", jsonl({"id": "ok", "text": GOOD}, {"id": "long", "text": long_text}))
    good, errors = records(p)
    assert [a.id for a in good] == ["ok"]
    assert "1,000,000-character limit" in errors[0].message and "'long'" in errors[0].message
    just = write(tmp_path / "just.txt", "x" * limits.MAX_ARTICLE_CHARS)
    assert len(read_articles([just])[0].text) == limits.MAX_ARTICLE_CHARS


def test_a_jsonl_line_over_the_line_limit_is_skipped_and_reading_goes_on(tmp_path, monkeypatch):
    monkeypatch.setattr("storytrace.readers.records.MAX_RECORD_BYTES", 1000)
    lines = good_lines(3) + ['{"id": "big", "text": "' + "x" * 5000 + '"}'] + good_lines(2, prefix="after")
    p = tmp_path / "big.jsonl.gz"
    p.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    good, errors = records(p)
    assert [a.id for a in good] == ["ok-0", "ok-1", "ok-2", "after-0", "after-1"]
    [e] = errors
    assert e.line == 4 and "limit for one JSONL record" in e.message


@pytest.mark.parametrize("name", ["bomb.txt.gz", "bomb.csv.gz", "bomb.jsonl.gz"])
def test_a_gzip_bomb_is_stopped_while_inflating(tmp_path, monkeypatch, name):
    monkeypatch.setattr("storytrace.readers.files.decompressed_limit", lambda size: 100_000)
    p = tmp_path / name
    body = b"id,text\n" + b"a,b\n" * 200_000 if name.startswith("bomb.csv") else b"a" * 1_000_000
    p.write_bytes(gzip.compress(body))
    _, errors = records(p)
    assert errors and "gzip bomb" in errors[-1].message and errors[-1].path == str(p)


def test_a_one_article_file_over_its_limit_names_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr("storytrace.readers.files.MAX_ARTICLE_FILE_BYTES", 1000)
    p = write(tmp_path / "long.txt", "word " * 400)
    with pytest.raises(IngestError, match="limit for one-article files"):
        read_articles([p], max_bytes=None)


def test_every_limit_says_why_it_was_set():
    source = Path(limits.__file__).read_text(encoding="utf-8")
    names = re.findall(r"^(MAX_[A-Z_]+) = ", source, flags=re.M)
    assert len(names) >= 7
    for name in names:
        before = source[: source.index(f"\n{name} = ")]
        comment = before[before.rindex("\n\n"):]
        assert "set by hand:" in comment, name


# --------------------------------------------------------------------------- quotes and sentence length


def test_an_article_over_the_quote_limit_is_refused_by_name(tmp_path):
    many = " ".join(f'He said "point {i}".' for i in range(limits.MAX_ARTICLE_QUOTES + 1))
    just = " ".join(f"She said “point {i}”." for i in range(limits.MAX_ARTICLE_QUOTES))
    p = write(tmp_path / "q.jsonl", jsonl({"id": "ok", "text": just}, {"id": "quotes", "text": many}))
    good, errors = records(p)
    assert [a.id for a in good] == ["ok"]
    [e] = errors
    assert e.line == 2 and "'quotes'" in e.message and "1,001 quotes" in e.message
    assert "1,000-quote limit" in e.message


def test_a_sentence_over_the_word_limit_is_refused_by_name(tmp_path):
    n = limits.MAX_SENTENCE_WORDS
    endless = GOOD + " " + "word " * (n + 1)
    ok = ("word " * n).strip() + ".\n" + ("word " * n).strip() + "! " + "word " * n  # ends and line breaks
    p = write(tmp_path / "s.jsonl", jsonl({"id": "ok", "text": ok}, {"id": "endless", "text": endless}))
    good, errors = records(p)
    assert [a.id for a in good] == ["ok"]
    [e] = errors
    assert e.line == 2 and "'endless'" in e.message and f"{n + 1:,} words" in e.message
    assert f"{n:,}-word limit" in e.message and f"character {len(GOOD) + 1:,}" in e.message
    # a .txt file is checked by the same record check
    t = write(tmp_path / "endless.txt", endless)
    with pytest.raises(IngestError, match="-word limit per sentence"):
        read_articles([t])


def test_the_new_limits_are_set_by_hand_and_listed():
    src = Path(limits.__file__).read_text(encoding="utf-8")
    for name in ("MAX_ARTICLE_QUOTES", "MAX_SENTENCE_WORDS"):
        block = src.split(f"\n{name} =")[0].rsplit("\n\n", 1)[-1]
        assert "set by hand:" in block, name
    listed = dict(limits.describe_limits())
    assert "1,000" in listed["quotes per article"] and "5,000" in listed["words per sentence"]


def test_the_sentence_check_is_linear():
    import time

    from storytrace.readers.checks import longest_sentence_words

    text = "One two three. " * 60_000  # 900,000 characters of short sentences
    t0 = time.perf_counter()
    assert longest_sentence_words(text) == (3, 0)
    assert time.perf_counter() - t0 < 2.0
