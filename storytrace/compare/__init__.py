"""The analysis of one set of articles, one stage per module.

segment -> pairscore (pairfeatures) -> align -> grouping -> derivation ->
differences (one detector per module) -> fusion; `pipeline` wires them and
`compare_articles` is the entry point.
"""

from storytrace.compare.pipeline import analyse_story, compare_articles

__all__ = ["analyse_story", "compare_articles"]
