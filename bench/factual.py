"""Factual errors of real news summaries (FRANK): does storytrace flag the unfaithful ones?

Usage (from the repository root)::

    python -m bench.factual [--data ../shared/data/factual-dev/frank_valid.jsonl] [--limit N] [--json]

Each FRANK pair is an article and a model summary of it (a derived version;
Pagnoni et al. 2021, "Understanding Factuality in Abstractive Summarization
with FRANK", NAACL). storytrace compares the two; the summary is predicted
*unfaithful* when it carries a finding of severity high or medium. In the same
run, and on the same pairs:

- ``name-or-number``: the five-line baseline "the summary has a capitalised
  name or a number that the article lacks";
- FRANK's published metric scores (FactCC, BERTScore precision, QAGS, FEQA,
  DAE): each cut at the threshold that maximises balanced accuracy on the
  *other* origin (CNN/DM <-> XSum), so no score is tuned on what it is
  measured on;
- two sentence-pair judges, cut the same way (the other ways storytrace could
  decide, measured beside the one it uses): ``MiniLM max-sim``, the lowest,
  over the summary's sentences, of the best cosine to an article sentence;
  ``verifier judge``, the claim verifier (compare/verifier.py) on each summary
  sentence against its three nearest article sentences and the nearest two
  joined, the summary scored by its least supported sentence (the highest
  P(same) + P(less) of its candidates).

Printed: balanced accuracy per origin and pooled, recall per FRANK error type,
the false-alarm rate on consistent summaries and the finding kinds that fire
there, and storytrace's throughput. The data is the measure: nothing in
storytrace is fitted on it.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Sequence

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data" / "factual-dev" / "frank_valid.jsonl"
ORIGINS = ("cnndm", "xsum")
METRICS = ("FactCC", "BERTScore-P (article)", "QAGS", "FEQA", "DAE (Dep Entail)")
FLAGGING = ("high", "medium")

_NAME_OR_NUMBER = re.compile(r"\b(?:[A-Z][a-zA-Z'’-]+|\d[\d,.]*)\b")
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+|[\"“‘']\s*)([A-Z][a-zA-Z'’-]+)")


def load_pairs(path: Path, limit: int | None = None) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if limit:
        # every origin in the slice: interleave, then cut
        by = {o: [r for r in rows if r["origin"] == o] for o in ORIGINS}
        rows = [r for pair in zip(*by.values()) for r in pair][:limit]
    return rows


def name_or_number_baseline(article: str, summary: str) -> bool:
    """True when the summary has a capitalised word or a number that the article lacks.

    A capitalised word that only starts a sentence is skipped unless it is
    capitalised elsewhere too (it may be an ordinary word)."""
    starts = {m.group(1) for m in _SENTENCE_START.finditer(summary)}
    art_lower = article.lower()
    for tok in _NAME_OR_NUMBER.findall(summary):
        tok = tok.rstrip(".,")
        if not tok:
            continue
        if tok in starts and summary.count(tok) == 1:
            continue
        if tok.lower() not in art_lower:
            return True
    return False


def balanced_accuracy(pred: Sequence[bool], gold: Sequence[bool]) -> float:
    """Mean of recall on unfaithful (gold True) and on faithful (gold False) summaries."""
    pos = [p for p, g in zip(pred, gold) if g]
    neg = [p for p, g in zip(pred, gold) if not g]
    if not pos or not neg:
        return float("nan")
    return 0.5 * (sum(pos) / len(pos) + sum(not p for p in neg) / len(neg))


def best_cut(scores: Sequence[float], gold: Sequence[bool]) -> float:
    """The cut (predict unfaithful when score < cut) with the highest balanced accuracy."""
    cands = sorted(set(scores))
    best, best_ba = cands[0], -1.0
    for c in cands + [cands[-1] + 1e-9]:
        ba = balanced_accuracy([s < c for s in scores], gold)
        if ba > best_ba:
            best, best_ba = c, ba
    return best


def storytrace_predictions(rows: Sequence[dict], progress: Callable[[int, int], None]) -> tuple[list[dict], float]:
    """For each pair: flagged (bool), kinds of the flagging findings, story split, seconds."""
    from storytrace.compare import compare_articles
    from storytrace.model import Article
    from storytrace.report.contract import comparison_to_dict

    out = []
    start = time.perf_counter()
    for k, r in enumerate(rows):
        art = Article(id="article", text=r["article"])
        summ = Article(id="summary", text=r["summary"])
        t0 = time.perf_counter()
        doc = comparison_to_dict(compare_articles([art, summ]), include_text=False)
        findings = [f for f in doc["findings"] if f["article"] == "summary"]
        flagging = [f for f in findings if f["severity"] in FLAGGING]
        together = any({"article", "summary"} <= set(s["articles"]) for s in doc["stories"])
        out.append({"flagged": bool(flagging), "kinds": sorted({f["kind"] for f in flagging}),
                    "all_kinds": sorted({f["kind"] for f in findings}), "one_story": together,
                    "article_findings": sum(1 for f in doc["findings"] if f["article"] == "article"),
                    "seconds": time.perf_counter() - t0})
        progress(k + 1, len(rows))
    return out, time.perf_counter() - start


def cut_on_other_origin(values: Sequence[float | None], origin: Sequence[str], gold: Sequence[bool]) -> list[bool | None]:
    """Per pair, "unfaithful" (score below the cut fitted, by `best_cut`, on the other origin's pairs); None
    where the score is missing."""
    pred: list[bool | None] = [None] * len(values)
    for o in ORIGINS:
        other = [i for i, v in enumerate(values) if origin[i] != o and v is not None]
        mine = [i for i, v in enumerate(values) if origin[i] == o and v is not None]
        if not other or not mine:
            continue
        cut = best_cut([values[i] for i in other], [gold[i] for i in other])
        for i in mine:
            pred[i] = values[i] < cut
    return pred


_SPLIT = re.compile(r"(?<=[.!?])[\"”’']?\s+(?=[\"“‘']?[A-Z0-9])")


def judge_scores(rows: Sequence[dict]) -> dict[str, list[float]]:
    """Per pair, the summary's ``MiniLM max-sim`` and ``verifier judge`` scores (higher: more faithful)."""
    import numpy as np

    from storytrace.compare.verifier import LABELS, ClaimVerifier
    from storytrace.embed import default_encoder

    enc, verifier = default_encoder(), ClaimVerifier.load()
    support = [LABELS.index("same"), LABELS.index("less")]
    cache: dict[str, Any] = {}
    sim_scores, verifier_scores = [], []
    for r in rows:
        art = [x for x in _SPLIT.split(r["article"]) if len(x.split()) >= 3] or [r["article"]]
        summ = [x for x in _SPLIT.split(r["summary"]) if len(x.split()) >= 3] or [r["summary"]]
        if r["article"] not in cache:  # each article has four or five summaries
            cache = {r["article"]: enc.encode(art)}
        sims = enc.encode(summ) @ cache[r["article"]].T
        pairs, owner = [], []
        for i, sent in enumerate(summ):
            top = [int(j) for j in np.argsort(-sims[i])[:3]]
            for j in top:
                pairs.append((art[j], sent))
                owner.append(i)
            pairs.append((" ".join(art[j] for j in top[:2]), sent))
            owner.append(i)
        p = verifier.predict(pairs)[:, support].sum(axis=1)
        own = np.asarray(owner)
        verifier_scores.append(float(min(p[own == i].max() for i in range(len(summ)))))
        sim_scores.append(float(sims.max(axis=1).min()))
    return {"MiniLM max-sim": sim_scores, "verifier judge": verifier_scores}


def evaluate(rows: Sequence[dict], preds: Sequence[dict], judged: dict[str, list[float]] | None = None) -> dict[str, Any]:
    gold = [r["label"] == "inconsistent" for r in rows]
    origin = [r["origin"] for r in rows]
    systems: dict[str, list[bool]] = {
        "storytrace": [p["flagged"] for p in preds],
        "name-or-number": [name_or_number_baseline(r["article"], r["summary"]) for r in rows],
    }
    # published metrics and the judges: each cut where it does best on the other origin
    for m in METRICS:
        systems[m] = cut_on_other_origin([r["published_metrics"].get(m) for r in rows], origin, gold)
    for name, values in (judged or {}).items():
        systems[name] = cut_on_other_origin(values, origin, gold)

    def scores(pred: Sequence[bool | None]) -> dict[str, Any]:
        res: dict[str, Any] = {}
        for name, keep in (("cnndm", lambda i: origin[i] == "cnndm"), ("xsum", lambda i: origin[i] == "xsum"),
                           ("pooled", lambda i: True)):
            idx = [i for i in range(len(rows)) if keep(i) and pred[i] is not None]
            res[name] = balanced_accuracy([bool(pred[i]) for i in idx], [gold[i] for i in idx])
            res[f"n_{name}"] = len(idx)
        neg = [i for i in range(len(rows)) if not gold[i] and pred[i] is not None]
        res["false_alarm_rate"] = sum(bool(pred[i]) for i in neg) / len(neg) if neg else float("nan")
        types: dict[str, float] = {}
        for t in sorted({t for r in rows for t in r.get("error_types", [])}):
            idx = [i for i, r in enumerate(rows) if t in r.get("error_types", []) and pred[i] is not None]
            types[t] = sum(bool(pred[i]) for i in idx) / len(idx) if idx else float("nan")
        res["recall_by_error_type"] = types
        return res

    report: dict[str, Any] = {"pairs": len(rows), "inconsistent": sum(gold),
                              "systems": {name: scores(pred) for name, pred in systems.items()}}
    fired = Counter(k for p, g in zip(preds, gold) if not g for k in p["kinds"])
    report["storytrace_false_alarm_kinds"] = dict(fired.most_common())
    report["storytrace_kinds_on_unfaithful"] = dict(Counter(k for p, g in zip(preds, gold) if g
                                                            for k in p["kinds"]).most_common())
    report["storytrace_pairs_split_into_two_stories"] = sum(not p["one_story"] for p in preds)
    report["storytrace_findings_in_the_article"] = sum(p["article_findings"] for p in preds)
    secs = [p["seconds"] for p in preds]
    report["storytrace_seconds_per_pair_median"] = sorted(secs)[len(secs) // 2] if secs else None
    return report


def render(report: dict[str, Any]) -> None:
    print(f"FRANK validation: {report['pairs']} article/summary pairs, {report['inconsistent']} unfaithful")
    print("balanced accuracy of 'summary flagged' (published metrics and judges cut on the other origin)")
    print(f"{'system':24} {'CNN/DM':>7} {'XSum':>7} {'pooled':>7} {'false alarms':>13}")
    for name, s in report["systems"].items():
        print(f"{name:24} {s['cnndm']:7.3f} {s['xsum']:7.3f} {s['pooled']:7.3f} {s['false_alarm_rate']:13.3f}")
    print("recall per error type")
    types = sorted({t for s in report["systems"].values() for t in s["recall_by_error_type"]})
    print(f"{'system':24} " + " ".join(f"{t[:12]:>12}" for t in types))
    for name, s in report["systems"].items():
        print(f"{name:24} " + " ".join(f"{s['recall_by_error_type'].get(t, float('nan')):12.3f}" for t in types))
    print("storytrace: kinds firing on consistent summaries:", report["storytrace_false_alarm_kinds"])
    print("storytrace: kinds firing on unfaithful summaries:", report["storytrace_kinds_on_unfaithful"])
    print("storytrace: pairs split into two stories:", report["storytrace_pairs_split_into_two_stories"],
          "| findings placed in the article:", report["storytrace_findings_in_the_article"],
          f"| median {report['storytrace_seconds_per_pair_median']:.2f} s per pair")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.factual", description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--limit", type=int, default=None, help="first N pairs (origins interleaved)")
    ap.add_argument("--json", action="store_true", help="print the report as JSON")
    args = ap.parse_args(argv)
    if not args.data.is_file():
        print(f"error: {args.data} is not there (the FRANK file of ../shared/data/factual-dev)", file=sys.stderr)
        return 2
    rows = load_pairs(args.data, args.limit)

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty() or done == total or done % 50 == 0:
            print(f"\r  compared {done}/{total}", end="\n" if done == total else "", file=sys.stderr, flush=True)

    preds, _ = storytrace_predictions(rows, progress)
    report = evaluate(rows, preds, judge_scores(rows))
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        render(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
