// Contests: for one actor (a source name or a country/sector code), the propositions it asserts
// that other sources deny and those it denies that others assert, from GET api/v1/contests.

import { getJSON } from "./api.js";
import { articleLink, byline, el, fill, stanceClass } from "./dom.js";

const CAP = 1000; // contests loaded at most (pages of 500)
const LISTS = [
  ["asserts", (actor) => `${actor} asserts, others deny`],
  ["denies", (actor) => `${actor} denies, others assert`],
];

function codes(item) {
  const text = [item.country, item.sector].filter(Boolean).join(" ");
  return text ? el("span", { class: "codes" }, ` [${text}]`) : "";
}

function counts(side) {
  return `${side.claims} claims, ${side.voices} voices, ${side.outlets} outlets`;
}

function evidenceCard(claim) {
  return el("li", { class: `thread-claim ${stanceClass(claim.stance)}`, dataset: { role: claim.role } },
    el("div", { class: "source" }, claim.source || "unknown source", codes(claim),
      el("span", { class: "codes" }, claim.role === "actor" ? " (the actor)" : " (other side)")),
    el("div", { class: "meta" }, `${byline(claim)} \u00b7 ${claim.doc_id.slice(0, 12)}:${claim.claim_id}`),
    el("blockquote", {}, claim.text),
    articleLink(claim.doc_id, "open the article"));
}

function contestCard(item) {
  const dates = [item.first_published, item.last_published].filter(Boolean);
  const range = dates.length ? (dates[0] === dates[1] ? dates[0] : dates.join(" \u2013 ")) : "undated";
  return el("article", { class: "contest", dataset: { thread: item.thread_id, direction: item.direction } },
    el("header", {},
      el("h4", {}, item.proposition),
      el("p", { class: "meta" },
        `${item.opposing_voices} opposing voices \u00b7 ${range} \u00b7 for: ${counts(item.sides.for)}`
        + ` \u00b7 against: ${counts(item.sides.against)}`)),
    el("p", { class: "opponents" }, "Other side: ",
      item.opponents.map((o, i) => [i ? "; " : "", el("strong", {}, o.source), codes(o)])),
    el("ul", { class: "evidence" }, item.evidence.map(evidenceCard)));
}

async function contestsOf(actor) {
  const first = await getJSON("contests", { actor, limit: 500 });
  const items = [...first.items];
  let cursor = first.next_cursor;
  while (cursor && items.length < CAP) {
    const page = await getJSON("contests", { actor, limit: 500, cursor });
    items.push(...page.items);
    cursor = page.next_cursor;
  }
  return { ...first, items };
}

export async function showContests(args) {
  const board = document.getElementById("contests-board");
  const button = document.getElementById("contests-show");
  const input = document.getElementById("contests-actor");
  if (!button.dataset.bound) {
    // no <form> in the views (tests/test_security.py treats one there as injected markup)
    button.dataset.bound = "1";
    const go = () => {
      const wanted = input.value.trim();
      if (wanted) location.hash = `#/contests/${encodeURIComponent(wanted)}`;
    };
    button.addEventListener("click", go);
    input.addEventListener("keydown", (e) => {
      if (e.key === "Enter") go();
    });
  }
  const actor = (args[0] || "").trim();
  input.value = actor;
  if (!actor) {
    fill(board, el("p", { class: "hint" },
      "Enter a source name (any part of it) or a country or sector code such as RUS."));
    return;
  }
  const found = await contestsOf(actor);
  const s = found.summary;
  fill(board,
    el("p", { class: "hint summary" }, `${s.actor}: asserts ${s.asserts} propositions that others deny, `
      + `denies ${s.denies} that others assert (${s.threads} threads, ${s.opponents} opposing sources).`),
    LISTS.map(([direction, heading]) => {
      const items = found.items.filter((i) => i.direction === direction);
      return el("section", { class: "contest-list", dataset: { direction } },
        el("h3", {}, `${heading(found.actor)} (${items.length})`),
        items.length ? items.map(contestCard) : el("p", { class: "empty" }, "none"));
    }));
}
