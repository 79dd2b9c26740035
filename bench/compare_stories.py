"""Planted changes found, and false alarms, on the example story sets.

    python -m bench.compare_stories [--set examples|dev|dev2|dev3|sealed|all] [--json] [--show]

Sets: ``examples`` (the shipped examples/, gold in examples/gold.json), ``dev``,
``dev2``, ``dev3`` and ``sealed`` (bench/stories/, written before any tuning; the sealed set is
held out until the end, see bench/stories/README.md). ``dev2`` is a second
development set, written in a later session, before any tuning on it; ``dev3`` is a third,
written blind in another session, in other subject areas and styles. Each set is compared as
one paste of all its articles, distractors included, as a user would.

- A planted change is *found* when a finding of its kind (or of a kind its
  gold lists under ``also``) in its article overlaps its text; an omission,
  when the finding's counterpart overlaps the omitted source text.
- A *false alarm* is a high or medium finding that overlaps no planted change
  of its article (whatever the kind), or any finding that hits a gold
  ``not_findings`` entry of its kind. Low findings are counted apart.
- Goal (issue 10): recall >= 0.9 and at most one false alarm per article.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SETS = {
    "examples": REPO / "examples",
    "dev": REPO / "bench" / "stories" / "dev",
    "dev2": REPO / "bench" / "stories" / "dev2",
    "dev3": REPO / "bench" / "stories" / "dev3",
    "dev4": REPO / "bench" / "stories" / "dev4",
    "sealed": REPO / "bench" / "stories" / "sealed",
}
ALARM_SEVERITIES = ("high", "medium")


def _overlaps(a, b) -> bool:
    return (a[0] < b[1] and b[0] < a[1]) or (a[0] == a[1] and b[0] <= a[0] <= b[1])


def evaluate(report: dict, gold: dict) -> dict[str, Any]:
    texts = {a["id"]: a["text"] for a in report["articles"]}

    def span(article: str, text: str) -> tuple[int, int]:
        s = texts[article].index(text)
        return s, s + len(text)

    found, total = Counter(), Counter()
    missed: list[str] = []
    planted_spans: dict[str, list[tuple[int, int]]] = {}
    for p in gold["planted"]:
        kinds = {p["kind"], *p.get("also", [])}
        total[p["kind"]] += 1
        cands = [f for f in report["findings"] if f["article"] == p["article"] and f["kind"] in kinds]
        if p["kind"] == "omission":
            want = span(p["counterpart_article"], p["counterpart_text"])
            hit = any(f["counterpart"] and f["counterpart"]["article"] == p["counterpart_article"]
                      and _overlaps(f["counterpart"]["span"], want) for f in cands)
            # an omission finding sits at the empty position where the sentence would have stood
            planted_spans.setdefault(p["article"], [])
            planted_spans.setdefault("omitted:" + p["article"], []).append(want)
        else:
            want = span(p["article"], p["text"])
            hit = any(_overlaps(f["span"], want) for f in cands)
            planted_spans.setdefault(p["article"], []).append(want)
        found[p["kind"]] += hit
        if not hit:
            got = sorted({f["kind"] for f in report["findings"] if f["article"] == p["article"]
                          and p["kind"] != "omission" and _overlaps(f["span"], want)})
            missed.append(f"{p['article']}: {p['kind']} {p.get('text') or p.get('counterpart_text')!r}"
                          + (f" (reported as {', '.join(got)})" if got else ""))

    alarms: Counter = Counter()
    alarm_list: list[str] = []
    for f in report["findings"]:
        if f["severity"] not in ALARM_SEVERITIES:
            continue
        mine = planted_spans.get(f["article"], [])
        if any(_overlaps(f["span"], s) for s in mine):
            continue
        if f["kind"] == "omission" and f.get("counterpart") and any(
                _overlaps(f["counterpart"]["span"], s) for s in planted_spans.get("omitted:" + f["article"], [])):
            continue
        alarms[f["article"]] += 1
        alarm_list.append(f"{f['article']}: {f['severity']} {f['kind']} {f['text'][:60]!r}")
    not_findings_hit = 0
    for nf in gold.get("not_findings", []):
        want = span(nf["article"], nf["text"])
        hits = [f for f in report["findings"] if f["article"] == nf["article"] and f["kind"] == nf["kind"]
                and _overlaps(f["span"], want)]
        if hits:
            not_findings_hit += 1
            if not any(f["severity"] in ALARM_SEVERITIES for f in hits):  # not yet counted above
                alarms[nf["article"]] += 1
                alarm_list.append(f"{nf['article']}: not a finding, reported {nf['kind']} {nf['text']!r}")

    articles = [a["id"] for a in report["articles"]]
    got_stories = {frozenset(s["articles"]) for s in report["stories"]}
    gold_stories = [frozenset(s["articles"]) for s in gold["stories"]] + [frozenset([d]) for d in gold["distractors"]]
    edges = {(e["source"], e["derived"]) for e in report["derivation"]}
    n_found, n_total = sum(found.values()), sum(total.values())
    return {
        "articles": len(articles),
        "planted_found": n_found,
        "planted_total": n_total,
        "recall": n_found / n_total if n_total else float("nan"),
        "by_kind": {k: [found[k], total[k]] for k in sorted(total)},
        "missed": missed,
        "false_alarms": sum(alarms.values()),
        "max_false_alarms_per_article": max((alarms[a] for a in articles), default=0),
        "articles_over_one_false_alarm": sorted(a for a in articles if alarms[a] > 1),
        "false_alarm_list": alarm_list,
        "not_findings_reported": not_findings_hit,
        "not_findings_total": len(gold.get("not_findings", [])),
        "faithful_rewrite_findings": {a: sum(1 for f in report["findings"] if f["article"] == a
                                             and f["severity"] in ALARM_SEVERITIES) for a in gold.get("faithful", [])},
        "stories_exact": sum(s in got_stories for s in gold_stories),
        "stories_total": len(gold_stories),
        "derivation_edges_found": sum((g["source"], g["derived"]) in edges for g in gold["derivation"]),
        "derivation_edges_gold": len(gold["derivation"]),
        "derivation_edges_reported": len(edges),
        "findings_by_severity": dict(Counter(f["severity"] for f in report["findings"])),
    }


def run_set(name: str) -> dict[str, Any]:
    from storytrace.compare import compare_articles
    from storytrace.readers import read_articles
    from storytrace.report.contract import comparison_to_dict

    folder = SETS[name]
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    report = comparison_to_dict(compare_articles(read_articles([str(folder)])))
    return evaluate(report, gold)


def render(name: str, r: dict[str, Any], show: bool) -> None:
    print(f"[{name}] {r['articles']} articles: planted found {r['planted_found']}/{r['planted_total']} "
          f"(recall {r['recall']:.2f}); false alarms {r['false_alarms']} "
          f"(max {r['max_false_alarms_per_article']} per article; over one: {len(r['articles_over_one_false_alarm'])}); "
          f"not-findings reported {r['not_findings_reported']}/{r['not_findings_total']}")
    print(f"  stories exact {r['stories_exact']}/{r['stories_total']}; derivation edges "
          f"{r['derivation_edges_found']}/{r['derivation_edges_gold']} ({r['derivation_edges_reported']} reported); "
          f"findings {r['findings_by_severity']}; faithful rewrites' medium+ findings {r['faithful_rewrite_findings']}")
    for k, (f, t) in r["by_kind"].items():
        print(f"    {k:22} {f}/{t}")
    if show:
        for m in r["missed"]:
            print(f"  missed: {m}")
        for m in r["false_alarm_list"]:
            print(f"  false alarm: {m}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.compare_stories", description=__doc__.splitlines()[0])
    ap.add_argument("--set", choices=[*SETS, "all"], default="all",
                    help="which set (all: examples, dev, dev2, dev3, dev4 and sealed)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--show", action="store_true", help="list missed changes and false alarms")
    args = ap.parse_args(argv)
    names = list(SETS) if args.set == "all" else [args.set]
    results = {n: run_set(n) for n in names}
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    for n in names:
        render(n, results[n], args.show)
    return 0


if __name__ == "__main__":
    sys.exit(main())
