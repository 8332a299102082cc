// Search: the API's full-text filter `q` (case-insensitive substring, on the server) over
// documents (title or text) and claims (claim text).

import { getJSON } from "./api.js";
import { articleLink, byline, el, fill, stanceClass, stanceLabel, withHits } from "./dom.js";

const LIMIT = 100;

export async function showSearch([query]) {
  const target = document.getElementById("search-results");
  const q = (query || "").trim();
  document.getElementById("search-q").value = q;
  if (!q) {
    fill(target, el("p", { class: "hint" }, "Type words to find in article titles, article texts and claims."));
    return;
  }
  const [docs, claims] = await Promise.all([
    getJSON("documents", { q, limit: LIMIT }), getJSON("claims", { q, limit: LIMIT }),
  ]);
  const more = (page) => (page.next_cursor ? ` (first ${LIMIT} shown)` : "");
  fill(target, 
    el("h2", {}, "Search results for ", el("q", {}, q)),
    el("p", { class: "hint" }, "Searched on the server: article titles and texts, and claim texts (any case)."),
    el("h3", {}, `Articles (${docs.items.length}${more(docs)})`),
    docs.items.length ? el("ul", { class: "search-docs" }, docs.items.map((d) => el("li", {},
      el("a", { href: `#/articles/${encodeURIComponent(d.id)}`, class: "article-link" }, withHits(d.title || d.input_name || "(untitled)", q)),
      el("div", { class: "meta" }, byline(d), ` \u00b7 ${d.claims} claims, ${d.events} events`))))
      : el("p", { class: "empty" }, "no article matches"),
    el("h3", {}, `Claims (${claims.items.length}${more(claims)})`),
    claims.items.length ? el("ul", { class: "search-claims" }, claims.items.map((c) => el("li", {},
      el("span", { class: `swatch ${stanceClass(c.stance)}` }, stanceLabel(c.stance)), " ",
      el("strong", {}, c.source_name), c.cue ? ` (${c.cue}): ` : ": ", withHits(c.content_text, q),
      el("div", { class: "meta" }, byline(c), " \u00b7 ", articleLink(c.doc_id, c.title)))))
      : el("p", { class: "empty" }, "no claim matches"),
  );
}
