// Pressroom's preview page: the contents, the chapter (EPUB iframe or PDF pages), the diagnostics.
// The reader's place (chapter, scroll, view, PDF page) is kept in sessionStorage across reloads.
"use strict";
const $ = (s) => document.querySelector(s);
const KEY = "pressroom.place";
let state = null;
let place = Object.assign({ href: "", scroll: 0, view: "epub", pdfPage: 0 }, JSON.parse(sessionStorage.getItem(KEY) || "{}"));
const save = () => sessionStorage.setItem(KEY, JSON.stringify(place));
const frame = $("#epub"), pdfView = $("#pdf");

function el(tag, attrs = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) e.setAttribute(k, v);
  for (const k of kids) e.append(k);
  return e;
}

function entry() { return state.contents.find((e) => e.href === place.href) || state.contents.find((e) => e.id.startsWith("ch")) || state.contents[0]; }
function chapterOf(e) { return e && state.chapters.find((c) => c.id === e.id); }

function renderContents() {
  const ol = $("#contents ol");
  ol.replaceChildren();
  const current = entry();
  for (const e of state.contents) {
    const ch = chapterOf(e);
    const warn = ch ? ch.explain.filter((d) => d.level !== "info").length : 0;
    const a = el("a", { href: "#" + e.href, class: (e === current ? "current " : "") + (e.in_nav || e.id === "nav" ? "" : "front") }, e.title);
    if (warn) a.append(el("span", { class: "badge", title: `${warn} warning(s)` }, `▲ ${warn}`));
    a.addEventListener("click", (ev) => { ev.preventDefault(); go(e.href, 0); });
    ol.append(el("li", {}, a));
  }
}

function where(d, inChapter) {
  if (!d.file) return null;
  // in the chapter's own record its file goes without saying; elsewhere the file's name is enough
  const name = inChapter ? "line" : d.file.split("/").pop();
  const label = d.line ? `${name}${inChapter ? " " : ":"}${d.line}` : (inChapter ? "" : name);
  if (!label) return null;
  return el("a", { class: "where", href: `/source/${d.file}${d.line ? "#L" + d.line : ""}`, target: "pressroom-source",
                   title: `${d.file}${d.line ? ":" + d.line : ""} (the source, in a tab of its own)` }, label);
}

function diagnosticItem(d, withText) {
  const li = el("li", { class: d.level, title: withText ? null : `${d.rule}: ${d.message}` });
  const w = where(d, withText);
  if (w) li.append(w, " ");
  if (withText) li.append(el("span", { class: "rule" }, d.rule), " ");
  li.append(d.message.split("\n")[0]);
  if (withText && d.text) li.append(el("div", { class: "text" }, d.text));
  return li;
}

function renderDiagnostics() {
  const here = (chapterOf(entry()) || {}).rel;  // the chapter's own warnings first
  const ws = [...state.warnings].sort((a, b) => (b.file === here) - (a.file === here));
  $("#warning-count").textContent = ws.length || "";
  const notes = (state.notes || []).map((n) => el("li", { class: "note", title: n }, n.replace(/^note: /, "")));
  $("#warnings").replaceChildren(...notes, ...(ws.length ? ws.map((d) => diagnosticItem(d, false)) : [el("li", { class: "empty" }, "No warnings.")]));
  const ch = chapterOf(entry());
  const ex = ch ? [...ch.explain].sort((a, b) => (a.line || 0) - (b.line || 0)) : [];
  $("#explain-count").textContent = ex.length || "";
  $("#explain").replaceChildren(...(ex.length ? ex.map((d) => diagnosticItem(d, true))
    : [el("li", { class: "empty" }, ch ? "No rule changed this chapter." : "Not a chapter: made by the layout.")]));
}

function renderStatus() {
  const s = $("#status");
  const t = state.timings || {};
  const parts = [];
  if (t.epub_seconds !== undefined) parts.push(`EPUB ${t.epub_seconds.toFixed(1)} s`);
  if (t.pdf_seconds !== undefined) parts.push(`PDF ${t.pdf_seconds.toFixed(1)} s`);
  s.textContent = state.building ? `building the ${state.building.toUpperCase()}…` : (parts.length ? "shown " + parts.join(" · ") + " after " + (t.after || "the save") : "");
  s.classList.toggle("busy", !!state.building);
  const error = $("#error");
  error.hidden = !state.error;
  error.replaceChildren(state.error || "", ...(state.epub ? [el("small", {}, "showing the last good build")] : []));
  document.title = (state.error ? "✗ " : "") + (state.title || "Pressroom") + " — preview";
  $("#book-title").textContent = state.title || "Pressroom preview";
}

function showView() {
  const pdf = place.view === "pdf";
  $("#show-epub").setAttribute("aria-pressed", String(!pdf));
  $("#show-pdf").setAttribute("aria-pressed", String(pdf));
  frame.hidden = pdf;
  pdfView.hidden = !pdf;
  if (pdf) renderPdf(false);
}

// -- the EPUB view
function loadFrame(keepScroll) {
  if (!state.epub) return;
  const e = entry();
  if (!e) return;
  place.href = e.href;
  if (!keepScroll) place.scroll = 0;
  save();
  frame.src = `/book/${state.epub}/${e.href}`;
}

frame.addEventListener("load", () => {
  const win = frame.contentWindow;
  const m = win.location.pathname.match(/^\/book\/\d+\/(.+)$/);
  if (m && m[1] !== place.href) { place.href = decodeURIComponent(m[1]); place.scroll = 0; }
  win.scrollTo(0, place.scroll);
  for (const a of win.document.querySelectorAll("a[href^='http']")) { a.target = "_blank"; a.rel = "noopener"; }
  let t = null;
  win.addEventListener("scroll", () => { clearTimeout(t); t = setTimeout(() => { place.scroll = win.scrollY; save(); }, 80); });
  save();
  renderContents();
  renderDiagnostics();
  if (place.view === "pdf") renderPdf(false);
});

function go(href, scroll) {
  place.href = href;
  place.scroll = scroll;
  place.pdfPage = 0;
  save();
  loadFrame(true);
  renderContents();
  renderDiagnostics();
  if (place.view === "pdf") renderPdf(false);
}

// -- the PDF view: the chapter's pages, kept on the page of the edit or the reader's
let shownPdf = "";
function renderPdf(toEdit) {
  const e = entry();
  const key = `${state.run}|${state.pdf}|${e && e.href}`;
  if (key === shownPdf && !toEdit) return;
  shownPdf = key;
  if (!state.pdf || !e) { pdfView.replaceChildren(el("p", { class: "pdf-note" }, "The PDF is being built…")); return; }
  if (!e.pages.length) { pdfView.replaceChildren(el("p", { class: "pdf-note" }, "This part has no page of its own in the PDF.")); return; }
  const [first, last] = e.pages;
  const pages = [];
  for (let p = first; p <= last; p++) {
    const img = el("img", { "data-src": `/pdf/${state.pdf}/${p}.jpg`, alt: `PDF page ${p}` });
    const edited = toEdit && p === state.edit_page;
    pages.push(el("div", { class: "pdf-page" + (edited ? " edited" : ""), "data-page": p },
      el("span", { class: "folio" }, `page ${p}` + (edited ? " · your edit" : "")), img));
  }
  pdfView.replaceChildren(...pages);
  for (const node of pages) drawWhenNear.observe(node);
  let target = toEdit && state.edit_page >= first && state.edit_page <= last ? state.edit_page : place.pdfPage;
  if (!(target >= first && target <= last)) target = first;
  const node = pdfView.querySelector(`[data-page="${target}"]`);
  pdfView.scrollTop = node.offsetTop - 16;
  place.pdfPage = target;
  save();
}

// a page is drawn (pdftoppm, on the server) when it comes near the view: the page of the edit first
const drawWhenNear = new IntersectionObserver((seen) => {
  for (const e of seen) {
    if (!e.isIntersecting) continue;
    const img = e.target.querySelector("img");
    if (img.dataset.src) { img.src = img.dataset.src; delete img.dataset.src; }
    drawWhenNear.unobserve(e.target);
  }
}, { root: pdfView, rootMargin: "200px 0px" });

pdfView.addEventListener("scroll", () => {
  const top = pdfView.scrollTop + pdfView.clientHeight / 3;
  for (const node of pdfView.querySelectorAll(".pdf-page")) {
    if (node.offsetTop <= top && node.offsetTop + node.offsetHeight > top) { place.pdfPage = Number(node.dataset.page); save(); break; }
  }
});

$("#show-epub").addEventListener("click", () => { place.view = "epub"; save(); showView(); });
$("#show-pdf").addEventListener("click", () => { place.view = "pdf"; save(); showView(); });

// -- the state, and what the server says
function apply(next, event) {
  const firstTime = !state;
  const epubChanged = !state || next.epub !== state.epub || next.run !== state.run;
  const pdfChanged = !state || next.pdf !== state.pdf || next.run !== state.run;
  if (epubChanged && !firstTime && frame.contentWindow) place.scroll = frame.contentWindow.scrollY || place.scroll;
  state = next;
  if (epubChanged) loadFrame(true);  // first: the chapter is fetched while the panels are drawn
  renderStatus();
  renderContents();
  renderDiagnostics();
  if (pdfChanged && place.view === "pdf") renderPdf(event === "pdf");
  if (firstTime) showView();
}

const refresh = () => fetch("/api/state").then((r) => r.json())
  // never back to an older build of this server; a new server's builds (after a restart) all count
  .then((s) => { if (!state || s.run !== state.run || s.epub >= state.epub) apply(s, "state"); });
refresh();
const events = new EventSource("/events");
for (const name of ["building", "epub", "pdf", "error"]) {
  // "building" and "error" say only what changed; "epub" and "pdf" carry the whole state
  events.addEventListener(name, (ev) => {
    if (state || name === "epub" || name === "pdf") apply(Object.assign({}, state, JSON.parse(ev.data)), name);
  });
}
events.addEventListener("open", () => { if (state) refresh(); });
