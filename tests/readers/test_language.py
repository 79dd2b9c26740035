"""Tests for storytrace.readers.language: looks_english."""

from __future__ import annotations

import pytest

from storytrace.readers import looks_english, read_articles
from tests.readers.helpers import STORY, write


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
