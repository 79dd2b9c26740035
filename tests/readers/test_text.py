"""Tests for storytrace.readers.text: .txt / .md files, with and without front matter."""

from __future__ import annotations

import pytest

from storytrace.readers import IngestError, read_articles
from tests.readers.helpers import STORY, write


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


def test_whitespace_only_txt(tmp_path):
    with pytest.raises(IngestError, match="no article text"):
        read_articles([write(tmp_path / "w.txt", "  \n\n \t\n")])
