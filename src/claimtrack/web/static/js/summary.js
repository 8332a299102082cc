// The store summary on the first screen, from GET api/v1/summary: totals, articles by outlet
// and by month, top sources, the most contested propositions and the places with most events.
// Open on a wide screen, one line on a phone (so the article stays on the first screen).
// A server without the endpoint (404) or any other failure leaves the panel hidden: the page
// works without it.

import { getJSON } from "./api.js";
import { el, fill, svg } from "./dom.js";

const NARROW = "(max-width: 800px)";
const TOP = 5;
let loading = null;

function number(value) {
  return Number(value || 0).toLocaleString("en");
}

function block(title, className, items, row) {
  const shown = (items || []).slice(0, TOP);
  return el("section", { class: `summary-block ${className}` },
    el("h3", {}, title),
    shown.length ? el("ol", {}, shown.map((item) => el("li", {}, row(item)))) : el("p", { class: "empty" }, "none"));
}

/** Articles per month as bars; each bar opens that month on the timeline. */
function monthChart(months) {
  const rows = (months || []).filter((m) => /^\d{4}-\d{2}$/.test(String(m.month)));
  if (!rows.length) return el("p", { class: "empty" }, "undated");
  const most = Math.max(1, ...rows.map((m) => m.documents));
  const [width, height, gap] = [Math.max(rows.length * 14, 120), 60, 2];
  const step = width / rows.length;
  const label = (m) => `${m.month}: ${number(m.documents)} articles`;
  const chart = svg("svg", {
    class: "month-chart", viewBox: `0 0 ${width} ${height + 14}`, role: "img",
    "aria-label": `Articles by month, ${rows[0].month} to ${rows[rows.length - 1].month}`,
    preserveAspectRatio: "none",
  },
  rows.map((m, i) => {
    const h = Math.max(1, (m.documents / most) * height);
    return svg("a", { href: `#/timeline/${m.month}`, "aria-label": label(m), dataset: { month: m.month } },
      svg("rect", { class: "month-bar", x: i * step + gap / 2, y: height - h, width: Math.max(1, step - gap), height: h }));
  }));
  return el("div", { class: "month-wrap" }, chart,
    el("p", { class: "meta" }, `${rows[0].month} \u2013 ${rows[rows.length - 1].month}, busiest `,
      (() => { const top = rows.reduce((a, b) => (b.documents > a.documents ? b : a)); return `${top.month} (${number(top.documents)})`; })()));
}

function render(panel, data) {
  fill(document.getElementById("summary-line"),
    el("strong", {}, "The store: "),
    `${number(data.documents)} articles \u00b7 ${number(data.claims)} claims \u00b7 ${number(data.events)} events`);
  fill(document.getElementById("summary-body"),
    block("Outlets", "by-outlet", data.by_outlet, (o) => [
      el("span", { class: "label" }, o.outlet || "unknown outlet"), el("span", { class: "n" }, number(o.documents))]),
    el("section", { class: "summary-block by-month" }, el("h3", {}, "Articles by month"), monthChart(data.by_month)),
    block("Top sources", "top-sources", data.top_sources, (s) => [
      el("a", { href: `#/contests/${encodeURIComponent(s.source)}` }, s.source), el("span", { class: "n" }, `${number(s.claims)} claims`)]),
    block("Most contested", "contested", data.contested, (c) => [
      el("a", { href: `#/threads/${encodeURIComponent(c.thread_id)}` }, c.proposition),
      el("span", { class: "n" }, `${number(c.for)} for, ${number(c.against)} against`)]),
    block("Places with most events", "top-places", data.top_places, (p) => [
      el("span", { class: "label" }, el("a", { href: `#/map/${encodeURIComponent(p.geonames_id)}` }, p.name),
        p.country ? ` (${p.country})` : ""),
      el("span", { class: "n" }, `${number(p.events)} events`)]),
  );
  panel.open = !window.matchMedia(NARROW).matches;
  panel.hidden = false;
}

/** Load the summary once per page load; hidden until (and unless) it arrives. */
export function showSummary() {
  const panel = document.getElementById("summary-panel");
  if (!loading) {
    loading = getJSON("summary").then((data) => render(panel, data)).catch(() => {
      panel.hidden = true;
    });
  }
  return loading;
}
