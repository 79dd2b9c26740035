"""The compare JSON document (the contract every interface shares)."""

from __future__ import annotations

from typing import Any

from storytrace.model import Alignment, Comparison

SCHEMA_VERSION = 1


def _word_changes(link: Alignment, texts: dict[str, str]) -> list[dict[str, Any]]:
    """The aligned pair's word-level changes, from ``a``'s sentence to ``b``'s, with both texts."""
    a_text, b_text = texts[link.a], texts[link.b]
    return [{"op": w.op, "a_span": list(w.a_span), "b_span": list(w.b_span),
             "a_text": a_text[w.a_span[0]:w.a_span[1]], "b_text": b_text[w.b_span[0]:w.b_span[1]]}
            for w in link.word_changes]


def _add_reuse_summaries(c: Comparison, articles: list[dict[str, Any]]) -> None:
    compared: dict[str, int] = {}
    best: dict[str, tuple[float, str]] = {}
    for an in c.analyses:
        for r in an.reuse:
            compared[r.a] = compared.get(r.a, 0) + 1
            if r.total > best.get(r.a, (0.0, ""))[0]:
                best[r.a] = (r.total, r.b)
    for entry in articles:
        aid = entry["id"]
        share, where = best.get(aid, (0.0, None))
        entry["reuse_summary"] = {
            "compared_with": compared.get(aid, 0),
            "most_found_in": {"article": where, "total": round(share, 4)} if where else None,
            "near_copy_of": c.near_copies.get(aid),
        }


def comparison_to_dict(c: Comparison, *, include_text: bool = True) -> dict[str, Any]:
    """``{"articles", "stories", "pairs", "derivation", "findings", "brief"}`` plus extras.

    ``pairs`` lists every ordered pair inside a story that was compared (every pair of a few
    versions; of many, each one's likeliest sources: compare/candidates.py); ``a_in_b`` is the share of
    ``a``'s sentences found in ``b``; each article's ``reuse_summary`` says how many versions it was
    compared with, where most of it is found, and which version it is a near-copy of (or null);
    each alignment lists its ``word_changes``
    (replaced, deleted and inserted words, spans and texts on both sides). Spans are ``[start, end)`` character offsets
    into the article text as read. Each derivation edge, finding and brief entry
    also names its ``story``.
    """
    story_of = {a: s.id for s in c.stories for a in s.article_ids}
    articles = []
    for a in c.articles:
        doc = c.documents[a.id]
        entry: dict[str, Any] = {
            "id": a.id,
            "title": a.title,
            "source": a.source,
            "published_at": a.published_at,
            "url": a.url,
            "n_sentences": len(doc.sentences),
            "story": story_of.get(a.id),
            "sentences": [[s.start, s.end] for s in doc.sentences],
        }
        if include_text:
            entry["text"] = a.text
        articles.append(entry)
    texts = {a.id: a.text for a in c.articles}
    _add_reuse_summaries(c, articles)
    pairs, derivation, findings, brief = [], [], [], []
    for an in c.analyses:
        sid = an.story.id
        by_pair: dict[tuple[str, str], list[Alignment]] = {}
        for l in an.alignments:
            by_pair.setdefault((l.a, l.b), []).append(l)
        for r in an.reuse:
            pair_links = by_pair.get((r.a, r.b)) or by_pair.get((r.b, r.a), [])
            flipped = bool(pair_links) and pair_links[0].a != r.a
            pairs.append(
                {
                    "story": sid,
                    "a": r.a,
                    "b": r.b,
                    "a_in_b": {
                        "verbatim": round(r.verbatim, 4),
                        "edited": round(r.edited, 4),
                        "paraphrase": round(r.paraphrase, 4),
                        "total": round(r.total, 4),
                    },
                    "alignments": [
                        {
                            "a_span": list(l.b_span if flipped else l.a_span),
                            "b_span": list(l.a_span if flipped else l.b_span),
                            "a_sentence": l.b_index if flipped else l.a_index,
                            "b_sentence": l.a_index if flipped else l.b_index,
                            "kind": l.kind,
                            "score": l.score,
                            "word_changes": _word_changes(l.reversed() if flipped else l, texts),
                        }
                        for l in pair_links
                    ],
                }
            )
        for e in an.derivation:
            derivation.append(
                {"story": sid, "source": e.source, "derived": e.derived, "level": e.level,
                 "confidence": e.confidence, "evidence": e.evidence}
            )
        for f in an.findings:
            findings.append(
                {
                    "story": sid,
                    "article": f.article,
                    "kind": f.kind,
                    "severity": f.severity,
                    "text": f.text,
                    "span": list(f.span),
                    "counterpart": None
                    if f.counterpart is None
                    else {"article": f.counterpart.article, "text": f.counterpart.text,
                          "span": list(f.counterpart.span)},
                    "explanation": f.explanation,
                }
            )
        for b in an.brief:
            brief.append(
                {
                    "story": sid,
                    "text": b.text,
                    "sources": [{"article": s.article, "span": list(s.span), "carries": s.carries}
                                for s in b.sources],
                    "support": b.support,
                    "unverified": b.unverified,
                    "conflicts": [{"article": c.article, "kind": c.kind, "severity": c.severity,
                                   "span": list(c.span), "explanation": c.explanation} for c in b.conflicts],
                }
            )
    return {
        "schema_version": SCHEMA_VERSION,
        "articles": articles,
        "stories": [{"id": s.id, "articles": list(s.article_ids)} for s in c.stories],
        "pairs": pairs,
        "derivation": derivation,
        "findings": findings,
        "brief": brief,
    }
