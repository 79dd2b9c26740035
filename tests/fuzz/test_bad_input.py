"""Fuzz: generated bad inputs lose nothing (issue 12, "Bad input loses nothing").

Each case family (`CLASSES`) generates inputs from a seeded `random.Random`, so
every run makes the same inputs. Each input mixes valid records with bad ones
(or is a bad file among good ones) and runs ``storytrace ingest`` in-process
(`click.testing.CliRunner`, a store in ``tmp_path``); the case asserts:

* the exit code (0 when all is valid, 2 when something was bad, 3 for a store
  that cannot be written);
* no ``Traceback`` in the output and no exception escaping the command;
* exactly the valid records stored: the store's ids are the valid ids, no more
  and no fewer (and, where the class says so, their texts as written).

A handful of cases at the end run ``compare`` / ``stories`` / the web API.
`python -m tests.fuzz.test_bad_input` prints the figures (inputs, classes,
tracebacks, wrong exit codes, records lost).
"""

from __future__ import annotations

import builtins
import codecs
import gzip
import io
import json
import os
import random
import sqlite3
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from storytrace.cli import EXIT_ENV, EXIT_INPUT, main
from storytrace.readers.limits import MAX_ARTICLE_CHARS, MAX_COMPARE_ARTICLES, MAX_RECORD_BYTES

SEED = 12

# --------------------------------------------------------------------------- the cases

WORDS = ("council bridge river flood mayor budget school harbour railway storm police hospital "
         "museum festival market factory election court library airport").split()
TOWNS = ("Orlen Falls", "Brantwick", "Kessel", "Tamsey", "Vantry", "Pellow Green", "Upper Hollin")


@dataclass
class Case:
    """One generated input: files (relative name -> bytes), what must be stored, the expected exit code."""

    files: dict[bytes, bytes]
    valid: dict[str, str | None]  # id -> its text when the class checks it (None: only the id)
    exit_code: int
    args: list[str] = field(default_factory=list)
    paths: list[bytes] | None = None  # given to ingest (default: every top-level file / folder)
    setup: Callable[[pytest.MonkeyPatch, Path], None] | None = None
    expect: tuple[str, ...] = ()  # strings the output must contain


def good_record(rng: random.Random, i: int, prefix: str = "ok") -> dict:
    w = rng.sample(WORDS, 4)
    text = (f"The {w[0]} in {rng.choice(TOWNS)} approved {rng.randint(2, 900)} new {w[1]} plans on "
            f"{rng.choice(['Monday', 'Tuesday', 'Friday'])}, officials said. The {w[2]} and the {w[3]} "
            f"will follow, report {i} adds.")
    rec = {"id": f"{prefix}-{i}", "text": text}
    if rng.random() < 0.5:
        rec["title"] = f"{w[0].title()} approves {w[1]} plans"
    if rng.random() < 0.5:
        rec["published_at"] = f"2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}T0{rng.randint(0, 9)}:00:00Z"
    return rec


def jsonl_case(rng: random.Random, bad_lines: Callable[[random.Random, int], list[bytes]], *,
               gz: bool = False, name: str = "feed.jsonl") -> Case:
    """Valid JSONL records with bad lines from ``bad_lines(rng, k)`` mixed in at random places."""
    n_good = rng.randint(3, 12)
    goods = [good_record(rng, i) for i in range(n_good)]
    lines = [json.dumps(g).encode() for g in goods]
    bad = bad_lines(rng, rng.randint(1, 3))
    for b in bad:
        lines.insert(rng.randint(0, len(lines)), b)
    data = b"\n".join(lines) + b"\n"
    if gz:
        data, name = gzip.compress(data), name + ".gz"
    return Case({name.encode(): data}, {g["id"]: g["text"] for g in goods}, EXIT_INPUT if bad else 0)


def with_field(rng: random.Random, fieldname: str, value_json: str, i: int) -> bytes:
    """A record (otherwise good) whose ``fieldname`` is the raw JSON ``value_json``."""
    rec = good_record(rng, i, prefix="bad")
    rec[fieldname] = "@@"
    return json.dumps(rec).replace('"@@"', value_json).encode()


def surrogate_escape(rng: random.Random) -> str:
    return f"\\u{rng.choice([rng.randint(0xD800, 0xDBFF), rng.randint(0xDC00, 0xDFFF)]):04x}"


def gen_lone_surrogate(fieldname: str) -> Callable[[random.Random], Case]:
    def gen(rng: random.Random) -> Case:
        def bad(rng: random.Random, k: int) -> list[bytes]:
            out = []
            for j in range(k):
                words = "some words around it".split()
                words.insert(rng.randint(0, len(words)), surrogate_escape(rng))
                out.append(with_field(rng, fieldname, json.dumps(" ".join(words)).replace("\\\\u", "\\u"), j))
            return out
        return jsonl_case(rng, bad)
    return gen


def gen_huge_int(fieldname: str) -> Callable[[random.Random], Case]:
    def gen(rng: random.Random) -> Case:
        def bad(rng: random.Random, k: int) -> list[bytes]:
            # over 4,300 digits Python refuses to read the number; 101-4,300: no id, no time
            return [with_field(rng, fieldname, str(rng.randint(1, 9)) + "7" * rng.choice([120, 999, 4400, 5000]), j)
                    for j in range(k)]
        return jsonl_case(rng, bad)
    return gen


def gen_nonfinite(rng: random.Random) -> Case:
    def bad(rng: random.Random, k: int) -> list[bytes]:
        return [with_field(rng, rng.choice(["id", "published_at"]),
                           rng.choice(["NaN", "Infinity", "-Infinity", "1e400", "-1e999"]), j) for j in range(k)]
    return jsonl_case(rng, bad)


INVISIBLE = ["\x00", "\u200b", "\u200c", "\u200d", "\ufeff", "\u2060", "\u00ad", "\u202e", "\x1b", "\x07",
             "\u2028", "\u3000", " ", "\t", "\x85", "\u061c"]


def invisible(rng: random.Random) -> str:
    return "".join(rng.choice(INVISIBLE) for _ in range(rng.randint(1, 40)))


def gen_invisible(fieldname: str) -> Callable[[random.Random], Case]:
    def gen(rng: random.Random) -> Case:
        def bad(rng: random.Random, k: int) -> list[bytes]:
            return [with_field(rng, fieldname, json.dumps(invisible(rng)), j) for j in range(k)]
        return jsonl_case(rng, bad)
    return gen


def gen_invalid_json(rng: random.Random) -> Case:
    def bad(rng: random.Random, k: int) -> list[bytes]:
        out = []
        for j in range(k):
            line = json.dumps(good_record(rng, j, prefix="bad")).encode()
            how = rng.randrange(5)
            if how == 0:
                line = line[: rng.randint(1, len(line) - 1)]  # cut short
            elif how == 1:
                line = line[:-1] + b",}"  # trailing comma
            elif how == 2:
                line = line.replace(b'"', b"'")  # single quotes
            elif how == 3:
                line = bytes(rng.randrange(0x20, 0x7F) for _ in range(rng.randint(1, 80)))
                line = line if line.strip() and line[:1] not in b"0123456789-[{\"tfn" else b"?" + line
            else:
                line = b"{" * rng.randint(1, 30)
            out.append(line)
        return out
    return jsonl_case(rng, bad)


def gen_not_object(rng: random.Random) -> Case:
    def bad(rng: random.Random, k: int) -> list[bytes]:
        return [json.dumps(rng.choice([[1, 2], "text", 42, 3.5, None, True, [{"id": "x", "text": "y"}]])).encode()
                for _ in range(k)]
    return jsonl_case(rng, bad)


def gen_wrong_types(rng: random.Random) -> Case:
    def bad(rng: random.Random, k: int) -> list[bytes]:
        choices = [("text", '{"a": 1}'), ("text", "42"), ("text", "true"), ("text", "[1, 2]"), ("id", '{"x": 1}'),
                   ("id", "[[1]]"), ("title", '{"t": "x"}'), ("source", "[{}]"), ("id", "null"), ("text", "null"),
                   ("id", '""'), ("text", '"   "')]
        return [with_field(rng, *rng.choice(choices), j) for j in range(k)]
    return jsonl_case(rng, bad)


def gen_bad_utf8_line(rng: random.Random) -> Case:
    def bad(rng: random.Random, k: int) -> list[bytes]:
        out = []
        for j in range(k):
            line = json.dumps(good_record(rng, j, prefix="bad")).encode()
            at = rng.randint(12, len(line) - 3)
            junk = rng.choice([b"\xe9", b"\xff\xfe", b"\xc3", b"\xed\xa0\x80", b"\x80\x80", b"\xf8\x88\x80\x80\x80"])
            out.append(line[:at] + junk + line[at:])
        return out
    return jsonl_case(rng, bad)


def gen_deep_nesting(rng: random.Random) -> Case:
    def bad(rng: random.Random, k: int) -> list[bytes]:
        return [b'{"id": "deep", "text": ' + b"[" * rng.randint(5_000, 200_000) for _ in range(k)]
    return jsonl_case(rng, bad)


def gen_too_long(rng: random.Random) -> Case:
    """Over the characters-per-article limit (a record), or a line over the JSONL line limit."""
    def bad(rng: random.Random, k: int) -> list[bytes]:
        if rng.random() < 0.3:
            return [b'{"id": "huge-line", "text": "' + b"x" * (MAX_RECORD_BYTES + 10) + b'"}']
        return [with_field(rng, "text", json.dumps("word " * (MAX_ARTICLE_CHARS // 5 + rng.randint(1, 3000))), j)
                for j in range(1)]
    return jsonl_case(rng, bad, gz=rng.random() < 0.5)


def csv_bytes(rows: list[list[str]]) -> bytes:
    import csv

    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue().encode("utf-8")


def gen_csv_mixed_encoding(rng: random.Random) -> Case:
    """A UTF-8 CSV with rows in latin-1 / cp1252 pasted in: those rows alone are reported."""
    goods = [good_record(rng, i) for i in range(rng.randint(5, 30))]
    lines = [b"id,title,text"] + [csv_bytes([[g["id"], g.get("title", ""), g["text"]]]).rstrip(b"\n")
                                  for g in goods]
    n_bad = rng.randint(1, 4)
    for j in range(n_bad):
        text = rng.choice(["Café owners in Brantwick protest", "Zürich – “quoted” façade",
                           "naïve résumé ©"])
        enc = rng.choice(["latin-1", "cp1252"]) if "“" not in text else "cp1252"
        row = f"bad-{j},,{text}".encode(enc)
        lines.insert(rng.randint(1, len(lines)), row)
    return Case({b"rows.csv": b"\n".join(lines) + b"\n"}, {g["id"]: g["text"] for g in goods}, EXIT_INPUT)


def gen_csv_bad_rows(rng: random.Random) -> Case:
    goods = [good_record(rng, i) for i in range(rng.randint(3, 15))]
    rows = [["id", "text", "published_at"]] + [[g["id"], g["text"], ""] for g in goods]
    n_bad = rng.randint(1, 4)
    for j in range(n_bad):
        bad = rng.choice([[f"bad-{j}", ""], ["", "Text without id."], [f"bad-{j}", invisible(rng)],
                          [invisible(rng), "Text with an invisible id."], [f"bad-{j}"]])
        rows.insert(rng.randint(1, len(rows)), bad)
    return Case({b"rows.csv": csv_bytes(rows)}, {g["id"]: g["text"] for g in goods}, EXIT_INPUT)


def text_file(text: str, front: dict | None = None) -> bytes:
    head = "---\n" + "".join(f"{k}: {v}\n" for k, v in front.items()) + "---\n" if front else ""
    return (head + text + "\n").encode("utf-8")


def folder_case(rng: random.Random, bad_files: dict[bytes, bytes], folder: bytes = b"articles") -> Case:
    """A folder of good one-article text files with ``bad_files`` among them."""
    files, valid = {}, {}
    for i in range(rng.randint(2, 6)):
        rec = good_record(rng, i, prefix="file")
        files[folder + b"/" + rec["id"].encode() + b".txt"] = text_file(rec["text"])
        valid[rec["id"]] = rec["text"]
    for name, data in bad_files.items():
        files[folder + b"/" + name] = data
    return Case(files, valid, EXIT_INPUT if bad_files else 0, paths=[folder])


def gen_text_invisible(rng: random.Random) -> Case:
    bad = {}
    for j in range(rng.randint(1, 3)):
        body = invisible(rng).replace("\x00", "\u200b")  # NUL bytes are a binary file: see file_level
        bad[f"empty-{j}.txt".encode()] = (rng.choice(["", "---\ntitle: Only a title\n---\n"]) + body).encode() \
            if body.strip() else b"\xe2\x80\x8b"
    return folder_case(rng, bad)


def gen_text_encodings(rng: random.Random) -> Case:
    """UTF-16/32 with a BOM: read as the text they hold; without a BOM or broken: reported, never garbage."""
    files, valid = {}, {}
    for i in range(rng.randint(2, 5)):
        rec = good_record(rng, i, prefix="enc")
        codec = rng.choice(["utf-8", "utf-8-sig", "utf-16", "utf-32", "utf-16-be-bom", "utf-32-be-bom",
                            "utf-16-nobom", "utf-32-nobom", "utf-32-broken", "utf-16-broken", "latin-1"])
        text = rec["text"] + " Café in Zürich."
        name = f"{rec['id']}.txt".encode()
        if codec in ("utf-8", "utf-8-sig", "utf-16", "utf-32"):
            files[name] = text.encode(codec)
            valid[rec["id"]] = text
        elif codec == "utf-16-be-bom":
            files[name] = codecs.BOM_UTF16_BE + text.encode("utf-16-be")
            valid[rec["id"]] = text
        elif codec == "utf-32-be-bom":
            files[name] = codecs.BOM_UTF32_BE + text.encode("utf-32-be")
            valid[rec["id"]] = text
        elif codec == "utf-16-nobom":
            files[name] = text.encode("utf-16-le")
        elif codec == "utf-32-nobom":
            files[name] = text.encode("utf-32-le")
        elif codec == "utf-32-broken":
            files[name] = text.encode("utf-32")[:-2]
        elif codec == "utf-16-broken":
            files[name] = codecs.BOM_UTF16_LE + "ab".encode("utf-16-le") + b"\x00\xd8" + b"c\x00"
        else:
            files[name] = text.encode("latin-1")
    code = 0 if len(valid) == len(files) else EXIT_INPUT
    return Case({b"enc/" + k: v for k, v in files.items()}, valid, code, paths=[b"enc"])


def gen_jsonl_encodings(rng: random.Random) -> Case:
    """A whole JSONL file in UTF-16/32 with a BOM is read; broken, it is one clear error."""
    goods = [good_record(rng, i) for i in range(rng.randint(2, 6))]
    text = "".join(json.dumps(g, ensure_ascii=False) + "\n" for g in goods)
    codec = rng.choice(["utf-16", "utf-32", "utf-16-broken", "utf-32-nobom"])
    if codec in ("utf-16", "utf-32"):
        return Case({b"wide.jsonl": text.encode(codec)}, {g["id"]: g["text"] for g in goods}, 0)
    data = text.encode("utf-32-le") if codec == "utf-32-nobom" else text.encode("utf-16")[:-1]
    return Case({b"wide.jsonl": data}, {}, EXIT_INPUT)


def gen_gzip_bad(rng: random.Random) -> Case:
    """Corrupt or truncated gzip beside a good file; and small bombs under a lowered limit."""
    goods = [good_record(rng, i) for i in range(rng.randint(2, 6))]
    files = {b"good.jsonl": b"".join(json.dumps(g).encode() + b"\n" for g in goods)}
    how = rng.randrange(5)
    setup = None
    valid = {g["id"]: g["text"] for g in goods}
    if how == 0:
        cut = [good_record(rng, i, prefix="cut") for i in range(30)]
        whole = gzip.compress(b"".join(json.dumps(c).encode() + b"\n" for c in cut))
        files[b"cut.jsonl.gz"] = whole[:rng.randint(len(whole) // 3, len(whole) - 5)]
        # the complete lines before the cut are good records, read before the error
        readable = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(files[b"cut.jsonl.gz"])
        valid.update((r["id"], r["text"]) for r in map(json.loads, readable.split(b"\n")[:-1]))
    elif how == 1:
        files[b"fake.txt.gz"] = bytes(rng.randrange(256) for _ in range(rng.randint(20, 400)))
    elif how == 2:  # bombs: the limit is lowered so the case stays fast (the real one is a test below)
        files[b"bomb.jsonl.gz"] = gzip.compress(rng.choice([b"\n", b"a", b" "]) * 3_000_000)
        setup = lower_gzip_limit
    elif how == 3:
        files[b"bomb.csv.gz"] = gzip.compress(b"id,text\n" + b"x,yyyyyyyy\n" * 400_000)
        setup = lower_gzip_limit
    else:
        files[b"bomb.txt.gz"] = gzip.compress(b"word " * 5_000_000)  # 25 MB: over the one-article limit
    return Case(files, valid, EXIT_INPUT, setup=setup)


def lower_gzip_limit(monkeypatch: pytest.MonkeyPatch, tmp: Path) -> None:
    monkeypatch.setattr("storytrace.readers.files.decompressed_limit", lambda size: 1_000_000)


def gen_file_level(rng: random.Random) -> Case:
    """Files that cannot be read at all, given beside a good one: each reported, the good one stored."""
    goods = [good_record(rng, i) for i in range(rng.randint(2, 5))]
    files = {b"good.jsonl": b"".join(json.dumps(g).encode() + b"\n" for g in goods)}
    bad = rng.sample([
        (b"empty.txt", b""), (b"blank.jsonl", b"\n\n  \n"), (b"doc.pdf.txt", b"%PDF-1.7 rest"),
        (b"zip.csv", b"PK\x03\x04" + bytes(40)), (b"img.html", b"\x89PNG\r\n\x1a\n" + bytes(20)),
        (b"nul.txt", b"text\x00with\x00nul"), (b"notes.docx", b"whatever"), (b"header.csv", b"id,text\n"),
        (b"nocols.csv", b"a,b\n1,2\n"), (b"open.txt", b"---\ntitle: never closed\nmore\n"),
        (b"noarticle.html", b"<html><head><title>t</title></head><body></body></html>"),
    ], rng.randint(1, 3))
    paths = [b"good.jsonl"]
    for name, data in bad:
        files[name] = data
        paths.append(name)
    if rng.random() < 0.3:
        paths.append(b"missing.jsonl")
    return Case(files, {g["id"]: g["text"] for g in goods}, EXIT_INPUT, paths=paths)


def gen_bad_file_names(rng: random.Random) -> Case:
    """File names that are not UTF-8 (latin-1 bytes) in a folder of good files."""
    bad = {}
    for j in range(rng.randint(1, 3)):
        stem = rng.choice([b"caf\xe9", b"\xff\xfe", b"z\xfcrich", b"\xc3(", b"a\x80b"]) + str(j).encode()
        bad[stem + rng.choice([b".txt", b".jsonl", b".html"])] = text_file("A perfectly good text with a bad name.")
    return folder_case(rng, bad)


def gen_unreadable(rng: random.Random) -> Case:
    """A file or folder that cannot be read (permissions: simulated, so it also holds for root)."""
    case = folder_case(rng, {b"locked.txt": text_file("Nobody may read this text.")})
    folder_too = rng.random() < 0.4

    def setup(monkeypatch: pytest.MonkeyPatch, tmp: Path) -> None:
        real_open, real_listdir = builtins.open, os.listdir
        locked, locked_dir = str(tmp / "in" / "articles" / "locked.txt"), str(tmp / "in" / "sealed")

        def fake_open(file, *args, **kwargs):
            if isinstance(file, (str, bytes, os.PathLike)) and os.fsdecode(file) == locked:
                raise PermissionError(13, "Permission denied", os.fsdecode(file))
            return real_open(file, *args, **kwargs)

        def fake_listdir(path="."):
            if os.fsdecode(path) == locked_dir:
                raise PermissionError(13, "Permission denied", os.fsdecode(path))
            return real_listdir(path)

        monkeypatch.setattr(builtins, "open", fake_open)
        monkeypatch.setattr(os, "listdir", fake_listdir)

    case.setup = setup
    if folder_too:  # a folder given that cannot be listed: the command is refused before anything is stored
        case.files[b"sealed/x.txt"] = text_file("Inside a sealed folder.")
        case.paths = [b"articles", b"sealed"]
        case.valid = {}
        case.expect = ("cannot read folder",)
    return case


def gen_conflicts(rng: random.Random) -> Case:
    """The same id twice with different texts: the first is kept, the second listed as a conflict."""
    goods = [good_record(rng, i) for i in range(rng.randint(3, 10))]
    lines = [json.dumps(g) for g in goods]
    for _ in range(rng.randint(1, 3)):
        victim = rng.choice(goods)
        lines.insert(rng.randint(lines.index(json.dumps(victim)) + 1, len(lines)),
                     json.dumps({"id": victim["id"], "text": victim["text"] + " A changed ending."}))
    return Case({b"dups.jsonl": ("\n".join(lines) + "\n").encode()}, {g["id"]: g["text"] for g in goods}, EXIT_INPUT)


MARKUP = ["[bold]", "[/]", "[red]x[/red]", "[link=file:///etc/passwd]", "\\[", "[/bold]", "[on red]"]
CONTROLS = ["\x1b[2J", "\x1b]0;pwned\x07", "\x1b[31m", "\x9b2J", "\x08\x08", "\r", "\u202e", "\x1bc"]


def gen_markup_and_controls(rng: random.Random) -> Case:
    """Valid records whose ids, titles and sources hold rich markup and terminal escapes: all stored, printed inert."""
    goods = []
    for i in range(rng.randint(2, 8)):
        g = good_record(rng, i)
        # (stripped as the reader strips an id: a leading "\r" is not part of it)
        g["id"] = (rng.choice(MARKUP + CONTROLS) + f"id-{i}" + rng.choice(MARKUP + CONTROLS)).strip()
        g["title"] = "Title " + rng.choice(MARKUP + CONTROLS) + " end"
        g["source"] = rng.choice(MARKUP + CONTROLS)
        goods.append(g)
    lines = "".join(json.dumps(g) + "\n" for g in goods)
    case = Case({b"odd.jsonl": lines.encode()}, {g["id"]: g["text"] for g in goods}, 0)
    return case


def gen_usage(rng: random.Random) -> Case:
    """Usage mistakes: a bad --map, a --db in a folder that does not exist or that is a folder."""
    goods = [good_record(rng, i) for i in range(3)]
    files = {b"good.jsonl": b"".join(json.dumps(g).encode() + b"\n" for g in goods)}
    args = rng.choice([["--map", "colour=COL"], ["--map", "title"], ["--db", "nowhere/x.db"], ["--db", "."],
                       ["--batch-size", "0"], ["--limit", "-3"]])
    return Case(files, {}, EXIT_INPUT, args=args)


def gen_published_at_odd(rng: random.Random) -> Case:
    """Odd but harmless published_at values are kept as given (valid); absurd numbers are reported."""
    goods = []
    for i in range(rng.randint(3, 8)):
        g = good_record(rng, i)
        g["published_at"] = rng.choice(["yesterday", "2026-13-45", "", "0", "-1", "99999999999999999", "١٢٣"])
        goods.append(g)
    lines = [json.dumps(g).encode() for g in goods]
    n_bad = rng.randint(1, 3)
    for j in range(n_bad):
        lines.insert(rng.randint(0, len(lines)),
                     with_field(rng, "published_at", rng.choice(["1e300", "-1e20", "123456789" * 10]), j))
    return Case({b"times.jsonl": b"\n".join(lines) + b"\n"}, {g["id"]: g["text"] for g in goods}, EXIT_INPUT)


#: class -> (generator, inputs made)
CLASSES: dict[str, tuple[Callable[[random.Random], Case], int]] = {
    "jsonl_lone_surrogate_text": (gen_lone_surrogate("text"), 15),
    "jsonl_lone_surrogate_id": (gen_lone_surrogate("id"), 15),
    "jsonl_lone_surrogate_title": (gen_lone_surrogate("title"), 10),
    "jsonl_lone_surrogate_source": (gen_lone_surrogate("source"), 10),
    "jsonl_huge_int_id": (gen_huge_int("id"), 12),
    "jsonl_huge_int_published_at": (gen_huge_int("published_at"), 12),
    "jsonl_nonfinite_numbers": (gen_nonfinite, 12),
    "jsonl_invisible_text": (gen_invisible("text"), 15),
    "jsonl_invisible_id": (gen_invisible("id"), 12),
    "jsonl_invalid_json": (gen_invalid_json, 15),
    "jsonl_not_an_object": (gen_not_object, 10),
    "jsonl_wrong_types": (gen_wrong_types, 15),
    "jsonl_bad_utf8_line": (gen_bad_utf8_line, 15),
    "jsonl_deep_nesting": (gen_deep_nesting, 6),
    "over_size_limits": (gen_too_long, 6),
    "csv_mixed_encoding": (gen_csv_mixed_encoding, 15),
    "csv_bad_rows": (gen_csv_bad_rows, 15),
    "text_invisible_only": (gen_text_invisible, 12),
    "text_encodings": (gen_text_encodings, 20),
    "jsonl_wide_encodings": (gen_jsonl_encodings, 10),
    "gzip_corrupt_and_bombs": (gen_gzip_bad, 15),
    "file_level": (gen_file_level, 15),
    "file_names_not_utf8": (gen_bad_file_names, 10),
    "unreadable": (gen_unreadable, 10),
    "conflicting_ids": (gen_conflicts, 10),
    "markup_and_controls": (gen_markup_and_controls, 15),
    "usage_errors": (gen_usage, 12),
    "published_at_odd": (gen_published_at_odd, 10),
}


def make_case(cls: str, k: int) -> Case:
    gen, _ = CLASSES[cls]
    return gen(random.Random(f"{SEED}:{cls}:{k}"))


# --------------------------------------------------------------------------- running one


@dataclass
class Outcome:
    exit_code: int
    output: str
    escaped: BaseException | None  # an exception that left the command (not SystemExit)
    stored: dict[str, str]  # id -> text in the store


def stored_rows(db: Path) -> dict[str, str]:
    if not db.is_file():
        return {}
    conn = sqlite3.connect(db)
    try:
        return dict(conn.execute("SELECT id, text FROM articles"))
    except sqlite3.Error:
        return {}
    finally:
        conn.close()


def run_case(case: Case, tmp: Path, monkeypatch: pytest.MonkeyPatch) -> Outcome:
    root = tmp / "in"
    root.mkdir()
    for name, data in case.files.items():
        path = os.path.join(os.fsencode(root), name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(data)
    if case.paths is None:
        tops = sorted({name.split(b"/")[0] for name in case.files})
    else:
        tops = case.paths
    db = tmp / "store.db"
    args = ["ingest", *(os.fsdecode(os.path.join(os.fsencode(root), t)) for t in tops)]
    extra = list(case.args)
    if "--db" in extra:  # relative to the input folder
        i = extra.index("--db") + 1
        extra[i] = str(root / extra[i])
    else:
        extra += ["--db", str(db)]
    if case.setup is not None:
        case.setup(monkeypatch, tmp)
    result = CliRunner().invoke(main, args + extra + ["--no-progress"])
    monkeypatch.undo()
    escaped = result.exception if result.exception and not isinstance(result.exception, SystemExit) else None
    return Outcome(result.exit_code, result.output, escaped, stored_rows(db))


def check(case: Case, out: Outcome) -> list[str]:
    """What is wrong with the outcome (empty: the case passes)."""
    problems = []
    if out.escaped is not None or "Traceback" in out.output:
        problems.append(f"traceback: {out.escaped!r}")
    if out.exit_code != case.exit_code:
        problems.append(f"exit code {out.exit_code}, expected {case.exit_code}")
    lost = set(case.valid) - set(out.stored)
    extra = set(out.stored) - set(case.valid)
    if lost:
        problems.append(f"lost {len(lost)} valid record(s): {sorted(lost)[:3]}")
    if extra:
        problems.append(f"stored {len(extra)} bad record(s): {[ascii(x) for x in sorted(extra)[:3]]}")
    for aid, text in case.valid.items():
        if text is not None and aid in out.stored and out.stored[aid] != text:
            problems.append(f"{aid}: stored text differs (garbage?): {out.stored[aid][:40]!a}")
    if any(c in out.output for c in "\x1b\x9b\x07\u202e"):
        problems.append("a terminal control character reached the output")
    for want in case.expect:
        if want not in out.output:
            problems.append(f"output lacks {want!r}")
    return problems


CASES = [pytest.param(cls, k, id=f"{cls}-{k:02d}") for cls, (_, n) in CLASSES.items() for k in range(n)]


@pytest.mark.parametrize(("cls", "k"), CASES)
def test_bad_input_loses_nothing(cls: str, k: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = make_case(cls, k)
    out = run_case(case, tmp_path, monkeypatch)
    problems = check(case, out)
    assert not problems, "\n".join(problems) + "\n--- output:\n" + out.output[-3000:]


def test_the_suite_is_big_enough() -> None:
    assert len(CASES) >= 300 and len(CLASSES) >= 20


# --------------------------------------------------------------------------- a real gzip bomb


def test_a_real_gzip_bomb_is_stopped_while_streaming(tmp_path: Path) -> None:
    """A one-line bomb that inflates to 300 MB stops at the real limit, with little memory; the good file is stored."""
    import resource

    bomb = tmp_path / "bomb.jsonl.gz"
    with gzip.open(bomb, "wb", compresslevel=1) as fh:
        block = b"0" * (1 << 20)
        for _ in range(300):
            fh.write(block)
    good = tmp_path / "good.jsonl"
    good.write_text('{"id": "g", "text": "The mayor opened the new bridge on Monday."}\n', encoding="utf-8")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    res = CliRunner().invoke(main, ["ingest", str(bomb), str(good), "--db", str(tmp_path / "s.db")])
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert res.exit_code == EXIT_INPUT and "Traceback" not in res.output, res.output
    assert "gzip bomb" in res.output or "limit" in res.output
    assert set(stored_rows(tmp_path / "s.db")) == {"g"}
    assert grown_mb < 150, f"RSS grew by {grown_mb:.0f} MB"


# --------------------------------------------------------------------------- compare, stories, serve, web


def compare(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(main, ["compare", *args])
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert "Traceback" not in res.output
    return res.exit_code, res.output


def two_articles(tmp_path: Path, extra: dict | None = None) -> Path:
    p = tmp_path / "two.jsonl"
    rng = random.Random(SEED)
    recs = [good_record(rng, 0), good_record(rng, 1)]
    if extra:
        recs[1].update(extra)
    p.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    return p


@pytest.mark.parametrize("extra, message", [
    ({"text": "Fine text \ud800 here."}, "not valid Unicode"),
    ({"id": "\ud800"}, "not valid Unicode"),
    ({"text": "\u200b\u200b\x00"}, "no readable text"),
    ({"text": "word " * (MAX_ARTICLE_CHARS // 5 + 1)}, "-character limit"),
], ids=["surrogate-text", "surrogate-id", "invisible", "too-long"])
def test_compare_refuses_bad_articles_in_one_line(tmp_path: Path, extra: dict, message: str) -> None:
    code, output = compare(str(two_articles(tmp_path, extra)))
    assert code == EXIT_INPUT and message in output and output.startswith("error:")


def test_compare_limits_and_outputs_are_checked_before_the_analysis(tmp_path: Path) -> None:
    many = tmp_path / "many.jsonl"
    many.write_text("".join(json.dumps({"id": f"a{i}", "text": f"Text {i}."}) + "\n"
                            for i in range(MAX_COMPARE_ARTICLES + 1)), encoding="utf-8")
    code, output = compare(str(many))
    assert code == EXIT_INPUT and f"{MAX_COMPARE_ARTICLES:,}-article limit" in output
    code, output = compare(str(two_articles(tmp_path)), "--html", str(tmp_path / "no" / "such" / "r.html"))
    assert code == EXIT_INPUT and "does not exist" in output
    folder = tmp_path / "bytes"
    folder.mkdir()
    with open(os.path.join(os.fsencode(folder), b"caf\xe9.txt"), "wb") as fh:
        fh.write(b"A text with a latin-1 file name.")
    code, output = compare(str(folder))
    assert code == EXIT_INPUT and "file name is not valid UTF-8" in output and "caf\\xe9" in output


def test_compare_prints_markup_and_escapes_inert(tmp_path: Path) -> None:
    """The one case that runs the analysis: markup and escapes in ids and titles are shown as written."""
    p = tmp_path / "odd.jsonl"
    rng = random.Random(SEED)
    a, b = good_record(rng, 0), good_record(rng, 1)
    b["text"] = a["text"].replace("officials said", "the officials said")
    a.update(id="[bold]wire[/]", title="\x1b]0;pwned\x07 [red]Title")
    b.update(id="\x1b[2Jcopy[/]", source="[link=file:///x]src")
    p.write_text(json.dumps(a) + "\n" + json.dumps(b) + "\n", encoding="utf-8")
    code, output = compare(str(p))
    assert code == 0, output
    assert "[bold]wire[/]" in output and "\\x1b[2Jcopy[/]" in output and "[red]Title" in output
    assert "\x1b" not in output and "\x07" not in output


def test_read_commands_never_change_a_file_they_only_read(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (x)")
    conn.commit()
    conn.close()
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    for path in (other, empty, junk):
        before = path.read_bytes()
        for cmd in (["stories"], ["story", "s-x"], ["serve"]):
            res = CliRunner().invoke(main, [*cmd, "--db", str(path)])
            assert res.exit_code == EXIT_INPUT and "Traceback" not in res.output, (cmd, path, res.output)
            assert "storytrace store" in res.output or "not a" in res.output
        assert path.read_bytes() == before
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(path.name)) == [path.name]


def test_ingest_into_a_store_that_cannot_be_written_exits_3(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from storytrace.corpus.store import Store

    db = tmp_path / "s.db"
    good = two_articles(tmp_path)
    assert CliRunner().invoke(main, ["ingest", str(good), "--db", str(db)]).exit_code == 0
    real_open = Store.open.__func__

    def read_only(cls, path, **kwargs):  # what a read-only file or mount gives, also for root
        kwargs["read_only"] = True
        return real_open(cls, path, **kwargs)

    monkeypatch.setattr(Store, "open", classmethod(read_only))
    more = tmp_path / "more.jsonl"
    more.write_text('{"id": "new", "text": "A new text about the harbour."}\n', encoding="utf-8")
    res = CliRunner().invoke(main, ["ingest", str(more), "--db", str(db)])
    assert res.exit_code == EXIT_ENV and "read-only" in res.output and "Traceback" not in res.output, res.output


def test_web_offset_too_big_is_a_bad_request(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from storytrace.web.app import create_app

    db = tmp_path / "s.db"
    assert CliRunner().invoke(main, ["ingest", str(two_articles(tmp_path)), "--db", str(db)]).exit_code == 0
    client = TestClient(create_app(str(db)))
    for offset in ("99999999999999999999", str(2**63), "-1"):
        res = client.get(f"/api/stories?offset={offset}")
        assert res.status_code in (400, 422), (offset, res.status_code, res.text)
    assert client.get(f"/api/stories?offset={2**63 - 1}").status_code == 200
    assert client.get("/api/stories?q=harbour&offset=99999999999999999999").status_code in (400, 422)


# --------------------------------------------------------------------------- the figures


def figures() -> dict[str, int]:
    """Run every generated case and count inputs, classes, tracebacks, wrong exit codes, records lost."""
    import tempfile

    counts = {"inputs": 0, "classes": len(CLASSES), "tracebacks": 0, "wrong_exit_codes": 0,
              "records_lost": 0, "bad_records_stored": 0, "valid_records_given": 0}
    for cls, (_, n) in CLASSES.items():
        for k in range(n):
            case = make_case(cls, k)
            with tempfile.TemporaryDirectory() as tmp:
                mp = pytest.MonkeyPatch()
                out = run_case(case, Path(tmp), mp)
            counts["inputs"] += 1
            counts["valid_records_given"] += len(case.valid)
            counts["tracebacks"] += bool(out.escaped is not None or "Traceback" in out.output)
            counts["wrong_exit_codes"] += out.exit_code != case.exit_code
            counts["records_lost"] += len(set(case.valid) - set(out.stored))
            counts["bad_records_stored"] += len(set(out.stored) - set(case.valid))
    return counts


if __name__ == "__main__":  # python -m tests.fuzz.test_bad_input
    print(json.dumps(figures(), indent=2))
