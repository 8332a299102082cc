// Threads board: claims about one proposition across articles, contested threads first, each
// thread's claims side by side: for (asserting), against (denying), and observing.

import { allPages, getJSON } from "./api.js";
import {
  articleLink, byline, el, fill, stanceClass, stanceLabel, statusBadge, statusClass,
} from "./dom.js";

const DETAILED = 40; // threads whose sides are loaded at once; the rest on request
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

function threadCard(thread, detail) {
  const dates = [thread.first_published, thread.last_published].filter(Boolean);
  const range = dates.length ? (dates[0] === dates[1] ? dates[0] : dates.join(" \u2013 ")) : "undated";
  const stances = Object.entries(thread.stances || {}).map(([s, n]) => `${n} ${stanceLabel(s)}`).join(", ");
  const card = el("article", {
    class: `thread${thread.contested ? " contested" : ""}`, dataset: { thread: thread.thread_id },
  },
  el("header", {},
    thread.contested ? el("span", { class: "badge" }, "contested") : null,
    el("h3", {}, thread.text),
    el("p", { class: "meta" }, `${thread.size} claims \u00b7 ${range} \u00b7 ${stances}`)));
  if (detail) {
    card.append(sidesGrid(detail), threadEvents(detail) || "");
  } else {
    card.append(el("button", {
      type: "button",
      onclick: async (e) => {
        e.target.disabled = true;
        const loaded = await getJSON(`threads/${encodeURIComponent(thread.thread_id)}`);
        e.target.replaceWith(sidesGrid(loaded), threadEvents(loaded) || "");
      },
    }, "Show the claims"));
  }
  return card;
}

export async function showThreads() {
  const board = document.getElementById("threads-board");
  const checkbox = document.getElementById("threads-contested");
  if (!checkbox.dataset.bound) {
    checkbox.dataset.bound = "1";
    checkbox.addEventListener("change", () => showThreads().catch((error) => {
      fill(board, el("p", { class: "error" }, String(error.message || error)));
    }));
  }
  const threads = await allPages("threads", { contested: checkbox.checked ? "true" : null }, 1000);
  const first = threads.items.slice(0, DETAILED);
  const details = await Promise.all(first.map((t) => getJSON(`threads/${encodeURIComponent(t.thread_id)}`)));
  const contested = threads.items.filter((t) => t.contested).length;
  fill(board, 
    el("p", { class: "hint" }, `${threads.items.length} threads, ${contested} contested (one source asserts what another denies).`),
    ...threads.items.map((t, i) => threadCard(t, details[i])),
  );
}
