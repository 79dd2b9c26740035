"""The compare pipeline: articles in, stories with their full analysis out.

segment -> embed -> (many versions: set near-copies aside, compare/nearcopies.py) -> align the candidate
pairs (every pair of a few versions, each one's likeliest sources of many: compare/candidates.py; sentences,
then the claims left over) -> group into stories -> per story: reuse shares, derivation, differences
(findings), fusion (brief). A near-copy is aligned with its source and its representative by text alone and
joins its representative's story.
Each stage is a module of pure functions; this one only wires them.
"""

from __future__ import annotations

from itertools import combinations
from typing import Callable, Sequence

import numpy as np

from storytrace.compare.align import PairAlignment, align_sentences, reuse_shares
from storytrace.compare.candidates import ALL_PAIRS_UP_TO, candidate_pairs, document_vectors
from storytrace.compare.claimalign import claim_links
from storytrace.compare.counterparts import counterpart_links
from storytrace.compare.derivation import infer_derivation
from storytrace.compare.differences import find_differences
from storytrace.compare.fusion import fuse_brief
from storytrace.compare.grouping import (
    excerpt_probability,
    group_stories,
    is_excerpt_pair,
    published_close,
    joined_by_event,
    with_members,
    same_story_probability,
    story_pair_features,
)
from storytrace.compare.nearcopies import NearCopy, align_near_copy, near_copies, signatures
from storytrace.model import Alignment, Article, Comparison, DerivationEdge, Document, PairReuse, Story, StoryAnalysis
from storytrace.compare.pairscore import PairScorer
from storytrace.compare.segment import segment
from storytrace.events.lexicalgrouping import event_groups
from storytrace.fitted import threshold

# Called with a step name; a step over many items ends with "done/total" ("aligning pairs 3/45"),
# from which a shell can show counts and an ETA.
Progress = Callable[[str], None]


def _noop(_: str) -> None:
    pass


def compare_articles(
    articles: Sequence[Article],
    *,
    encoder=None,
    scorer: PairScorer | None = None,
    progress: Progress = _noop,
) -> Comparison:
    """Group ``articles`` into stories and analyse each story."""
    if encoder is None:
        from storytrace.embed import default_encoder

        encoder = default_encoder()
    scorer = scorer or PairScorer.load()
    progress("segmenting")
    docs = {a.id: segment(a) for a in articles}
    progress("embedding sentences")
    emb, claim_emb = _embed(docs, encoder)
    copies: list[NearCopy] = []
    if len(docs) > ALL_PAIRS_UP_TO:
        progress("setting near-copies aside")
        copies = near_copies(docs, signatures(docs))
    copied = {c.copy for c in copies}
    distinct = {i: d for i, d in docs.items() if i not in copied}
    pairs = candidate_pairs(distinct, document_vectors(distinct, emb))
    progress(f"aligning pairs 0/{len(pairs)}")
    judge = claim_judge()
    links: dict[tuple[str, str], list[Alignment]] = {}
    reuse: dict[tuple[str, str], PairReuse] = {}
    same: dict[tuple[str, str], float] = {}
    probability: dict[tuple[str, str], np.ndarray] = {}
    for done, (x, y) in enumerate(pairs, 1):
        pa: PairAlignment = align_sentences(docs[x], docs[y], emb[x], emb[y], scorer)
        probability[(x, y)] = pa.matrix.probability
        probability[(y, x)] = pa.matrix.probability.T
        reuse[(x, y)] = reuse_shares(docs[x], y, pa.links)
        reuse[(y, x)] = reuse_shares(docs[y], x, pa.reversed_links())
        # claim links carry split and merged content; they do not count as reuse (derivation, grouping)
        excerpt = is_excerpt_pair(docs[x], docs[y])
        extra = claim_links(docs[x], docs[y], docs[x].claims, docs[y].claims, claim_emb[x], claim_emb[y],
                            pa.links, scorer, excerpt=excerpt, judge=judge)
        links[(x, y)] = sorted(pa.links + extra, key=lambda l: (l.a_index, l.b_index))
        links[(y, x)] = sorted(pa.reversed_links() + [l.reversed() for l in extra], key=lambda l: (l.a_index, l.b_index))
        features = story_pair_features(
            docs[x], docs[y], emb[x], emb[y], reuse[(x, y)].total, reuse[(y, x)].total,
            pa.matrix.probability,
        )
        same[(x, y)] = same_story_probability(features)
        if excerpt and published_close(docs[x], docs[y]):  # a summary or excerpt shares too little text to look like a version
            same[(x, y)] = max(same[(x, y)], excerpt_probability(docs[x], docs[y]))
        progress(f"aligning pairs {done}/{len(pairs)}")
    for c in copies:
        for other in {c.source, c.representative}:
            forward = align_near_copy(docs[other], docs[c.copy])
            links[(other, c.copy)] = forward
            links[(c.copy, other)] = sorted((l.reversed() for l in forward), key=lambda l: (l.a_index, l.b_index))
            reuse[(other, c.copy)] = reuse_shares(docs[other], c.copy, links[(other, c.copy)])
            reuse[(c.copy, other)] = reuse_shares(docs[c.copy], other, links[(c.copy, other)])

    progress("grouping stories")
    stories = group_stories(list(distinct), same)
    # independent reports of one event share no text: the event grouping of the corpus path joins them
    stories = joined_by_event(stories, event_groups([a for a in articles if a.id in distinct]), list(distinct))
    if copies:
        members_of: dict[str, list[str]] = {}
        for c in copies:
            members_of.setdefault(c.representative, []).append(c.copy)
        stories = with_members(stories, members_of, list(docs))
    analyses = []
    for k, story in enumerate(stories):
        progress(f"analysing stories {k}/{len(stories)}")
        analyses.append(analyse_story(story, docs, links, reuse, probability, copies))
    return Comparison(list(articles), docs, stories, analyses, {c.copy: c.source for c in copies})


def _embed(docs: dict[str, Document], encoder) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Embeddings of every sentence and of every claim (one batch, each distinct text once); a one-claim
    sentence's claim reuses its vector."""
    texts = [s.text for d in docs.values() for s in d.sentences]
    own: list[tuple[str, int]] = []  # (doc id, claim row) of the claims that are a part of their sentence
    for d in docs.values():
        for k, c in enumerate(d.claims):
            s = d.sentences[c.sentence_index]
            if (c.start, c.end) != (s.start, s.end):
                own.append((d.id, k))
                texts.append(c.text)
    distinct_texts = list(dict.fromkeys(texts))  # versions of one story repeat most of their sentences
    row_of = {t: k for k, t in enumerate(distinct_texts)}
    vectors = encoder.encode(distinct_texts)[[row_of[t] for t in texts]] if texts else encoder.encode([])
    emb: dict[str, np.ndarray] = {}
    offset = 0
    for d in docs.values():
        emb[d.id] = vectors[offset : offset + len(d.sentences)]
        offset += len(d.sentences)
    claim_emb = {d.id: emb[d.id][[c.sentence_index for c in d.claims]] for d in docs.values()}  # copies
    for n, (doc_id, k) in enumerate(own):
        claim_emb[doc_id][k] = vectors[offset + n]
    return emb, claim_emb


def claim_judge() -> Callable[[list[tuple[str, str]]], np.ndarray] | None:
    """The claim verifier's ``predict`` (compare/verifier.py), or None where its model is not installed."""
    from storytrace.compare import verifier

    return verifier.ClaimVerifier.load().predict if verifier.available() else None


def analyse_story(
    story: Story,
    docs: dict[str, Document],
    links: dict[tuple[str, str], list[Alignment]],
    reuse: dict[tuple[str, str], PairReuse],
    probability: dict[tuple[str, str], np.ndarray] | None = None,
    copies: list[NearCopy] = (),
) -> StoryAnalysis:
    """Derivation, then (with the sentence-pair probabilities) a counterpart for each derived
    sentence left unaligned, then differences and the brief over the links.

    ``links`` and ``reuse`` hold the pairs that were computed (every pair of a few versions); a
    near-copy in ``copies`` derives from its source, and the rest of the derivation is inferred
    among the distinct versions."""
    members = {i: docs[i] for i in story.article_ids}
    pairs = [(x, y) for x in members for y in members if x != y and (x, y) in reuse]
    story_links = {p: links[p] for p in pairs}
    story_reuse = {p: reuse[p] for p in pairs}
    copy_of = {c.copy: c for c in copies if c.copy in members}
    distinct = {i: d for i, d in members.items() if i not in copy_of}
    derivation = infer_derivation(distinct, story_links, story_reuse)
    derivation += [_copy_edge(c, story_reuse[(c.copy, c.source)].total) for c in copy_of.values()]
    judge = claim_judge()
    if probability is not None:
        story_links = counterpart_links(members, story_links, derivation, probability, judge)
    findings = find_differences(members, story_links, derivation)
    brief = fuse_brief(members, story_links, findings, derivation, judge)
    alignments = [l for x, y in combinations(members, 2) for l in story_links.get((x, y), [])]
    return StoryAnalysis(
        story, members, alignments, [story_reuse[p] for p in pairs], derivation, findings, brief
    )


def _copy_edge(c: NearCopy, carried: float) -> DerivationEdge:
    level = "wholly" if carried >= threshold("wholly_coverage") else "partially"
    return DerivationEdge(
        c.source, c.copy, level, round(min(0.6 + 0.35 * carried, 0.95), 2),
        f"{c.copy} is a near-copy of {c.source}: an estimated {c.resemblance:.0%} of their three-word "
        f"sequences are shared and {carried:.0%} of {c.copy}'s sentences are found there with at most a "
        "few words changed",
    )
