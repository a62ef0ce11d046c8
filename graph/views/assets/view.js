/* relgraph HTML view: draws the graph embedded as JSON with vis-network.
 *
 * Safety: every name, text and source from the data goes into the page with
 * textContent (or a checked href), never as markup.
 */
(function () {
  "use strict";

  const data = JSON.parse(document.getElementById("relgraph-data").textContent);
  const DASHES = { solid: false, dashed: [8, 6], dotted: [2, 5] };
  const LABEL_FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif';
  const MANY_EDGES = 1500;      // above this, relationship labels start off
  const MAX_LINKS = 60;         // relationships listed in a node's panel
  const MAX_RESULTS = 12;       // search results shown
  const KEY_LABELS = 12;        // nodes whose names show at any zoom
  const EDGE_FONT = 10;         // relationship labels, when shown

  const typeStyle = new Map(data.types.map((t) => [t.name, t]));
  const statusLine = new Map(data.statuses.map((s) => [s.name, s.line]));
  const nodeById = new Map(data.nodes.map((n) => [n.id, n]));
  const edgeById = new Map(data.edges.map((e) => [e.id, e]));
  const edgesOf = new Map();
  for (const e of data.edges) {
    for (const end of e.from === e.to ? [e.from] : [e.from, e.to]) {
      if (!edgesOf.has(end)) edgesOf.set(end, []);
      edgesOf.get(end).push(e);
    }
  }

  const state = {
    types: new Set(data.types.map((t) => t.name)),
    statuses: new Set(data.statuses.map((s) => s.name)),
    asOf: null,
    linkedOnly: true,
    labels: data.edges.length <= MANY_EDGES,
    visible: new Set(),
    selected: null,
  };

  // ---- helpers --------------------------------------------------------------

  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function readable(type) {
    return String(type).toLowerCase().replace(/_/g, " ");
  }

  function darker(hex, f) {
    const m = /^#([0-9a-f]{6})$/i.exec(hex || "");
    if (!m) return "#555555";
    const v = parseInt(m[1], 16);
    const c = [(v >> 16) & 255, (v >> 8) & 255, v & 255].map((x) => Math.round(x * (f || 0.72)));
    return "#" + c.map((x) => x.toString(16).padStart(2, "0")).join("");
  }

  function fold(s) {
    return String(s || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  }

  function safeUrl(s) {
    try {
      const u = new URL(String(s));
      return u.protocol === "https:" || u.protocol === "http:" ? u.href : null;
    } catch (err) {
      return null;
    }
  }

  function dayOf(iso) {
    const p = String(iso).split("-").map(Number);
    return Math.floor(Date.UTC(p[0], (p[1] || 1) - 1, p[2] || 1) / 86400000);
  }

  function isoOf(day) {
    return new Date(day * 86400000).toISOString().slice(0, 10);
  }

  // The same day `months` later (or earlier), kept within the month: 31 January + 1 is 28 or 29 February.
  function addMonths(iso, months) {
    const p = String(iso).split("-").map(Number);
    const first = new Date(Date.UTC(p[0], p[1] - 1 + months, 1));
    const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
    first.setUTCDate(Math.min(p[2], last));
    return first.toISOString().slice(0, 10);
  }

  function partialDate(value, precision) {
    if (!value) return "";
    if (precision === "year") return String(value).slice(0, 4);
    if (precision === "month") return String(value).slice(0, 7);
    return String(value);
  }

  function when(item) {
    const p = item.props || {};
    const bits = [];
    if (p.date) bits.push(partialDate(p.date, p.datePrecision));
    if (p.validFrom || p.validTo) {
      bits.push((p.validFrom ? "from " + p.validFrom : "until") + (p.validTo ? " to " + p.validTo : p.validFrom ? " (still holds)" : ""));
    }
    return bits.join("; ");
  }

  // ---- what is shown --------------------------------------------------------

  function inTime(item) {
    if (state.asOf === null) return true;
    return (!item.start || item.start <= state.asOf) && (!item.end || state.asOf <= item.end);
  }

  function statusOk(item) {
    return !item.status || state.statuses.has(item.status);
  }

  function nodeOk(n) {
    return state.types.has(n.type) && statusOk(n) && inTime(n);
  }

  function edgeOk(e) {
    return statusOk(e) && inTime(e) && state.visible.has(e.from) && state.visible.has(e.to);
  }

  // ---- vis-network ----------------------------------------------------------

  function fontOf(n, size) {
    const box = (typeStyle.get(n.type) || {}).shape === "box";
    return { size: size, face: LABEL_FONT, color: "#1d2430", strokeWidth: box ? 0 : 4, strokeColor: "#ffffff" };
  }

  function visNode(n) {
    const t = typeStyle.get(n.type) || { color: "#999999", shape: "dot" };
    const line = statusLine.get(n.status) || "solid";
    const doubtful = line !== "solid";
    const border = darker(t.color);
    return {
      id: n.id,
      label: n.label,
      x: n.x,
      y: n.y,
      shape: t.shape,
      size: n.size,
      borderWidth: doubtful ? 2.5 : 1.5,
      shapeProperties: { borderDashes: DASHES[line] || false },
      opacity: doubtful ? 0.75 : 1,
      color: {
        background: t.color, border: doubtful ? "#333333" : border,
        highlight: { background: t.color, border: "#111111" },
        hover: { background: t.color, border: "#111111" },
      },
      font: fontOf(n, keyFont.has(n.id) ? keyFont.get(n.id) : baseFont(n)),
      ...(t.shape === "box" ? { widthConstraint: { maximum: 130 } } : {}),  // a long title wraps
      ...(keyFont.has(n.id) ? { scaling: { label: { drawThreshold: 1, maxVisible: 20 } } } : {}),
    };
  }

  function baseFont(n) {
    return Math.round(9 + n.size * 0.5);
  }

  // The zoom at which the whole graph fits the screen, as vis-network's fit() computes it.
  function fitScale() {
    const box = document.getElementById("graph");
    if (!data.nodes.length || !box.clientWidth || !box.clientHeight) return 1;
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (const n of data.nodes) {
      x0 = Math.min(x0, n.x - n.size); x1 = Math.max(x1, n.x + n.size);
      y0 = Math.min(y0, n.y - n.size); y1 = Math.max(y1, n.y + n.size);
    }
    return Math.min(1, box.clientWidth / ((x1 - x0) * 1.1 || 1), box.clientHeight / ((y1 - y0) * 1.1 || 1));
  }

  // The most central nodes keep a readable name when the whole graph is in view: their
  // labels are set large enough for that zoom, and capped on screen when zooming in.
  const keyFont = new Map();
  {
    const scale = fitScale();
    const key = (n) => (typeof n.score === "number" ? n.score : n.size);
    const top = data.nodes.slice().sort((a, b) => key(b) - key(a) || a.name.localeCompare(b.name));
    for (const n of top.slice(0, KEY_LABELS)) keyFont.set(n.id, Math.max(baseFont(n), Math.round(12.5 / scale)));
  }

  function visEdge(e) {
    const line = statusLine.get(e.status) || "solid";
    return {
      id: e.id,
      from: e.from,
      to: e.to,
      label: readable(e.type),
      dashes: DASHES[line] || false,
      smooth: e.curve
        ? { enabled: true, type: e.curve > 0 ? "curvedCW" : "curvedCCW", roundness: Math.abs(e.curve) }
        : { enabled: false },
    };
  }

  computeVisible();  // before the network exists: drawing everything at once is much faster
  const nodes = new vis.DataSet(data.nodes.map(visNode));
  const edges = new vis.DataSet(data.edges.map(visEdge));
  const nodeView = new vis.DataView(nodes, { filter: (item) => state.visible.has(item.id) });
  const edgeView = new vis.DataView(edges, { filter: (item) => edgeOk(edgeById.get(item.id)) });
  const big = data.edges.length > 3000;

  const container = document.getElementById("graph");
  const network = new vis.Network(container, { nodes: nodeView, edges: edgeView }, {
    autoResize: true,
    layout: { improvedLayout: false, randomSeed: 7 },
    physics: {
      enabled: false,
      stabilization: false,
      solver: "forceAtlas2Based",
      forceAtlas2Based: { gravitationalConstant: -80, springLength: 110, avoidOverlap: 0.3 },
    },
    interaction: {
      hover: true, tooltipDelay: 120, hideEdgesOnDrag: big, hideEdgesOnZoom: big, keyboard: false,
    },
    // Zoomed out, only the bigger nodes' names show; zoom in for the rest.
    nodes: { font: { face: LABEL_FONT }, scaling: { label: { drawThreshold: 6 } } },
    edges: {
      width: 1.3,
      hoverWidth: 0.8,
      selectionWidth: 1.5,
      color: { color: data.edgeColor, highlight: "#1f4e79", hover: "#1f4e79", inherit: false },
      arrows: { to: { enabled: true, scaleFactor: 0.45 } },
      font: { size: state.labels ? EDGE_FONT : 0, face: LABEL_FONT, color: "#5b6472", strokeWidth: 3, strokeColor: "#ffffff", align: "middle" },
      scaling: { label: { drawThreshold: 7 } },
    },
  });

  // ---- filters --------------------------------------------------------------

  const counts = document.getElementById("counts");
  let pending = false;

  function computeVisible() {
    state.visible = new Set();
    for (const n of data.nodes) if (nodeOk(n)) state.visible.add(n.id);
    if (state.asOf !== null && state.linkedOnly) {
      // As of a date, a node none of whose relationships held yet (an undated person,
      // a place) only clutters the picture of that date.
      const linked = new Set();
      for (const e of data.edges) {
        if (edgeOk(e)) { linked.add(e.from); linked.add(e.to); }
      }
      state.visible = linked;
    }
  }

  function apply() {
    computeVisible();
    nodeView.refresh();
    edgeView.refresh();
    showCounts();
    if (state.selected) render(state.selected);
  }

  function showCounts() {
    counts.textContent = "Showing " + nodeView.length + " of " + data.nodes.length + " nodes, "
      + edgeView.length + " of " + data.edges.length + " relationships";
  }

  function applySoon() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; apply(); });
  }

  // ---- legend ---------------------------------------------------------------

  const SVG = "http://www.w3.org/2000/svg";

  function svgEl(tag, attrs) {
    const e = document.createElementNS(SVG, tag);
    for (const k of Object.keys(attrs)) e.setAttribute(k, String(attrs[k]));
    return e;
  }

  function shapeIcon(shape, color) {
    const svg = svgEl("svg", { width: 18, height: 18, viewBox: "0 0 18 18", "aria-hidden": "true" });
    const paint = { fill: color, stroke: darker(color), "stroke-width": 1.2 };
    const poly = (pts) => svgEl("polygon", Object.assign({ points: pts }, paint));
    let s;
    switch (shape) {
      case "square": s = svgEl("rect", Object.assign({ x: 3, y: 3, width: 12, height: 12 }, paint)); break;
      case "box": s = svgEl("rect", Object.assign({ x: 1.5, y: 4.5, width: 15, height: 9, rx: 2 }, paint)); break;
      case "diamond": s = poly("9,1.5 16.5,9 9,16.5 1.5,9"); break;
      case "triangle": s = poly("9,2 16.5,15.5 1.5,15.5"); break;
      case "triangleDown": s = poly("1.5,2.5 16.5,2.5 9,16"); break;
      case "hexagon": s = poly("5,2 13,2 17,9 13,16 5,16 1,9"); break;
      case "star": s = poly("9,1 11.2,6.6 17,6.9 12.5,10.6 14,16.5 9,13.2 4,16.5 5.5,10.6 1,6.9 6.8,6.6"); break;
      default: s = svgEl("circle", Object.assign({ cx: 9, cy: 9, r: 7 }, paint));
    }
    svg.appendChild(s);
    return svg;
  }

  function lineIcon(line) {
    const svg = svgEl("svg", { width: 30, height: 12, viewBox: "0 0 30 12", "aria-hidden": "true" });
    const attrs = { x1: 1, y1: 6, x2: 29, y2: 6, stroke: "#6b7380", "stroke-width": 2 };
    if (DASHES[line]) attrs["stroke-dasharray"] = DASHES[line].join(" ");
    svg.appendChild(svgEl("line", attrs));
    return svg;
  }

  function legendItem(list, icon, name, count, checked, onChange, tip) {
    const li = el("li", count ? null : "none");
    const label = el("label");
    const box = el("input");
    box.type = "checkbox";
    box.checked = checked;
    box.value = name;
    box.addEventListener("change", () => onChange(box.checked));
    label.append(box, icon, el("span", "name", name), el("span", "count", count));
    if (tip) label.title = tip;
    li.appendChild(label);
    list.appendChild(li);
  }

  const typeList = document.getElementById("legend-types");
  for (const t of data.types) {
    legendItem(typeList, shapeIcon(t.shape, t.color), t.name, t.count, true, (on) => {
      if (on) state.types.add(t.name); else state.types.delete(t.name);
      applySoon();
    });
  }
  if (data.meta.measure) {
    typeList.parentNode.appendChild(el("p", "counts", "Node size: " + data.meta.measure + " centrality"));
  }
  const statusList = document.getElementById("legend-statuses");
  for (const s of data.statuses) {
    legendItem(statusList, lineIcon(s.line), s.name, s.count, true, (on) => {
      if (on) state.statuses.add(s.name); else state.statuses.delete(s.name);
      applySoon();
    }, s.description + (s.line !== "solid" ? " (drawn " + s.line + ")" : ""));
  }

  // ---- time -----------------------------------------------------------------

  const slider = document.getElementById("asof");
  const asofOn = document.getElementById("asof-on");
  const asofLabel = document.getElementById("asof-label");
  const playButton = document.getElementById("play");
  let timer = null;

  function setAsOf(iso) {
    document.getElementById("tooltip").hidden = true;  // what it described may be gone at this date
    state.asOf = iso;
    asofOn.checked = iso !== null;
    asofLabel.textContent = iso === null ? "all dates" : iso;
    slider.setAttribute("aria-valuetext", iso === null ? "all dates" : iso);
    if (iso !== null) slider.value = String(dayOf(iso));
    applySoon();
  }

  function stop() {
    if (timer !== null) clearInterval(timer);
    timer = null;
    playButton.textContent = "▶ Play";
  }

  if (data.meta.dateMin && data.meta.dateMax) {
    slider.min = String(dayOf(data.meta.dateMin));
    slider.max = String(dayOf(data.meta.dateMax));
    slider.value = slider.max;
    document.getElementById("date-min").textContent = data.meta.dateMin.slice(0, 4);
    document.getElementById("date-max").textContent = data.meta.dateMax.slice(0, 4);
    slider.addEventListener("input", () => { stop(); setAsOf(isoOf(Number(slider.value))); });
    slider.addEventListener("keydown", (ev) => {
      const months = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1, PageUp: 120, PageDown: -120 }[ev.key];
      let day = null;
      if (months !== undefined) day = dayOf(addMonths(isoOf(Number(slider.value)), months));
      else if (ev.key === "Home") day = Number(slider.min);
      else if (ev.key === "End") day = Number(slider.max);
      if (day === null) return;
      ev.preventDefault();
      stop();
      setAsOf(isoOf(Math.min(Number(slider.max), Math.max(Number(slider.min), day))));
    });
    const bubble = document.getElementById("asof-bubble");
    const showBubble = () => {
      const lo = Number(slider.min);
      const span = Math.max(1, Number(slider.max) - lo);
      bubble.textContent = isoOf(Number(slider.value));
      bubble.style.left = ((Number(slider.value) - lo) / span * 100) + "%";
      bubble.hidden = false;
    };
    slider.addEventListener("pointerdown", showBubble);
    slider.addEventListener("input", () => { if (!bubble.hidden) showBubble(); });
    for (const ev of ["pointerup", "pointercancel", "blur"]) slider.addEventListener(ev, () => { bubble.hidden = true; });
    asofOn.addEventListener("change", () => setAsOf(asofOn.checked ? isoOf(Number(slider.value)) : null));
    document.getElementById("asof-all").addEventListener("click", () => { stop(); setAsOf(null); });
    playButton.addEventListener("click", () => {
      if (timer !== null) { stop(); return; }
      const lo = Number(slider.min);
      const hi = Number(slider.max);
      let day = state.asOf === null || Number(slider.value) >= hi ? lo : Number(slider.value);
      const step = Math.max(1, Math.round((hi - lo) / 300));
      playButton.textContent = "❚❚ Pause";
      setAsOf(isoOf(day));
      timer = setInterval(() => {
        day = Math.min(hi, day + step);
        setAsOf(isoOf(day));
        if (day >= hi) stop();
      }, 50);
    });
  } else {
    for (const id of ["asof", "asof-on", "play", "asof-all", "linked-only"]) {
      document.getElementById(id).disabled = true;
    }
    asofLabel.textContent = "no dated facts";
  }

  const linkedBox = document.getElementById("linked-only");
  linkedBox.checked = state.linkedOnly;
  linkedBox.addEventListener("change", () => { state.linkedOnly = linkedBox.checked; applySoon(); });

  // ---- view controls ----------------------------------------------------------

  const labelBox = document.getElementById("edge-labels");
  labelBox.checked = state.labels;
  labelBox.addEventListener("change", () => {
    state.labels = labelBox.checked;
    // A label of size 0 is never drawn (vis-network ignores an empty label in an update).
    network.setOptions({ edges: { font: { size: state.labels ? EDGE_FONT : 0 } } });
  });
  const physicsBox = document.getElementById("physics");
  physicsBox.addEventListener("change", () => network.setOptions({ physics: { enabled: physicsBox.checked } }));
  // Fit the graph to the screen, but never blow a small graph up past life size.
  function fit() {
    network.redraw();  // the canvas takes the size of its box (between the side bars) first
    network.fit({ animation: false });
    if (network.getScale() > 1) network.moveTo({ scale: 1 });
  }
  document.getElementById("fit").addEventListener("click", fit);
  // Until the reader moves the view, a change of the graph box's size (the first layout of the
  // page, a window resized) fits the graph to it again: no node starts hidden at an edge.
  let untouched = true;
  for (const ev of ["dragStart", "zoom", "click"]) network.on(ev, () => { untouched = false; });
  new ResizeObserver(() => { if (untouched) fit(); }).observe(container);

  // ---- details panel ------------------------------------------------------------

  const panel = document.getElementById("panel");

  function field(dl, name, value) {
    if (value === undefined || value === null || value === "" || (Array.isArray(value) && !value.length)) return;
    dl.append(el("dt", null, name), el("dd", null, Array.isArray(value) ? value.join("; ") : value));
  }

  const SHOWN = new Set(["aliases", "status", "date", "datePrecision", "validFrom", "validTo", "description", "note"]);

  function properties(item) {
    const dl = el("dl");
    const p = item.props || {};
    field(dl, "id", item.id);
    field(dl, "also", p.aliases);
    field(dl, "when", when(item));
    for (const k of Object.keys(p).sort()) if (!SHOWN.has(k)) field(dl, k, p[k]);
    if (item.score !== undefined && item.score !== null) {
      const score = Number(item.score);
      field(dl, (data.meta.measure || "") + " centrality", Number.isInteger(score) ? score : score.toPrecision(3));
    }
    return dl;
  }

  function texts(item) {
    const out = [];
    const p = item.props || {};
    if (p.description) out.push(el("p", "text", p.description));
    if (p.note) out.push(el("p", "text", "Note: " + p.note));
    return out;
  }

  function sources(list) {
    const wrap = document.createDocumentFragment();
    wrap.appendChild(el("h3", null, "Sources (" + list.length + ")"));
    if (!list.length) {
      wrap.appendChild(el("p", "warn", "No source cited."));
      return wrap;
    }
    const ol = el("ol", "sources");
    for (const s of list) {
      const cut = s.indexOf("|");
      const docId = (cut < 0 ? s : s.slice(0, cut)).trim();
      const locator = cut < 0 ? "" : s.slice(cut + 1).trim();
      const doc = data.documents[docId];
      const li = el("li");
      li.appendChild(el("span", "doc-title", doc && doc.name ? doc.name : docId));
      if (doc) {
        const meta = [doc.author, doc.publisher, doc.published].filter(Boolean).join(", ");
        if (meta) li.appendChild(el("span", "doc-meta", meta));
      }
      if (locator) li.appendChild(el("span", "locator", locator));
      const url = doc ? safeUrl(doc.url) : null;
      if (url) {
        const a = el("a", null, url);
        a.href = url;
        a.target = "_blank";
        a.rel = "noopener noreferrer";
        li.appendChild(a);
      }
      li.title = docId;
      ol.appendChild(li);
    }
    wrap.appendChild(ol);
    return wrap;
  }

  function heading(title, kind, color, status) {
    const out = [el("h2", null, title)];
    const sub = el("p", "sub");
    const badge = el("span", "badge", kind);
    badge.style.background = color;
    sub.appendChild(badge);
    if (status) sub.appendChild(el("span", "status status-" + status, status));
    out.push(sub);
    return out;
  }

  function nodeButton(id) {
    const n = nodeById.get(id);
    const b = el("button", "link", n ? n.name : id);
    b.type = "button";
    b.addEventListener("click", () => pick(id));
    return b;
  }

  function renderNode(n) {
    const t = typeStyle.get(n.type) || { color: "#999999" };
    panel.replaceChildren(...heading(n.name, n.type, t.color, n.status));
    if (!state.visible.has(n.id)) panel.appendChild(el("p", "warn", "Hidden by the current filters."));
    panel.append(properties(n), ...texts(n), sources(n.sources));
    const links = edgesOf.get(n.id) || [];
    panel.appendChild(el("h3", null, "Relationships (" + links.length + ")"));
    const ul = el("ul", "links");
    for (const e of links.slice(0, MAX_LINKS)) {
      const li = el("li");
      const out = e.from === n.id;
      const b = el("button", "link", readable(e.type));
      b.type = "button";
      b.addEventListener("click", () => pickEdge(e.id));
      li.append(out ? "" : "← ", b, out ? " → " : " ", el("span", null, (nodeById.get(out ? e.to : e.from) || {}).name || ""));
      if (e.status && statusLine.get(e.status) !== "solid") li.appendChild(el("span", "status status-" + e.status, " (" + e.status + ")"));
      ul.appendChild(li);
    }
    if (links.length > MAX_LINKS) ul.appendChild(el("li", "counts", "… and " + (links.length - MAX_LINKS) + " more"));
    panel.appendChild(ul);
  }

  function renderEdge(e) {
    panel.replaceChildren(...heading(readable(e.type), e.type, data.edgeColor, e.status));
    const ends = el("p");
    ends.append(nodeButton(e.from), " → ", nodeButton(e.to));
    panel.appendChild(ends);
    if (!edgeOk(e)) panel.appendChild(el("p", "warn", "Hidden by the current filters."));
    panel.append(properties(e), ...texts(e), sources(e.sources));
  }

  function render(sel) {
    if (sel.kind === "node") renderNode(nodeById.get(sel.id));
    else renderEdge(edgeById.get(sel.id));
  }

  function pick(id) {
    if (!nodeById.has(id)) return;
    state.selected = { kind: "node", id: id };
    if (state.visible.has(id)) {
      network.selectNodes([id]);
      // Move to the node at the reader's own zoom: zooming in on a click blew the labels up
      // until the central ones overlapped.
      network.focus(id, { scale: network.getScale(), animation: { duration: 300 } });
    } else {
      network.unselectAll();
    }
    render(state.selected);
  }

  function pickEdge(id) {
    if (!edgeById.has(id)) return;
    state.selected = { kind: "edge", id: id };
    if (edgeOk(edgeById.get(id))) network.selectEdges([id]); else network.unselectAll();
    render(state.selected);
  }

  function renderOverview() {
    state.selected = null;
    panel.replaceChildren(el("p", "hint", "Click a node or relationship to see its dates, status and sources. "
      + "Scroll to zoom, drag to move; names of smaller nodes show as you zoom in."));
    const ranked = data.nodes.filter((n) => typeof n.score === "number")
      .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name)).slice(0, 12);
    if (!ranked.length) return;
    panel.appendChild(el("h3", null, "Most central (" + data.meta.measure + ")"));
    const ol = el("ol", "ranking");
    for (const n of ranked) {
      const li = el("li");
      li.append(nodeButton(n.id), el("span", "kind", " " + n.type));
      ol.appendChild(li);
    }
    panel.appendChild(ol);
  }

  network.on("click", (p) => {
    hideTip();
    if (p.nodes.length) pick(p.nodes[0]);
    else if (p.edges.length) pickEdge(p.edges[0]);
    else renderOverview();
  });

  // ---- hover tooltip --------------------------------------------------------------

  const tooltip = document.getElementById("tooltip");
  let pointer = { x: 0, y: 0 };
  container.addEventListener("mousemove", (ev) => {
    pointer = { x: ev.clientX, y: ev.clientY };
    if (!tooltip.hidden) place();
  });

  function place() {
    const pad = 14;
    const w = tooltip.offsetWidth;
    const h = tooltip.offsetHeight;
    const x = pointer.x + pad + w > window.innerWidth ? pointer.x - pad - w : pointer.x + pad;
    const y = pointer.y + pad + h > window.innerHeight ? pointer.y - pad - h : pointer.y + pad;
    tooltip.style.left = Math.max(0, x) + "px";
    tooltip.style.top = Math.max(0, y) + "px";
  }

  function hideTip() { tooltip.hidden = true; }

  function showTip(lines) {
    tooltip.textContent = lines.filter(Boolean).join("\n");
    tooltip.hidden = false;
    place();
  }

  network.on("hoverNode", (p) => {
    const n = nodeById.get(p.node);
    if (!n) return;
    const cited = n.sources.length ? n.sources.length + " source" + (n.sources.length > 1 ? "s" : "") + " (click)" : "no source";
    showTip([n.name, n.type + " · " + (n.status || "no status"), when(n), cited]);
  });
  network.on("hoverEdge", (p) => {
    const e = edgeById.get(p.edge);
    if (!e) return;
    const a = (nodeById.get(e.from) || {}).name;
    const b = (nodeById.get(e.to) || {}).name;
    showTip([a + " → " + readable(e.type) + " → " + b, e.status || "", when(e),
      e.sources.length + " source" + (e.sources.length === 1 ? "" : "s") + " (click)"]);
  });
  for (const ev of ["blurNode", "blurEdge", "dragStart", "zoom", "click"]) network.on(ev, hideTip);

  // ---- search --------------------------------------------------------------------

  const search = document.getElementById("search");
  const results = document.getElementById("search-results");
  let keys = null;

  function matches(q) {
    if (!keys) keys = data.nodes.map((n) => [n, fold(n.name), ((n.props || {}).aliases || []).map((a) => [a, fold(a)])]);
    const out = [];
    for (const [n, name, aliases] of keys) {
      let rank = name === q ? 0 : name.startsWith(q) ? 1 : name.includes(q) ? 3 : 9;
      let via = null;
      for (const [alias, key] of aliases) {
        const r = key === q ? 0.5 : key.startsWith(q) ? 2 : key.includes(q) ? 4 : 9;
        if (r < rank) { rank = r; via = alias; }
      }
      if (rank < 9) out.push([rank, n, via]);
    }
    out.sort((a, b) => a[0] - b[0] || a[1].name.localeCompare(b[1].name));
    return out.slice(0, MAX_RESULTS);
  }

  function choose(id) {
    results.hidden = true;
    pick(id);
  }

  search.addEventListener("input", () => {
    const q = fold(search.value);
    results.replaceChildren();
    if (!q) { results.hidden = true; return; }
    const found = matches(q);
    if (!found.length) {
      results.appendChild(el("li", "counts", "  No node matches."));
    }
    for (const [, n, via] of found) {
      const li = el("li");
      const b = el("button", null, n.name);
      b.type = "button";
      b.appendChild(el("span", "kind", n.type + (via ? " · also " + via : "")));
      b.addEventListener("click", () => choose(n.id));
      li.appendChild(b);
      results.appendChild(li);
    }
    results.hidden = false;
  });
  search.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") {
      const found = matches(fold(search.value));
      if (found.length) choose(found[0][1].id);
    } else if (ev.key === "Escape") {
      results.hidden = true;
    }
  });
  document.addEventListener("click", (ev) => {
    if (!results.contains(ev.target) && ev.target !== search) results.hidden = true;
  });

  // ---- start ------------------------------------------------------------------------

  document.getElementById("title").textContent = data.meta.title;
  document.getElementById("subtitle").textContent = data.meta.subtitle;
  // For scripts and tests: the network, its data and the controls' functions.
  window.relgraph = {
    data: data, network: network, nodes: nodes, edges: edges, nodeView: nodeView, edgeView: edgeView,
    ready: false, setAsOf: setAsOf, select: pick, selectEdge: pickEdge,
    shown: () => ({ nodes: nodeView.getIds(), edges: edgeView.getIds() }),
  };
  renderOverview();
  showCounts();
  network.once("afterDrawing", () => { window.relgraph.ready = true; });
  fit();
})();
