"""Tests for storytrace.readers.files: IngestError, paths and folders, and every way a file can be unusable."""

from __future__ import annotations

import gzip
import pickle

import pytest

from storytrace.readers import IngestError, expand_paths, read_articles
from tests.readers.helpers import STORY, jsonl, write


# --------------------------------------------------------------------------- IngestError


def test_ingest_error_str_and_fields():
    e = IngestError("articles.jsonl", "invalid JSON (Expecting ',' delimiter)", 7)
    assert str(e) == "articles.jsonl:7: invalid JSON (Expecting ',' delimiter)"
    assert (e.path, e.line, e.message) == ("articles.jsonl", 7, "invalid JSON (Expecting ',' delimiter)")
    assert str(IngestError("a.txt", "empty file")) == "a.txt: empty file"
    again = pickle.loads(pickle.dumps(e))
    assert (again.path, again.line, again.message) == (e.path, e.line, e.message)


# --------------------------------------------------------------------------- file-level errors


def test_file_not_found(tmp_path):
    with pytest.raises(IngestError, match="file not found") as ei:
        read_articles([tmp_path / "nope.txt"])
    assert ei.value.path == str(tmp_path / "nope.txt") and ei.value.line is None


@pytest.mark.parametrize("name", ["e.txt", "e.jsonl", "e.csv", "e.html"])
def test_empty_file(tmp_path, name):
    with pytest.raises(IngestError, match="empty"):
        read_articles([write(tmp_path / name, "")])


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


def test_unsupported_extension_lists_supported(tmp_path):
    p = write(tmp_path / "story.docx", "whatever")
    with pytest.raises(IngestError, match=r"unsupported file type \.docx") as ei:
        read_articles([p])
    assert ".jsonl" in ei.value.message and ".html" in ei.value.message


# --------------------------------------------------------------------------- folders


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
