// Article view: the stored list (paged, 200 at a time; a collapsible menu on a phone) and one
// article with each claim's evidence span highlighted by stance, its source, cue, stance and
// evidence in a hover card (also on keyboard focus), and the dropped boilerplate shown greyed
// on request. The store summary panel sits above both.

import { getJSON } from "./api.js";
import {
  STANCES, articleLink, byline, day, el, fill, stanceClass, stanceLabel, statusBadge, statusClass,
  statusCounts,
} from "./dom.js";
import { bindCards } from "./hovercard.js";
import { showSummary } from "./summary.js";

const LIST_SIZE = 200;
const NARROW = "(max-width: 800px)";
let listing = null; // {items, next}: the pages loaded so far, kept while the page lives
let current = null; // the document shown, for the hover cards

export async function showArticles([docId]) {
  const list = document.getElementById("doc-list");
  const article = document.getElementById("article");
  bindListToggle(list);
  bindCards(article, "[data-claims]", claimCard);
  showSummary();
  if (!listing) {
    const page = await getJSON("documents", { limit: LIST_SIZE });
    listing = { items: page.items, next: page.next_cursor };
  }
  const id = docId || (listing.items[0] && listing.items[0].id);
  renderList(list, id);
  setListOpen(list, false);
  if (!id) {
    current = null;
    fill(article, el("p", { class: "empty" },
      "No articles are stored yet. Process some with ", el("code", {}, "claimtrack process FILES"), "."));
    return;
  }
  const doc = await getJSON(`documents/${encodeURIComponent(id)}`);
  current = doc;
  fill(article, ...renderArticle(doc));
  markCurrent(list, doc.id);
  if (docId && window.matchMedia(NARROW).matches && article.getBoundingClientRect().top < 0) {
    article.scrollIntoView({ block: "start" });
  }
}

function markCurrent(list, id) {
  for (const item of list.querySelectorAll("li")) {
    const here = item.dataset.id === id;
    item.classList.toggle("current", here);
    const link = item.querySelector("a");
    if (here) link.setAttribute("aria-current", "page"); else link.removeAttribute("aria-current");
  }
}

/** On a phone the list is a menu behind one button, so the article is on the first screen. */
function setListOpen(list, open) {
  list.classList.toggle("open", open);
  document.getElementById("doc-list-toggle").setAttribute("aria-expanded", String(open));
}

function bindListToggle(list) {
  const toggle = document.getElementById("doc-list-toggle");
  if (toggle.dataset.bound) return;
  toggle.dataset.bound = "1";
  toggle.addEventListener("click", () => setListOpen(list, !list.classList.contains("open")));
}

function listItem(item, currentId) {
  return el("li", { dataset: { id: item.id }, class: item.id === currentId ? "current" : "" },
    articleLink(item.id, item.title || item.input_name),
    el("div", { class: "meta" }, byline(item)),
    el("div", { class: "counts" }, `${item.claims} claims, ${item.events} events, ${item.places} places`));
}

async function loadMore(list, button) {
  button.disabled = true;
  const first = listing.items.length;
  const page = await getJSON("documents", { limit: LIST_SIZE, cursor: listing.next });
  listing.items.push(...page.items);
  listing.next = page.next_cursor;
  const currentItem = list.querySelector("li.current");
  renderList(list, currentItem ? currentItem.dataset.id : null);
  const added = list.querySelectorAll("li")[first];
  if (added) added.querySelector("a").focus();
}

function renderList(list, currentId) {
  const { items, next } = listing;
  const count = `${items.length}${next ? "+" : ""}`;
  document.getElementById("doc-list-toggle").textContent = `Articles (${count})`;
  const more = next ? el("button", {
    type: "button", id: "doc-list-more", class: "more",
    onclick: (e) => loadMore(list, e.currentTarget).catch((error) => {
      e.currentTarget.disabled = false;
      fill(document.getElementById("status"), el("p", { class: "error" }, `Could not load more articles: ${error.message}`));
    }),
  }, `Load ${LIST_SIZE} more`) : null;
  fill(document.getElementById("doc-list-body"),
    el("h2", {}, "Articles"),
    items.length ? el("ol", {}, items.map((item) => listItem(item, currentId))) : el("p", { class: "empty" }, "none yet"),
    el("p", { class: "hint list-count" }, next
      ? `The ${items.length} most recently processed articles; more follow.`
      : `All ${items.length} stored articles.`),
    more,
  );
}

/** Source name of a claim: its entity's canonical name, else the source as written. */
function sourceOf(doc, claim) {
  const entity = (doc.entities || []).find((e) => e.id === claim.source_entity);
  return entity ? entity.name : claim.source_text || "unknown source";
}

/** The hover card of a highlight: for each claim it belongs to, the source (and the words the
 * article used for it), the cue, the stance and the evidence span. */
function claimCard(target) {
  const doc = current;
  if (!doc) return null;
  const ids = (target.dataset.claims || "").split(" ").filter(Boolean);
  const claims = ids.map((id) => (doc.claims || []).find((c) => c.id === id)).filter(Boolean);
  const role = target.dataset.role;
  return claims.map((claim) => {
    const source = sourceOf(doc, claim);
    const written = claim.source_text && claim.source_text.toLowerCase() !== source.toLowerCase()
      ? ` ("${claim.source_text}")` : "";
    return el("div", { class: "card-claim", dataset: { claim: claim.id } },
      role === "cue" || role === "source"
        ? el("div", { class: "card-role" }, role === "cue" ? "The cue of this claim" : "The source of this claim") : null,
      el("div", { class: "card-head" },
        el("span", { class: `swatch ${stanceClass(claim.stance)}` }, stanceLabel(claim.stance)), " ",
        el("strong", { class: "card-source" }, source), written),
      el("dl", { class: "card-fields" },
        el("dt", {}, "source"), el("dd", {}, claim.kind === "narration" ? `${source} (the outlet narrates)` : source),
        el("dt", {}, "cue"), el("dd", { class: "card-cue" }, claim.cue || "none"),
        el("dt", {}, "stance"), el("dd", { class: "card-stance" }, `${stanceLabel(claim.stance)}${claim.polarity === "negative" ? " (negative)" : ""}`),
        el("dt", {}, "kind"), el("dd", {}, claim.kind)),
      el("blockquote", { class: "card-evidence" }, claim.content_text));
  });
}

/** Highlight spans: each claim's content, cue and source. */
function marksOf(doc) {
  const marks = [];
  for (const claim of doc.claims || []) {
    const content = claim.content;
    if (!content) continue;
    marks.push({ start: content.start, end: content.end, claim, role: "content" });
    if (claim.cue_span) marks.push({ start: claim.cue_span.start, end: claim.cue_span.end, claim, role: "cue" });
    if (claim.source_span) marks.push({ start: claim.source_span.start, end: claim.source_span.end, claim, role: "source" });
  }
  return marks.filter((m) => Number.isInteger(m.start) && Number.isInteger(m.end) && m.start < m.end);
}

/** text[start, end) as text nodes and highlight elements. Overlapping spans are cut at every
 * boundary; a piece takes the stance of the innermost claim covering it and lists them all. */
function renderRange(doc, start, end, marks) {
  const text = doc.text;
  const inside = marks.filter((m) => m.start < end && m.end > start);
  const cuts = new Set([start, end]);
  for (const m of inside) {
    cuts.add(Math.max(start, m.start));
    cuts.add(Math.min(end, m.end));
  }
  const points = [...cuts].sort((a, b) => a - b);
  const nodes = [];
  for (let i = 0; i + 1 < points.length; i += 1) {
    const [a, b] = [points[i], points[i + 1]];
    const piece = text.slice(a, b);
    const covering = inside.filter((m) => m.start <= a && m.end >= b);
    if (!covering.length) {
      nodes.push(piece);
      continue;
    }
    const contents = covering.filter((m) => m.role === "content")
      .sort((x, y) => (x.end - x.start) - (y.end - y.start));
    const roles = new Set(covering.map((m) => m.role));
    if (contents.length) {
      const inner = contents[0].claim;
      const classes = ["claim", stanceClass(inner.stance)];
      if (inner.kind === "narration") classes.push("narration");
      if (roles.has("cue")) classes.push("cue");
      if (roles.has("source")) classes.push("source");
      const ids = [...new Set(contents.map((m) => m.claim.id))];
      nodes.push(el("mark", {
        class: classes.join(" "), tabindex: 0, dataset: { claim: inner.id, claims: ids.join(" "), role: "content" },
      }, piece));
    } else {
      const m = covering[0];
      nodes.push(el("span", {
        class: `${m.role} ${stanceClass(m.claim.stance)}`, tabindex: 0,
        dataset: { claim: m.claim.id, claims: m.claim.id, role: m.role },
      }, piece));
    }
  }
  return nodes;
}

/** Where each dropped block sat among the kept paragraphs. Dropped spans carry offsets into
 * the raw input, which is not stored; the raw offset minus the dropped text before it
 * approximates the clean-text offset, and the block goes before the nearest paragraph start. */
function placeDropped(doc, paragraphs) {
  const slots = new Map();
  let droppedBefore = 0;
  const blocks = [...(doc.dropped || [])].sort((a, b) => a.raw_start - b.raw_start);
  for (const block of blocks) {
    const estimate = block.raw_start - droppedBefore;
    let best = paragraphs.length;
    let distance = Math.abs(doc.text.length - estimate);
    paragraphs.forEach((p, index) => {
      const d = Math.abs(p.start - estimate);
      if (d < distance) [best, distance] = [index, d];
    });
    if (!slots.has(best)) slots.set(best, []);
    slots.get(best).push(block);
    droppedBefore += block.raw_end - block.raw_start;
  }
  return slots;
}

function droppedBlock(block) {
  return el("p", { class: "dropped", title: `dropped: ${block.reason}` },
    el("span", { class: "reason" }, String(block.reason || "dropped").replace(/\s*\/.*\/\s*$/, "")), " ", block.text);
}

function articleBody(doc) {
  const text = doc.text || "";
  let paragraphs = (doc.paragraphs || []).filter((p) => p.end > p.start);
  if (!paragraphs.length) paragraphs = [{ start: 0, end: text.length }];
  const marks = marksOf(doc);
  const slots = placeDropped(doc, paragraphs);
  const body = el("div", { class: "article-text", id: "article-text" });
  paragraphs.forEach((p, index) => {
    for (const block of slots.get(index) || []) body.append(droppedBlock(block));
    body.append(el("p", { class: "kept" }, renderRange(doc, p.start, p.end, marks)));
  });
  for (const block of slots.get(paragraphs.length) || []) body.append(droppedBlock(block));
  return body;
}

function stanceSummary(doc) {
  const bySource = new Map(STANCES.map((s) => [s, []]));
  for (const claim of doc.claims || []) {
    if (claim.kind === "narration") continue;
    const names = bySource.get(claim.stance) || [];
    const name = sourceOf(doc, claim);
    if (!names.includes(name)) names.push(name);
  }
  const rows = STANCES.filter((s) => bySource.get(s).length).map((s) => el("li", {},
    el("span", { class: `swatch ${stanceClass(s)}` }, stanceLabel(s)), " ", bySource.get(s).join("; ")));
  return rows.length ? el("ul", { class: "who-says" }, rows) : null;
}

function claimsTable(doc) {
  const rows = (doc.claims || []).map((claim) => el("tr", {
    class: stanceClass(claim.stance),
    onclick: () => flash(claim.id),
    onkeydown: (e) => { if (e.key === "Enter") flash(claim.id); },
    tabindex: 0,
  },
  el("td", {}, sourceOf(doc, claim)),
  el("td", {}, claim.cue || "-"),
  el("td", {}, el("span", { class: `swatch ${stanceClass(claim.stance)}` }, stanceLabel(claim.stance)),
    claim.polarity === "negative" ? el("span", { class: "polarity", title: "The claim says something is not so" }, " (negative)") : ""),
  el("td", {}, claim.kind),
  el("td", {}, claim.content_text)));
  return el("table", { class: "claims-table" },
    el("thead", {}, el("tr", {}, ["source", "cue", "stance", "kind", "content"].map((h) => el("th", {}, h)))),
    el("tbody", {}, rows));
}

function flash(claimId) {
  const marks = [...document.querySelectorAll("#article-text mark.claim")]
    .filter((m) => m.dataset.claim === claimId);
  if (!marks.length) return;
  marks[0].scrollIntoView({ block: "center", behavior: "smooth" });
  for (const m of marks) {
    m.classList.remove("flash");
    void m.offsetWidth; // restart the animation
    m.classList.add("flash");
  }
}

function eventsList(doc) {
  const places = new Map((doc.places || []).map((p) => [p.geonames_id, p]));
  const party = (actors) => (actors || []).map((a) => {
    const code = [a.country, a.sector].filter(Boolean).join(" ");
    return code ? `${a.text} [${code}]` : a.text;
  }).join("; ");
  return el("ul", { class: "events-list" }, (doc.events || []).map((event) => {
    const place = event.place ? places.get(event.place) : null;
    const flags = [event.negated && event.status !== "negated" && "negated trigger",
      event.hypothetical && event.status !== "hypothetical" && "hypothetical trigger",
      ...(event.context || [])].filter(Boolean);
    return el("li", { class: `event ${statusClass(event.status)}`, dataset: { event: event.id, status: event.status } },
      statusBadge(event), " ",
      el("span", { class: "event-body" },
        el("strong", {}, event.type), event.mode ? ` (${event.mode})` : "", " ",
        el("q", {}, event.trigger_text), " ",
        party(event.actors) ? `${party(event.actors)}` : "",
        party(event.targets) ? ` \u2192 ${party(event.targets)}` : "",
        place ? [" at ", el("a", { href: `#/map/${place.geonames_id}` }, place.name)] : "",
        event.date ? `, ${event.date}` : ""),
      flags.length ? el("span", { class: "flags" }, ` (${flags.join(", ")})`) : "");
  }));
}

function placesList(doc) {
  return el("ul", { class: "places-list" }, (doc.places || []).map((p) => el("li", {},
    el("a", { href: `#/map/${p.geonames_id}`, title: "Show on the map" }, p.name),
    ` (${[p.feature_class && `${p.feature_class}.${p.feature_code}`, p.country].filter(Boolean).join(", ")}; `,
    `${Number(p.lat).toFixed(3)}, ${Number(p.lon).toFixed(3)}; GeoNames ${p.geonames_id})`)));
}

function legend() {
  return el("p", { class: "legend" }, "Stance: ", STANCES.map((s) => [
    el("mark", { class: `claim ${stanceClass(s)}` }, stanceLabel(s)), " "]),
  el("mark", { class: "claim stance-assert narration" }, "the outlet narrates"), " ",
  el("span", { class: "source" }, "source"), " ", el("span", { class: "cue" }, "cue"),
  " \u2014 hover, tap or Tab to a highlight for its source, cue, stance and evidence (Escape hides it).");
}

function renderArticle(doc) {
  const meta = [doc.outlet || "unknown outlet", `published ${day(doc.published)}`];
  if (doc.authors && doc.authors.length) meta.push(`by ${doc.authors.join(", ")}`);
  const link = doc.url ? el("a", { href: doc.url, rel: "noopener noreferrer nofollow", target: "_blank" }, doc.url) : null;
  const dropped = doc.dropped || [];
  const toggle = el("label", { class: "toggle" },
    el("input", {
      type: "checkbox", id: "show-dropped", disabled: !dropped.length,
      onchange: (e) => document.getElementById("article-text").classList.toggle("show-dropped", e.target.checked),
    }),
    ` Show dropped boilerplate (${dropped.length} ${dropped.length === 1 ? "block" : "blocks"})`);
  const parts = [
    el("h2", { class: "title" }, doc.title || "(untitled)"),
    el("p", { class: "meta" }, meta.join(" \u00b7 "), link ? [" \u00b7 ", link] : "",
      el("span", { class: "doc-id" }, ` \u00b7 id ${doc.id}`)),
  ];
  if (doc.status && doc.status !== "analysed") parts.push(el("p", { class: "notice" }, doc.status));
  parts.push(stanceSummary(doc), legend(), toggle, articleBody(doc));
  if ((doc.claims || []).length) parts.push(el("h3", {}, `Claims (${doc.claims.length})`), el("p", { class: "hint" }, "Click a row (or Enter on it) to find the claim in the text."),
    el("div", { class: "table-scroll" }, claimsTable(doc)));
  if ((doc.events || []).length) parts.push(el("h3", {}, `Events (${doc.events.length}, PLOVER: ${statusCounts(doc.events)})`), eventsList(doc));
  if ((doc.places || []).length) parts.push(el("h3", {}, `Places (${doc.places.length}, GeoNames)`), placesList(doc));
  return parts.filter(Boolean);
}
