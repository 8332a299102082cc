// Hover cards: one small card (#hover-card, role="tooltip") next to the element it describes,
// shown on hover and on keyboard focus (a tap focuses on a phone), hidden on Escape, on blur,
// or shortly after the pointer leaves both the element and the card (so the pointer can move
// onto the card to read or select it). The described element points to the card with
// aria-describedby while it shows. Replaces native title tooltips, which neither the keyboard
// nor a touch screen can open.

import { fill } from "./dom.js";

const HIDE_DELAY = 300; // ms
const GAP = 6; // px between the element and the card
const MARGIN = 8; // px kept free at the viewport's edges

let owner = null;
let hideTimer = null;

function card() {
  return document.getElementById("hover-card");
}

/** The first line box of an inline element that wraps, else its whole box. */
function anchorBox(target) {
  const rects = target.getClientRects();
  return rects.length ? rects[0] : target.getBoundingClientRect();
}

function position(node, target) {
  const anchor = anchorBox(target);
  node.style.maxWidth = `${Math.min(384, window.innerWidth - 2 * MARGIN)}px`;
  const box = node.getBoundingClientRect();
  const left = Math.max(MARGIN, Math.min(anchor.left, window.innerWidth - box.width - MARGIN));
  let top = anchor.bottom + GAP;
  if (top + box.height > window.innerHeight - MARGIN && anchor.top - box.height - GAP > MARGIN) {
    top = anchor.top - box.height - GAP;
  }
  node.style.left = `${Math.round(left + window.scrollX)}px`;
  node.style.top = `${Math.round(top + window.scrollY)}px`;
}

export function hideCard() {
  clearTimeout(hideTimer);
  const node = card();
  if (node) node.hidden = true;
  if (owner) owner.removeAttribute("aria-describedby");
  owner = null;
}

function hideSoon() {
  clearTimeout(hideTimer);
  hideTimer = setTimeout(hideCard, HIDE_DELAY);
}

export function showCard(target, content) {
  clearTimeout(hideTimer);
  const node = card();
  if (owner && owner !== target) owner.removeAttribute("aria-describedby");
  owner = target;
  fill(node, ...content);
  node.hidden = false;
  node.dataset.for = target.dataset.cardKey || "";
  target.setAttribute("aria-describedby", node.id);
  position(node, target);
}

let globalBound = false;

function bindGlobal() {
  if (globalBound) return;
  globalBound = true;
  const node = card();
  node.addEventListener("pointerenter", () => clearTimeout(hideTimer));
  node.addEventListener("pointerleave", hideSoon);
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && owner) hideCard();
  });
  window.addEventListener("hashchange", hideCard);
}

/** Show a card for every element of container matching selector, with contentOf(element)
 * (an array of nodes or strings) as its content. Listeners are delegated, so the container's
 * children may be replaced freely; binding the same container twice does nothing. */
export function bindCards(container, selector, contentOf) {
  bindGlobal();
  if (container.dataset.cards) return;
  container.dataset.cards = "1";
  const show = (target) => {
    const content = contentOf(target);
    if (content && content.length) showCard(target, content);
  };
  container.addEventListener("pointerover", (e) => {
    const target = e.target.closest(selector);
    if (target && container.contains(target) && target !== owner) show(target);
    else if (target === owner) clearTimeout(hideTimer);
  });
  container.addEventListener("pointerout", (e) => {
    const target = e.target.closest(selector);
    if (!target || target !== owner) return;
    const to = e.relatedTarget;
    if (to && (target.contains(to) || card().contains(to))) return;
    hideSoon();
  });
  container.addEventListener("focusin", (e) => {
    const target = e.target.closest(selector);
    if (target && container.contains(target)) show(target);
  });
  container.addEventListener("focusout", (e) => {
    if (e.target.closest(selector) === owner) hideCard();
  });
}
