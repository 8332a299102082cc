// Build DOM nodes from untrusted data safely: text always goes in as text nodes or through
// setAttribute on attributes we name ourselves; nothing here parses HTML.

const SVG_NS = "http://www.w3.org/2000/svg";

export const STANCES = ["assert", "deny", "hedge", "no_comment", "question"];
export const STANCE_LABELS = {
  assert: "asserts", deny: "denies", hedge: "hedges",
  no_comment: "declines to comment", question: "questions",
};

/** The CSS class for a stance; unknown values get a fixed class, never the raw value. */
export function stanceClass(stance) {
  return STANCES.includes(stance) ? `stance-${stance}` : "stance-other";
}

export function stanceLabel(stance) {
  return STANCE_LABELS[stance] || String(stance || "unknown stance");
}

/** How an article holds an event (the Event.status values): only "asserted" reads as a fact. */
export const EVENT_STATUSES = ["asserted", "denied", "hedged", "hypothetical", "negated"];

/** The CSS class for an event status; unknown values get a fixed class, never the raw value. */
export function statusClass(status) {
  return EVENT_STATUSES.includes(status) ? `status-${status}` : "status-other";
}

/** "denied by Russia", "hedged by the army", "hypothetical per NATO", "negated per X";
 * "asserted by X" for the rest. A denied event is never shown without it. */
export function statusLabel(event) {
  const status = EVENT_STATUSES.includes(event.status) ? event.status : "unknown status";
  const who = event.reported_by || "the outlet";
  const by = status === "denied" || status === "hedged" || status === "asserted" ? "by" : "per";
  return `${status} ${by} ${who}`;
}

/** A badge with the event's status and who holds it so. */
export function statusBadge(event) {
  return el("span", {
    class: `status-badge ${statusClass(event.status)}`,
    title: event.status === "denied" ? "A source rejects this event: not a fact" : null,
  }, statusLabel(event));
}

/** Counts of events by status, "2 asserted, 1 denied", in EVENT_STATUSES order. */
export function statusCounts(events) {
  const counts = new Map();
  for (const event of events) counts.set(event.status, (counts.get(event.status) || 0) + 1);
  return EVENT_STATUSES.filter((s) => counts.has(s)).map((s) => `${counts.get(s)} ${s}`).join(", ");
}

/** Only web links and in-page fragments become hrefs; anything else (javascript:, data:) is dropped. */
export function safeHref(value) {
  const text = String(value || "");
  if (text.startsWith("#")) return text;
  try {
    const url = new URL(text, document.baseURI);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replace node's children (null/false/undefined children are left out, strings are text). */
export function fill(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

/** An HTML element: props are our attribute names (class, text, title, href, on<event>...). */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = String(value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "href") {
      const href = safeHref(value);
      if (href) node.setAttribute("href", href);
    } else node.setAttribute(key, value === true ? "" : String(value));
  }
  append(node, children);
  return node;
}

/** An SVG element with attributes (numbers or our own strings). */
export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(key, String(value));
  }
  append(node, children);
  return node;
}

/** "2014-08-28" and the like as given (ISO), or a dash. */
export function day(value) {
  return value ? String(value).slice(0, 10) : "undated";
}

/** A link to an article in the article view. */
export function articleLink(docId, label) {
  return el("a", { href: `#/articles/${encodeURIComponent(docId)}`, class: "article-link" },
    label || "(untitled)");
}

/** A short "outlet, date" line. */
export function byline(item) {
  return [item.outlet || "unknown outlet", day(item.published)].join(", ");
}

/** Text with every case-insensitive occurrence of needle in a <mark class="hit">. */
export function withHits(text, needle) {
  const value = String(text || "");
  if (!needle) return [value];
  const parts = [];
  const lower = value.toLowerCase();
  const want = needle.toLowerCase();
  let at = 0;
  for (let found = lower.indexOf(want); found !== -1; found = lower.indexOf(want, at)) {
    parts.push(value.slice(at, found), el("mark", { class: "hit" }, value.slice(found, found + want.length)));
    at = found + want.length;
  }
  parts.push(value.slice(at));
  return parts;
}
