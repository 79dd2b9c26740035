"""Average-link clusters of a cosine graph, kept up to date as articles arrive, whatever their order.

Method: articles are unit-length sparse vectors (`storytrace.events.lexical`).
Each new article is scored against the earlier ones that share a bucket with
it, through an inverted index (bucket -> articles; the candidate generation of
information retrieval, Zobel & Moffat 2006, "Inverted files for text search
engines"); pairs at or above ``floor`` are kept as edges. Stories are the
clusters of *average-link* agglomerative clustering (UPGMA; Sokal & Michener
1958) cut at ``cut``: two clusters merge while the mean cosine over all their
cross pairs is at least ``cut`` (pairs below ``floor`` count as 0). Average
link does not chain as single link does: one close pair does not join two
stories.

Incremental without dependence on order: every average-link cluster at the
cut lies inside one connected component of the graph of pairs at or above the
cut (a merge needs a mean, so at least one pair, at the cut). When an article
arrives, only the components it joins can change; they are merged and that
component alone is clustered again, exactly. The clusters are therefore a
function of the *set* of articles seen, not of the order they came in: ties
are broken by publication time and article id, never by arrival. A story is
named after its first article (``s-<id>``: the earliest published, untimed
last, then the smallest id), so names too depend only on the set.

Bounded work per article: a bucket held by more than ``posting_cap`` articles
is not used to find candidates (text shared by that many articles is
boilerplate or a function word the reference IDF missed; its weight still
counts in the cosine of pairs found through other buckets). With a cap the
result can depend on order for such buckets only: the cap is checked against
the postings as they are when an article arrives.

An article's vector can be replaced (``replace_many``: when a sentence it
carries turns out to be boilerplate, `storytrace.events.boilerplate`): its
edges are scored again against the current vectors, its component is split
where no edge at the cut holds it together any more, and each part is
clustered again; so the clusters stay a function of the articles' current
vectors, whatever the order of additions and replacements.

Time as a bound, not a score: with ``max_gap_s``, two articles whose
publication times are both known and further apart than that get no edge
(a story told again months later, with the same places and people, is another
event); an article without a time keeps its edges with every other. Nor does a
cluster ever span more than ``max_gap_s`` (a merge that would is skipped:
constrained agglomerative clustering with cannot-link pairs, Davidson & Ravi
2005, "Agglomerative hierarchical clustering with constraints"), so an
untimed article cannot join two events months apart into one story.

Parameters: ``cut`` (fitted, see `storytrace.events.lexicalgrouping`), ``floor``
(the cut by default, set by hand: on the Multi-News even half a floor of half
the cut keeps 2.8 times the edges for +0.002 BCubed F1), ``posting_cap`` (set
by hand), ``max_gap_s`` (None by default: no bound; set by its caller).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

import numpy as np

from storytrace.events.lexical import SparseVector


def _first(x: float, y: float) -> float:
    return y if x != x else x if y != y else min(x, y)  # x != x: NaN


def _last(x: float, y: float) -> float:
    return y if x != x else x if y != y else max(x, y)


POSTING_CAP = 20_000  # set by hand (see the module docstring): a bucket held by more finds no candidates


class _Postings:
    """The articles holding one bucket and their weights there, in growable arrays."""

    __slots__ = ("articles", "weights", "n")

    def __init__(self) -> None:
        self.articles = np.empty(4, dtype=np.int64)
        self.weights = np.empty(4, dtype=np.float64)
        self.n = 0

    def append(self, article: int, weight: float) -> None:
        if self.n == len(self.articles):
            self.articles = np.concatenate([self.articles, np.empty_like(self.articles)])
            self.weights = np.concatenate([self.weights, np.empty_like(self.weights)])
        self.articles[self.n] = article
        self.weights[self.n] = weight
        self.n += 1


@dataclass
class AverageLinkGraph:
    """Articles, their edges and their average-link clusters; ``add`` returns what changed."""

    cut: float
    floor: float | None = None
    posting_cap: int = POSTING_CAP
    max_gap_s: float | None = None
    ids: list[str] = field(default_factory=list)
    edges: list[dict[int, float]] = field(default_factory=list)  # per article: neighbour -> cosine (>= floor)
    _postings: dict[int, _Postings] = field(default_factory=dict)
    _parent: list[int] = field(default_factory=list)
    _members: dict[int, list[int]] = field(default_factory=dict)  # component root -> articles
    cluster_of: list[int] = field(default_factory=list)  # article -> its cluster's smallest-id article
    _buckets: list[np.ndarray] = field(default_factory=list)  # article -> its buckets (to replace its vector)
    _times: np.ndarray = field(default_factory=lambda: np.empty(64))  # article -> publication time (NaN: none)

    def __post_init__(self) -> None:
        if self.floor is None:
            self.floor = self.cut

    # ---------------------------------------------------------------- public

    def add(self, article_id: str, vector: SparseVector, time: float | None = None) -> list[int]:
        """Add one article; the indices of the articles whose cluster may have changed (it included)."""
        return self.add_many([article_id], [vector], [time])

    def add_many(self, article_ids: list[str], vectors: list[SparseVector],
                 times: list[float | None] | None = None) -> list[int]:
        """Add articles, then cluster again each component they changed (once, however many joined it).

        The clusters are the same as after adding them one by one (they depend on the set only);
        returns the indices of the articles whose cluster may have changed."""
        dirty: set[int] = set()
        for k, (article_id, vector) in enumerate(zip(article_ids, vectors)):
            i = self._insert(article_id, vector, times[k] if times is not None else None)
            near = self.edges[i]
            root = i
            for r in sorted({self._find(j) for j, s in near.items() if s >= self.cut}):
                root = self._union(root, r)
            dirty.add(root)  # roots merged away later are found again below
        changed: list[int] = []
        for root in sorted({self._find(r) for r in dirty}):
            members = self._members[root]
            if len(members) > 1:
                self._recluster(members)
            changed.extend(members)
        return changed

    def replace_many(self, indices: list[int], vectors: list[SparseVector]) -> list[int]:
        """Give the articles at ``indices`` new vectors; the indices of the articles whose cluster may have changed.

        The clusters are those that adding every article with its current vector would give."""
        indices = list(indices)
        if not indices:
            return []
        touched = {self._find(i) for i in indices}
        for i in indices:
            self._drop(i)
        for i, vector in zip(indices, vectors):
            for j, s in self._score(vector, self._times[i]).items():
                if j != i:
                    self.edges[i][j] = s
                    self.edges[j][i] = s
            self._post(i, vector)
        members: list[int] = []
        for root in sorted({self._find(r) for r in touched}):
            members.extend(self._members.pop(root))
        for j, s in ((j, s) for i in indices for j, s in self.edges[i].items() if s >= self.cut):
            if self._find(j) not in touched:  # a new edge reached another component: it joins
                members.extend(self._members.pop(self._find(j)))
                touched.add(self._find(j))
        changed: list[int] = []
        for part in self._split(members):
            root = part[0]
            for m in part:
                self._parent[m] = root
            self._members[root] = part
            if len(part) > 1:
                self._recluster(part)
            else:
                self.cluster_of[root] = root
            changed.extend(part)
        return changed

    def _insert(self, article_id: str, vector: SparseVector, time: float | None) -> int:
        i = len(self.ids)
        if i == len(self._times):
            self._times = np.concatenate([self._times, np.empty_like(self._times)])
        self._times[i] = np.nan if time is None else float(time)
        self.ids.append(article_id)
        self.edges.append({})
        self._parent.append(i)
        self._members[i] = [i]
        self.cluster_of.append(i)
        self._buckets.append(np.zeros(0, np.int64))
        for j, s in self._score(vector, self._times[i]).items():
            self.edges[i][j] = s
            self.edges[j][i] = s
        self._post(i, vector)
        return i

    def _post(self, i: int, vector: SparseVector) -> None:
        self._buckets[i] = vector.index
        postings = self._postings
        for b, w in zip(vector.index.tolist(), vector.value.tolist()):
            p = postings.get(b)
            if p is None:
                p = postings[b] = _Postings()
            p.append(i, w)

    def _drop(self, i: int) -> None:
        """Take article ``i`` out of the postings (its weights there become 0) and drop its edges."""
        for b in self._buckets[i].tolist():
            p = self._postings[b]
            p.weights[: p.n][p.articles[: p.n] == i] = 0.0
        for j in self.edges[i]:
            self.edges[j].pop(i, None)
        self.edges[i] = {}
        self._buckets[i] = np.zeros(0, np.int64)

    def _split(self, members: list[int]) -> list[list[int]]:
        """The connected parts of ``members`` over edges at or above the cut, each sorted."""
        inside = set(members)
        seen: set[int] = set()
        parts = []
        for m in sorted(inside):
            if m in seen:
                continue
            seen.add(m)
            part, todo = [m], [m]
            while todo:
                x = todo.pop()
                for j, s in self.edges[x].items():
                    if s >= self.cut and j in inside and j not in seen:
                        seen.add(j)
                        part.append(j)
                        todo.append(j)
            parts.append(sorted(part))
        return parts

    def _name_key(self, i: int) -> tuple[bool, float, str]:
        """Order of articles for naming a story: the earliest published first (untimed last), then by id."""
        t = float(self._times[i])
        return (t != t, 0.0 if t != t else t, self.ids[i])

    def story_of(self, i: int) -> str:
        """The story id of article ``i``: ``s-`` and the id of its cluster's first article (`_name_key`)."""
        return f"s-{self.ids[self.cluster_of[i]]}"

    def stories(self) -> dict[str, str]:
        """Article id -> story id, for every article added."""
        return {aid: self.story_of(i) for i, aid in enumerate(self.ids)}

    def state(self) -> dict[str, np.ndarray]:
        """The whole graph as flat arrays (`from_state` gives it back): for a store to keep between processes."""
        n = len(self.ids)
        lo = [i for i in range(n) for j in self.edges[i] if i < j]
        hi = [j for i in range(n) for j in self.edges[i] if i < j]
        ws = [self.edges[i][j] for i, j in zip(lo, hi)]
        bucket_ids = np.fromiter(self._postings, dtype=np.int64, count=len(self._postings))
        held = [self._postings[b] for b in bucket_ids.tolist()]
        return {
            "params": np.array([self.cut, self.floor, float(self.posting_cap),
                                np.nan if self.max_gap_s is None else self.max_gap_s]),
            "ids": np.array(self.ids, dtype=str),
            "times": self._times[:n].copy(),
            "parent": np.array(self._parent, dtype=np.int64),
            "cluster_of": np.array(self.cluster_of, dtype=np.int64),
            "edge_lo": np.array(lo, dtype=np.int64), "edge_hi": np.array(hi, dtype=np.int64),
            "edge_w": np.array(ws, dtype=np.float64),
            "post_bucket": bucket_ids,
            "post_len": np.array([p.n for p in held], dtype=np.int64),
            # half the bytes, nothing lost: fewer than 2**31 articles and buckets, weights are float32 vector values
            "post_articles": np.concatenate([np.zeros(0, np.int32)] + [p.articles[: p.n] for p in held]).astype(np.int32),
            "post_weights": np.concatenate([np.zeros(0)] + [p.weights[: p.n] for p in held]).astype(np.float32),
            "bucket_len": np.array([len(b) for b in self._buckets], dtype=np.int64),
            "buckets": np.concatenate([np.zeros(0, np.int64)] + self._buckets).astype(np.int32),
        }

    @classmethod
    def from_state(cls, state: dict[str, np.ndarray]) -> AverageLinkGraph:
        """The graph `state` was taken of."""
        cut, floor, cap, gap = (float(x) for x in state["params"])
        g = cls(cut, floor=floor, posting_cap=int(cap), max_gap_s=None if gap != gap else gap)
        g.ids = [str(x) for x in state["ids"]]
        n = len(g.ids)
        g._times = np.concatenate([state["times"].astype(np.float64), np.empty(max(64, n))])
        g._parent = state["parent"].tolist()
        g.cluster_of = state["cluster_of"].tolist()
        g.edges = [{} for _ in range(n)]
        for i, j, w in zip(state["edge_lo"].tolist(), state["edge_hi"].tolist(), state["edge_w"].tolist()):
            g.edges[i][j] = w
            g.edges[j][i] = w
        start = 0
        articles, weights = state["post_articles"].astype(np.int64), state["post_weights"].astype(np.float64)
        for b, k in zip(state["post_bucket"].tolist(), state["post_len"].tolist()):
            p = _Postings()
            p.articles, p.weights, p.n = articles[start:start + k].copy(), weights[start:start + k].copy(), k
            g._postings[b] = p
            start += k
        ends = np.cumsum(state["bucket_len"])
        buckets = state["buckets"].astype(np.int64)
        g._buckets = [buckets[e - k:e].copy() for e, k in zip(ends.tolist(), state["bucket_len"].tolist())]
        g._members = {}
        for i in range(n):
            g._members.setdefault(g._find(i), []).append(i)
        return g

    # ---------------------------------------------------------------- internals

    def _score(self, v: SparseVector, time: float = np.nan) -> dict[int, float]:
        """Cosines of ``v`` with the articles already added that share a bucket with it (>= floor),
        leaving out those published more than ``max_gap_s`` from ``time``."""
        cand: list[np.ndarray] = []
        prod: list[np.ndarray] = []
        postings = self._postings
        for b, w in zip(v.index.tolist(), v.value.tolist()):
            p = postings.get(b)
            if p is None or p.n > self.posting_cap:
                continue
            cand.append(p.articles[: p.n])
            prod.append(p.weights[: p.n] * w)
        if not cand:
            return {}
        js, inverse = np.unique(np.concatenate(cand), return_inverse=True)
        sums = np.bincount(inverse, weights=np.concatenate(prod), minlength=len(js))
        keep = sums >= self.floor
        if self.max_gap_s is not None and not np.isnan(time):
            their = self._times[js]
            keep &= ~(np.abs(their - time) > self.max_gap_s)  # NaN (no time) compares False: kept
        return {int(j): float(s) for j, s in zip(js[keep], sums[keep])}

    def _find(self, x: int) -> int:
        while self._parent[x] != x:
            self._parent[x] = self._parent[self._parent[x]]
            x = self._parent[x]
        return x

    def _union(self, a: int, b: int) -> int:
        ra, rb = self._find(a), self._find(b)
        if ra == rb:
            return ra
        if len(self._members[ra]) < len(self._members[rb]):
            ra, rb = rb, ra
        self._parent[rb] = ra
        self._members[ra].extend(self._members.pop(rb))
        return ra

    def _recluster(self, members: list[int]) -> None:
        """Exact average-link clustering of one component, cut at ``cut``; ties broken by article id."""
        ids = self.ids
        inside = set(members)
        key = {m: self._name_key(m) for m in members}  # a cluster's first article: its name and its tie-break
        size = {m: 1 for m in members}
        groups = {m: [m] for m in members}
        t = self._times
        span = {m: (t[m], t[m]) for m in members}  # a cluster's first and last publication time (NaN: none)
        nbr: dict[int, dict[int, float]] = {m: {j: s for j, s in self.edges[m].items() if j in inside}
                                            for m in members}  # cluster -> cluster -> sum of cosines
        heap = [(-s, key[a], key[b], a, b) for a in members for b, s in nbr[a].items()
                if key[a] < key[b] and s >= self.cut]
        heapq.heapify(heap)
        while heap:
            neg, _, _, a, b = heapq.heappop(heap)
            if a not in groups or b not in groups or nbr[a].get(b, 0.0) / (size[a] * size[b]) != -neg:
                continue  # a cluster merged away, or grew since this entry was pushed
            lo_t, hi_t = _first(span[a][0], span[b][0]), _last(span[a][1], span[b][1])
            if self.max_gap_s is not None and hi_t - lo_t > self.max_gap_s:
                continue  # cannot-link: a story never spans more than max_gap_s (NaN: no time, no span)
            if key[b] < key[a]:
                a, b = b, a  # a keeps the smaller name
            span[a] = (lo_t, hi_t)
            groups[a].extend(groups.pop(b))
            size[a] += size.pop(b)
            for x, s in nbr.pop(b).items():
                if x != a:
                    nbr[a][x] = nbr[a].get(x, 0.0) + s
                    nbr[x][a] = nbr[x].get(a, 0.0) + nbr[x].pop(b)
            nbr[a].pop(b, None)
            for x, s in nbr[a].items():
                mean = s / (size[a] * size[x])
                if mean >= self.cut:
                    lo, hi = (a, x) if key[a] < key[x] else (x, a)
                    heapq.heappush(heap, (-mean, key[lo], key[hi], lo, hi))
        for rep, group in groups.items():
            for m in group:
                self.cluster_of[m] = rep
