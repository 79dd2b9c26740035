
(function () {
"use strict";
var D = JSON.parse(document.getElementById("storytrace-data").textContent);
var ART = D.articles, KR = {verbatim: 3, edited: 2, paraphrase: 1}, SR = {high: 3, medium: 2, low: 1};
var selA = document.getElementById("pick-a"), selB = document.getElementById("pick-b");
var cols = {a: document.getElementById("col-a"), b: document.getElementById("col-b")};
var heads = {a: document.getElementById("head-a"), b: document.getElementById("head-b")};
var info = document.getElementById("pairinfo"), status = document.getElementById("status");
var cur = {a: null, b: null}, alEls = {a: {}, b: {}}, lit = [];
var reduced = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

function alignmentsFor(x, y) {
  var out = [], seen = {};
  if (x === y) return out;
  D.pairs.forEach(function (p) {
    var sw;
    if (p.a === x && p.b === y) sw = false; else if (p.a === y && p.b === x) sw = true; else return;
    p.al.forEach(function (r) {
      var o = sw ? {xs: r[2], xe: r[3], ys: r[0], ye: r[1]} : {xs: r[0], xe: r[1], ys: r[2], ye: r[3]};
      var key = o.xs + "," + o.xe + "," + o.ys + "," + o.ye;
      if (seen[key]) return;
      seen[key] = 1; o.kind = r[4]; o.score = r[5];
      // changed words on each side: [start, end, class, other side's start, end]
      o.xw = []; o.yw = [];
      (r[6] || []).forEach(function (w) {
        var op = w[0], as = w[1], ae = w[2], bs = w[3], be = w[4];
        var aw = sw ? o.yw : o.xw, bw = sw ? o.xw : o.yw;
        if (ae > as && (op === "replace" || op === "delete")) aw.push([as, ae, op === "replace" ? "wc-replace" : "wc-only", bs, be]);
        if (be > bs && (op === "replace" || op === "insert")) bw.push([bs, be, op === "replace" ? "wc-replace" : "wc-only", as, ae]);
      });
      out.push(o);
    });
  });
  return out;
}

function marksFor(side, x, y, als) {
  var m = [];
  als.forEach(function (al, i) {
    var s = side === "a" ? al.xs : al.ys, e = side === "a" ? al.xe : al.ye;
    if (e > s) m.push({t: "al", s: s, e: e, id: i, kind: al.kind, score: al.score});
    (side === "a" ? al.xw : al.yw).forEach(function (w) {
      m.push({t: "w", s: w[0], e: w[1], cls: w[2], other: ART[y] ? ART[y].text.slice(w[3], w[4]) : ""});
    });
  });
  D.findings.forEach(function (f, i) {
    if (f.article === x && f.span) m.push({t: "f", s: f.span[0], e: f.span[1], id: i, sev: f.severity, kind: f.kind});
    if (f.cp && f.cp.article === x && f.article === y && f.article !== x)
      m.push({t: "fc", s: f.cp.span[0], e: f.cp.span[1], id: i, kind: f.kind});
  });
  return m;
}

function el(tag, cls, text) {
  var n = document.createElement(tag);
  if (cls) n.className = cls;
  if (text != null) n.textContent = text;
  return n;
}

function renderColumn(side, x, marks) {
  var col = cols[side], art = ART[x], text = art ? art.text : "", n = text.length;
  var cuts = {0: 1}; cuts[n] = 1;
  marks.forEach(function (m) { cuts[m.s] = 1; cuts[m.e] = 1; });
  (D.targets[x] || []).forEach(function (t) { cuts[t[0]] = 1; cuts[t[1]] = 1; });
  var pts = Object.keys(cuts).map(Number).filter(function (v) { return v >= 0 && v <= n; })
    .sort(function (p, q) { return p - q; });
  var gaps = marks.filter(function (m) { return (m.t === "f" || m.t === "fc") && m.s === m.e; });
  var frag = document.createDocumentFragment(), byAl = {};
  for (var k = 0; k < pts.length; k++) {
    var p = pts[k];
    gaps.forEach(function (g) {
      if (g.s !== p) return;
      var gp = el("span", "gap " + (g.t === "f" ? "fd sev-" + g.sev : "fdc"));
      gp.setAttribute(g.t === "f" ? "data-f" : "data-fc", String(g.id));
      gp.dataset.s = p; gp.dataset.e = p;
      gp.title = g.kind.replace(/_/g, " ") + (g.t === "f" ? "" : " (counterpart)");
      frag.appendChild(gp);
    });
    if (k === pts.length - 1) break;
    var q = pts[k + 1], seg = el("span", "seg", text.slice(p, q));
    seg.dataset.s = p; seg.dataset.e = q;
    var kind = null, als = [], fs = [], fcs = [], sev = 0, tips = [], wcls = null;
    for (var j = 0; j < marks.length; j++) {
      var m = marks[j];
      if (!(m.s <= p && m.e >= q && m.s < m.e)) continue;
      if (m.t === "al") {
        als.push(m.id);
        if (!kind || KR[m.kind] > KR[kind]) kind = m.kind;
        tips.push(m.kind + " (" + Number(m.score).toFixed(2) + ")");
      } else if (m.t === "w") {
        wcls = m.cls;
        tips.push(m.cls === "wc-replace" ? "changed: \u201c" + m.other + "\u201d in the other version" : "only in this version");
      } else if (m.t === "f") {
        fs.push(m.id); sev = Math.max(sev, SR[m.sev] || 1);
        tips.push("finding: " + m.kind.replace(/_/g, " ") + " [" + m.sev + "]");
      } else {
        fcs.push(m.id); tips.push("counterpart of finding: " + m.kind.replace(/_/g, " "));
      }
    }
    if (kind) seg.classList.add("k-" + kind);
    if (wcls) seg.classList.add("wd", wcls);
    if (als.length) {
      seg.dataset.al = als.join(" ");
      als.forEach(function (id) { (byAl[id] = byAl[id] || []).push(seg); });
    }
    if (fs.length) { seg.dataset.f = fs.join(" "); seg.classList.add("fd", "sev-" + (sev === 3 ? "high" : sev === 2 ? "medium" : "low")); }
    if (fcs.length) { seg.dataset.fc = fcs.join(" "); seg.classList.add("fdc"); }
    if (tips.length) seg.title = tips.join("\n");
    frag.appendChild(seg);
  }
  col.textContent = "";
  col.appendChild(frag);
  col.dataset.article = x;
  alEls[side] = byAl;
  var h = heads[side];
  h.textContent = "";
  if (art) {
    h.appendChild(el("span", "ctitle", art.name || art.title || "(untitled)"));
    h.appendChild(el("code", null, x));
    var meta = [art.source, art.published_at].filter(Boolean).join(" · ");
    if (meta) h.appendChild(document.createTextNode(" " + meta));
  }
}

function pct(v) { return Math.round(v * 100) + "%"; }
function reuseText(x, y) {
  var r = D.reuse[x + "\u0001" + y];
  if (!r) return null;
  return pct(r[0] + r[1] + r[2]) + " of " + x + "'s sentences are in " + y +
    " (verbatim " + pct(r[0]) + ", edited " + pct(r[1]) + ", paraphrase " + pct(r[2]) + ")";
}

function setPair(a, b) {
  if (!ART[a] || !ART[b]) return;
  cur.a = a; cur.b = b; selA.value = a; selB.value = b;
  var als = alignmentsFor(a, b);
  renderColumn("a", a, marksFor("a", a, b, als));
  renderColumn("b", b, marksFor("b", b, a, als));
  var t = [reuseText(a, b), reuseText(b, a)].filter(Boolean);
  if (!t.length) t = [a === b ? "The same article on both sides." :
    als.length ? als.length + " aligned passages." : "No aligned passages between these two."];
  info.textContent = t.join(" · ");
  lit = [];
}

function partner(x) {
  var best = null, bestV = -1;
  Object.keys(D.reuse).forEach(function (k) {
    var ab = k.split("\u0001"), r = D.reuse[k], v = r[0] + r[1] + r[2], o = null;
    if (ab[0] === x) o = ab[1]; else if (ab[1] === x) o = ab[0];
    if (o && o !== x && ART[o] && v > bestV) { best = o; bestV = v; }
  });
  if (best) return best;
  var ids = Object.keys(ART), st = ART[x].story;
  for (var i = 0; i < ids.length; i++) if (ids[i] !== x && ART[ids[i]].story === st) return ids[i];
  for (i = 0; i < ids.length; i++) if (ids[i] !== x) return ids[i];
  return x;
}

function sideOf(x) { return cur.a === x ? "a" : cur.b === x ? "b" : null; }

function scrollColTo(side, target) {
  var col = cols[side];
  var top = target.getBoundingClientRect().top - col.getBoundingClientRect().top + col.scrollTop;
  col.scrollTop = Math.max(0, top - col.clientHeight / 3);
}

function flash(list) {
  document.querySelectorAll(".viewer .active").forEach(function (n) { n.classList.remove("active"); });
  list.forEach(function (n) {
    n.classList.remove("flash"); void n.offsetWidth;
    n.classList.add("active", "flash");
    setTimeout(function () { n.classList.remove("flash"); }, 1700);
  });
}

function reveal(side, list) {
  if (!list.length) return;
  scrollColTo(side, list[0]);
}

function showViewer() {
  document.getElementById("compare").scrollIntoView({behavior: reduced ? "auto" : "smooth", block: "start"});
}

function showFinding(i) {
  var f = D.findings[i];
  if (!f || !ART[f.article]) return;
  var x = f.article, o = f.cp && f.cp.article !== x && ART[f.cp.article] ? f.cp.article : null;
  if (o) {
    if (!((cur.a === x && cur.b === o) || (cur.a === o && cur.b === x))) setPair(x, o);
  } else if (!sideOf(x)) {
    setPair(x, partner(x));
  } else if (cur.a === cur.b && cur.a === x) {
    setPair(x, partner(x));
  }
  var sx = sideOf(x), so = o ? sideOf(o) : null;
  var own = Array.prototype.slice.call(cols[sx].querySelectorAll('[data-f~="' + i + '"]'));
  var cps = so ? Array.prototype.slice.call(cols[so].querySelectorAll('[data-fc~="' + i + '"]')) : [];
  showViewer();
  flash(own.concat(cps));
  reveal(sx, own);
  if (so) reveal(so, cps);
  status.textContent = "Finding: " + f.kind.replace(/_/g, " ") + " (" + f.severity + ") in " + x +
    (o ? ", compared with " + o : "");
}

function showSpan(x, s, e) {
  if (!ART[x]) return;
  if (!sideOf(x)) setPair(x, cur.b && cur.b !== x ? cur.b : partner(x));
  var side = sideOf(x);
  var list = Array.prototype.slice.call(cols[side].querySelectorAll(".seg")).filter(function (n) {
    var ns = +n.dataset.s, ne = +n.dataset.e;
    return e > s ? ns >= s && ne <= e : ns <= s && ne > s;
  });
  showViewer();
  flash(list);
  reveal(side, list);
  status.textContent = "Passage in " + x;
}

function unlight() { lit.forEach(function (n) { n.classList.remove("hl"); }); lit = []; }

document.querySelector(".viewer .cols").addEventListener("mouseover", function (ev) {
  var seg = ev.target.closest ? ev.target.closest(".seg[data-al]") : null;
  unlight();
  if (!seg) return;
  seg.dataset.al.split(" ").forEach(function (id) {
    ["a", "b"].forEach(function (side) {
      (alEls[side][id] || []).forEach(function (n) { n.classList.add("hl"); lit.push(n); });
    });
  });
});
document.querySelector(".viewer .cols").addEventListener("mouseleave", unlight);
document.querySelector(".viewer .cols").addEventListener("click", function (ev) {
  var seg = ev.target.closest ? ev.target.closest(".seg[data-al]") : null;
  if (!seg) return;
  var side = seg.parentNode === cols.a ? "a" : "b", other = side === "a" ? "b" : "a";
  var id = seg.dataset.al.split(" ")[0], tgt = (alEls[other][id] || [])[0];
  if (tgt) scrollColTo(other, tgt);
});

document.addEventListener("click", function (ev) {
  var t = ev.target.closest ? ev.target : null;
  if (!t) return;
  var a = t.closest("a[data-finding]");
  if (a) { ev.preventDefault(); showFinding(+a.dataset.finding); return; }
  var g = t.closest("a[data-goto]");
  if (g) { ev.preventDefault(); showSpan(g.dataset.goto, +g.dataset.s, +g.dataset.e); return; }
  var c = t.closest("[data-pair-a]");
  if (c) { ev.preventDefault(); setPair(c.dataset.pairA, c.dataset.pairB); showViewer(); }
});

selA.addEventListener("change", function () { setPair(selA.value, selB.value); status.textContent = ""; });
selB.addEventListener("change", function () { setPair(selA.value, selB.value); status.textContent = ""; });
document.getElementById("swap").addEventListener("click", function () { setPair(cur.b, cur.a); });

// --- findings: filter, search, export (the findings shown) ---------------------------------
var fItems = Array.prototype.slice.call(document.querySelectorAll("#findings li.finding[data-i]"));
var ffKind = document.getElementById("ff-kind"), ffVer = document.getElementById("ff-version");
var ffQ = document.getElementById("ff-q"), ffCount = document.getElementById("ff-count");
var ffNone = document.getElementById("ff-none");

function hay(f) {
  var x = f.x || {}, cp = x.counterpart || {}, a = ART[f.article] || {};
  return [f.kind.replace(/_/g, " "), f.severity, f.article, a.name || "", x.text, x.explanation,
    cp.article || "", cp.text || ""].join("\n").toLowerCase();
}

function filterState() {
  var sevs = [];
  document.querySelectorAll("#findings .ff-sev").forEach(function (c) { if (c.checked) sevs.push(c.value); });
  return {severity: sevs, kind: ffKind ? ffKind.value : "", version: ffVer ? ffVer.value : "",
    search: ffQ ? ffQ.value.trim() : ""};
}

function applyFilters() {
  if (!ffCount) return;
  var st = filterState(), words = st.search.toLowerCase().split(/\s+/).filter(Boolean), shown = 0;
  fItems.forEach(function (li) {
    var f = D.findings[+li.dataset.i], h = words.length ? hay(f) : "";
    var ok = st.severity.indexOf(li.dataset.sev) >= 0 && (!st.kind || li.dataset.kind === st.kind) &&
      (!st.version || li.dataset.article === st.version) &&
      words.every(function (w) { return h.indexOf(w) >= 0; });
    li.classList.toggle("ff-out", !ok);
    if (ok) shown++;
  });
  // a group heading (severity, story) goes with its findings
  document.querySelectorAll("#findings ol.findings").forEach(function (ol) {
    var any = !!ol.querySelector("li.finding:not(.ff-out)"), h = ol.previousElementSibling;
    ol.classList.toggle("ff-empty", !any);
    if (h && h.classList.contains("sevgroup")) h.classList.toggle("ff-empty", !any);
  });
  document.querySelectorAll("#findings h3.fstory").forEach(function (h) {
    var n = h.nextElementSibling, any = false;
    while (n && !(n.tagName === "H3")) {
      if (n.tagName === "OL" && n.querySelector("li.finding:not(.ff-out)")) any = true;
      n = n.nextElementSibling;
    }
    h.classList.toggle("ff-empty", !any);
  });
  ffCount.textContent = shown + " of " + fItems.length + " findings shown";
  if (ffNone) ffNone.hidden = shown > 0;
}

function shownFindings() {
  return fItems.filter(function (li) { return !li.classList.contains("ff-out"); })
    .map(function (li) { return D.findings[+li.dataset.i].x; });
}

function csvCell(v) {
  var s = v == null ? "" : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;  // a spreadsheet must not run a cell as a formula
  return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

function findingsCsv(list) {
  var head = ["story", "article", "version", "severity", "kind", "text", "start", "end",
    "counterpart_article", "counterpart_text", "counterpart_start", "counterpart_end", "explanation"];
  var rows = [head.join(",")];
  list.forEach(function (x) {
    var cp = x.counterpart || {}, sp = x.span || [], cs = cp.span || [], a = ART[x.article] || {};
    rows.push([x.story, x.article, a.name || "", x.severity, x.kind, x.text, sp[0], sp[1], cp.article,
      cp.text, cs[0], cs[1], x.explanation].map(csvCell).join(","));
  });
  return "\ufeff" + rows.join("\r\n") + "\r\n";
}

function download(name, type, body) {
  var url = URL.createObjectURL(new Blob([body], {type: type}));
  var a = document.createElement("a");
  a.href = url; a.download = name; a.hidden = true;
  document.body.appendChild(a); a.click(); a.remove();
  setTimeout(function () { URL.revokeObjectURL(url); }, 2000);
}

if (ffCount) {
  document.querySelectorAll("#findings .ff-sev").forEach(function (c) { c.addEventListener("change", applyFilters); });
  [ffKind, ffVer].forEach(function (n) { if (n) n.addEventListener("change", applyFilters); });
  if (ffQ) ffQ.addEventListener("input", applyFilters);
  document.getElementById("ff-reset").addEventListener("click", function () {
    document.querySelectorAll("#findings .ff-sev").forEach(function (c) { c.checked = true; });
    ffKind.value = ""; ffVer.value = ""; ffQ.value = ""; applyFilters();
  });
  document.getElementById("ff-csv").addEventListener("click", function () {
    download("storytrace-findings.csv", "text/csv;charset=utf-8", findingsCsv(shownFindings()));
  });
  document.getElementById("ff-json").addEventListener("click", function () {
    download("storytrace-findings.json", "application/json",
      JSON.stringify({filters: filterState(), findings: shownFindings()}, null, 2) + "\n");
  });
  applyFilters();
}

if (D["default"]) setPair(D["default"][0], D["default"][1]);
})();
