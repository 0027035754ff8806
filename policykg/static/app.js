// The query editor of `policykg serve`: ready questions in a picker, any SPARQL,
// answers as a table or a graph. No libraries: everything here runs offline.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { questions: [], question: null, answer: null, prefixes: {} };
const LABEL_PREDICATES = new Set([
  "http://www.w3.org/2000/01/rdf-schema#label",
  "http://www.w3.org/2004/02/skos/core#prefLabel",
  "http://purl.org/dc/terms/title",
]);

function el(tag, attrs = {}, text = null) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== null) node.textContent = text;
  return node;
}

function svg(tag, attrs = {}) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

function shorten(iri) {
  let best = null;
  for (const [p, ns] of Object.entries(state.prefixes)) {
    if (iri.startsWith(ns) && (!best || ns.length > best[1].length)) best = [p, ns];
  }
  return best ? `${best[0]}:${iri.slice(best[1].length)}` : iri;
}

function setStatus(text, error = false) {
  const s = $("status");
  s.textContent = text;
  s.className = error ? "error" : "";
}

// -- ready questions ----------------------------------------------------------------
async function loadQuestions() {
  const [questions, prefixes] = await Promise.all([
    fetch("/api/questions").then((r) => r.json()),
    fetch("/api/prefixes").then((r) => r.json()),
  ]);
  state.questions = questions;
  state.prefixes = prefixes;
  const picker = $("question");
  for (const q of questions) picker.append(el("option", { value: q.name }, `${q.name} — ${q.title}`));
  const wanted = new URLSearchParams(location.search).get("q");
  if (wanted && questions.some((q) => q.name === wanted)) {
    picker.value = wanted;
    await pickQuestion();
  }
}

async function pickQuestion() {
  const name = $("question").value;
  const form = $("params");
  form.replaceChildren();
  state.question = state.questions.find((q) => q.name === name) || null;
  if (!state.question) {
    $("description").textContent = "";
    return;
  }
  $("description").textContent = state.question.description;
  for (const p of state.question.params) {
    const label = el("label", {}, `${p.name} (${p.type})`);
    const input = el("input", { name: p.name, "data-param": p.name, title: p.description });
    input.value = p.default ?? "";
    input.placeholder = p.description;
    input.addEventListener("change", bindQuestion);
    label.append(input);
    form.append(label);
  }
  await bindQuestion();
}

// The question's text with its parameters bound as RDF terms by the server.
async function bindQuestion() {
  if (!state.question) return;
  const params = new URLSearchParams();
  for (const input of $("params").querySelectorAll("input")) params.set(input.name, input.value);
  const r = await fetch(`/api/questions/${encodeURIComponent(state.question.name)}?${params}`);
  const doc = await r.json();
  if (!r.ok) {
    setStatus(doc.error, true);
    return;
  }
  $("editor").value = doc.sparql;
  setStatus("");
}

// -- running -------------------------------------------------------------------------
function requestBody(extra = {}) {
  const body = new URLSearchParams({ query: $("editor").value, ...extra });
  if ($("max-rows").value !== "") body.set("max-rows", $("max-rows").value);
  if ($("timeout").value !== "") body.set("timeout", $("timeout").value);
  return body;
}

async function run() {
  const button = $("run");
  button.disabled = true;
  setStatus("running…");
  const started = performance.now();
  try {
    const r = await fetch("/sparql", {
      method: "POST",
      headers: { Accept: "application/sparql-results+json, application/n-triples;q=0.9" },
      body: requestBody(),
    });
    const text = await r.text();
    const ms = Math.round(performance.now() - started);
    if (!r.ok) {
      setStatus(`HTTP ${r.status}: ${text.trim()}`, true);
      return;
    }
    const type = (r.headers.get("Content-Type") || "").split(";")[0];
    state.answer = type === "application/n-triples" ? triplesAnswer(text) : selectAnswer(JSON.parse(text));
    const rows = state.answer.kind === "boolean" ? "" : `${state.answer.rows.length} ${state.answer.kind === "triples" ? "triples" : "rows"}`;
    const limit = r.headers.get("PolicyKG-Max-Rows");
    const cut = r.headers.get("PolicyKG-Truncated") === "true" ? ` — cut at the row limit of ${limit}` : "";
    setStatus(`${rows}${cut} in ${ms} ms`.trim());
    render();
    offerDownloads();
  } catch (err) {
    setStatus(String(err), true);
  } finally {
    button.disabled = false;
  }
}

function selectAnswer(doc) {
  if ("boolean" in doc) return { kind: "boolean", value: doc.boolean, columns: ["ask"], rows: [] };
  return { kind: "select", columns: doc.head.vars, rows: doc.results.bindings };
}

// N-Triples, one triple per line, as written by the server.
const TERM = String.raw`(<[^>]*>|_:\S+|"(?:[^"\\]|\\.)*"(?:@[A-Za-z0-9-]+|\^\^<[^>]*>)?)`;
const TRIPLE = new RegExp(`^${TERM}\\s+${TERM}\\s+${TERM}\\s*\\.\\s*$`);

function unescapeLiteral(s) {
  return s.replace(/\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)/g, (_, e) => {
    if (e[0] === "u" || e[0] === "U") return String.fromCodePoint(parseInt(e.slice(1), 16));
    return { n: "\n", t: "\t", r: "\r", b: "\b", f: "\f" }[e] ?? e;
  });
}

function ntTerm(text) {
  if (text.startsWith("<")) return { type: "uri", value: text.slice(1, -1) };
  if (text.startsWith("_:")) return { type: "bnode", value: text.slice(2) };
  const m = text.match(/^"((?:[^"\\]|\\.)*)"(?:@([A-Za-z0-9-]+)|\^\^<([^>]*)>)?$/);
  const term = { type: "literal", value: unescapeLiteral(m[1]) };
  if (m[2]) term["xml:lang"] = m[2];
  if (m[3]) term.datatype = m[3];
  return term;
}

function triplesAnswer(text) {
  const rows = [];
  for (const line of text.split("\n")) {
    const m = line.match(TRIPLE);
    if (m) rows.push({ subject: ntTerm(m[1]), predicate: ntTerm(m[2]), object: ntTerm(m[3]) });
  }
  return { kind: "triples", columns: ["subject", "predicate", "object"], rows };
}

// -- the table -----------------------------------------------------------------------
const NUMERIC = /#(integer|decimal|double|float|int|long|short|nonNegativeInteger|positiveInteger)$/;

function cell(term) {
  const td = el("td");
  if (!term) return td;
  if (term.type === "uri") {
    td.append(el("span", { class: "iri", title: term.value }, shorten(term.value)));
  } else if (term.type === "bnode") {
    td.textContent = `_:${term.value}`;
  } else {
    td.textContent = term.value;
    if (term.datatype && NUMERIC.test(term.datatype)) td.className = "num";
    // shown by CSS, so that the cell's text is the value alone (copying, reading)
    if (term["xml:lang"]) td.dataset.lang = `@${term["xml:lang"]}`;
  }
  return td;
}

function renderTable() {
  const a = state.answer;
  const head = $("results").tHead;
  const body = $("results").tBodies[0];
  head.replaceChildren();
  body.replaceChildren();
  const tr = el("tr");
  for (const c of a.columns) tr.append(el("th", {}, c));
  head.append(tr);
  if (a.kind === "boolean") {
    const row = el("tr");
    row.append(el("td", {}, String(a.value)));
    body.append(row);
    return;
  }
  for (const b of a.rows) {
    const row = el("tr");
    for (const c of a.columns) row.append(cell(b[c]));
    body.append(row);
  }
}

// -- the graph -----------------------------------------------------------------------
function columnOptions() {
  const a = state.answer;
  const spec = (state.question && state.question.network) || {};
  const iriColumns = a.columns.filter((c) => a.rows.some((b) => b[c] && b[c].type === "uri"));
  const guess = iriColumns.length >= 2 ? iriColumns : a.columns;
  const numeric = a.columns.filter((c) => a.rows.length && a.rows.every((b) => b[c] && NUMERIC.test(b[c].datatype || "")));
  const fill = (id, value, allowNone) => {
    const s = $(id);
    s.replaceChildren();
    if (allowNone) s.append(el("option", { value: "" }, "—"));
    for (const c of a.columns) s.append(el("option", { value: c }, c));
    s.value = value && a.columns.includes(value) ? value : allowNone ? "" : a.columns[0];
  };
  fill("graph-source", spec.source || guess[0], false);
  fill("graph-target", spec.target || guess[1] || guess[0], false);
  fill("graph-weight", spec.weight || numeric[0] || "", true);
}

function termKey(t) {
  return t ? `${t.type}:${t.value}` : null;
}

function termText(t) {
  return t.type === "uri" ? shorten(t.value) : t.value;
}

function graphData() {
  const a = state.answer;
  const nodes = new Map();
  const edges = [];
  const node = (t, label) => {
    const key = termKey(t);
    if (!nodes.has(key)) nodes.set(key, { key, label: label || termText(t), degree: 0 });
    else if (label) nodes.get(key).label = label;
    return nodes.get(key);
  };
  if (a.kind === "triples") {
    const labels = new Map();
    for (const r of a.rows) {
      if (LABEL_PREDICATES.has(r.predicate.value) && r.object.type === "literal") {
        const key = termKey(r.subject);
        if (!labels.has(key) || r.object["xml:lang"] === "zh") labels.set(key, r.object.value);
      }
    }
    for (const r of a.rows) {
      if (r.object.type === "literal") continue; // literals are labels and details, not nodes
      const s = node(r.subject, labels.get(termKey(r.subject)));
      const o = node(r.object, labels.get(termKey(r.object)));
      edges.push({ source: s, target: o, label: shorten(r.predicate.value), weight: 1 });
    }
    for (const [key, label] of labels) if (!nodes.has(key)) nodes.set(key, { key, label, degree: 0 });
  } else if (a.kind === "select") {
    const spec = (state.question && state.question.network) || {};
    const [src, dst, w] = [$("graph-source").value, $("graph-target").value, $("graph-weight").value];
    for (const b of a.rows) {
      if (!b[src] || !b[dst]) continue;
      const s = node(b[src], spec.source === src && spec.source_label ? b[spec.source_label]?.value : null);
      const t = node(b[dst], spec.target === dst && spec.target_label ? b[spec.target_label]?.value : null);
      const weight = w && b[w] ? Number(b[w].value) || 1 : 1;
      edges.push({ source: s, target: t, label: w && b[w] ? b[w].value : "", weight });
    }
  }
  for (const e of edges) {
    e.source.degree += 1;
    e.target.degree += 1;
  }
  return { nodes: [...nodes.values()], edges };
}

// Fruchterman-Reingold from a circle: the same answer always gives the same picture.
function layout(nodes, edges, width, height) {
  const n = nodes.length;
  nodes.forEach((v, i) => {
    const angle = (2 * Math.PI * i) / Math.max(n, 1);
    v.x = width / 2 + (width / 3) * Math.cos(angle);
    v.y = height / 2 + (height / 3) * Math.sin(angle);
  });
  const k = Math.sqrt((width * height) / Math.max(n, 1)) * 0.6;
  let t = width / 8;
  const rounds = n > 300 ? 80 : 250;
  for (let round = 0; round < rounds; round++) {
    for (const v of nodes) (v.dx = 0), (v.dy = 0);
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const a = nodes[i], b = nodes[j];
        let dx = a.x - b.x, dy = a.y - b.y;
        const d = Math.max(Math.hypot(dx, dy), 0.01);
        const f = (k * k) / d;
        dx = (dx / d) * f;
        dy = (dy / d) * f;
        a.dx += dx; a.dy += dy; b.dx -= dx; b.dy -= dy;
      }
    }
    for (const e of edges) {
      if (e.source === e.target) continue;
      let dx = e.source.x - e.target.x, dy = e.source.y - e.target.y;
      const d = Math.max(Math.hypot(dx, dy), 0.01);
      const f = (d * d) / k;
      dx = (dx / d) * f;
      dy = (dy / d) * f;
      e.source.dx -= dx; e.source.dy -= dy; e.target.dx += dx; e.target.dy += dy;
    }
    for (const v of nodes) {
      const d = Math.max(Math.hypot(v.dx, v.dy), 0.01);
      v.x = Math.min(width - 20, Math.max(20, v.x + (v.dx / d) * Math.min(d, t)));
      v.y = Math.min(height - 20, Math.max(20, v.y + (v.dy / d) * Math.min(d, t)));
    }
    t *= 0.97;
  }
}

const MAX_NODES = 600;

function renderGraph() {
  const a = state.answer;
  const g = $("graph");
  g.replaceChildren();
  $("graph-controls").hidden = a.kind !== "select";
  if (a.kind === "boolean") {
    $("graph-note").textContent = "An ASK answer has no graph.";
    return;
  }
  if (a.kind === "select") columnOptionsOnce();
  const { nodes, edges } = graphData();
  if (nodes.length > MAX_NODES) {
    $("graph-note").textContent = `${nodes.length} nodes: too many to draw here; ask for fewer rows.`;
    return;
  }
  layout(nodes, edges, 960, 640);
  const maxWeight = Math.max(1, ...edges.map((e) => e.weight));
  for (const e of edges) {
    const line = svg("line", { x1: e.source.x, y1: e.source.y, x2: e.target.x, y2: e.target.y, "stroke-width": 1 + (4 * e.weight) / maxWeight });
    line.append(svg("title"));
    line.firstChild.textContent = `${e.source.label} — ${e.target.label}${e.label ? ` (${e.label})` : ""}`;
    g.append(line);
  }
  for (const v of nodes) {
    const c = svg("circle", { cx: v.x, cy: v.y, r: 4 + Math.min(10, Math.sqrt(v.degree) * 2), class: "node", "data-key": v.key });
    c.append(svg("title"));
    c.firstChild.textContent = v.key.replace(/^(uri|bnode|literal):/, "");
    g.append(c);
    const label = svg("text", { x: v.x + 8, y: v.y + 4 });
    label.textContent = v.label.length > 40 ? `${v.label.slice(0, 39)}…` : v.label;
    g.append(label);
  }
  $("graph-note").textContent = `${nodes.length} nodes, ${edges.length} edges` + (a.kind === "triples" ? "; literal values are shown in the table." : "; pick the columns to draw above.");
}

let optionsFor = null;
function columnOptionsOnce() {
  if (optionsFor !== state.answer) {
    columnOptions();
    optionsFor = state.answer;
  }
}

function render() {
  if (!state.answer) return;
  renderTable();
  if (!$("graph-view").hidden) renderGraph();
}

function showView(which) {
  $("table-view").hidden = which !== "table";
  $("graph-view").hidden = which !== "graph";
  $("view-table").classList.toggle("active", which === "table");
  $("view-graph").classList.toggle("active", which === "graph");
  if (which === "graph" && state.answer) renderGraph();
}

// -- downloads -----------------------------------------------------------------------
function offerDownloads() {
  const box = $("downloads");
  box.replaceChildren();
  const formats = state.answer.kind === "triples" ? ["turtle", "ntriples", "jsonld"] : ["csv", "tsv", "json", "xml"];
  for (const f of formats) {
    const b = el("button", { type: "button", "data-format": f }, f.toUpperCase());
    b.addEventListener("click", () => download(f));
    box.append(b);
  }
}

async function download(format) {
  const r = await fetch("/sparql", { method: "POST", body: requestBody({ format }) });
  if (!r.ok) {
    setStatus(`HTTP ${r.status}: ${(await r.text()).trim()}`, true);
    return;
  }
  const blob = await r.blob();
  const a = el("a", { href: URL.createObjectURL(blob), download: `${state.question ? state.question.name : "answer"}.${format}` });
  document.body.append(a);
  a.click();
  a.remove();
}

// -- wiring --------------------------------------------------------------------------
$("endpoint-url").textContent = `${location.origin}/sparql`;
$("question").addEventListener("change", pickQuestion);
$("run").addEventListener("click", run);
$("editor").addEventListener("keydown", (e) => {
  if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
    e.preventDefault();
    run();
  }
});
$("view-table").addEventListener("click", () => showView("table"));
$("view-graph").addEventListener("click", () => showView("graph"));
for (const id of ["graph-source", "graph-target", "graph-weight"]) $(id).addEventListener("change", renderGraph);
$("editor").addEventListener("input", () => {
  // an edited text is the user's own query: the question's network hint no longer applies
  if (state.question) state.question = { ...state.question, network: {} };
});
loadQuestions().catch((err) => setStatus(`cannot load the ready questions: ${err}`, true));
