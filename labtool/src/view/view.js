// lab view: draws the scene (the JSON in #scene, made by scene.rs) as SVG.
// The time axis shows a window [view.a, view.b] of the run, in µs; each
// change of the window redraws what falls inside it. Dense marks share a
// few pixels and one hover text; with more than one arrow per PX_PER_ARROW
// px, only lost RPCs are drawn, and the net lane's strip shows how busy the
// network was. Every drawn item carries its hover text in aria-label.
"use strict";
(function () {
  const S = JSON.parse(document.getElementById("scene").textContent);
  const plot = document.getElementById("plot");
  const overview = document.getElementById("overview");
  const tip = document.getElementById("tip");
  const GUTTER = 92, AXIS = 32, GAP = 4, BUCKET = 3;
  const PX_PER_ARROW = 8; // more arrows than one per this many px: only the lost
  const HEIGHT = { harness: 34, peer: 46, net: 30, client: 26 };
  const BAND = 14, BAND_H = 18; // a peer's role band, from the lane's top
  const END = Math.max(S.end, 1);
  const FULL = { a: -END * 0.01, b: END * 1.03 };
  const MIN_SPAN = 20;

  let top = AXIS;
  const laneTop = S.lanes.map((lane) => {
    const y = top;
    top += HEIGHT[lane.kind] + GAP;
    return y;
  });
  const TOTAL_H = top + 4;
  const rpcs = S.rpcs.slice().sort((p, q) => p[0] - q[0]);

  let view = { a: FULL.a, b: FULL.b };
  let W = 800; // the plot's width in px, right of the labels

  const esc = (s) =>
    String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
  const x = (t) => GUTTER + ((t - view.a) / (view.b - view.a)) * W;
  const inView = (a, b) => b >= view.a && a <= view.b;
  const secs = (t) => (t / 1e6).toFixed(6) + " s";
  // A drawn item's hover text, kept in the DOM for the tooltip.
  // A message's first line, cut to fit beside the failure marker; its
  // hover text and the banner hold all of it.
  const firstLine = (message) => {
    const line = String(message).split("\n")[0];
    return line.length > 90 ? line.slice(0, 89) + "…" : line;
  };
  const h = (text) => ' data-h="" aria-label="' + esc(text) + '"';

  function axis(out) {
    const span = view.b - view.a;
    // The first of 1, 2, 5, 10, 20, 50… µs that leaves 90 px between ticks.
    let step = 1;
    for (let k = 1; (span / step) * 90 > W; k++) step = [1, 2, 5][k % 3] * 10 ** Math.floor(k / 3);
    const decimals = Math.max(0, Math.ceil(-Math.log10(step / 1e6) - 1e-9));
    for (let t = Math.ceil(view.a / step) * step; t <= view.b; t += step) {
      if (t < 0 || x(t) < GUTTER + 9) continue;
      const px = x(t).toFixed(1);
      out.push('<line class="tick" x1="' + px + '" x2="' + px + '" y1="' + (AXIS - 6) + '" y2="' + TOTAL_H + '"/>');
      out.push('<text class="tick-label" x="' + px + '" y="' + (AXIS - 8) + '">' + (t / 1e6).toFixed(decimals) + " s</text>");
    }
  }

  function lanes(out) {
    S.lanes.forEach((lane, i) => {
      const y = laneTop[i];
      out.push('<rect class="lane-bg ' + lane.kind + '" x="0" y="' + y + '" width="' + (GUTTER + W) + '" height="' + HEIGHT[lane.kind] + '"/>');
      out.push('<text class="lane-label" x="6" y="' + (y + HEIGHT[lane.kind] / 2 + 4) + '">' + esc(lane.name) + "</text>");
    });
  }

  function roles(out) {
    for (const seg of S.roles) {
      if (!inView(seg.a, seg.b)) continue;
      const x0 = Math.max(x(seg.a), GUTTER - 2), x1 = Math.min(x(seg.b), GUTTER + W + 2);
      const y = laneTop[seg.l] + BAND;
      const term = seg.term == null ? "" : "term " + seg.term;
      out.push('<g class="role ' + esc(seg.role) + '" data-term="' + esc(seg.term == null ? "" : seg.term) + '"' + h(seg.d) + ">");
      out.push('<rect x="' + x0.toFixed(1) + '" y="' + y + '" width="' + Math.max(x1 - x0, 0.5).toFixed(1) + '" height="' + BAND_H + '"/>');
      const label = x1 - x0 > 110 ? seg.role + " · " + term : x1 - x0 > 44 ? term : x1 - x0 > 18 && seg.term != null ? String(seg.term) : "";
      if (label) out.push('<text class="role-label" x="' + (x0 + 3).toFixed(1) + '" y="' + (y + 13) + '">' + esc(label) + "</text>");
      out.push("</g>");
    }
    for (const span of S.spans) {
      if (!inView(span.a, span.b)) continue;
      const x0 = Math.max(x(span.a), GUTTER - 2), x1 = Math.min(x(span.b), GUTTER + W + 2);
      const y = laneTop[span.l];
      out.push('<rect class="span ' + span.k + '" x="' + x0.toFixed(1) + '" y="' + (y + BAND - 3) + '" width="' + Math.max(x1 - x0, 1).toFixed(1) + '" height="' + (BAND_H + 6) + '"' + h(span.d) + "/>");
      if (x1 - x0 > 60) {
        out.push('<text class="span-label" x="' + (x0 + 3).toFixed(1) + '" y="' + (y + BAND + 13) + '">' + (span.k === "down" ? "down" : "cut off") + "</text>");
      }
    }
  }

  // Where each kind of mark sits in its lane, and its shape.
  const PEER_ROW = {
    commit: 2, snapshot: 2, install: 2, vote: 2, novote: 2,
    apply: 34, append: 33, reject: 33, persist: 41,
    crash: 0, restart: 0, connect: 0, disconnect: 0, event: BAND + 5,
  };
  function shape(kind, px, y, laneH) {
    const p = px.toFixed(1);
    switch (kind) {
      case "commit": return '<path d="M' + (px - 4) + " " + y + " h8 l-4 8 z" + '"/>';
      case "snapshot": case "install": return '<rect x="' + (px - 4) + '" y="' + y + '" width="8" height="8"/>';
      case "vote": case "novote": return '<circle cx="' + p + '" cy="' + (y + 4) + '" r="4"/>';
      case "apply": return '<circle cx="' + p + '" cy="' + (y + 3) + '" r="3"/>';
      case "append": return '<line x1="' + p + '" x2="' + p + '" y1="' + y + '" y2="' + (y + 5) + '"/>';
      case "reject": return '<line x1="' + p + '" x2="' + p + '" y1="' + y + '" y2="' + (y + 10) + '"/>';
      case "persist": return '<line x1="' + p + '" x2="' + p + '" y1="' + y + '" y2="' + (y + 4) + '"/>';
      case "crash": case "restart": case "connect": case "disconnect": case "partition": case "fail":
        return '<line x1="' + p + '" x2="' + p + '" y1="' + y + '" y2="' + (y + laneH) + '"/>' +
          '<path d="M' + (px - 4) + " " + (y + laneH / 2 - 4) + " l8 8 m0 -8 l-8 8" + '"/>';
      case "start": return '<path d="M' + (px - 5) + " " + (y + 9) + " h10 l-5 -9 z" + '"/>';
      case "begin": return '<path d="M' + px + " " + y + " v10 l8 -5 z" + '"/>';
      default: return '<path d="M' + px + " " + y + " l4 4 l-4 4 l-4 -4 z" + '"/>';
    }
  }

  // The label of the marks in one bucket: `3–5` for numbered marks, the
  // label and a count for equal ones, the kind and a count for others.
  function aggregate(list) {
    const labels = list.map((m) => m.s);
    if (list.length === 1 || !labels[0]) return labels[0];
    if (labels.every((s) => /^\d+$/.test(s))) {
      const n = labels.map(Number);
      return Math.min(...n) + "–" + Math.max(...n);
    }
    if (labels.every((s) => s === labels[0])) return labels[0] + " ×" + list.length;
    return list[0].k + " ×" + list.length;
  }

  function marks(out) {
    // One mark per bucket of BUCKET px per lane and row; its hover lists
    // the marks it stands for.
    const buckets = new Map();
    for (const m of S.marks) {
      if (m.t < view.a || m.t > view.b) continue;
      const kind = S.lanes[m.l].kind;
      const row = kind === "peer" ? (PEER_ROW[m.k] ?? PEER_ROW.event) : 8;
      const key = m.l + ":" + row + ":" + m.k + ":" + Math.floor(x(m.t) / BUCKET);
      const b = buckets.get(key);
      if (b) b.list.push(m);
      else buckets.set(key, { row, list: [m] });
    }
    const labelEnd = new Map();
    for (const { row, list } of buckets.values()) {
      const m = list[0], px = x(m.t), y = laneTop[m.l] + row;
      const laneH = HEIGHT[S.lanes[m.l].kind] - row;
      let d = list.length === 1 ? m.d : list.length + " events here:\n" + list.slice(0, 6).map((e) => e.d).join("\n\n") + (list.length > 6 ? "\n…" : "");
      out.push('<g class="mark ' + m.k + '"' + h(d) + ">" + shape(m.k, px, y, laneH));
      const lk = m.l + ":" + row;
      const label = aggregate(list);
      if (label && (labelEnd.get(lk) ?? -1e9) < px) {
        const ly = S.lanes[m.l].kind === "peer" ? y + (row < BAND ? 8 : 9) : y + 14;
        out.push('<text class="mark-label" x="' + (px + 6).toFixed(1) + '" y="' + ly + '">' + esc(label) + "</text>");
        labelEnd.set(lk, px + 10 + label.length * 6);
      }
      out.push("</g>");
    }
  }

  function arrows(out, status) {
    const shown = S.arrows.filter((r) => inView(r.a, r.b));
    const max = Math.floor(W / PX_PER_ARROW);
    let list = shown;
    if (shown.length > max) {
      list = shown.filter((r) => !r.ok).slice(0, max);
      status.push(shown.length + " RPCs between peers in view: only the " + list.length + " lost are drawn; zoom in for the rest");
    }
    for (const r of list) {
      const mid = BAND + BAND_H / 2;
      const x1 = x(r.a).toFixed(1), y1 = laneTop[r.f] + mid, x2 = x(r.b).toFixed(1), y2 = laneTop[r.to] + mid;
      const cls = r.ok ? "arrow ok" : "arrow lost";
      const line = 'x1="' + x1 + '" y1="' + y1 + '" x2="' + x2 + '" y2="' + y2 + '"';
      out.push('<g class="' + cls + '"' + h(r.d) + "><line class=\"hit\" " + line + "/><line " + line +
        ' marker-end="url(#' + (r.ok ? "head" : "lost") + ')"/></g>');
    }
  }

  function density(out) {
    const net = S.lanes.findIndex((l) => l.kind === "net");
    if (net < 0 || rpcs.length === 0) return;
    const counts = new Map();
    let lo = 0, hi = rpcs.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (rpcs[mid][0] < view.a) lo = mid + 1; else hi = mid; }
    for (let i = lo; i < rpcs.length && rpcs[i][0] <= view.b; i++) {
      const k = Math.floor(x(rpcs[i][0]) / 4);
      const c = counts.get(k) || [0, 0];
      c[rpcs[i][1] ? 1 : 0]++;
      counts.set(k, c);
    }
    let max = 1;
    for (const c of counts.values()) max = Math.max(max, c[0] + c[1]);
    const base = laneTop[net] + HEIGHT.net - 2, full = HEIGHT.net - 6;
    for (const [k, c] of counts) {
      const hOk = (c[0] / max) * full, hLost = (c[1] / max) * full;
      out.push('<g class="density"' + h(c[0] + c[1] + " RPCs, " + c[1] + " lost") + ">" +
        '<rect class="ok" x="' + k * 4 + '" y="' + (base - hOk).toFixed(1) + '" width="3" height="' + hOk.toFixed(1) + '"/>' +
        '<rect class="lost" x="' + k * 4 + '" y="' + (base - hOk - hLost).toFixed(1) + '" width="3" height="' + hLost.toFixed(1) + '"/></g>');
    }
  }

  function ops(out) {
    for (const op of S.ops) {
      const b = op.b == null ? END : op.b;
      if (!inView(op.a, b)) continue;
      const x0 = Math.max(x(op.a), GUTTER - 2), x1 = Math.min(x(b), GUTTER + W + 2);
      const y = laneTop[op.l] + 4;
      out.push('<g class="op' + (op.b == null ? " pending" : "") + '"' + h(op.d) + '><rect x="' + x0.toFixed(1) + '" y="' + y +
        '" width="' + Math.max(x1 - x0, 1.5).toFixed(1) + '" height="' + (HEIGHT.client - 8) + '"/>');
      if (x1 - x0 > op.s.length * 6 + 6) out.push('<text x="' + (x0 + 3).toFixed(1) + '" y="' + (y + 13) + '">' + esc(op.s) + "</text>");
      out.push("</g>");
    }
  }

  function notes(out) {
    for (const n of S.notes) {
      if (n.t < view.a || n.t > view.b) continue;
      const px = x(n.t).toFixed(1);
      out.push('<g class="note"' + h(n.d) + '><line x1="' + px + '" x2="' + px + '" y1="' + AXIS + '" y2="' + TOTAL_H + '"/>' +
        '<text x="' + (Number(px) + 3) + '" y="' + (AXIS + 10) + '">' + esc(n.s) + "</text></g>");
    }
    const f = S.failure;
    if (f && f.t >= view.a && f.t <= view.b) {
      const px = x(f.t).toFixed(1);
      out.push('<g id="failure-marker" class="failure-marker"' + h("failed at " + secs(f.t) + "\n" + f.message) + ">" +
        '<line class="hit" x1="' + px + '" x2="' + px + '" y1="4" y2="' + TOTAL_H + '"/>' +
        '<line x1="' + px + '" x2="' + px + '" y1="4" y2="' + TOTAL_H + '"/>' +
        '<text x="' + (Number(px) - 4) + '" y="12" text-anchor="end">✖ failure: ' + esc(firstLine(f.message)) + "</text></g>");
    }
  }

  const defs = () => '<defs><marker id="head" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto">' +
    '<path d="M0 0 L8 4 L0 8 z" class="head-ok"/></marker>' +
    '<marker id="lost" viewBox="0 0 8 8" refX="4" refY="4" markerWidth="8" markerHeight="8" orient="auto">' +
    '<path d="M0 0 L8 8 M8 0 L0 8" class="head-lost"/></marker>' +
    '<pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">' +
    '<line x1="0" y1="0" x2="0" y2="6" class="hatch"/></pattern>' +
    '<clipPath id="clip"><rect x="' + GUTTER + '" y="0" width="' + W + '" height="' + TOTAL_H + '"/></clipPath></defs>';

  function draw() {
    W = Math.max(300, plot.clientWidth - GUTTER - 4);
    const out = [], status = [];
    lanes(out);
    out.push('<g clip-path="url(#clip)">');
    axis(out);
    roles(out);
    density(out);
    ops(out);
    arrows(out, status);
    marks(out);
    notes(out);
    out.push("</g>");
    plot.innerHTML = '<svg id="timeline" width="' + (GUTTER + W) + '" height="' + TOTAL_H + '">' + defs() + out.join("") + "</svg>";
    document.getElementById("window").textContent =
      secs(Math.max(view.a, 0)) + " – " + secs(Math.min(view.b, END)) + " (" + ((view.b - view.a) / 1e6).toPrecision(3) + " s wide)";
    document.getElementById("status").textContent = status.join("; ");
    const hash = "#" + (view.a / 1e6).toFixed(6) + "-" + (view.b / 1e6).toFixed(6);
    try {
      if (location.hash !== hash) history.replaceState(null, "", hash);
    } catch (e) { /* some browsers refuse it for file:// pages */ }
    drawOverview();
  }

  function drawOverview() {
    const w = plot.clientWidth - GUTTER - 4, ox = (t) => GUTTER + ((t - FULL.a) / (FULL.b - FULL.a)) * w;
    let svg = '<svg width="' + (GUTTER + w) + '" height="18"><text x="6" y="13" class="overview-label">whole run</text>' +
      '<rect class="run" x="' + ox(0) + '" y="4" width="' + (ox(END) - ox(0)) + '" height="10"/>';
    if (S.failure) svg += '<line class="failure-tick" x1="' + ox(S.failure.t) + '" x2="' + ox(S.failure.t) + '" y1="0" y2="18"/>';
    svg += '<rect class="window" x="' + ox(view.a) + '" y="1" width="' + Math.max(ox(view.b) - ox(view.a), 2) + '" height="16"/></svg>';
    overview.innerHTML = svg;
  }

  let pending = false;
  function show(a, b) {
    let span = Math.min(Math.max(b - a, MIN_SPAN), FULL.b - FULL.a);
    a = Math.min(Math.max(a, FULL.a), FULL.b - span);
    view = { a, b: a + span };
    if (!pending) {
      pending = true;
      requestAnimationFrame(() => { pending = false; draw(); });
    }
  }
  function zoom(factor, at) {
    const t = at ?? (view.a + view.b) / 2;
    show(t - (t - view.a) * factor, t + (view.b - t) * factor);
  }
  function toFailure() {
    if (S.failure) show(S.failure.t - 1e6, S.failure.t + 0.15e6);
  }
  const timeAt = (clientX) => view.a + ((clientX - plot.getBoundingClientRect().left - GUTTER) / W) * (view.b - view.a);

  plot.addEventListener("wheel", (e) => {
    e.preventDefault();
    if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
      const d = (e.shiftKey ? e.deltaY : e.deltaX) * (view.b - view.a) / W;
      show(view.a + d, view.b + d);
    } else {
      zoom(Math.exp(e.deltaY * 0.002), timeAt(e.clientX));
    }
  }, { passive: false });
  let drag = null;
  plot.addEventListener("mousedown", (e) => { drag = { x: e.clientX, a: view.a, b: view.b }; });
  window.addEventListener("mouseup", () => { drag = null; });
  window.addEventListener("mousemove", (e) => {
    if (drag) {
      const d = ((drag.x - e.clientX) / W) * (drag.b - drag.a);
      show(drag.a + d, drag.b + d);
    }
  });
  overview.addEventListener("click", (e) => {
    const w = plot.clientWidth - GUTTER - 4;
    const t = FULL.a + ((e.clientX - overview.getBoundingClientRect().left - GUTTER) / w) * (FULL.b - FULL.a);
    const half = (view.b - view.a) / 2;
    show(t - half, t + half);
  });
  plot.addEventListener("mouseover", (e) => {
    const el = e.target.closest("[data-h]");
    if (!el) return;
    tip.textContent = el.getAttribute("aria-label");
    tip.hidden = false;
  });
  plot.addEventListener("mouseout", (e) => {
    if (e.target.closest("[data-h]")) tip.hidden = true;
  });
  plot.addEventListener("mousemove", (e) => {
    tip.style.left = Math.min(e.pageX + 14, window.scrollX + document.documentElement.clientWidth - tip.offsetWidth - 8) + "px";
    tip.style.top = e.pageY + 16 + "px";
  });
  document.getElementById("zoom-in").onclick = () => zoom(0.5);
  document.getElementById("zoom-out").onclick = () => zoom(2);
  document.getElementById("reset").onclick = () => show(FULL.a, FULL.b);
  const toF = document.getElementById("to-failure");
  if (toF) toF.onclick = toFailure;
  const banner = document.getElementById("failure");
  if (banner) banner.onclick = toFailure;
  window.addEventListener("keydown", (e) => {
    const span = view.b - view.a;
    const keys = {
      "+": () => zoom(0.5), "=": () => zoom(0.5), "-": () => zoom(2), "0": () => show(FULL.a, FULL.b),
      f: toFailure, ArrowLeft: () => show(view.a - span / 4, view.b - span / 4),
      ArrowRight: () => show(view.a + span / 4, view.b + span / 4),
    };
    if (keys[e.key]) { keys[e.key](); e.preventDefault(); }
  });
  window.addEventListener("resize", () => show(view.a, view.b));
  // The window may come in the address: #1.5-2.25 (seconds).
  const asked = /^#(-?[\d.]+)-(-?[\d.]+)$/.exec(location.hash);
  if (asked && Number(asked[2]) > Number(asked[1])) {
    view = { a: Number(asked[1]) * 1e6, b: Number(asked[2]) * 1e6 };
  }
  draw();
  if (banner) banner.scrollIntoView({ block: "nearest" });
})();
