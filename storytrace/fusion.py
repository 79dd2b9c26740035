"""Fusion: one account of the story where every entry names its sources.

Method: sentences of all versions are nodes; alignments are edges; each
connected component is one fact (the sentence-clustering step of
multi-document fusion, Barzilay & McKeown 2005, "Sentence Fusion for
Multidocument News Summarization", Computational Linguistics 31(3)). A fact
is told by its medoid sentence (the member with the highest summed alignment
score to the others), and placed in story order by the mean relative position
of its members in their articles. Findings that touch a member sentence are
listed as the fact's conflicts, so a reader sees at once where versions
disagree.
"""

from __future__ import annotations

from .model import Alignment, BriefEntry, BriefSource, Document, Finding

_NOT_CONFLICTS = frozenset({"unsupported_addition", "omission"})


def _components(nodes: list[tuple[str, int]], edges: list[tuple[tuple[str, int], tuple[str, int]]]):
    parent = {n: n for n in nodes}

    def find(n):
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    for u, v in edges:
        ru, rv = find(u), find(v)
        if ru != rv:
            parent[ru] = rv
    groups: dict = {}
    for n in nodes:
        groups.setdefault(find(n), []).append(n)
    return list(groups.values())


def fuse_brief(
    docs: dict[str, Document],
    links: dict[tuple[str, str], list[Alignment]],
    findings: list[Finding],
) -> list[BriefEntry]:
    nodes = [(d.id, s.index) for d in docs.values() for s in d.sentences if not s.is_heading]
    node_set = set(nodes)
    edges = []
    score: dict[tuple[str, int], float] = {n: 0.0 for n in nodes}
    for (a, b), ls in links.items():
        if a > b:
            continue  # each unordered pair once
        for l in ls:
            u, v = (a, l.a_index), (b, l.b_index)
            if u in node_set and v in node_set:
                edges.append((u, v))
                score[u] += l.score
                score[v] += l.score
    entries: list[tuple[float, BriefEntry]] = []
    for comp in _components(nodes, edges):
        position = sum(n[1] / max(1, len(docs[n[0]].sentences)) for n in comp) / len(comp)
        medoid = max(comp, key=lambda n: (score[n], -len(docs[n[0]].sentences[n[1]].text)))
        sentences = [docs[a].sentences[i] for a, i in comp]
        sources = tuple(
            BriefSource(a, (docs[a].sentences[i].start, docs[a].sentences[i].end)) for a, i in sorted(comp)
        )
        conflicts = []
        for f in findings:
            if f.kind in _NOT_CONFLICTS:
                continue
            if any(f.article == s.article_id and s.start <= f.span[0] < s.end for s in sentences):
                conflicts.append(f"{f.article}: {f.kind.replace('_', ' ')}: {f.explanation}")
        support = len({a for a, _ in comp})
        text = docs[medoid[0]].sentences[medoid[1]].text
        entries.append((position, BriefEntry(text, sources, support, tuple(conflicts))))
    entries.sort(key=lambda e: e[0])
    return [e for _, e in entries]
