// The page's views, chosen by the URL fragment: #/articles[/ID], #/map[/GEONAMES_ID],
// #/timeline[/DAY], #/threads, #/contests[/ACTOR], #/search/QUERY.

import { ApiError, setToken } from "./api.js";
import { showArticles } from "./article.js";
import { showContests } from "./contests.js";
import { el, fill } from "./dom.js";
import { showMap } from "./map.js";
import { showSearch } from "./search.js";
import { showThreads } from "./threads.js";
import { showTimeline } from "./timeline.js";

const VIEWS = {
  articles: showArticles, map: showMap, timeline: showTimeline, threads: showThreads, search: showSearch,
  contests: showContests,
};
let generation = 0;

function status(...content) {
  fill(document.getElementById("status"), ...content);
}

function showError(error) {
  if (error instanceof ApiError && error.status === 401) {
    document.getElementById("token-form").hidden = false;
    status(el("p", { class: "error" }, "The API asks for a token: enter it above."));
    return;
  }
  status(el("p", { class: "error" }, `Could not load this view: ${error.message || error}`));
}

async function route() {
  const parts = location.hash.replace(/^#\/?/, "").split("/").filter((p) => p !== "");
  const name = VIEWS[parts[0]] ? parts[0] : "articles";
  let args = [];
  try {
    args = parts.slice(1).map(decodeURIComponent);
  } catch {
    args = [];
  }
  for (const section of document.querySelectorAll("main > .view")) {
    section.hidden = section.id !== `view-${name}`;
  }
  for (const link of document.querySelectorAll("nav a[data-view]")) {
    if (link.dataset.view === name) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  const mine = ++generation;
  document.body.classList.add("loading");
  status();
  try {
    await VIEWS[name](args);
  } catch (error) {
    if (mine === generation) showError(error);
  } finally {
    if (mine === generation) {
      document.body.classList.remove("loading");
      document.body.dataset.view = name;
      document.body.dataset.ready = String(mine);
    }
  }
}

document.getElementById("search-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const q = document.getElementById("search-q").value.trim();
  location.hash = `#/search/${encodeURIComponent(q)}`;
});

document.getElementById("token-form").addEventListener("submit", (e) => {
  e.preventDefault();
  setToken(document.getElementById("token-input").value.trim());
  document.getElementById("token-form").hidden = true;
  route();
});

window.addEventListener("hashchange", route);
route();
