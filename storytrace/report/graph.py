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
* Edge labels ("level · confidence", then the edge's caveats such as "a common source
  cannot be ruled out", wrapped short) sit beside their curve, never on a line:
  candidate places along the curve (t = 1/2, then further out), on both sides of it
  (the bulge's outer side first) and at growing distances are tried in order; each
  box (from a per-character width estimate, with a margin) costs 100 per line or
  node it meets, 50 for leaving the picture, 20 per label placed before and 10 per
  node label it overlaps, and the first free (else the cheapest) is taken. Labels
  are drawn after all edges, on a white box.
* Node labels (a short name: the label, a readable id or the title, then source ·
  time) are centred under the node, or above it for nodes on the upper arc, so they
  point away from the ellipse's centre.

Every string from the report is escaped; ``uid`` is not (it is the caller's own id, not report text).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from storytrace.report.markup import as_num, as_str, esc, truncate
from storytrace.report.names import short_name, version_name

__all__ = ["Box", "GraphLayout", "edge_caveats", "graph_layout", "graph_svg"]

_NODE_R = 10.0
_LINE_H = 14.0  # one line of edge label (11 px type)
_CHAR_W = {11: 6.1, 13: 7.6}  # average glyph width of the sans-serif type at these sizes, generous
_GAP = 3.0  # the margin every label box keeps from lines and other labels


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle: left, top, right, bottom."""

    x0: float
    y0: float
    x1: float
    y1: float

    def grow(self, d: float) -> "Box":
        return Box(self.x0 - d, self.y0 - d, self.x1 + d, self.y1 + d)

    def meets(self, other: "Box") -> bool:
        return self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1

    def meets_segment(self, p: tuple[float, float], q: tuple[float, float]) -> bool:
        """Liang-Barsky: does the segment p-q pass through the box?"""
        t0, t1 = 0.0, 1.0
        dx, dy = q[0] - p[0], q[1] - p[1]
        for num, den in ((p[0] - self.x0, -dx), (self.x1 - p[0], dx), (p[1] - self.y0, -dy), (self.y1 - p[1], dy)):
            if den == 0:
                if num < 0:
                    return False
                continue
            t = num / den
            if den < 0:
                t0 = max(t0, t)
            else:
                t1 = min(t1, t)
            if t0 > t1:
                return False
        return True

    def meets_circle(self, cx: float, cy: float, r: float) -> bool:
        nx, ny = min(max(cx, self.x0), self.x1), min(max(cy, self.y0), self.y1)
        return math.hypot(cx - nx, cy - ny) < r


@dataclass
class GraphLayout:
    """Where everything of the graph sits (in SVG user units); `graph_svg` draws it, tests inspect it."""

    width: float
    height: float
    nodes: dict[str, tuple[float, float, float]]  # id -> x, y, angle on the ellipse
    pseudo: list[str]
    node_boxes: list[Box] = field(default_factory=list)
    # one per drawn edge: (edge, p0, control, p2, polyline samples, label lines, label box)
    edges: list[tuple[Mapping[str, Any], tuple[float, float], tuple[float, float], tuple[float, float],
                      list[tuple[float, float]], list[str], Box]] = field(default_factory=list)


# clauses of the derivation evidence that qualify the edge, shortened for the graph
_CAVEATS = (
    (re.compile(r"common source|shared unseen source|unseen source", re.I), "a common source cannot be ruled out"),
    (re.compile(r"which came first", re.I), "which came first cannot be told"),
)


def edge_caveats(edge: Mapping[str, Any]) -> list[str]:
    """The caveats the edge's evidence states ("… cannot be ruled out / told"), each as a short phrase."""
    out: list[str] = []
    for clause in re.split(r"[;:]\s*", as_str(edge.get("evidence"))):
        if not re.search(r"cannot be (ruled out|told)", clause, re.I):
            continue
        short = next((text for pat, text in _CAVEATS if pat.search(clause)), truncate(clause.strip(), 48))
        if short not in out:
            out.append(short)
    return out


def _toward(px: float, py: float, qx: float, qy: float, dist: float) -> tuple[float, float]:
    """The point ``dist`` from (px, py) on the way to (qx, qy)."""
    ll = math.hypot(qx - px, qy - py) or 1.0
    return px + (qx - px) / ll * dist, py + (qy - py) / ll * dist


def _text_box(x: float, y: float, text: str, size: int, anchor: str = "middle") -> Box:
    """The box of one line of SVG text whose baseline is at ``y``."""
    w = len(text) * _CHAR_W[size]
    x0 = x - w / 2 if anchor == "middle" else x
    return Box(x0, y - size * 0.8, x0 + w, y + size * 0.25)


def _bezier(p0, c, p2, t: float) -> tuple[float, float]:
    u = 1 - t
    return (u * u * p0[0] + 2 * u * t * c[0] + t * t * p2[0], u * u * p0[1] + 2 * u * t * c[1] + t * t * p2[1])


def _normal(p0, c, p2, t: float) -> tuple[float, float]:
    tx = 2 * (1 - t) * (c[0] - p0[0]) + 2 * t * (p2[0] - c[0])
    ty = 2 * (1 - t) * (c[1] - p0[1]) + 2 * t * (p2[1] - c[1])
    ll = math.hypot(tx, ty) or 1.0
    return -ty / ll, tx / ll


def _wrap(text: str, width: int = 22) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _edge_label_lines(edge: Mapping[str, Any]) -> list[str]:
    """The label's lines: level and confidence, then each caveat wrapped short (a narrow box finds room)."""
    level = as_str(edge.get("level"))
    label = "shared source" if level == "shared_source" else level
    return [f"{label} · {as_num(edge.get('confidence')):.2f}"] + [line for c in edge_caveats(edge)
                                                                  for line in _wrap(f"⚠ {c}")]


def graph_layout(articles: Mapping[str, Mapping[str, Any]], ids: Sequence[str],
                 edges: Sequence[Mapping[str, Any]]) -> GraphLayout:
    """Place the nodes, curves and labels of the graph (see the module docstring for the method)."""
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
    mx, my = 130.0, 60.0
    width, height = 2 * rx + 2 * mx, 2 * ry + 2 * my
    cx, cy = width / 2, height / 2
    lay = GraphLayout(width, height, {}, pseudo)
    for i, node in enumerate(nodes):
        ang = math.pi + 2 * math.pi * i / n  # earliest at 9 o'clock, then clockwise
        lay.nodes[node] = (cx + rx * math.cos(ang), cy + ry * math.sin(ang), ang)
    for node in nodes:
        x, y, ang = lay.nodes[node]
        ly = _node_label_y(y, ang)
        name, sub = _node_texts(articles, node, node in pseudo)
        lay.node_boxes.append(_text_box(x, ly, name, 13))
        if sub:
            lay.node_boxes.append(_text_box(x, ly + 14, sub, 11))

    drawn = []
    for e in edges:
        s, d = as_str(e.get("source")), as_str(e.get("derived"))
        if s not in lay.nodes or d not in lay.nodes or s == d:
            continue
        (x1, y1, _), (x2, y2, _) = lay.nodes[s], lay.nodes[d]
        dx, dy = x2 - x1, y2 - y1
        # bend to the left of the direction so a->b and b->a do not overlap
        ctrl = ((x1 + x2) / 2 - dy * 0.14, (y1 + y2) / 2 + dx * 0.14)
        p0 = _toward(x1, y1, ctrl[0], ctrl[1], _NODE_R + 2)
        p2 = _toward(x2, y2, ctrl[0], ctrl[1], _NODE_R + 3)  # one more: room for the arrowhead's tip
        samples = [_bezier(p0, ctrl, p2, k / 32) for k in range(33)]
        drawn.append((e, p0, ctrl, p2, samples))

    segments = [(a, b) for *_, pts in drawn for a, b in zip(pts, pts[1:])]
    placed: list[Box] = []
    frame = Box(2, 2, width - 2, height - 2)
    for e, p0, ctrl, p2, samples in drawn:
        lines = _edge_label_lines(e)
        w = max(len(t) for t in lines) * _CHAR_W[11] + 8
        h = _LINE_H * len(lines) + 4
        chord_mid = ((p0[0] + p2[0]) / 2, (p0[1] + p2[1]) / 2)
        best: tuple[int, Box] | None = None
        for t, side_first, gap in _candidates(len(drawn)):
            bx, by = _bezier(p0, ctrl, p2, t)
            nx, ny = _normal(p0, ctrl, p2, t)
            # the outer side of the bulge first: away from the chord
            outward = 1.0 if (bx - chord_mid[0]) * nx + (by - chord_mid[1]) * ny >= 0 else -1.0
            side = outward if side_first else -outward
            reach = abs(nx) * w / 2 + abs(ny) * h / 2 + gap
            cx_, cy_ = bx + side * nx * reach, by + side * ny * reach
            box = Box(cx_ - w / 2, cy_ - h / 2, cx_ + w / 2, cy_ + h / 2)
            cost = _cost(box.grow(_GAP), segments, lay, placed, frame)
            if best is None or cost < best[0]:
                best = (cost, box)
            if cost == 0:
                break
        assert best is not None
        placed.append(best[1])
        lay.edges.append((e, p0, ctrl, p2, samples, lines, best[1]))
    return lay


def _candidates(n_edges: int) -> list[tuple[float, bool, float]]:
    """(t along the curve, outer side first?, gap from the curve), nearest the middle first; fewer for big graphs
    (the search is over every edge's segments)."""
    ts = (0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74, 0.18, 0.82)
    gaps = (4.0, 10.0, 18.0, 28.0, 40.0, 56.0, 74.0)
    if n_edges > 24:
        ts, gaps = ts[:3], gaps[:3]
    return [(t, side, gap) for gap in gaps for t in ts for side in (True, False)]


def _cost(box: Box, segments, lay: GraphLayout, placed: list[Box], frame: Box) -> int:
    """How badly a label box sits: crossing a line or a node is worst, then leaving the picture, then overlaps."""
    cost = 100 * sum(1 for a, b in segments if box.meets_segment(a, b))
    cost += 100 * sum(1 for x, y, _ in lay.nodes.values() if box.meets_circle(x, y, _NODE_R + 2))
    if box.x0 < frame.x0 or box.y0 < frame.y0 or box.x1 > frame.x1 or box.y1 > frame.y1:
        cost += 50
    cost += 20 * sum(1 for b in placed if box.meets(b))
    cost += 10 * sum(1 for b in lay.node_boxes if box.meets(b))
    return cost


def _node_label_y(y: float, ang: float) -> float:
    # labels centred under the node (above it for nodes on the upper arc)
    return y - _NODE_R - 20 if math.sin(ang) < -0.35 else y + _NODE_R + 15


def _node_texts(articles: Mapping[str, Mapping[str, Any]], node: str, is_pseudo: bool) -> tuple[str, str]:
    if is_pseudo:
        return truncate(node, 28), ""
    a = articles[node]
    when = as_str(a.get("published_at")).replace("T", " ")[:16]
    sub = " · ".join(v for v in (as_str(a.get("source")), when) if v)
    return short_name(a, 26), truncate(sub, 34)


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
    lay = graph_layout(articles, ids, edges)
    out = [
        f"<svg class=\"graph\" viewBox=\"0 0 {lay.width:.0f} {lay.height:.0f}\" role=\"img\" "
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
    for e, p0, ctrl, p2, _samples, lines, box in lay.edges:
        s, d = as_str(e.get("source")), as_str(e.get("derived"))
        level = as_str(e.get("level"))
        conf = as_num(e.get("confidence"))
        shared = level == "shared_source" or s in lay.pseudo
        caveat = len(lines) > 1
        lvl_cls = level if level in ("wholly", "partially", "shared_source") else "other"
        cls = f"edge lvl-{lvl_cls}" + (" shared" if shared else "") + (" caveat" if caveat else "")
        marker = f"{uid}-arrs" if shared else f"{uid}-arr"
        tip = f"{s} → {d}: {level} (confidence {conf:.2f})"
        if e.get("evidence"):
            tip += f" — {as_str(e.get('evidence'))}"
        edge_parts.append(
            f"<g class=\"{cls}\"><title>{esc(tip)}</title>"
            f"<path d=\"M{p0[0]:.1f},{p0[1]:.1f} Q{ctrl[0]:.1f},{ctrl[1]:.1f} {p2[0]:.1f},{p2[1]:.1f}\" "
            f"marker-end=\"url(#{marker})\"/></g>"
        )
        cx = (box.x0 + box.x1) / 2
        texts = "".join(
            f"<tspan x=\"{cx:.1f}\" y=\"{box.y0 + 2 + _LINE_H * (k + 1) - 3:.1f}\""
            + (" class=\"ecaveat\"" if k else "") + f">{esc(line)}</tspan>"
            for k, line in enumerate(lines)
        )
        label_parts.append(
            f"<g class=\"elabel-g{' caveat' if caveat else ''}\"><title>{esc(tip)}</title>"
            f"<rect class=\"elabel-bg\" x=\"{box.x0:.1f}\" y=\"{box.y0:.1f}\" width=\"{box.x1 - box.x0:.1f}\" "
            f"height=\"{box.y1 - box.y0:.1f}\" rx=\"3\"/>"
            f"<text class=\"elabel\" text-anchor=\"middle\">{texts}</text></g>"
        )
    out += edge_parts + label_parts
    for node in lay.nodes:
        x, y, ang = lay.nodes[node]
        is_pseudo = node in lay.pseudo
        ly = _node_label_y(y, ang)
        name, sub = _node_texts(articles, node, is_pseudo)
        if is_pseudo:
            tip = node
        else:
            a = articles[node]
            tip = f"{node}: {version_name(a)}"
        href = None if is_pseudo or node_href is None else node_href(node)
        out.append(
            (f"<a class=\"nodelink\" href=\"{esc(href)}\">" if href else "")
            + f"<g class=\"node{' pseudo' if is_pseudo else ''}\"><title>{esc(tip)}</title>"
            f"<circle cx=\"{x:.1f}\" cy=\"{y:.1f}\" r=\"{_NODE_R:.0f}\"/>"
            f"<text class=\"nlabel\" x=\"{x:.1f}\" y=\"{ly:.1f}\" text-anchor=\"middle\">{esc(name)}</text>"
            + (
                f"<text class=\"nsub\" x=\"{x:.1f}\" y=\"{ly + 14:.1f}\" text-anchor=\"middle\">{esc(sub)}</text>"
                if sub
                else ""
            )
            + "</g>"
            + ("</a>" if href else "")
        )
    out.append("</svg>")
    return "".join(out)
