"""Polarity and strength of the claim in two aligned sentences.

Detector: `detect` reports the `compare_polarity` difference between the two
sentences of the `AlignedPair` in view as a `Change` of the same kind
(contradiction, intensified, softened). Parameter: the pair's
``close_wording``. Between sentences aligned as a copy (verbatim or edited, by
the pair scorer's copy score fitted on Clough & Stevenson 2011, "Developing a
corpus of plagiarised short answers") every difference is reported; between
looser paraphrases, hedges and boosters differ all the time, so only a changed
modal (may -> will) or a contradiction is reported there (a low-severity
intensified/softened is dropped). Strength (modals, hedges, boosters) stays in
this module because `compare_polarity` reports only the first difference it
finds, negation and antonyms before strength.

Method
------
``compare_polarity(a, b)`` checks, in this order, and returns the first
difference found (or ``None``):

1. **Negation flip** (contradiction, high). Negation cues -- not, n't, no,
   never, none, nobody, no one, nothing, neither, nor, without, denied,
   refused, failed to, declined to -- are found with their *scope word*: the first content
   word after the cue, skipping auxiliaries, pronouns, determiners and -ly
   adverbs ("did not immediately confirm" -> confirm). A flip is reported when
   a scope word negated in one sentence occurs un-negated in the other (light
   stemming: killed ~ kill, injuries ~ injury). A negation whose scope word is
   absent from the other sentence is ignored: it may belong to a clause the
   other version simply left out. "no longer", "not only", "not just",
   "not least", "no doubt", "if not" and "whether or not" are not cues. A
   negated condition rewritten with "unless" is the same condition ("if the
   rain did not ease" = "unless the rain eased", and the other way round):
   when "if" opens the negation's clause in one sentence and "unless" opens
   the un-negated word's clause in the other (within six words), no flip.
2. **Antonyms** (contradiction, high): a module-level table ``ANTONYMS`` of ~40
   incompatible pairs written as word patterns (injured/killed, survived/died,
   accidental/deliberate, confirmed/denied, rose/fell, won/lost, guilty/innocent,
   legal/illegal, convicted/acquitted, ...). A pair counts when a has one side
   and not the other, b has the other side and not the first, and neither word
   is inside a negation's scope ("did not survive" vs "died" agree). An open
   question turned settled ("too early to say" / "unclear" in one version, no
   such phrase and no hedge in the other) is also reported here.
3. **Modal change** on the claim (intensified/softened, medium): modal strength
   might = may (1) < could = can (1.5) < would = will = should (3) < must (4);
   a sentence with a hedging modal compared against one with no modal counts
   the other as a plain statement (3). "will"/"would" and "may"/"might" are
   equal because reported speech shifts them. Only modals not shared by both
   sentences count; the change needs a strength difference >= 1. The modal
   must govern a verb both sentences have, or, when both have a modal, stand
   with its verb in one replaced stretch of at most three words, the words
   around it kept ("a move that could reverse the result" -> "a move that
   would overturn the result").
4. **Hedges vs boosters** (intensified/softened, low): in the words that are
   *not* shared by both sentences, score = boosters - hedges (``HEDGES``,
   ``BOOSTERS``, plus multi-word hedges like "is believed to"). A score
   difference >= 1 gives intensified (b stronger) or softened (b weaker).
   Between two sentences that both report speech, a distancing speech verb
   ("claimed", "suggested": `attribution.DISTANCING_VERBS`) is not counted as
   a hedge: "claimed" against "said" is ``attribution_changed``.

Pure synonym swaps ("said" -> "stated", "little" -> "small") touch no lexicon
and give nothing.

Limits: lexical, no parse: a negation or antonym in a subordinate clause is
taken to be about the shared claim when its word is shared; sarcasm, double
negation across clauses and antonyms outside the table are missed; stemming
is a suffix strip with a few irregular verbs. Precision is preferred over
recall: subtle shifts are allowed to go unreported.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache
from dataclasses import dataclass
from typing import Literal

from storytrace.compare.differences.attribution import DISTANCING_VERBS
from storytrace.compare.differences.change import AlignedPair, Change, StoryView, in_sentence
from storytrace.compare.quotes import SPEECH_VERB_RE, same_speaker

PolarityKind = Literal["contradiction", "intensified", "softened"]


@dataclass(frozen=True)
class PolarityChange:
    kind: PolarityKind
    a_span: tuple[int, int] | None
    b_span: tuple[int, int] | None
    severity: Literal["high", "medium", "low"]
    explanation: str


# ------------------------------------------------------------------ tokens

@dataclass(frozen=True)
class _W:
    text: str
    low: str
    start: int
    end: int


def _words(text: str) -> list[_W]:
    out = []
    for m in re.finditer(r"[A-Za-z]+(?:[-'’][A-Za-z]+)*", text):
        out.append(_W(m.group(), m.group().lower().replace("’", "'"), m.start(), m.end()))
    return out


_IRREGULAR = {
    "met": "meet", "meeting": "meet", "died": "die", "dies": "die", "dying": "die", "dead": "dead",
    "fell": "fall", "fallen": "fall", "rose": "rise", "risen": "rise", "won": "win", "lost": "lose",
    "hurt": "hurt", "took": "take", "taken": "take", "gave": "give", "given": "give", "went": "go",
    "gone": "go", "came": "come", "saw": "see", "seen": "see", "knew": "know", "known": "know",
    "made": "make", "left": "leave", "found": "find", "held": "hold", "sent": "send", "paid": "pay",
    "said": "say", "told": "tell", "thought": "think", "brought": "bring", "caught": "catch",
    "shot": "shoot", "struck": "strike", "fought": "fight", "children": "child", "people": "person",
    "injuries": "injur", "injury": "injur", "injured": "injur", "injure": "injur",
}


def stem(word: str) -> str:
    """A light suffix-stripping stem, enough to match killed/kill, injuries/injury."""
    w = word.lower().replace("’", "'")
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    for suf in ("ingly", "edly", "ing", "ied", "ies", "ed", "es", "s", "ly"):
        if w.endswith(suf) and len(w) - len(suf) >= 3:
            base = w[: -len(suf)]
            if suf in ("ied", "ies"):
                return base + "y"
            if len(base) >= 4 and base[-1] == base[-2] and base[-1] not in "lsz":
                base = base[:-1]  # stopped -> stopp -> stop
            return base.rstrip("e") if len(base) > 3 else base
    return w.rstrip("e") if len(w) > 3 else w


# ------------------------------------------------------------------ negation

NEGATION_CUES = {
    "not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "without", "denied",
    "denies", "deny", "denying", "refused", "refuses", "refuse", "cannot", "nowhere", "noone",
}
# 'no one', 'failed to' handled as two-word cues
_NOT_A_CUE_AFTER = {
    "not": {"only", "just", "least", "merely", "simply", "to", "mention"},
    "no": {"longer", "doubt", "less", "more", "matter", "sooner", "stranger"},
    "nothing": {"but", "short", "less"},
    "without": {"doubt"},
}
_SKIP_IN_SCOPE = {
    "be", "been", "being", "is", "are", "was", "were", "am", "have", "has", "had", "do", "does",
    "did", "yet", "ever", "even", "also", "the", "a", "an", "any", "to", "that", "he", "she",
    "they", "it", "we", "i", "you", "his", "her", "their", "its", "our", "my", "having", "there",
    "so", "as", "much", "many", "more", "one", "single", "further", "other", "such", "in", "at",
    "on", "of", "for", "by", "with", "from", "this", "these", "those", "been", "get", "got",
    "will", "would", "could", "should", "may", "might", "can", "must", "shall", "all", "both",
    "either", "which", "who", "what", "whether", "if", "was", "who", "him", "them", "us", "me",
    "longer", "never",
}


@dataclass(frozen=True)
class Negation:
    start: int  # the cue
    end: int  # end of the scope word (or of the cue if no scope word)
    cue: str
    scope: str | None  # stem of the scope word
    scope_span: tuple[int, int] | None


def negations(text: str) -> list[Negation]:
    """Negation cues in ``text`` with the stem of the word each one negates."""
    ws = _words(text)
    out: list[Negation] = []
    low = [w.low for w in ws]
    i = 0
    while i < len(ws):
        w = low[i]
        cue_len = 0
        if w.endswith("n't") and w not in ("n't",):
            cue_len = 1
        elif w in NEGATION_CUES:
            nxt = low[i + 1] if i + 1 < len(ws) else ""
            if nxt in _NOT_A_CUE_AFTER.get(w, ()):
                i += 2
                continue
            if w == "not" and i > 0 and low[i - 1] in ("if", "or") and (i < 2 or low[i - 2] != "did"):
                i += 1
                continue  # 'hundreds, if not thousands', 'whether or not'
            cue_len = 1
        elif w in ("failed", "declined", "fails", "declines") and i + 1 < len(ws) and low[i + 1] == "to":
            cue_len = 2
        if not cue_len:
            i += 1
            continue
        j = i + cue_len
        while j < len(ws) and (low[j] in _SKIP_IN_SCOPE or low[j].endswith("ly") and len(low[j]) > 4):
            j += 1
        if j < len(ws) and j - i <= 6:
            sw = ws[j]
            out.append(Negation(ws[i].start, sw.end, ws[i].text, stem(sw.low), (sw.start, sw.end)))
        else:
            out.append(Negation(ws[i].start, ws[i + cue_len - 1].end, ws[i].text, None, None))
        i += cue_len
    return out


def negated(text: str) -> bool:
    """Whether ``text`` carries an odd number of negations (a rough 'is the claim negative')."""
    return len(negations(text)) % 2 == 1


def _negated_scopes(text: str) -> set[str]:
    return {n.scope for n in negations(text) if n.scope}


def _find_stem(text: str, target: str, skip: set[tuple[int, int]]) -> _W | None:
    for w in _words(text):
        if stem(w.low) == target and (w.start, w.end) not in skip:
            return w
    return None


def _unnegated_hit(text: str, target: str, negs: list[Negation]) -> _W | None:
    """``target`` in ``text`` outside any negation scope and with no negation cue shortly before it
    ('did not respond to requests for comment' does not assert 'comment')."""
    ws = _words(text)
    for k, w in enumerate(ws):
        if stem(w.low) != target or any(n.scope_span == (w.start, w.end) for n in negs):
            continue
        window = ws[max(0, k - 6):k]
        if any(n.start >= (window[0].start if window else w.start) and n.start < w.start for n in negs):
            continue
        return w
    return None


_CONDITIONAL_RE = re.compile(r"\b(if|unless)\b((?:\s+[\w'’-]+){0,6}?)\s*$", re.I)


def _condition_before(text: str, pos: int) -> str | None:
    """"if" or "unless" when it opens the clause that reaches ``pos`` (at most six words before)."""
    m = _CONDITIONAL_RE.search(text[max(0, pos - 80):pos])
    return m.group(1).lower() if m else None


def _same_condition(x: str, n: Negation, y: str, hit: _W) -> bool:
    """"if it does not slow" / "unless it slows": a negated condition rewritten with "unless"."""
    cx, cy = _condition_before(x, n.start), _condition_before(y, hit.start)
    return cx is not None and cy is not None and {cx, cy} == {"if", "unless"}


def _negated_by_meaning(text: str, hit: _W) -> bool:
    """The word is the object of a word that carries a negation ("free of charge" = "at no charge",
    "lacked funding" = "had no funding"): one or two words before it, `_NEGATING_HEADS`."""
    before = [w for w in _words(text) if w.end <= hit.start][-2:]
    return any(w.low in _NEGATING_HEADS for w in before)


# Words whose object they negate, "free of charge" = "at no charge" (set by hand; `_NEGATIVE_MEANING` is far
# looser: it matches "bank" through "ban")
_NEGATING_HEADS = frozenset({"free", "lack", "lacks", "lacked", "lacking", "without", "devoid", "absent"})


def _negation_flip(a: str, b: str) -> PolarityChange | None:
    na, nb = negations(a), negations(b)
    # a negation in one sentence whose negated word stands un-negated in the other;
    # looked for in a first (dropped in b), then in b (added in b)
    for x, nx, y, ny, dropped in ((a, na, b, nb, True), (b, nb, a, na, False)):
        y_scopes = {n.scope for n in ny if n.scope}
        for n in nx:
            if not n.scope or n.scope in y_scopes:
                continue
            hit = _unnegated_hit(y, n.scope, ny)
            if hit is None or _same_condition(x, n, y, hit) or _negated_by_meaning(y, hit):
                continue
            neg_text = x[n.start:n.end]
            if dropped:
                return PolarityChange(
                    "contradiction", (n.start, n.end), (hit.start, hit.end), "high",
                    f'The other version says "{neg_text}" where this one says "{hit.text}": '
                    f"the negation is gone, so the two versions say opposite things.",
                )
            return PolarityChange(
                "contradiction", (hit.start, hit.end), (n.start, n.end), "high",
                f'The other version says "{hit.text}" where this one says "{neg_text}": '
                f"a negation was added, so the two versions say opposite things.",
            )
    return None


# Words whose meaning carries a negation: "did not accept" -> "rejected" says the same (set by hand).
_NEGATIVE_MEANING = re.compile(
    r"un\w+|non\w+|mis\w+|dis(?:agree|approv|allow|credit|miss|own|put|qualif|regard)\w*|reject\w*|refus\w*|den(?:y|ied|ies)|bann?\w*|forb[ai]d\w*|prohibit\w*|"
    r"skip\w*|fail\w*|lack\w*|ignor\w*|declin\w*|oppos\w*|block\w*|halt\w*|stop\w*|cancel\w*|"
    r"avoid\w*|absent|dismiss\w*|barr?\w*|withh[eo]ld\w*|kept|keep\w*|spar\w*|exempt\w*|escap\w*|free\w*|"
    r"clear\w*|innocent|rul\w* out|shun\w*|none|neither|nor|few|little|hardly|barely|scarcely",
    re.I,
)
_CONTEXT_WORDS = 2  # words kept on each side of the rewording for it to be one clause (set by hand)


def _negation_reworded(a: str, b: str) -> PolarityChange | None:
    """A negation dropped (or added) together with its verb, the rest of the clause kept: "had not been
    told about the losses" -> "had been informed of the losses". One negation in one sentence, none in the
    other; the negated word replaced by one or two words that carry no negation of their own (not
    "rejected" for "did not accept"); at least ``_CONTEXT_WORDS`` words unchanged on each side. Medium:
    the verb is a synonym only by guess."""
    for x, y, dropped in ((a, b, True), (b, a, False)):
        nx, ny = negations(x), negations(y)
        if len(nx) != 1 or ny or not nx[0].scope_span:
            continue
        n = nx[0]
        wx, wy = _words(x), _words(y)
        if any(stem(w.low) == n.scope for w in wy):
            continue  # the negated word is there: _negation_flip's
        cue_i = next((k for k, w in enumerate(wx) if w.start == n.start), None)
        scope_i = next((k for k, w in enumerate(wx) if w.start == n.scope_span[0]), None)
        if cue_i is None or scope_i is None:
            continue
        ops = difflib.SequenceMatcher(a=[w.low for w in wx], b=[w.low for w in wy], autojunk=False).get_opcodes()
        at = {k: op for op in ops for k in range(op[1], op[2])}
        scope_op, cue_op = at.get(scope_i), at.get(cue_i)
        if scope_op is None or cue_op is None or scope_op[0] != "replace" or cue_op[0] == "equal":
            continue
        new = wy[scope_op[3]:scope_op[4]]
        if new and {_condition_before(x, n.start), _condition_before(y, new[0].start)} == {"if", "unless"}:
            continue  # "if the board did not annul" = "unless the board annulled"
        first, last = min(cue_op[1], scope_op[1]), max(cue_op[2], scope_op[2])
        if not 1 <= len(new) <= 2 or last - first > 4 or any(_NEGATIVE_MEANING.fullmatch(w.low) for w in new):
            continue
        if any(opposite(wx[scope_i].low, w.low) for w in new):
            continue  # "did not survive" -> "died": a negation and an antonym say the same
        before = [op for op in ops if op[2] == first and op[0] == "equal"]
        after = [op for op in ops if op[1] == last and op[0] == "equal"]
        if not before or not after or before[0][2] - before[0][1] < _CONTEXT_WORDS \
                or after[0][2] - after[0][1] < _CONTEXT_WORDS:
            continue
        neg_text = x[n.start:n.scope_span[1]]
        new_span = (new[0].start, new[-1].end)
        new_text = y[new_span[0]:new_span[1]]
        if dropped:
            return PolarityChange("contradiction", (n.start, n.scope_span[1]), new_span, "medium",
                                  f'The other version says "{neg_text}" where this one says "{new_text}": the '
                                  "negation is gone, so the two versions seem to say opposite things.")
        return PolarityChange("contradiction", new_span, (n.start, n.scope_span[1]), "medium",
                              f'The other version says "{new_text}" where this one says "{neg_text}": a '
                              "negation was added, so the two versions seem to say opposite things.")
    return None


# ------------------------------------------------------------------ antonyms


# (pattern for one side, pattern for the other side); patterns match whole words, case-insensitive
ANTONYMS: list[tuple[str, str]] = [
    (r"injur(?:ed|y|ies)|wounded|hurt", r"killed|dead|died|dies|death|deaths|fatal(?:ly)?"),
    (r"survived|survivors?|survives", r"died|dies|killed|dead"),
    (r"alive", r"dead"),
    (r"accidental(?:ly)?|accident", r"deliberate(?:ly)?|intentional(?:ly)?|on purpose|arson"),
    (r"confirm(?:ed|s)?", r"denied|denies|deny|refuted|rejected"),
    (r"admit(?:ted|s)?", r"denied|denies|deny"),
    (r"accept(?:ed|s)?", r"rejected|rejects|refused|refuses|declined"),
    (r"approv(?:ed|es|al)", r"rejected|rejects|blocked|vetoed|rejection"),
    (r"passed", r"rejected|defeated|voted down"),
    (r"rose|risen|rises|increased|increases|climbed|grew|jumped|soared|surged",
     r"fell|fallen|falls|decreased|decreases|dropped|declined|plunged|slumped|shrank"),
    (r"increase", r"decrease|fall|drop|decline"),
    (r"raised|raises", r"cut|lowered|lowers|reduced"),
    (r"higher", r"lower"),
    (r"won|wins|victory|victorious", r"lost|loses|defeat|defeated"),
    (r"gained|gains", r"lost|loses"),
    (r"guilty", r"innocent"),
    (r"convicted", r"acquitted|cleared"),
    (r"upheld", r"overturned|quashed"),
    (r"legal|lawful|legally", r"illegal|unlawful|illegally|unlawfully"),
    (r"success|successful|successfully|succeeded", r"failure|failed|unsuccessful|unsuccessfully"),
    (r"opened|reopened", r"closed|shut"),
    (r"true", r"false|untrue"),
    (r"supports?|supported|backed|backs", r"opposes?|opposed"),
    (r"agreed", r"refused|disagreed"),
    (r"allowed|permitted|legalised|legalized", r"banned|forbidden|prohibited|outlawed"),
    (r"safe", r"unsafe|dangerous"),
    (r"peaceful(?:ly)?", r"violent(?:ly)?"),
    (r"before", r"after"),
    (r"present", r"absent"),
    (r"minor", r"serious|critical|severe|life-threatening"),
    (r"stable", r"critical"),
    (r"ally|allies", r"enemy|enemies|adversary|adversaries"),
    (r"imports?|imported", r"exports?|exported"),
    (r"maximum", r"minimum"),
    (r"strengthened|strengthens", r"weakened|weakens"),
    (r"expanded|expands|widened", r"reduced|shrank|narrowed"),
    (r"voluntarily|voluntary", r"forced|forcibly|compulsory"),
    (r"arrived", r"departed"),
    (r"inside", r"outside"),
    (r"full", r"empty"),
    (r"rising", r"falling"),
]


def opposite(u: str, v: str) -> bool:
    """The two words are the two sides of one pair of `ANTONYMS` (in any of the pair's forms: "survive",
    the base the table does not list, is matched through "survived")."""
    def side(word: str, pattern: str) -> bool:
        return any(re.fullmatch(pattern, w) for w in (word, word + "d", word + "ed", word + "s"))

    return any(side(u, p) and side(v, q) or side(u, q) and side(v, p) for p, q in ANTONYMS)


_ANTONYM_RES = [
    (re.compile(rf"(?<![\w-])(?:{x})(?![\w-])", re.I), re.compile(rf"(?<![\w-])(?:{y})(?![\w-])", re.I))
    for x, y in ANTONYMS
]
_UNSETTLED_RE = re.compile(
    r"too (?:early|soon) to (?:say|speculate|tell|know|determine|judge)"
    r"|\b(?:it|this) (?:is|was|remains|remained) (?:still )?(?:unclear|unknown|not (?:yet )?(?:known|clear))"
    r"|\b(?:remains?|remained) (?:unclear|unknown)"
    r"|\bnot yet been (?:determined|established|confirmed)",
    re.I,
)


def _in_negation_scope(span: tuple[int, int], negs: list[Negation]) -> bool:
    return any(n.start < span[0] and span[1] <= n.end for n in negs)


def _antonym(a: str, b: str) -> PolarityChange | None:
    na, nb = negations(a), negations(b)
    for rx, ry in _ANTONYM_RES:
        for first, second in ((rx, ry), (ry, rx)):
            m1 = first.search(a)
            m2 = second.search(b)
            if not (m1 and m2) or second.search(a) or first.search(b):
                continue
            s1, s2 = m1.span(), m2.span()
            if _in_negation_scope(s1, na) or _in_negation_scope(s2, nb):
                continue
            return PolarityChange(
                "contradiction", s1, s2, "high",
                f'The other version says "{m1.group()}" where this one says "{m2.group()}": '
                f"the two versions state incompatible facts.",
            )
    ua, ub = _UNSETTLED_RE.search(a), _UNSETTLED_RE.search(b)
    if bool(ua) != bool(ub):
        settled_text = b if ua else a
        sw = _words(settled_text)
        if not _hedge_score(sw, set(), settled_text)[2] and not any(v < 2 for _, v in _modals(sw, set())) \
                and not _HEDGE_PHRASES.search(settled_text):
            if ua:
                return PolarityChange(
                    "contradiction", ua.span(), None, "high",
                    f'The other version calls this an open question ("{ua.group()}"); this one states it as settled.',
                )
            return PolarityChange(
                "contradiction", None, ub.span(), "high",
                f'The other version states this as settled; this one calls it an open question ("{ub.group()}").',
            )
    return None


# ------------------------------------------------------------------ strength

MODAL_STRENGTH = {
    "might": 1.0, "may": 1.0, "could": 1.5, "can": 1.5, "would": 3.0, "will": 3.0, "shall": 3.0,
    "should": 3.0, "must": 4.0, "won't": 3.0, "wouldn't": 3.0, "'ll": 3.0,
}
_PLAIN = 3.0  # strength of a plain statement

HEDGES = {
    "possibly", "perhaps", "maybe", "reportedly", "allegedly", "apparently", "suggested",
    "suggests", "suggest", "appeared", "appears", "appear", "seemed", "seems", "seem", "likely",
    "probably", "some", "jokingly", "claimed", "claims", "claim", "purportedly", "supposedly",
    "potentially", "partly", "partially", "somewhat", "slightly", "unconfirmed", "suspected",
    "presumably", "possible", "potential", "believed", "thought", "rumoured", "rumored",
    "unverified", "tentatively", "tentative", "mildly", "arguably",
}
BOOSTERS = {
    "definitely", "certainly", "confirmed", "clearly", "massive", "huge", "all", "very", "highly",
    "severe", "severely", "great", "greatly", "aggressively", "genuinely", "much", "major",
    "widely", "extremely", "entirely", "completely", "totally", "absolutely", "undoubtedly",
    "always", "enormous", "dramatic", "dramatically", "sharply", "significantly", "strongly",
    "fully", "proven", "proved", "unprecedented", "devastating", "catastrophic", "vast",
    "every", "record", "indeed", "surely", "undeniably", "overwhelming", "overwhelmingly",
    "fiercely", "brutal", "heavily", "intense", "intensely",
}
_HEDGE_PHRASES = re.compile(
    r"\b(?:is|are|was|were) (?:believed|thought|alleged|rumou?red|suspected|expected) to\b"
    r"|\baccording to (?:unconfirmed|some)\b|\bit is (?:possible|likely|unclear)\b",
    re.I,
)


def _modals(ws: list[_W], shared: set[str]) -> list[tuple[_W, float]]:
    out = []
    for k, w in enumerate(ws):
        key = w.low
        if key.endswith("'ll"):
            key = "'ll"
        if key in MODAL_STRENGTH and key not in shared:
            # "will be able to apply" is the ability of "can apply", not a certainty
            able = [x.low for x in ws[k + 1:k + 4]] == ["be", "able", "to"]
            out.append((w, MODAL_STRENGTH["can"] if able else MODAL_STRENGTH[key]))
    return out


_APPROXIMATOR_RE = re.compile(
    r"\bsome\s+(?=\d|(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|"
    r"fifty|sixty|seventy|eighty|ninety|hundred|thousand|a dozen|dozen)\b)",
    re.I,
)


def _hedge_score(ws: list[_W], shared: set[str], text: str = "") -> tuple[int, list[_W], list[_W]]:
    approx = {m.start() for m in _APPROXIMATOR_RE.finditer(text)}  # 'some 300' approximates a figure
    boosters = [w for w in ws if w.low in BOOSTERS and w.low not in shared]
    hedges = [w for w in ws if w.low in HEDGES and w.low not in shared and w.start not in approx]
    return len(boosters) - len(hedges), boosters, hedges


# verbs that end like adverbs (set by hand)
_LY_VERBS = frozenset({"apply", "applies", "reply", "replies", "supply", "supplies", "rely", "relies", "comply",
                       "complies", "multiply", "ally", "rally", "rallies", "tally", "sully", "bully"})


def _next_word(ws: list[_W], w: _W) -> _W | None:
    k = ws.index(w)
    for x in ws[k + 1:]:
        if x.low not in ("not", "be", "have", "also", "still", "soon", "eventually", "now") \
                and not (x.low.endswith("ly") and len(x.low) > 4 and x.low not in _LY_VERBS):
            return x
    return None


def _same_slot(wa: list[_W], wb: list[_W], x: _W, y: _W) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The spans of modal ``x`` of ``wa`` and modal ``y`` of ``wb`` with their verbs when the two stand in one
    replaced stretch of at most three words on each side, between ``_CONTEXT_WORDS`` unchanged words before
    and one after: another modal with a synonym of the verb, the rest of the clause kept."""
    ops = difflib.SequenceMatcher(a=[w.low for w in wa], b=[w.low for w in wb], autojunk=False).get_opcodes()
    i, j = wa.index(x), wb.index(y)
    for k, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag != "replace" or not (i1 <= i < i2 and j1 <= j < j2) or i2 - i1 > 3 or j2 - j1 > 3:
            continue
        before, after = ops[k - 1] if k else None, ops[k + 1] if k + 1 < len(ops) else None
        if before is None or before[0] != "equal" or before[2] - before[1] < _CONTEXT_WORDS \
                or after is None or after[0] != "equal":
            return None
        return (x.start, wa[i2 - 1].end), (y.start, wb[j2 - 1].end)
    return None


def _modal_change(a: str, b: str, wa: list[_W], wb: list[_W], shared: set[str]) -> PolarityChange | None:
    ma, mb = _modals(wa, shared), _modals(wb, shared)
    if not ma and not mb:
        return None
    if len(ma) > 1 or len(mb) > 1:
        return None  # several modals: too ambiguous to line up
    for mods, ws, other in ((ma, wa, b), (mb, wb, a)):
        nxt = _next_word(ws, mods[0][0]) if mods and mods[0][0].low in ("can", "could") else None
        if nxt is not None and re.search(rf"\bable to {re.escape(nxt.low)}\b", other, re.I):
            return None  # "can apply" = "will be able to apply": ability, said two ways
    strength_a = ma[0][1] if ma else _PLAIN
    strength_b = mb[0][1] if mb else _PLAIN
    if (not ma or not mb) and min(strength_a, strength_b) >= 2:
        return None  # 'must'/'will' against a plain statement: not a change of certainty
    if abs(strength_b - strength_a) < 1:
        return None
    # the modal must govern a verb the other sentence also has
    a_span = b_span = None
    verb_stem = None
    for mods, ws in ((ma, wa), (mb, wb)):
        if mods:
            nxt = _next_word(ws, mods[0][0])
            if nxt is not None:
                verb_stem = stem(nxt.low)
                break
    if verb_stem is None:
        return None
    va = _find_stem(a, verb_stem, set())
    vb = _find_stem(b, verb_stem, set())
    if va is not None and vb is not None:
        a_span = (ma[0][0].start, va.end) if ma else (va.start, va.end)
        b_span = (mb[0][0].start, vb.end) if mb else (vb.start, vb.end)
    elif ma and mb and (slot := _same_slot(wa, wb, ma[0][0], mb[0][0])) is not None:
        a_span, b_span = slot  # "a move that could reverse the result" -> "a move that would overturn the result"
    else:
        return None
    a_text, b_text = a[a_span[0]:a_span[1]], b[b_span[0]:b_span[1]]
    if strength_b > strength_a:
        what = ("a possibility is now stated as certain" if strength_a < 2 and strength_b >= 3
                else "the claim is now stated more strongly")
        return PolarityChange("intensified", a_span, b_span, "medium", f'The other version says "{a_text}" where this one says "{b_text}": {what}.')
    what = ("a certainty is now stated only as a possibility" if strength_b < 2 and strength_a >= 3
            else "the claim is now stated more weakly")
    return PolarityChange("softened", a_span, b_span, "medium",
                          f'The other version says "{a_text}" where this one says "{b_text}": {what}.')


def _strength_change(a: str, b: str, wa: list[_W], wb: list[_W], shared: set[str]) -> PolarityChange | None:
    if SPEECH_VERB_RE.search(a) and SPEECH_VERB_RE.search(b):
        # "claimed" against "said" is how the statement is reported: `attribution`'s to tell
        shared = shared | DISTANCING_VERBS
    sa, boost_a, hedge_a = _hedge_score(wa, shared, a)
    sb, boost_b, hedge_b = _hedge_score(wb, shared, b)
    pa = [m for m in _HEDGE_PHRASES.finditer(a) if not _HEDGE_PHRASES.search(b)]
    pb = [m for m in _HEDGE_PHRASES.finditer(b) if not _HEDGE_PHRASES.search(a)]
    sa -= len(pa)
    sb -= len(pb)
    diff = sb - sa
    if abs(diff) < 1:
        return None
    a_words = [w.text for w in boost_a + hedge_a] + [m.group() for m in pa]
    b_words = [w.text for w in boost_b + hedge_b] + [m.group() for m in pb]
    first_a = min([(w.start, w.end) for w in boost_a + hedge_a] + [m.span() for m in pa], default=None)
    first_b = min([(w.start, w.end) for w in boost_b + hedge_b] + [m.span() for m in pb], default=None)
    parts = []
    if b_words:
        parts.append("This version adds " + ", ".join(f'"{x}"' for x in b_words))
    if a_words:
        parts.append(("and drops " if b_words else "This version drops ") + ", ".join(f'"{x}"' for x in a_words))
    kind: PolarityKind = "intensified" if diff > 0 else "softened"
    what = "the claim is stated more strongly" if diff > 0 else "the claim is stated more cautiously"
    return PolarityChange(kind, first_a, first_b, "low", f"{' '.join(parts)}: {what}.")


@lru_cache(maxsize=1 << 14)  # the versions of one story repeat their sentence pairs
def compare_polarity(a: str, b: str) -> PolarityChange | None:
    """The claim-level polarity/strength difference between aligned sentences, or None."""
    found = _antonym(a, b) or _negation_flip(a, b) or _negation_reworded(a, b)
    if found:
        return found
    wa, wb = _words(a), _words(b)
    shared = {w.low for w in wa} & {w.low for w in wb}
    return _modal_change(a, b, wa, wb, shared) or _strength_change(a, b, wa, wb, shared)


def detect(view: StoryView) -> list[Change]:
    """The claim's polarity or strength changed between the two sentences in view."""
    pair = view.pair
    if pair is None:
        return []
    a, b = pair.src_sentence, pair.dst_sentence
    pc = compare_polarity(a.text, b.text)
    if pc is None:
        return []
    if pc.kind != "contradiction" and pc.severity == "low" and not pair.close_wording:
        speakers = _other_speaker(pair) if pc.kind == "intensified" and _epistemic_dropped(a.text, b.text) else None
        if speakers is None:
            return []  # hedges and boosters differ between any two paraphrases
        # ...but a hedged claim restated more strongly by someone else is a speculation made an assertion
        return [pair.change(pc.kind, "medium", in_sentence(b, pc.b_span), in_sentence(a, pc.a_span),
                            f"{pc.explanation[:-1]}, and by another speaker: the other version has {speakers[0]} "
                            f"say it, this one {speakers[1]}.")]
    return [pair.change(pc.kind, pc.severity, in_sentence(b, pc.b_span), in_sentence(a, pc.a_span), pc.explanation)]


# hedges of likelihood (not of manner: "jokingly"): a claim made under one is a speculation (set by hand)
_EPISTEMIC = frozenset({"possibly", "perhaps", "probably", "likely", "maybe", "apparently", "allegedly",
                        "reportedly", "seemingly", "presumably", "may", "might", "could", "suspected"})


def _epistemic_dropped(a: str, b: str) -> bool:
    """``a`` makes its claim under a hedge of likelihood that ``b`` does not have."""
    in_b = {w.low for w in _words(b)}
    return any(w.low in _EPISTEMIC and w.low not in in_b for w in _words(a))


def _other_speaker(pair: AlignedPair) -> tuple[str, str] | None:
    """(source speaker, derived speaker) when each sentence reports one statement, by different people."""
    one_each = pair.statements()
    if one_each is None or not one_each[0].speaker or not one_each[1].speaker:
        return None
    x, y = one_each
    return None if same_speaker(x.speaker, y.speaker) else (x.speaker, y.speaker)


__all__ = [
    "ANTONYMS", "BOOSTERS", "HEDGES", "MODAL_STRENGTH", "Negation", "PolarityChange",
    "compare_polarity", "detect", "negated", "negations", "opposite", "stem",
]
