"""What was done: a claim's verb replaced by one of another meaning, the rest of the claim kept.

Detector: `detect`, on the `AlignedPair` in view. "The board ordered a full
recount" -> "the board recommended a full recount", "prosecutors charged the
treasurer" -> "prosecutors questioned the treasurer", "the council annulled the
permit" -> "the council suspended the permit": the same participants, another
act. A paraphrase model scores such a pair as the same content (one word of
many differs), and no negation or antonym is involved, so neither `polarity` nor
the verifier tells them apart; a fact-checker reads them as different facts.

Method: the two sentences' words are aligned (difflib, as `polarity`'s
rewording); a replaced stretch of one or two words on each side, with at least
``CONTEXT_WORDS`` unchanged words after it (the act's object, kept) and one
before it (its subject or its auxiliary), whose two sides fall in different
classes of `ACTS` is a ``predicate_changed`` (high: a different act is a
different fact, docs/findings.md). Words of one class are near-synonyms for
this purpose ("fired" = "dismissed", "charged" = "indicted") and say nothing;
two sides that are opposites (`polarity.opposite`: "approved" / "rejected") are
`polarity`'s contradiction.

`ACTS` is a lexicon set by hand, not fitted: the acts that news claims turn on
(official decisions, legal steps, departures from office, findings), each
class written as regular expressions over inflected forms. A verb outside it is
not judged: a rewording of an unlisted verb is no finding here (the verifier
may still catch it). Parameters (set by hand): ``CONTEXT_WORDS`` = 2.
"""

from __future__ import annotations

import difflib
import re

from storytrace.compare.differences.change import Change, StoryView
from storytrace.compare.differences.polarity import opposite

# Set by hand: unchanged words after the replaced verb (its object, kept) for the two to be one claim.
CONTEXT_WORDS = 2

# Set by hand (see the module docstring): classes of acts; two words of different classes are different acts.
ACTS: dict[str, str] = {
    "ordered": r"order(?:ed|s)?|requir(?:ed|es)|mandat(?:ed|es)|compell(?:ed|s)|direct(?:ed|s)|instruct(?:ed|s)",
    "recommended": r"recommend(?:ed|s)?|urg(?:ed|es)|advis(?:ed|es)|propos(?:ed|es)|suggest(?:ed|s)",
    "approved": r"approv(?:ed|es)|pass(?:ed|es)|adopt(?:ed|s)|endors(?:ed|es)|authori[sz](?:ed|es)|ratifi(?:ed|es)",
    "delayed": r"delay(?:ed|s)?|postpon(?:ed|es)|defer(?:red|s)?|suspend(?:ed|s)?|paus(?:ed|es)",
    "annulled": r"annull?(?:ed|s)?|revok(?:ed|es)|cancell?(?:ed|s)?|rescind(?:ed|s)?|scrap(?:ped|s)?|"
                r"quash(?:ed|es)|void(?:ed|s)?",
    "questioned": r"question(?:ed|s)?|interview(?:ed|s)?|investigat(?:ed|es)|examin(?:ed|es)",
    "charged": r"charg(?:ed|es)|indict(?:ed|s)?|prosecut(?:ed|es)|accus(?:ed|es)",
    "convicted": r"convict(?:ed|s)?|sentenc(?:ed|es)|jail(?:ed|s)?|imprison(?:ed|s)?",
    "arrested": r"arrest(?:ed|s)?|detain(?:ed|s)?",
    "resigned": r"resign(?:ed|s)?|quit(?:s)?|retir(?:ed|es)",
    "dismissed": r"fir(?:ed|es)|dismiss(?:ed|es)|sack(?:ed|s)?|oust(?:ed|s)?|expell(?:ed|s)?",
    "planned": r"plann(?:ed|ing)|consider(?:ed|s)?|discuss(?:ed|es)|weigh(?:ed|s)?",
    "began": r"began|begun|begins|start(?:ed|s)?|launch(?:ed|es)",
    "completed": r"complet(?:ed|es)|finish(?:ed|es)",
}
_CLASS_RES = {name: re.compile(rf"(?:{pattern})", re.I) for name, pattern in ACTS.items()}
_WORD = re.compile(r"[\w'’-]+")


def act_of(word: str) -> str | None:
    """The class of `ACTS` the word belongs to, if any."""
    return next((name for name, rx in _CLASS_RES.items() if rx.fullmatch(word)), None)


def changed_act(a: str, b: str) -> tuple[tuple[int, int], tuple[int, int], str, str] | None:
    """(span in ``a``, span in ``b``, word of ``a``, word of ``b``) of a verb of `ACTS` in ``a`` replaced in ``b``
    by one of another class, the words around it kept; None if there is none."""
    wa, wb = list(_WORD.finditer(a)), list(_WORD.finditer(b))
    la, lb = [m.group(0).lower() for m in wa], [m.group(0).lower() for m in wb]
    ops = difflib.SequenceMatcher(a=la, b=lb, autojunk=False).get_opcodes()
    for k, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag != "replace" or not (1 <= i2 - i1 <= 2 and 1 <= j2 - j1 <= 2):
            continue
        before, after = ops[k - 1] if k else None, ops[k + 1] if k + 1 < len(ops) else None
        if before is None or before[0] != "equal" or after is None or after[0] != "equal" \
                or after[2] - after[1] < CONTEXT_WORDS:
            continue
        for i in range(i1, i2):
            for j in range(j1, j2):
                x, y = act_of(la[i]), act_of(lb[j])
                if x and y and x != y and not opposite(la[i], lb[j]):
                    return wa[i].span(), wb[j].span(), wa[i].group(0), wb[j].group(0)
    return None


def detect(view: StoryView) -> list[Change]:
    """A verb of `ACTS` in the src sentence replaced by one of another class in the dst sentence."""
    pair = view.pair
    if pair is None:
        return []
    src, dst = pair.src_sentence, pair.dst_sentence
    found = changed_act(src.text, dst.text)
    if found is None:
        return []
    (a0, a1), (b0, b1), old, new = found
    return [pair.change(
        "predicate_changed", "high", (dst.start + b0, dst.start + b1), (src.start + a0, src.start + a1),
        f'The other version says "{old}" where this one says "{new}": the same claim with another act, '
        f"a different fact.",
    )]


__all__ = ["ACTS", "CONTEXT_WORDS", "act_of", "changed_act", "detect"]
