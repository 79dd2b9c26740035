"""Quality of `storytrace compare` on the shipped examples against examples/gold.json.

Prints, per finding kind, how many planted differences were found (a finding of
that kind in that article whose span overlaps the planted text; for omissions,
whose counterpart overlaps the omitted source text), the story grouping and
derivation edges against gold, and how many findings were reported in all
(the examples have no gold for everything a finding could be, so precision is
not claimed).

    python -m bench.compare_examples [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"


def _overlaps(a, b) -> bool:
    return (a[0] < b[1] and b[0] < a[1]) or (a[0] == a[1] and b[0] <= a[0] <= b[1])


def evaluate(report: dict, gold: dict) -> dict:
    texts = {a["id"]: a["text"] for a in report["articles"]}

    def span(article: str, text: str) -> tuple[int, int]:
        s = texts[article].index(text)
        return s, s + len(text)

    found, total = Counter(), Counter()
    missed = []
    for p in gold["planted"]:
        total[p["kind"]] += 1
        cands = [f for f in report["findings"] if f["article"] == p["article"] and f["kind"] == p["kind"]]
        if p["kind"] == "omission":
            want = span(p["counterpart_article"], p["counterpart_text"])
            hit = any(f["counterpart"] and _overlaps(f["counterpart"]["span"], want) for f in cands)
        else:
            want = span(p["article"], p["text"])
            hit = any(_overlaps(f["span"], want) for f in cands)
        found[p["kind"]] += hit
        if not hit:
            missed.append(f"{p['article']}:{p['kind']}:{p.get('text') or p.get('counterpart_text')}")
    false_alarms = 0
    for nf in gold.get("not_findings", []):
        want = span(nf["article"], nf["text"])
        false_alarms += any(f["article"] == nf["article"] and f["kind"] == nf["kind"] and _overlaps(f["span"], want)
                            for f in report["findings"])
    got_stories = {frozenset(s["articles"]) for s in report["stories"]}
    gold_stories = [frozenset(s["articles"]) for s in gold["stories"]] + [frozenset([d]) for d in gold["distractors"]]
    edges = {(e["source"], e["derived"]) for e in report["derivation"]}
    return {
        "planted_found": sum(found.values()),
        "planted_total": sum(total.values()),
        "by_kind": {k: [found[k], total[k]] for k in sorted(total)},
        "missed": missed,
        "not_findings_reported": false_alarms,
        "stories_exact": sum(s in got_stories for s in gold_stories),
        "stories_total": len(gold_stories),
        "derivation_edges_found": sum((g["source"], g["derived"]) in edges for g in gold["derivation"]),
        "derivation_edges_gold": len(gold["derivation"]),
        "derivation_edges_reported": len(edges),
        "findings_reported": len(report["findings"]),
        "findings_by_severity": dict(Counter(f["severity"] for f in report["findings"])),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    from storytrace.compare import compare_articles
    from storytrace.readers.records import read_articles
    from storytrace.report.contract import comparison_to_dict

    gold = json.loads((EXAMPLES / "gold.json").read_text(encoding="utf-8"))
    report = comparison_to_dict(compare_articles(read_articles([str(EXAMPLES)])))
    r = evaluate(report, gold)
    if args.json:
        print(json.dumps(r, indent=2))
        return 0
    print(f"planted differences found: {r['planted_found']}/{r['planted_total']}")
    for k, (f, t) in r["by_kind"].items():
        print(f"  {k:22} {f}/{t}")
    for m in r["missed"]:
        print(f"  missed: {m}")
    print(f"equal quantities reported as changed: {r['not_findings_reported']}")
    print(f"stories matching gold exactly: {r['stories_exact']}/{r['stories_total']}")
    print(f"gold derivation edges found: {r['derivation_edges_found']}/{r['derivation_edges_gold']} "
          f"({r['derivation_edges_reported']} reported)")
    print(f"findings reported: {r['findings_reported']} {r['findings_by_severity']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
