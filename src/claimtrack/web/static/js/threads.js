// Threads board (#/threads, or one thread: #/threads/ID): claims about one proposition across
// articles, contested threads first, a page
// of PAGE at a time, filtered by the API (contested, actor, place, publication dates). Each
// thread is one collapsed card (proposition, who asserts, who denies); opening it loads its
// claims side by side: for (asserting), against (denying), and observing.

import { getJSON } from "./api.js";
import {
  articleLink, byline, el, fill, stanceClass, stanceLabel, statusBadge, statusClass,
} from "./dom.js";

const PAGE = 20; // threads per page
const FILTERS = { actor: "threads-actor", place: "threads-place", from: "threads-from", to: "threads-to" };
let cursors = [null]; // the cursor of each page walked so far; the last is the page shown
let starts = [0]; // the position of each of those pages' first thread
const details = new Map(); // thread id -> its loaded detail
let bodyCount = 0;
const COLUMNS = [["for", "For (asserting)"], ["against", "Against (denying)"], ["observing", "Observing"]];

function claimCard(claim) {
  return el("li", { class: `thread-claim ${stanceClass(claim.stance)}` },
    el("div", { class: "source" }, claim.source || "unknown source",
      claim.source_country || claim.source_sector
        ? el("span", { class: "codes" }, ` [${[claim.source_country, claim.source_sector].filter(Boolean).join(" ")}]`) : ""),
    el("div", { class: "meta" }, byline(claim)),
    el("blockquote", {}, claim.text),
    articleLink(claim.doc_id, "open the article"));
}

function sidesGrid(detail) {
  const sides = detail.sides || {};
  // for and against always; observing (hedged, questioning, no comment) when it has claims
  const columns = COLUMNS.map(([side, label]) => [label, side, sides[side] || []])
    .filter(([, side, claims]) => side !== "observing" || claims.length);
  return el("div", { class: "sides" }, columns.map(([label, side, claims]) => el("div", {
    class: `side side-${side}`, dataset: { side },
  },
  el("h4", {}, `${label} (${claims.length})`),
  claims.length ? el("ul", {}, claims.map((c) => claimCard(c))) : el("p", { class: "empty" }, "none"))));
}

/** The events the thread's claims report, each with its status: a denied one is no fact. */
function threadEvents(detail) {
  const events = detail.events || [];
  if (!events.length) return null;
  return el("div", { class: "thread-events" },
    el("h4", {}, `Events reported (${events.length})`),
    el("ul", {}, events.map((e) => el("li", {
      class: `event ${statusClass(e.status)}`, dataset: { event: e.event_id, status: e.status },
    },
    statusBadge(e), " ",
    el("span", { class: "event-body" }, el("strong", {}, e.type), " ",
      (e.actors || []).join(", ") || "?",
      (e.targets || []).length ? ` \u2192 ${e.targets.join(", ")}` : ""), " ",
    articleLink(e.doc_id, "article")))));
}

function sidesOf(thread) {
  const line = (label, names) => (names && names.length
    ? el("span", { class: "who" }, el("strong", {}, label), " ", names.slice(0, 4).join("; "),
      names.length > 4 ? ` and ${names.length - 4} more` : "") : null);
  const parts = [line("For:", thread.asserting), line("Against:", thread.denying)].filter(Boolean);
  return parts.length ? el("p", { class: "meta who-line" }, parts.map((p, i) => [i ? " \u00b7 " : "", p])) : null;
}

async function toggleThread(card, thread, button) {
  const body = card.querySelector(".thread-body");
  const open = button.getAttribute("aria-expanded") !== "true";
  button.setAttribute("aria-expanded", String(open));
  button.textContent = open ? "Hide the claims" : "Show the claims";
  if (open && !body.childElementCount) {
    button.disabled = true;
    try {
      if (!details.has(thread.thread_id)) {
        details.set(thread.thread_id, await getJSON(`threads/${encodeURIComponent(thread.thread_id)}`));
      }
      const detail = details.get(thread.thread_id);
      fill(body, sidesGrid(detail), threadEvents(detail));
    } catch (error) {
      fill(body, el("p", { class: "error" }, `Could not load the claims: ${error.message || error}`));
    } finally {
      button.disabled = false;
    }
  }
  body.hidden = !open;
}

function threadCard(thread) {
  const dates = [thread.first_published, thread.last_published].filter(Boolean);
  const range = dates.length ? (dates[0] === dates[1] ? dates[0] : dates.join(" \u2013 ")) : "undated";
  const stances = Object.entries(thread.stances || {}).map(([s, n]) => `${n} ${stanceLabel(s)}`).join(", ");
  bodyCount += 1;
  const bodyId = `thread-body-${bodyCount}`; // thread ids hold ':', awkward in selectors
  const card = el("article", {
    class: `thread${thread.contested ? " contested" : ""}`, dataset: { thread: thread.thread_id },
  },
  el("header", {},
    thread.contested ? el("span", { class: "badge" }, "contested") : null,
    el("h3", {}, thread.text),
    el("p", { class: "meta" }, `${thread.size} claims \u00b7 ${range} \u00b7 ${stances}`),
    sidesOf(thread)),
  el("div", { class: "thread-body", id: bodyId, hidden: true }));
  const button = el("button", {
    type: "button", class: "thread-toggle", "aria-expanded": "false", "aria-controls": bodyId,
    onclick: () => toggleThread(card, thread, button),
  }, "Show the claims");
  card.querySelector("header").append(button);
  return card;
}

function filters() {
  const params = { contested: document.getElementById("threads-contested").checked ? "true" : null };
  for (const [name, id] of Object.entries(FILTERS)) params[name] = document.getElementById(id).value.trim() || null;
  return params;
}

let latest = 0; // the newest request: an older answer arriving late is dropped

async function loadPage() {
  const board = document.getElementById("threads-board");
  const count = document.getElementById("threads-count");
  const cursor = cursors[cursors.length - 1];
  const mine = ++latest;
  let page;
  try {
    page = await getJSON("threads", { ...filters(), limit: PAGE, cursor });
    if (mine !== latest) return;
  } catch (error) {
    if (mine !== latest) return;
    if (error.status === 401) throw error;
    fill(count);
    fill(board, el("p", { class: "error" }, `Could not filter the threads: ${error.message || error}`));
    updatePager(null);
    return;
  }
  const first = starts[cursors.length - 1];
  starts[cursors.length] = first + page.items.length;
  const contested = page.items.filter((t) => t.contested).length;
  fill(count, page.items.length
    ? `Threads ${first + 1}\u2013${first + page.items.length}${page.next_cursor ? "" : " (the last)"}, `
      + `${contested} of them contested (one source asserts what another denies); contested first, then biggest.`
    : "");
  fill(board, page.items.length ? page.items.map(threadCard)
    : el("p", { class: "empty" }, cursors.length > 1 ? "No more threads." : "No thread matches these filters."));
  updatePager(page);
}

function updatePager(page) {
  const prev = document.getElementById("threads-prev");
  const next = document.getElementById("threads-next");
  prev.disabled = cursors.length <= 1;
  next.disabled = !(page && page.next_cursor);
  next.dataset.cursor = (page && page.next_cursor) || "";
  document.getElementById("threads-pager").hidden = prev.disabled && next.disabled;
  fill(document.getElementById("threads-page"), `page ${cursors.length}`);
}

function bindControls() {
  const apply = () => {
    cursors = [null];
    starts = [0];
    return loadPage();
  };
  document.getElementById("threads-contested").addEventListener("change", apply);
  document.getElementById("threads-apply").addEventListener("click", apply);
  for (const id of Object.values(FILTERS)) {
    const input = document.getElementById(id);
    input.addEventListener("keydown", (e) => { if (e.key === "Enter") apply(); });
    if (input.type === "date") input.addEventListener("change", apply);
  }
  document.getElementById("threads-clear").addEventListener("click", () => {
    document.getElementById("threads-contested").checked = false;
    for (const id of Object.values(FILTERS)) document.getElementById(id).value = "";
    apply();
  });
  document.getElementById("threads-next").addEventListener("click", (e) => {
    cursors.push(e.currentTarget.dataset.cursor);
    loadPage().then(() => document.getElementById("threads-count").scrollIntoView({ block: "nearest" }));
  });
  document.getElementById("threads-prev").addEventListener("click", () => {
    if (cursors.length > 1) cursors.pop();
    loadPage();
  });
}

/** One thread, opened (#/threads/THREAD_ID, as the store summary links its contested ones). */
async function showOne(threadId) {
  const detail = await getJSON(`threads/${encodeURIComponent(threadId)}`);
  details.set(detail.thread_id, detail);
  latest += 1; // an answer to an earlier filter must not replace it
  const card = threadCard(detail);
  fill(document.getElementById("threads-count"), el("a", { href: "#/threads" }, "All threads"));
  fill(document.getElementById("threads-board"), card);
  updatePager(null);
  await toggleThread(card, detail, card.querySelector("button.thread-toggle"));
}

export async function showThreads([threadId]) {
  const filtersBox = document.getElementById("threads-filters");
  if (!filtersBox.dataset.bound) {
    filtersBox.dataset.bound = "1";
    bindControls();
  }
  if (threadId) {
    await showOne(threadId);
    return;
  }
  cursors = [null];
  starts = [0];
  await loadPage();
}
