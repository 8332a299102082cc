// Timeline: events (above the axis) and claims (below) per day, month or year, as SVG bars
// that fit the width of the page. It opens on the span that holds most of the data (from the
// 5th to the 95th percentile of the items' days), so a few stray dates years away do not
// squeeze everything into one bar; it zooms (buttons, + and - keys, wheel, pinch) and pans
// (buttons, arrow keys, drag). The bars are days when there is room, else months, else years.
// Click a bar to list its events and claims (#/timeline/2014-08-29, /2014-08 or /2014); click
// it again to clear.

import { allPages } from "./api.js";
import {
  articleLink, byline, el, fill, stanceClass, stanceLabel, statusBadge, statusClass, svg,
} from "./dom.js";

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
const KEY = /^\d{4}(-\d{2}(-\d{2})?)?$/;
const DAY_MS = 86400000;
const HALF = 90; // px of bar height on each side of the axis
const LEFT = 8; // px before the first bar
const MIN_BAR = 8; // px: the narrowest bar before a coarser unit is used
const TICK_GAP = 84; // px: the least distance between two date labels
const MIN_SPAN = 3 * DAY_MS;
const LIST_CAP = 300;
const UNITS = {
  day: { steps: [1, 2, 7, 14], label: 10 },
  month: { steps: [1, 2, 3, 6, 12], label: 7 },
  year: { steps: [1, 2, 5, 10, 20, 50, 100], label: 4 },
};

let state = null; // {events, claims, days (sorted times), extent: [t0, t1], selected}
let view = null; // [start, end) in ms, kept across visits

/** The day an event happened when its date is a day, else its article's publication day. */
function eventDay(event) {
  if (event.date && ISO_DAY.test(event.date)) return event.date;
  return event.published ? event.published.slice(0, 10) : null;
}

function claimDay(claim) {
  return claim.published ? claim.published.slice(0, 10) : null;
}

function toTime(iso) {
  return Date.parse(`${iso}T00:00:00Z`);
}

function isoOf(time) {
  return new Date(time).toISOString().slice(0, 10);
}

/** [start, end) of a key: a day, a month or a year. */
function keyRange(key) {
  const [y, m, d] = key.split("-").map(Number);
  if (d) return [Date.UTC(y, m - 1, d), Date.UTC(y, m - 1, d + 1)];
  if (m) return [Date.UTC(y, m - 1, 1), Date.UTC(y, m, 1)];
  return [Date.UTC(y, 0, 1), Date.UTC(y + 1, 0, 1)];
}

/** The bin holding time t for a unit: its key and [start, end). */
function binOf(t, unit) {
  const date = new Date(t);
  const y = date.getUTCFullYear();
  const key = unit === "day" ? isoOf(t)
    : unit === "month" ? `${y}-${String(date.getUTCMonth() + 1).padStart(2, "0")}` : String(y);
  return [key, ...keyRange(key)];
}

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * (sorted.length - 1))))];
}

/** From the 5th to the 95th percentile of the items' days, padded, at least a week. */
function dataSpan() {
  const { days, extent } = state;
  if (!days.length) return null;
  let [lo, hi] = [quantile(days, 0.05), quantile(days, 0.95) + DAY_MS];
  const pad = Math.max(DAY_MS, Math.round((hi - lo) * 0.08 / DAY_MS) * DAY_MS);
  [lo, hi] = [lo - pad, hi + pad];
  if (hi - lo < 7 * DAY_MS) {
    const middle = (lo + hi) / 2;
    [lo, hi] = [middle - 3.5 * DAY_MS, middle + 3.5 * DAY_MS];
  }
  return clamp([Math.max(lo, extent[0] - pad), Math.min(hi, extent[1] + pad)]);
}

function wholeSpan() {
  const { extent } = state;
  const pad = Math.max(DAY_MS, (extent[1] - extent[0]) * 0.03);
  return [extent[0] - pad, extent[1] + pad];
}

/** A span of at least MIN_SPAN, at most the whole data (or a week), half of it on the data. */
function clamp([start, end]) {
  const [lo, hi] = wholeSpan();
  const span = Math.min(Math.max(end - start, MIN_SPAN), Math.max(hi - lo, 7 * DAY_MS));
  const s = Math.min(Math.max(start, lo - span / 2), hi - span / 2);
  return [s, s + span];
}

function chartWidth() {
  const frame = document.getElementById("timeline-frame");
  return Math.max(280, Math.floor(frame.clientWidth || 800));
}

function unitFor(span, width) {
  const perDay = (width - LEFT) / (span / DAY_MS);
  if (perDay >= MIN_BAR) return "day";
  if (perDay * 30.4 >= MIN_BAR) return "month";
  return "year";
}

/** Events and claims of the bins overlapping [start, end) for a unit. */
function binsIn(start, end, unit) {
  const bins = [];
  for (let t = binOf(start, unit)[1]; t < end;) {
    const [key, s, e] = binOf(t, unit);
    bins.push({ key, start: s, end: e, events: [], claims: [] });
    t = e;
  }
  const byKey = new Map(bins.map((b) => [b.key, b]));
  const keyOf = (iso) => (unit === "day" ? iso : unit === "month" ? iso.slice(0, 7) : iso.slice(0, 4));
  let outside = 0;
  for (const [items, dayOf, field] of [[state.events, eventDay, "events"], [state.claims, claimDay, "claims"]]) {
    for (const item of items) {
      const iso = dayOf(item);
      if (!iso) continue;
      const bin = byKey.get(keyOf(iso));
      if (bin) bin[field].push(item); else outside += 1;
    }
  }
  return { bins, outside };
}

function tickStep(unit, perBin) {
  return UNITS[unit].steps.find((n) => n * perBin >= TICK_GAP) || UNITS[unit].steps.at(-1);
}

/** The running number of a bin, so that labels stay put while panning. */
function ordinal(bin, unit) {
  const date = new Date(bin.start);
  if (unit === "day") return Math.round(bin.start / DAY_MS) + 3; // + 3: labels on Mondays for 7 and 14
  if (unit === "month") return date.getUTCFullYear() * 12 + date.getUTCMonth();
  return date.getUTCFullYear();
}

function draw() {
  const chart = document.getElementById("timeline");
  const width = chartWidth();
  const height = 2 * HALF + 50;
  const axis = HALF + 10;
  chart.setAttribute("viewBox", `0 0 ${width} ${height}`);
  chart.setAttribute("width", width);
  chart.setAttribute("height", height);
  if (!state.days.length) {
    chart.replaceChildren();
    fill(document.getElementById("timeline-range"), "Nothing dated to show.");
    return;
  }
  const [start, end] = view;
  const unit = unitFor(end - start, width);
  const { bins, outside } = binsIn(start, end, unit);
  const scale = (width - LEFT) / (end - start);
  const xOf = (t) => LEFT + (t - start) * scale;
  const maxEvents = Math.max(1, ...bins.map((b) => b.events.length));
  const maxClaims = Math.max(1, ...bins.map((b) => b.claims.length));
  const perBin = (bins.length ? bins[0].end - bins[0].start : DAY_MS) * scale;
  const step = tickStep(unit, perBin);
  const groups = bins.map((b) => {
    const x0 = Math.max(xOf(b.start), LEFT);
    const x1 = Math.min(xOf(b.end), width);
    const w = Math.max(1, x1 - x0 - Math.min(3, (x1 - x0) * 0.2));
    const eh = (b.events.length / maxEvents) * HALF;
    const asserted = b.events.filter((e) => e.status === "asserted").length;
    const ah = (asserted / maxEvents) * HALF; // the asserted part, solid; the rest pale
    const ch = (b.claims.length / maxClaims) * HALF;
    const disputed = b.events.length - asserted;
    const label = `${b.key}: ${b.events.length} events${disputed ? ` (${asserted} asserted, ${disputed} denied, hedged or otherwise not asserted)` : ""}, ${b.claims.length} claims`;
    const empty = !b.events.length && !b.claims.length;
    const isDay = unit === "day";
    return svg("g", {
      class: `bin${isDay ? " day" : ""}${empty ? " empty" : ""}${b.key === state.selected ? " selected" : ""}`,
      dataset: {
        key: b.key, unit, day: isDay ? b.key : null, events: b.events.length, asserted, claims: b.claims.length,
      },
      tabindex: empty ? null : 0, role: empty ? null : "button", "aria-label": label,
      onclick: () => { if (!empty) choose(b.key); },
      onkeydown: (e) => { if (!empty && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); choose(b.key); } },
    },
    svg("rect", { class: "hit", x: x0, y: 0, width: Math.max(1, x1 - x0), height: 2 * HALF + 20 }),
    svg("rect", { class: "bar events not-asserted", x: x0, y: axis - eh, width: w, height: eh - ah }),
    svg("rect", { class: "bar events", x: x0, y: axis - ah, width: w, height: ah }),
    svg("rect", { class: "bar claims", x: x0, y: axis, width: w, height: ch }),
    ordinal(b, unit) % step === 0 && xOf(b.start) >= LEFT && xOf(b.start) + 60 <= width
      ? [svg("line", { class: "tick-mark", x1: x0, x2: x0, y1: 2 * HALF + 20, y2: 2 * HALF + 26 }),
        svg("text", { class: "tick", x: x0, y: height - 8 }, b.key.slice(0, UNITS[unit].label))]
      : null);
  });
  fill(chart,
    svg("line", { class: "axis", x1: LEFT, x2: width, y1: axis, y2: axis }),
    ...groups,
    svg("text", { class: "series-label", x: LEFT + 4, y: 14 }, `events (max ${maxEvents} a ${unit}; pale: not asserted)`),
    svg("text", { class: "series-label", x: LEFT + 4, y: 2 * HALF + 16 }, `claims (max ${maxClaims} a ${unit})`),
  );
  chart.dataset.unit = unit;
  const last = isoOf(end - 1);
  fill(document.getElementById("timeline-range"),
    `${isoOf(start)} to ${last}, by ${unit}`,
    outside ? `; ${outside} more items lie outside this span` : "");
}

function choose(key) {
  location.hash = key === state.selected ? "#/timeline" : `#/timeline/${key}`;
}

function setView(next) {
  view = clamp(next);
  draw();
}

/** Zoom by factor (< 1 in) about the fraction `at` of the width (the pointer, else the middle). */
function zoom(factor, at = 0.5) {
  const [start, end] = view;
  const span = end - start;
  const anchor = start + span * at;
  const next = Math.max(MIN_SPAN, span * factor);
  setView([anchor - next * at, anchor - next * at + next]);
}

function pan(fraction) {
  const [start, end] = view;
  const shift = (end - start) * fraction;
  setView([start + shift, end + shift]);
}

function fractionAt(chart, clientX) {
  const rect = chart.getBoundingClientRect();
  return Math.min(1, Math.max(0, (clientX - rect.left - LEFT) / Math.max(1, rect.width - LEFT)));
}

let bound = false;

function bindControls() {
  if (bound) return;
  bound = true;
  const chart = document.getElementById("timeline");
  const on = (id, action) => document.getElementById(id).addEventListener("click", action);
  on("timeline-zoom-in", () => zoom(0.5));
  on("timeline-zoom-out", () => zoom(2));
  on("timeline-earlier", () => pan(-0.4));
  on("timeline-later", () => pan(0.4));
  on("timeline-fit", () => setView(dataSpan()));
  on("timeline-all", () => setView(wholeSpan()));
  document.getElementById("view-timeline").addEventListener("keydown", (e) => {
    if (e.target.matches("input, textarea")) return;
    const actions = { "+": () => zoom(0.5), "=": () => zoom(0.5), "-": () => zoom(2), ArrowLeft: () => pan(-0.2), ArrowRight: () => pan(0.2) };
    if (actions[e.key] && !e.altKey && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      actions[e.key]();
    }
  });
  chart.addEventListener("wheel", (e) => {
    if (!state || !state.days.length) return;
    e.preventDefault();
    if (Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
      pan(e.deltaX / Math.max(1, chart.getBoundingClientRect().width));
    } else {
      zoom(Math.exp(Math.max(-1, Math.min(1, e.deltaY / 300))), fractionAt(chart, e.clientX));
    }
  }, { passive: false });
  // drag to pan, two fingers to pinch
  const pointers = new Map();
  let gesture = null;
  const begin = () => {
    const points = [...pointers.values()];
    const rect = chart.getBoundingClientRect();
    gesture = {
      view: [...view], width: Math.max(1, rect.width - LEFT),
      x: points.reduce((sum, p) => sum + p.x, 0) / points.length,
      distance: points.length > 1 ? Math.abs(points[0].x - points[1].x) : 0,
      at: fractionAt(chart, points.reduce((sum, p) => sum + p.x, 0) / points.length),
    };
  };
  chart.addEventListener("pointerdown", (e) => {
    pointers.set(e.pointerId, { x: e.clientX });
    begin();
  });
  chart.addEventListener("pointermove", (e) => {
    if (!pointers.has(e.pointerId) || !gesture) return;
    pointers.set(e.pointerId, { x: e.clientX });
    const points = [...pointers.values()];
    const [start, end] = gesture.view;
    const span = end - start;
    if (points.length > 1 && gesture.distance > 10) {
      const distance = Math.max(10, Math.abs(points[0].x - points[1].x));
      const next = span * (gesture.distance / distance);
      const anchor = start + span * gesture.at;
      view = clamp([anchor - next * gesture.at, anchor - next * gesture.at + next]);
    } else {
      const moved = points[0].x - gesture.x;
      if (Math.abs(moved) < 4) return; // a click, not a drag
      if (!chart.hasPointerCapture(e.pointerId)) chart.setPointerCapture(e.pointerId);
      const shift = (-moved / gesture.width) * span;
      view = clamp([start + shift, end + shift]);
    }
    draw();
  });
  const end = (e) => {
    pointers.delete(e.pointerId);
    if (pointers.size) begin(); else gesture = null;
  };
  chart.addEventListener("pointerup", end);
  chart.addEventListener("pointercancel", end);
  let resizing = null;
  window.addEventListener("resize", () => {
    clearTimeout(resizing);
    resizing = setTimeout(() => {
      if (state && !document.getElementById("view-timeline").hidden) draw();
    }, 150);
  });
}

function listKey(target, key) {
  const inKey = (iso) => Boolean(iso) && iso.startsWith(key);
  const allEvents = state.events.filter((e) => inKey(eventDay(e)));
  const allClaims = state.claims.filter((c) => inKey(claimDay(c)));
  const events = allEvents.slice(0, LIST_CAP);
  const claims = allClaims.slice(0, LIST_CAP);
  fill(target,
    el("h2", {}, `${key}: ${allEvents.length} events, ${allClaims.length} claims`),
    el("p", {}, el("a", { href: "#/timeline" }, "Clear the date filter")),
    el("h3", {}, "Events"),
    events.length ? el("ul", { class: "day-events" }, events.map((e) => el("li", {
      class: `event ${statusClass(e.status)}`, dataset: { event: e.id, status: e.status },
    },
      statusBadge(e), " ",
      el("span", { class: "event-body" },
        el("strong", {}, e.type), e.mode ? ` (${e.mode})` : "", " ", el("q", {}, e.trigger_text),
        e.place_name ? [" at ", el("a", { href: `#/map/${e.place}` }, e.place_name)] : ""),
      el("div", { class: "meta" },
        e.source_name ? [el("span", { class: `swatch ${stanceClass(e.stance)}` }, stanceLabel(e.stance)), ` by ${e.source_name} \u00b7 `] : "",
        byline(e), " \u00b7 ", articleLink(e.doc_id, e.title)))))
      : el("p", { class: "empty" }, "none"),
    el("h3", {}, "Claims"),
    claims.length ? el("ul", { class: "day-claims" }, claims.map((c) => el("li", {},
      el("span", { class: `swatch ${stanceClass(c.stance)}` }, stanceLabel(c.stance)), " ",
      el("strong", {}, c.source_name), c.cue ? ` (${c.cue}): ` : ": ", c.content_text,
      el("div", { class: "meta" }, byline(c), " \u00b7 ", articleLink(c.doc_id, c.title)))))
      : el("p", { class: "empty" }, "none"),
    allEvents.length > LIST_CAP || allClaims.length > LIST_CAP
      ? el("p", { class: "hint" }, `Only the first ${LIST_CAP} of each are listed.`) : null,
  );
}

export async function showTimeline([selectedKey]) {
  const list = document.getElementById("timeline-list");
  const [events, claims] = await Promise.all([allPages("events"), allPages("claims")]);
  const days = [...events.items.map(eventDay), ...claims.items.map(claimDay)]
    .filter(Boolean).map(toTime).sort((a, b) => a - b);
  const undated = events.items.length + claims.items.length - days.length;
  const key = selectedKey && KEY.test(selectedKey) ? selectedKey : null;
  state = {
    events: events.items, claims: claims.items, days, selected: key,
    extent: days.length ? [days[0], days[days.length - 1] + DAY_MS] : [0, DAY_MS],
  };
  bindControls();
  if (!view) view = dataSpan() || [0, 7 * DAY_MS];
  if (key) {
    // show the chosen day, month or year at a unit no coarser than itself
    const [s, e] = keyRange(key);
    const inside = s >= view[0] && e <= view[1];
    const unit = unitFor(view[1] - view[0], chartWidth());
    const fine = key.length === 10 ? unit === "day" : key.length === 7 ? unit !== "year" : true;
    if (!inside || !fine) {
      const span = Math.max((e - s) * 3, 14 * DAY_MS);
      view = clamp([(s + e) / 2 - span / 2, (s + e) / 2 + span / 2]);
    }
  }
  draw();
  if (key) {
    listKey(list, key);
  } else {
    const notes = [];
    if (undated) notes.push(`${undated} undated items are not shown.`);
    if (events.truncated || claims.truncated) notes.push("Only the most recent pages of events and claims are loaded.");
    fill(list, el("p", { class: "hint" },
      `${events.items.length} events and ${claims.items.length} claims from ${days.length ? isoOf(days[0]) : "-"} `
      + `to ${days.length ? isoOf(days[days.length - 1]) : "-"}. ${notes.join(" ")}`));
  }
}
