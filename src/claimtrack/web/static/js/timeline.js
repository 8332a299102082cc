// Timeline: events (above the axis) and claims (below) per day, as SVG bars. Click a day to
// list its events and claims; click it again to clear.

import { allPages } from "./api.js";
import {
  articleLink, byline, el, fill, stanceClass, stanceLabel, statusBadge, statusClass, svg,
} from "./dom.js";

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86400000;
const BAR = 18; // px per day
const HALF = 90; // px of bar height on each side of the axis
const LIST_CAP = 300;

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

function binned(events, claims) {
  const bins = new Map();
  const bin = (key) => {
    if (!bins.has(key)) bins.set(key, { events: [], claims: [] });
    return bins.get(key);
  };
  let undated = 0;
  for (const event of events) {
    const key = eventDay(event);
    if (key) bin(key).events.push(event); else undated += 1;
  }
  for (const claim of claims) {
    const key = claimDay(claim);
    if (key) bin(key).claims.push(claim); else undated += 1;
  }
  return { bins, undated };
}

function drawTimeline(chart, bins, selectedDay) {
  const days = [...bins.keys()].sort();
  if (!days.length) {
    chart.replaceChildren();
    chart.setAttribute("viewBox", "0 0 10 10");
    return [];
  }
  const first = toTime(days[0]);
  const count = Math.round((toTime(days[days.length - 1]) - first) / DAY_MS) + 1;
  const all = Array.from({ length: count }, (_, i) => isoOf(first + i * DAY_MS));
  const maxEvents = Math.max(1, ...[...bins.values()].map((b) => b.events.length));
  const maxClaims = Math.max(1, ...[...bins.values()].map((b) => b.claims.length));
  const width = Math.max(count * BAR + 80, 400);
  const height = 2 * HALF + 50;
  const axis = HALF + 10;
  chart.setAttribute("viewBox", `0 0 ${width} ${height}`);
  chart.setAttribute("width", width);
  chart.setAttribute("height", height);
  const labelEvery = Math.max(1, Math.ceil(60 / BAR));
  const groups = all.map((iso, i) => {
    const x = 60 + i * BAR;
    const b = bins.get(iso) || { events: [], claims: [] };
    const eh = (b.events.length / maxEvents) * HALF;
    const asserted = b.events.filter((e) => e.status === "asserted").length;
    const ah = (asserted / maxEvents) * HALF; // the asserted part, solid; the rest pale
    const ch = (b.claims.length / maxClaims) * HALF;
    const disputed = b.events.length - asserted;
    const label = `${iso}: ${b.events.length} events${disputed ? ` (${asserted} asserted, ${disputed} denied, hedged or otherwise not asserted)` : ""}, ${b.claims.length} claims`;
    const empty = !b.events.length && !b.claims.length;
    return svg("g", {
      class: `day${empty ? " empty" : ""}${iso === selectedDay ? " selected" : ""}`,
      dataset: { day: iso, events: b.events.length, asserted, claims: b.claims.length },
      tabindex: empty ? null : 0, role: empty ? null : "button", "aria-label": label,
      onclick: () => { if (!empty) choose(iso, selectedDay); },
      onkeydown: (e) => { if (!empty && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); choose(iso, selectedDay); } },
    },
    svg("title", {}, label),
    svg("rect", { class: "hit", x: x - 1, y: 0, width: BAR, height: 2 * HALF + 20 }),
    svg("rect", { class: "bar events not-asserted", x, y: axis - eh, width: BAR - 4, height: eh - ah }),
    svg("rect", { class: "bar events", x, y: axis - ah, width: BAR - 4, height: ah }),
    svg("rect", { class: "bar claims", x, y: axis, width: BAR - 4, height: ch }),
    i % labelEvery === 0 ? svg("text", { class: "tick", x, y: height - 8 }, iso) : null);
  });
  fill(chart,
    svg("text", { class: "series-label", x: 4, y: 14 }, `events (max ${maxEvents}; pale: not asserted)`),
    svg("text", { class: "series-label", x: 4, y: 2 * HALF + 16 }, `claims (max ${maxClaims})`),
    svg("line", { class: "axis", x1: 56, x2: width, y1: axis, y2: axis }),
    ...groups,
  );
  return all;
}

function choose(iso, selectedDay) {
  location.hash = iso === selectedDay ? "#/timeline" : `#/timeline/${iso}`;
}

function listDay(target, iso, bin) {
  const events = bin.events.slice(0, LIST_CAP);
  const claims = bin.claims.slice(0, LIST_CAP);
  fill(target, 
    el("h2", {}, `${iso}: ${bin.events.length} events, ${bin.claims.length} claims`),
    el("p", {}, el("a", { href: "#/timeline" }, "Clear the day filter")),
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
    bin.events.length > LIST_CAP || bin.claims.length > LIST_CAP
      ? el("p", { class: "hint" }, `Only the first ${LIST_CAP} of each are listed.`) : null,
  );
}

export async function showTimeline([selectedDay]) {
  const chart = document.getElementById("timeline");
  const list = document.getElementById("timeline-list");
  const [events, claims] = await Promise.all([allPages("events"), allPages("claims")]);
  const { bins, undated } = binned(events.items, claims.items);
  const day = selectedDay && bins.has(selectedDay) ? selectedDay : null;
  drawTimeline(chart, bins, day);
  const notes = [];
  if (undated) notes.push(`${undated} undated items are not shown.`);
  if (events.truncated || claims.truncated) notes.push("Only the most recent pages of events and claims are loaded.");
  if (day) {
    listDay(list, day, bins.get(day));
    const node = chart.querySelector(`g.day[data-day="${CSS.escape(day)}"]`);
    if (node) node.scrollIntoView({ block: "nearest", inline: "center" });
  } else {
    fill(list, el("p", { class: "hint" },
      `${events.items.length} events and ${claims.items.length} claims on ${bins.size} days. ${notes.join(" ")}`));
  }
}
