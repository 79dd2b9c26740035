"""The derivation graph of one story as an inline SVG.

Method:

* Nodes: the story's articles, sorted by ``published_at`` (articles without one
  last), preceded by one pseudo node per edge source that is not an article of the
  story (an unseen common source). They sit evenly spaced on an ellipse, the first
  at 9 o'clock, then clockwise; the ellipse grows with the node count (ry = max(85,
  26·n), rx = 1.7·ry) inside fixed margins that leave room for the labels.
* Edges: one quadratic Bézier per edge, source -> derived, its control point
  pushed off the chord's midpoint to the left of the direction by 0.14 of the
  chord length, so a->b and b->a bend apart instead of overlapping. Both ends are
  pulled back along the tangent (towards the control point) to just outside the
  node circles, and the end carries an arrowhead marker (a separate marker for
  shared-source edges, which are drawn dashed by the CSS).
* Edge labels ("level · confidence") sit at the curve's midpoint (t = 1/2) and are
  drawn after all edges, so every label lies on top (the CSS gives them a white halo).
* Node labels (id, then source · time) are centred under the node, or above it
  for nodes on the upper arc, so they point away from the ellipse's centre.

Every string from the report is escaped; ``uid`` is not (it is the caller's own id, not report text).
"""

from __future__ import annotations

import math
from typing import Any, Callable, Mapping, Sequence

from storytrace.report.markup import as_num, as_str, esc, truncate

__all__ = ["graph_svg"]

_NODE_R = 10.0


def _toward(px: float, py: float, qx: float, qy: float, dist: float) -> tuple[float, float]:
    """The point ``dist`` from (px, py) on the way to (qx, qy)."""
    ll = math.hypot(qx - px, qy - py) or 1.0
    return px + (qx - px) / ll * dist, py + (qy - py) / ll * dist


def graph_svg(
    articles: Mapping[str, Mapping[str, Any]],
    ids: Sequence[str],
    edges: Sequence[Mapping[str, Any]],
    uid: str,
    node_href: Callable[[str], str | None] | None = None,
) -> str:
    """Derivation graph: nodes on an ellipse in published_at order, arrows source -> derived.

    ``articles``: article id -> the report's article dict (for every id in ``ids``);
    ``edges``: the report's derivation edges into these articles;
    ``uid``: a prefix for the SVG's element ids, unique within the page;
    ``node_href(article_id)``: a URL for the article's node (None: not a link).
    """
    pseudo: list[str] = []
    for e in edges:
        s = as_str(e.get("source"))
        if s not in ids and s not in pseudo:
            pseudo.append(s)
    order = sorted(
        ids,
        key=lambda aid: (articles[aid].get("published_at") is None, as_str(articles[aid].get("published_at"))),
    )
    nodes = pseudo + order
    n = len(nodes)
    ry = max(85.0, 26.0 * n)
    rx = ry * 1.7
    mx, my = 120.0, 50.0
    width, height = 2 * rx + 2 * mx, 2 * ry + 2 * my
    cx, cy = width / 2, height / 2
    pos: dict[str, tuple[float, float, float]] = {}
    for i, node in enumerate(nodes):
        ang = math.pi + 2 * math.pi * i / n  # earliest at 9 o'clock, then clockwise
        pos[node] = (cx + rx * math.cos(ang), cy + ry * math.sin(ang), ang)
    nr = _NODE_R

    out = [
        f"<svg class=\"graph\" viewBox=\"0 0 {width:.0f} {height:.0f}\" role=\"img\" "
        f"aria-labelledby=\"{uid}-t\" preserveAspectRatio=\"xMidYMid meet\">",
        f"<title id=\"{uid}-t\">Derivation graph: arrows go from source to derived article</title>",
        "<defs>",
        f"<marker id=\"{uid}-arr\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" "
        "markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" class=\"arrowhead\"/></marker>",
        f"<marker id=\"{uid}-arrs\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" "
        "markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" class=\"arrowhead shared\"/></marker>",
        "</defs>",
    ]
    edge_parts, label_parts = [], []
    for e in edges:
        s, d = as_str(e.get("source")), as_str(e.get("derived"))
        if s not in pos or d not in pos or s == d:
            continue
        level = as_str(e.get("level"))
        conf = as_num(e.get("confidence"))
        shared = level == "shared_source" or s in pseudo
        (x1, y1, _), (x2, y2, _) = pos[s], pos[d]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy) or 1.0
        # bend to the left of the direction so a->b and b->a do not overlap
        ctrl_x = (x1 + x2) / 2 - dy / length * length * 0.14
        ctrl_y = (y1 + y2) / 2 + dx / length * length * 0.14
        p0 = _toward(x1, y1, ctrl_x, ctrl_y, nr + 2)
        p2 = _toward(x2, y2, ctrl_x, ctrl_y, nr + 3)  # one more: room for the arrowhead's tip
        mid_x = 0.25 * p0[0] + 0.5 * ctrl_x + 0.25 * p2[0]
        mid_y = 0.25 * p0[1] + 0.5 * ctrl_y + 0.25 * p2[1]
        lvl_cls = level if level in ("wholly", "partially", "shared_source") else "other"
        cls = f"edge lvl-{lvl_cls}" + (" shared" if shared else "")
        marker = f"{uid}-arrs" if shared else f"{uid}-arr"
        tip = f"{s} → {d}: {level} (confidence {conf:.2f})"
        if e.get("evidence"):
            tip += f" — {as_str(e.get('evidence'))}"
        edge_parts.append(
            f"<g class=\"{cls}\"><title>{esc(tip)}</title>"
            f"<path d=\"M{p0[0]:.1f},{p0[1]:.1f} Q{ctrl_x:.1f},{ctrl_y:.1f} {p2[0]:.1f},{p2[1]:.1f}\" "
            f"marker-end=\"url(#{marker})\"/></g>"
        )
        label = "shared source" if level == "shared_source" else level
        label_parts.append(
            f"<text class=\"elabel\" x=\"{mid_x:.1f}\" y=\"{mid_y + 4:.1f}\" text-anchor=\"middle\">"
            f"{esc(label)} · {conf:.2f}</text>"
        )
    out += edge_parts + label_parts
    for node in nodes:
        x, y, ang = pos[node]
        is_pseudo = node in pseudo
        # labels centred under the node (above it for nodes on the upper arc)
        anchor, lx = "middle", x
        ly = y - nr - 20 if math.sin(ang) < -0.35 else y + nr + 15
        if is_pseudo:
            sub = ""
            tip = node
        else:
            a = articles[node]
            when = as_str(a.get("published_at")).replace("T", " ")[:16]
            sub = " · ".join(v for v in (as_str(a.get("source")), when) if v)
            tip = f"{node}: {as_str(a.get('title'))}"
        href = None if is_pseudo or node_href is None else node_href(node)
        out.append(
            (f"<a class=\"nodelink\" href=\"{esc(href)}\">" if href else "")
            + f"<g class=\"node{' pseudo' if is_pseudo else ''}\"><title>{esc(tip)}</title>"
            f"<circle cx=\"{x:.1f}\" cy=\"{y:.1f}\" r=\"{nr:.0f}\"/>"
            f"<text class=\"nlabel\" x=\"{lx:.1f}\" y=\"{ly:.1f}\" text-anchor=\"{anchor}\">"
            f"{esc(truncate(node, 26))}</text>"
            + (
                f"<text class=\"nsub\" x=\"{lx:.1f}\" y=\"{ly + 14:.1f}\" text-anchor=\"{anchor}\">"
                f"{esc(truncate(sub, 34))}</text>"
                if sub
                else ""
            )
            + "</g>"
            + ("</a>" if href else "")
        )
    out.append("</svg>")
    return "".join(out)
