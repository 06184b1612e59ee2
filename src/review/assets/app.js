// vouch review page. Plain JavaScript, no build step, no network beyond
// this server. All text from the questionnaire is inserted with textContent,
// never as HTML.
"use strict";

// Everything lives in this function's scope: no globals to collide with
// window properties (window.top, window.status, ...).
(() => {

const TOKEN = new URLSearchParams(location.search).get("token") || "";
const CANONICAL = ["Yes", "No", "Partial", "N/A"];
const STATUS_LABEL = {
  "suggested": "Pending",
  "accepted": "Accepted",
  "edited": "Edited",
  "rejected": "Rejected",
  "needs-input": "Needs input",
  "no-match": "No match",
  "prefilled": "Already answered",
};
const REVIEWED = new Set(["accepted", "edited", "rejected", "needs-input"]);
const FILTERS = {
  "all": () => true,
  "pending": (it) => !REVIEWED.has(it.status),
  "low": (it) => topSuggestion(it) !== null && topSuggestion(it).confidence === "low",
  "no-match": (it) => it.suggestions.length === 0,
  "changed": (it) => it.changed,
  "needs-input": (it) => it.status === "needs-input",
};

const state = {
  review: null,
  items: [],
  byKey: new Map(),
  visible: [],
  current: null,
  filter: "all",
  text: "",
  mode: "view",
  searchText: "",
  searchResults: null,
  writes: Promise.resolve(),
};

const $ = (sel) => document.querySelector(sel);

/** Build an element: h("div", {class: "x", onclick: f}, child, "text"). */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "text") el.textContent = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function topSuggestion(item) {
  return item.suggestions.length ? item.suggestions[0] : null;
}

// ---------------------------------------------------------------- API

class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

async function api(method, path, body) {
  const init = { method, headers: { "X-Vouch-Token": TOKEN } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch("/api" + path, init);
  } catch (e) {
    throw new ApiError(0, "The review server is not reachable. Is `vouch review` still running?");
  }
  let data = null;
  try {
    data = await response.json();
  } catch (e) {
    data = null;
  }
  if (!response.ok) {
    const message = (data && data.error) || `The server answered ${response.status}.`;
    throw new ApiError(response.status, message, data);
  }
  return data;
}

/** Send one change; writes go one at a time so each carries the newest revision. */
function change(body) {
  const run = async () => {
    try {
      const result = await api("POST", "/change", Object.assign({ revision: state.review.revision }, body));
      state.review.revision = result.revision;
      document.body.dataset.revision = String(result.revision);
      for (const item of result.items) replaceItem(item);
      renderProgress();
      renderCounts();
      return result;
    } catch (e) {
      if (e.status === 409) {
        toast("The review file changed elsewhere (another tab or server). Reloaded the latest decisions; please check and decide again.", true);
        await load(state.current);
      } else {
        toast(e.message, true);
      }
      return null;
    }
  };
  const next = state.writes.then(run);
  state.writes = next.catch(() => null);
  return next;
}

// ---------------------------------------------------------------- loading

async function load(keepKey) {
  if (!TOKEN) {
    fatal("This address has no session token. Open the exact URL that `vouch review` printed.");
    return;
  }
  let review;
  try {
    review = await api("GET", "/review");
  } catch (e) {
    fatal(e.status === 401 ? "The session token is wrong or expired. Open the URL that `vouch review` printed in the terminal." : e.message);
    return;
  }
  state.review = review;
  state.items = review.items;
  state.byKey = new Map(review.items.map((it) => [it.key, it]));
  document.title = `${review.title} · vouch review`;
  $("#title").textContent = review.title;
  $("#subtitle").textContent = `${review.items.length} questions · library: ${review.library}`;
  renderBanners(review.warnings);
  computeVisible();
  renderList();
  renderProgress();
  renderCounts();
  const start = keepKey !== undefined && keepKey !== null && state.byKey.has(keepKey)
    ? keepKey
    : (state.visible.find((it) => !REVIEWED.has(it.status)) || state.visible[0] || {}).key;
  select(start === undefined ? null : start, { scroll: true });
  document.body.dataset.revision = String(review.revision);
  document.body.dataset.ready = "1";
}

function fatal(message) {
  renderBanners([], message);
  $("#item-view").replaceChildren(h("div", { class: "empty" }, message));
}

function renderBanners(warnings, error) {
  const box = $("#banners");
  box.replaceChildren(
    ...(error ? [h("div", { class: "banner error", role: "alert" }, error)] : []),
    ...warnings.map((w) => h("div", { class: "banner" }, w)),
  );
}

// ---------------------------------------------------------------- list

function matchesText(item, text) {
  if (!text) return true;
  const hay = [item.question, item.id || "", item.section || "", item.sheet, item.cell,
    item.answer ? item.answer.text : "", item.note || ""].join(" ").toLowerCase();
  return text.toLowerCase().split(/\s+/).filter(Boolean).every((w) => hay.includes(w));
}

/** The filtered list is recomputed only when the filter changes, so rows never vanish under the reviewer. */
function computeVisible() {
  const keep = FILTERS[state.filter] || FILTERS.all;
  state.visible = state.items.filter((it) => keep(it) && matchesText(it, state.text));
}

function groupKey(item) {
  return JSON.stringify([item.sheet, item.section || null]);
}

function renderList() {
  const list = $("#list");
  const nodes = [];
  let sheet = null;
  let group = null;
  for (const item of state.visible) {
    if (item.sheet !== sheet) {
      sheet = item.sheet;
      group = null;
      nodes.push(h("div", { class: "group-sheet", role: "heading", "aria-level": "2" }, sheet));
    }
    const g = groupKey(item);
    if (g !== group) {
      group = g;
      nodes.push(sectionHeader(item.sheet, item.section || null));
    }
    nodes.push(row(item));
  }
  if (!nodes.length) {
    nodes.push(h("div", { class: "none" }, state.items.length ? "No question matches this filter." : "This review has no questions."));
  }
  list.replaceChildren(...nodes);
  updateBulkButtons();
}

function sectionHeader(sheet, section) {
  const button = h("button", {
    type: "button",
    class: "btn btn-small",
    "data-bulk": JSON.stringify([sheet, section]),
    onclick: () => bulkAccept(sheet, section),
  }, "Accept high");
  return h("div", { class: "group-section" },
    h("span", { class: "name", title: section || "(no section)" }, section || "(no section)"),
    button);
}

function bulkCandidates(sheet, section) {
  return state.items.filter((it) => it.sheet === sheet && (it.section || null) === section
    && it.status === "suggested" && topSuggestion(it) && topSuggestion(it).confidence === "high");
}

function updateBulkButtons() {
  for (const button of document.querySelectorAll("[data-bulk]")) {
    const [sheet, section] = JSON.parse(button.dataset.bulk);
    const n = bulkCandidates(sheet, section).length;
    button.textContent = n ? `Accept ${n} high` : "Accept high";
    button.disabled = n === 0;
    button.setAttribute("aria-label", n
      ? `Accept ${n} high-confidence suggestions in ${section || sheet}`
      : `No pending high-confidence suggestions in ${section || sheet}`);
  }
}

function row(item) {
  const t = topSuggestion(item);
  const band = t ? h("span", { class: `band ${t.confidence}` }, t.confidence) : h("span", { class: "band none" }, "none");
  return h("button", {
    type: "button",
    class: "row",
    "data-key": String(item.key),
    "data-status": item.status,
    "aria-current": item.key === state.current ? "true" : "false",
    onclick: () => select(item.key, { focus: false }),
  },
  h("span", { class: `dot ${item.status}`, title: STATUS_LABEL[item.status] || item.status, "aria-label": STATUS_LABEL[item.status] || item.status, role: "img" }),
  h("span", null,
    h("span", { class: "rid" }, [item.id, `${item.sheet}!${item.cell}`].filter(Boolean).join(" · ")),
    h("span", { class: "q" }, item.question)),
  band);
}

function refreshRow(item) {
  const old = document.querySelector(`.row[data-key="${item.key}"]`);
  if (old) old.replaceWith(row(item));
}

function replaceItem(item) {
  const i = state.items.findIndex((it) => it.key === item.key);
  if (i >= 0) state.items[i] = item;
  const v = state.visible.findIndex((it) => it.key === item.key);
  if (v >= 0) state.visible[v] = item;
  state.byKey.set(item.key, item);
  refreshRow(item);
  if (item.key === state.current) renderItem();
  updateBulkButtons();
}

function renderProgress() {
  const total = state.items.length;
  const done = state.items.filter((it) => REVIEWED.has(it.status)).length;
  const pct = total ? (100 * done) / total : 0;
  $("#progress-fill").style.width = `${pct}%`;
  const bar = $("#progressbar");
  bar.setAttribute("aria-valuemax", String(total));
  bar.setAttribute("aria-valuenow", String(done));
  $("#progress-label").textContent = `${done} / ${total} reviewed`;
}

function renderCounts() {
  for (const chip of document.querySelectorAll(".chip")) {
    const keep = FILTERS[chip.dataset.filter];
    chip.querySelector(".count").textContent = String(state.items.filter(keep).length);
  }
}

function setFilter(name) {
  state.filter = name;
  for (const chip of document.querySelectorAll(".chip")) {
    chip.setAttribute("aria-pressed", chip.dataset.filter === name ? "true" : "false");
  }
  computeVisible();
  renderList();
  if (!state.visible.some((it) => it.key === state.current)) {
    select(state.visible.length ? state.visible[0].key : null, { scroll: true });
  }
}

// ---------------------------------------------------------------- selection

function select(key, opts = {}) {
  if (state.current !== key) {
    state.mode = "view";
    state.searchResults = null;
    state.searchText = "";
  }
  state.current = key;
  for (const r of document.querySelectorAll(".row[aria-current=true]")) r.setAttribute("aria-current", "false");
  const r = key === null ? null : document.querySelector(`.row[data-key="${key}"]`);
  if (r) {
    r.setAttribute("aria-current", "true");
    if (opts.scroll !== false) r.scrollIntoView({ block: "nearest" });
  }
  renderItem();
  $("#item-view").scrollTop = 0;
}

function move(step) {
  if (!state.visible.length) return;
  const i = state.visible.findIndex((it) => it.key === state.current);
  const next = i < 0 ? 0 : Math.min(state.visible.length - 1, Math.max(0, i + step));
  select(state.visible[next].key);
}

function currentItem() {
  return state.current === null ? null : state.byKey.get(state.current) || null;
}

// ---------------------------------------------------------------- item view

function renderItem() {
  const view = $("#item-view");
  const item = currentItem();
  if (!item) {
    view.replaceChildren(h("div", { class: "empty" }, state.items.length ? "Pick a question on the left." : "This review has no questions."));
    return;
  }
  view.replaceChildren(h("div", { class: "item-inner" },
    itemHeader(item),
    state.mode === "edit" ? editCard(item) : state.mode === "needs-input" ? noteCard(item) : answerCard(item),
    whyCard(item),
    runnersCard(item),
    searchCard(item)));
}

function itemHeader(item) {
  const slots = item.slots.map((s) => {
    const what = s.kind === "choice" ? (s.allowed && s.allowed.length ? `choice: ${s.allowed.join(" / ")}` : "choice") : "text";
    return `${s.target}${s.header ? ` “${s.header}”` : ""} (${what}${s.planned ? ", new column" : ""})`;
  });
  return h("div", { class: "item-head" },
    h("div", { class: "meta" },
      item.id ? h("span", { class: "qid" }, item.id) : null,
      h("span", null, `${item.sheet} · ${item.cell}`),
      item.section ? h("span", null, item.section) : null,
      h("span", { id: "item-status", class: `pill ${item.status}`, "data-status": item.status }, STATUS_LABEL[item.status] || item.status)),
    h("p", { class: "question", id: "question" }, item.question),
    slots.length ? h("p", { class: "slots" }, `Writes to ${slots.join(", ")}`) : null);
}

function answerCard(item) {
  const t = topSuggestion(item);
  // Import stores the top suggestion as the pending answer; older files may not.
  const answer = item.answer || (item.status === "suggested" && t ? { choice: t.answer, text: t.text, entry: t.entry } : null);
  const title = REVIEWED.has(item.status) ? "Your answer"
    : item.status === "prefilled" ? "Already answered in the buyer's file"
    : answer ? "Suggested answer" : "No answer yet";
  const body = [];
  if (item.status === "prefilled") {
    for (const slot of item.slots.filter((s) => s.existing)) {
      body.push(h("div", { class: "answer-text" }, h("strong", null, `${slot.target}: `), slot.existing));
    }
    body.push(h("p", { class: "muted" }, "Export keeps what the buyer's file holds."));
  } else if (answer) {
    const choice = item.answer ? item.shown_choice || answer.choice : mapChoice(answer.choice, item.allowed) || answer.choice;
    if (choice) body.push(h("div", { class: "answer-choice", id: "answer-choice" }, choice));
    body.push(h("div", { class: "answer-text", id: "answer-text-view" }, answer.text || "(no text)"));
    if (answer.entry) body.push(entryLine(item, answer.entry));
  } else if (item.status === "rejected") {
    body.push(h("p", { class: "muted" }, "Rejected: nothing will be written for this question."));
  } else if (t) {
    body.push(h("p", { class: "muted" }, "No answer is set. Accept the suggestion or pick one below."));
  } else {
    body.push(h("p", { class: "muted" }, "Nothing in the library matched this question. Search the library below, write an answer (e), or mark it as needing input (n)."));
  }
  if (item.note) body.push(h("div", { class: "note" }, h("strong", null, "Needs input: "), item.note));
  const head = h("div", { class: "card-head" }, h("h2", null, title));
  const untouched = item.status === "suggested" || item.status === "accepted";
  if (t && answer && untouched && answer.entry === t.entry) head.append(h("span", { class: `band ${t.confidence}` }, `${t.confidence} confidence`));
  return h("section", { class: "card", "aria-label": title },
    head,
    h("div", { class: "card-body" }, body),
    actions(item));
}

function entryLine(item, entryId) {
  const s = item.suggestions.find((x) => x.entry === entryId);
  return h("div", { class: "from" },
    "From library entry", h("code", null, entryId),
    s ? h("span", null, s.topic) : null,
    s && s.stale ? staleBadge(s) : null);
}

function staleBadge(s) {
  return h("span", { class: "stale", title: "Past its review date: check the answer is still true" },
    `Stale${s.reviewed ? `: reviewed ${s.reviewed}` : ""}`);
}

function actions(item) {
  const canAccept = item.suggestions.length > 0;
  return h("div", { class: "actions" },
    h("button", { type: "button", id: "accept", class: "btn btn-ok", disabled: !canAccept, onclick: () => accept({ from: "top" }) },
      "Accept", h("kbd", null, "a")),
    h("button", { type: "button", id: "edit", class: "btn", onclick: () => setMode("edit") }, "Edit", h("kbd", null, "e")),
    h("button", { type: "button", id: "reject", class: "btn btn-bad", onclick: reject }, "Reject", h("kbd", null, "r")),
    h("button", { type: "button", id: "needs-input", class: "btn", onclick: () => setMode("needs-input") }, "Needs input", h("kbd", null, "n")),
    h("span", { class: "spacer" }),
    h("button", { type: "button", id: "undo", class: "btn", disabled: !item.can_undo, onclick: undo }, "Undo", h("kbd", null, "u")));
}

function choiceOptions(item) {
  return item.allowed.length ? item.allowed : CANONICAL;
}

function editCard(item) {
  const t = topSuggestion(item);
  const source = item.answer || (t ? { choice: t.answer, text: t.text } : { choice: null, text: "" });
  const shown = item.answer ? item.shown_choice || item.answer.choice : t ? mapChoice(t.answer, item.allowed) : null;
  const select = h("select", { id: "choice", name: "choice" },
    h("option", { value: "" }, "— no choice —"),
    choiceOptions(item).map((v) => h("option", { value: v, selected: v === shown }, v)));
  const text = h("textarea", { id: "answer-text", name: "text", rows: "8", spellcheck: "true" });
  text.value = source.text || "";
  const save = () => submitEdit(select.value, text.value);
  text.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); save(); }
  });
  const form = h("section", { class: "card", "aria-label": "Edit the answer" },
    h("div", { class: "card-head" }, h("h2", null, "Edit the answer")),
    h("div", { class: "card-body form" },
      h("label", { for: "choice" }, "Choice",
        h("span", { class: "hint" }, item.allowed.length ? "Only the values the buyer's dropdown allows." : "The short answer."),
        select),
      h("label", { for: "answer-text" }, "Answer text", text)),
    h("div", { class: "actions" },
      h("button", { type: "button", id: "save-edit", class: "btn btn-primary", onclick: save }, "Save", h("kbd", null, "Ctrl+Enter")),
      h("button", { type: "button", id: "cancel-edit", class: "btn", onclick: () => setMode("view") }, "Cancel", h("kbd", null, "Esc"))));
  requestAnimationFrame(() => text.focus());
  return form;
}

/** The dropdown value a canonical answer maps to (Yes -> Y), mirroring the server. */
function mapChoice(choice, allowed) {
  if (!allowed.length) return choice;
  const norm = (s) => s.toLowerCase().replace(/[^a-z0-9]/g, "");
  const synonyms = {
    yes: ["yes", "y", "true", "compliant", "implemented"],
    no: ["no", "n", "false", "noncompliant", "notimplemented"],
    partial: ["partial", "partially", "partiallycompliant", "partiallyimplemented", "inprogress"],
    na: ["na", "notapplicable", "nonapplicable"],
  };
  const want = norm(choice);
  const exact = allowed.find((a) => norm(a) === want);
  if (exact) return exact;
  const group = synonyms[want] || [];
  return allowed.find((a) => group.includes(norm(a))) || null;
}

function noteCard(item) {
  const note = h("textarea", { id: "note", name: "note", rows: "4" });
  note.value = item.note || "";
  const save = () => decide({ action: "needs-input", note: note.value });
  note.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); save(); }
  });
  requestAnimationFrame(() => note.focus());
  return h("section", { class: "card", "aria-label": "Mark as needing input" },
    h("div", { class: "card-head" }, h("h2", null, "Needs input")),
    h("div", { class: "card-body form" },
      h("label", { for: "note" }, "What is needed, and from whom?", note)),
    h("div", { class: "actions" },
      h("button", { type: "button", id: "save-note", class: "btn btn-primary", onclick: save }, "Save", h("kbd", null, "Ctrl+Enter")),
      h("button", { type: "button", class: "btn", onclick: () => setMode("view") }, "Cancel", h("kbd", null, "Esc"))));
}

function whyCard(item) {
  const inUse = item.answer && item.answer.entry
    ? item.suggestions.find((s) => s.entry === item.answer.entry)
    : null;
  const s = inUse || topSuggestion(item);
  if (!s) return null;
  const why = s.why || {};
  const terms = [
    ...(why.matched_terms || []).map((t) => h("span", { class: "term" }, t)),
    ...(why.expanded_terms || []).map((t) => h("span", { class: "term expanded", title: "matched through a synonym" }, t)),
  ];
  return h("section", { class: "card", "aria-label": "Why this suggestion" },
    h("div", { class: "card-head" },
      h("h2", null, "Why this suggestion"),
      h("code", null, s.entry),
      s.stale ? staleBadge(s) : null),
    h("div", { class: "card-body" },
      h("dl", { class: "why" },
        h("dt", null, "Matched terms"), h("dd", null, terms.length ? h("div", { class: "terms" }, terms) : "—"),
        h("dt", null, "Closest variant"), h("dd", { class: "variant" }, why.matched_variant || "—"),
        h("dt", null, "Score"), h("dd", null, `${fmt(s.score)} · covers ${Math.round(100 * (why.coverage || 0))}% of the question · margin ${fmt(why.margin)}`),
        h("dt", null, "Band"), h("dd", null, h("span", { class: `band ${s.confidence}` }, s.confidence), " ", why.band_reason || ""),
        h("dt", null, "Topic"), h("dd", null, s.topic))));
}

function fmt(x) {
  return typeof x === "number" ? x.toFixed(2) : "—";
}

function suggestionCard(item, s, onUse, label) {
  const inUse = item.answer && item.answer.entry === s.entry && REVIEWED.has(item.status);
  return h("div", { class: `result${inUse ? " in-use" : ""}`, "data-entry": s.entry },
    h("div", { class: "result-head" },
      h("span", { class: "grow" }, h("code", null, s.entry), " ", h("span", { class: "muted" }, s.topic)),
      h("span", { class: `band ${s.confidence}` }, s.confidence),
      h("span", { class: "muted" }, fmt(s.score)),
      s.stale ? staleBadge(s) : null,
      h("button", { type: "button", class: "btn btn-small", onclick: onUse, "aria-label": `${label} ${s.entry}` }, inUse ? "In use" : label)),
    h("div", { class: "text" }, h("strong", null, `${mapChoice(s.answer, item.allowed) || s.answer}. `), s.text));
}

function runnersCard(item) {
  const runners = item.suggestions.slice(1);
  if (!runners.length) return null;
  return h("section", { class: "card", "aria-label": "Other suggestions" },
    h("div", { class: "card-head" }, h("h2", null, "Other suggestions")),
    h("div", { class: "card-body results", id: "runners" },
      runners.map((s, i) => suggestionCard(item, s, () => accept({ from: "suggestion", index: i + 1 }), "Use this"))));
}

function searchCard(item) {
  const enabled = state.review && state.review.can_search;
  const input = h("input", {
    id: "library-search", type: "search", placeholder: enabled ? "Search the answer library  ( f )" : "Library search is off",
    disabled: !enabled, autocomplete: "off", "aria-label": "Search the answer library",
  });
  input.value = state.searchText;
  const run = () => runSearch(input.value);
  input.addEventListener("keydown", (ev) => { if (ev.key === "Enter") { ev.preventDefault(); run(); } });
  const results = state.searchResults;
  return h("section", { class: "card", "aria-label": "Search the library" },
    h("div", { class: "card-head" }, h("h2", null, "Pick a different library entry")),
    h("div", { class: "card-body" },
      h("div", { class: "search-box" }, input,
        h("button", { type: "button", class: "btn", id: "library-search-run", disabled: !enabled, onclick: run }, "Search")),
      results === null ? null : results.length === 0
        ? h("p", { class: "muted" }, "No entry matched.")
        : h("div", { class: "results", id: "search-results" },
          results.map((s) => suggestionCard(item, s, () => accept({ from: "entry", id: s.entry }), "Use this")))));
}

async function runSearch(text) {
  state.searchText = text;
  if (!text.trim()) { state.searchResults = null; renderItem(); return; }
  try {
    const data = await api("GET", `/search?q=${encodeURIComponent(text)}&n=8`);
    state.searchResults = data.results;
  } catch (e) {
    toast(e.message, true);
    state.searchResults = [];
  }
  renderItem();
  const box = $("#library-search");
  if (box) box.focus({ preventScroll: true });
  const results = $("#search-results");
  if (results) results.scrollIntoView({ block: "nearest" });
}

// ---------------------------------------------------------------- decisions

function setMode(mode) {
  if (!currentItem()) return;
  state.mode = mode;
  renderItem();
}

async function decide(decision, advance = true) {
  const item = currentItem();
  if (!item) return;
  const key = item.key;
  const result = await change({ kind: "item", key, decision });
  if (!result) return;
  state.mode = "view";
  if (advance && state.current === key) {
    move(1);
  } else {
    renderItem();
  }
}

function accept(pick) { return decide({ action: "accept", pick }); }
function reject() { return decide({ action: "reject" }); }
function undo() {
  const item = currentItem();
  if (item && item.can_undo) return decide({ action: "undo" }, false);
  return null;
}
function submitEdit(choice, text) {
  return decide({ action: "edit", choice: choice || null, text });
}

async function bulkAccept(sheet, section) {
  const n = bulkCandidates(sheet, section).length;
  if (!n) return;
  const result = await change({ kind: "bulk-accept", sheet, section });
  if (result) toast(`Accepted ${result.changed} high-confidence ${result.changed === 1 ? "answer" : "answers"} in ${section || sheet}.`);
}

// ---------------------------------------------------------------- export

function openExport() {
  $("#export-result").replaceChildren();
  delete $("#export-result").dataset.done;
  $("#export-dialog").showModal();
}

async function runExport() {
  const out = $("#export-result");
  const button = $("#export-run");
  button.disabled = true;
  delete out.dataset.done;
  out.replaceChildren(h("span", { class: "muted" }, "Exporting…"));
  await state.writes;
  try {
    const summary = await api("POST", "/export", { include_unreviewed: $("#export-unreviewed").checked });
    out.replaceChildren(...exportSummary(summary));
    out.dataset.done = "1";
  } catch (e) {
    out.replaceChildren(h("span", { class: "error", role: "alert" }, e.message));
  } finally {
    button.disabled = false;
  }
}

/** The export summary: the same facts `vouch export` prints. */
function exportSummary(summary) {
  const parts = [h("span", { class: "ok" }, "Export written.")];
  parts.push(h("div", null, "File: ", h("code", { id: "export-path" }, summary.output)));
  const cells = summary.cells_written || 0;
  const questions = summary.items_written || 0;
  const sheets = (summary.written || []).map(([sheet, n]) => `${sheet}: ${n}`).join(", ");
  parts.push(h("div", { id: "export-counts" },
    `${cells} answer ${cells === 1 ? "cell" : "cells"} for ${questions} ${questions === 1 ? "question" : "questions"}`,
    sheets ? ` (${sheets})` : ""));
  const empty = summary.left_empty || [];
  if (empty.length) {
    parts.push(h("div", null, "Left empty:"));
    parts.push(h("ul", null, empty.map((g) => h("li", null,
      `${g.count} · ${g.reason}`,
      g.examples && g.examples.length ? h("span", { class: "muted" }, ` (e.g. ${g.examples.join(", ")}${g.count > g.examples.length ? ", …" : ""})`) : null))));
  }
  for (const [label, list] of [["Truncated", summary.truncated || []], ["Notes", summary.notes || []]]) {
    if (list.length) parts.push(h("div", null, `${label}:`), h("ul", null, list.map((t) => h("li", null, t))));
  }
  return parts;
}

// ---------------------------------------------------------------- keys, toast

let toastTimer = null;
function toast(message, isError) {
  const el = $("#toast");
  el.textContent = message;
  el.classList.toggle("error", !!isError);
  el.classList.add("show");
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => el.classList.remove("show"), isError ? 6000 : 3000);
}

function typing(target) {
  return target && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
}

function onKey(ev) {
  if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
  if ($("#export-dialog").open) return;
  if (ev.key === "Escape") {
    if (typing(ev.target)) ev.target.blur();
    if (state.mode !== "view") setMode("view");
    return;
  }
  if (typing(ev.target)) return;
  const actionsByKey = {
    "j": () => move(1),
    "ArrowDown": () => move(1),
    "k": () => move(-1),
    "ArrowUp": () => move(-1),
    "a": () => { const it = currentItem(); if (it && it.suggestions.length) accept({ from: "top" }); },
    "e": () => setMode("edit"),
    "r": () => reject(),
    "n": () => setMode("needs-input"),
    "u": () => undo(),
    "/": () => $("#filter-text").focus(),
    "f": () => { const box = $("#library-search"); if (box && !box.disabled) box.focus(); },
  };
  const action = actionsByKey[ev.key];
  if (action) {
    ev.preventDefault();
    action();
  }
}

function init() {
  document.addEventListener("keydown", onKey);
  for (const chip of document.querySelectorAll(".chip")) {
    chip.addEventListener("click", () => setFilter(chip.dataset.filter));
  }
  let pending = null;
  $("#filter-text").addEventListener("input", (ev) => {
    clearTimeout(pending);
    pending = setTimeout(() => {
      state.text = ev.target.value.trim();
      computeVisible();
      renderList();
      if (!state.visible.some((it) => it.key === state.current) && state.visible.length) select(state.visible[0].key);
    }, 120);
  });
  $("#filter-text").addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") { ev.preventDefault(); ev.target.blur(); }
  });
  $("#export").addEventListener("click", openExport);
  $("#export-run").addEventListener("click", runExport);
  load(null);
}

init();
})();
