// Events map: places plotted by longitude/latitude in an equirectangular projection (x = lon,
// y = -lat, in degrees), over Natural Earth country outlines when they are installed and a
// graticule always. Towns and other points are circles; a country is never a dot (GeoNames
// gives it one point, near its middle): with outlines it is its own shape, shaded, else a
// square marker. Hover or focus a place for its label; click it to list its events. The
// legend under the map explains the colours, shapes and sizes.

import { allPages, getOutlines } from "./api.js";
import {
  articleLink, byline, el, fill, stanceClass, stanceLabel, statusBadge, statusClass, statusCounts, svg,
} from "./dom.js";
import { bindCards } from "./hovercard.js";

const WORLD = [-180, -90, 360, 180];
const MIN_SPAN = 8; // degrees of longitude when fitting to places
let viewBox = null; // kept across visits: [x, y, w, h] in degrees
let outlinesPromise = null;
let data = { places: [], events: [] };
let selected = null;

function loadOutlines() {
  if (!outlinesPromise) {
    outlinesPromise = getOutlines().catch((error) => {
      outlinesPromise = null;
      throw error;
    });
  }
  return outlinesPromise;
}

function ringPath(ring) {
  return ring.map(([lon, lat], i) => `${i ? "L" : "M"}${lon.toFixed(2)},${(-lat).toFixed(2)}`).join("") + "Z";
}

/** A ring that crosses the antimeridian (a jump of more than 180 degrees between neighbours,
 * e.g. Chukotka, Fiji) would streak across the whole map: unwrap its longitudes into one
 * continuous run and draw it once more shifted by 360 degrees; the world clip cuts both. */
function ringPaths(ring) {
  let shift = 0;
  const unwrapped = ring.map(([lon, lat], i) => {
    if (i) {
      const previous = ring[i - 1][0];
      if (lon - previous > 180) shift -= 360;
      else if (previous - lon > 180) shift += 360;
    }
    return [lon + shift, lat];
  });
  const lons = unwrapped.map(([lon]) => lon);
  const paths = [ringPath(unwrapped)];
  if (Math.max(...lons) > 180) paths.push(ringPath(unwrapped.map(([lon, lat]) => [lon - 360, lat])));
  if (Math.min(...lons) < -180) paths.push(ringPath(unwrapped.map(([lon, lat]) => [lon + 360, lat])));
  return paths.join("");
}

function geometryPath(geometry) {
  if (!geometry) return "";
  if (geometry.type === "Polygon") return geometry.coordinates.map(ringPaths).join("");
  if (geometry.type === "MultiPolygon") return geometry.coordinates.map((p) => p.map(ringPaths).join("")).join("");
  return "";
}

function graticule() {
  const parts = [];
  for (let lon = -180; lon <= 180; lon += 15) parts.push(`M${lon},-90V90`);
  for (let lat = -75; lat <= 75; lat += 15) parts.push(`M-180,${-lat}H180`);
  return svg("g", { class: "graticule-layer" },
    svg("rect", { class: "sphere", x: -180, y: -90, width: 360, height: 180 }),
    svg("path", { class: "graticule", d: parts.join("") }));
}

function outlineLayer(outlines) {
  return svg("g", { class: "outlines", "clip-path": "url(#world-clip)" }, (outlines.features || []).map((feature) => {
    const name = (feature.properties && feature.properties.name) || "";
    return svg("path", { class: "country", d: geometryPath(feature.geometry), dataset: { name } },
      svg("title", {}, name));
  }));
}

function fitBox(places) {
  const located = places.filter((p) => Number.isFinite(p.lon) && Number.isFinite(p.lat));
  if (!located.length) return [...WORLD];
  const lons = located.map((p) => p.lon);
  const lats = located.map((p) => -p.lat);
  let [x0, x1, y0, y1] = [Math.min(...lons), Math.max(...lons), Math.min(...lats), Math.max(...lats)];
  let w = Math.max(x1 - x0, MIN_SPAN) * 1.3;
  let h = Math.max(y1 - y0, MIN_SPAN / 2) * 1.3;
  if (w < 2 * h) w = 2 * h; else h = w / 2;
  return clampBox([(x0 + x1) / 2 - w / 2, (y0 + y1) / 2 - h / 2, w, h]);
}

function clampBox([x, y, w, h]) {
  const width = Math.min(Math.max(w, 0.5), 360);
  const height = Math.min(Math.max(h, 0.25), 180);
  return [
    Math.min(Math.max(x, -180), 180 - width),
    Math.min(Math.max(y, -90), 90 - height),
    width, height,
  ];
}

function radiusOf(place) {
  return 3 + 2 * Math.sqrt((place.event_count || 0) + (place.claim_count || 0) / 2);
}

/** Events reported at a place, "3 events (1 asserted)": the rest are denied, hedged and so on. */
function eventsText(place) {
  const all = place.event_count || 0;
  const asserted = place.asserted_event_count ?? all;
  return `${all} events${all && asserted !== all ? ` (${asserted} asserted)` : ""}`;
}

/** A place with asserted events is marked as one where something happened; a place whose
 * events are only denied, hedged, hypothetical or negated gets a dashed marker instead. */
function markerClass(place) {
  const asserted = place.asserted_event_count ?? place.event_count;
  if (asserted) return " has-events";
  return place.event_count ? " disputed-events" : "";
}

/** Independent states and other countries (GeoNames feature codes PCL*) and territories. */
function isCountry(place) {
  return place.feature_class === "A" && /^(PCL|TERR)/.test(place.feature_code || "");
}

/** Even-odd ray casting over every ring of a Polygon or MultiPolygon. */
function contains(geometry, lon, lat) {
  if (!geometry) return false;
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates]
    : geometry.type === "MultiPolygon" ? geometry.coordinates : [];
  let inside = false;
  for (const ring of polygons.flat()) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if ((yi > lat) !== (yj > lat) && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

const simple = (text) => String(text || "").toLowerCase().normalize("NFKD").replace(/[^a-z]/g, "");

/** The outline of a country place: the feature of the same name, else the one around its point. */
function outlineOf(place, outlines) {
  if (!outlines) return null;
  const features = outlines.features || [];
  const name = simple(place.name);
  return features.find((f) => simple(f.properties && f.properties.name) === name)
    || features.find((f) => contains(f.geometry, place.lon, place.lat)) || null;
}

/** Marker sizes are in screen pixels whatever the zoom. */
function applyViewBox(map) {
  map.setAttribute("viewBox", viewBox.map((v) => v.toFixed(4)).join(" "));
  const pixels = map.getBoundingClientRect().width || 800;
  const scale = Math.max(viewBox[2] / pixels, viewBox[3] / (pixels / 2));
  for (const marker of map.querySelectorAll("circle.place-marker")) {
    marker.setAttribute("r", (Number(marker.dataset.radius) * scale).toFixed(4));
  }
  for (const marker of map.querySelectorAll("rect.place-marker")) {
    const side = 1.8 * Number(marker.dataset.radius) * scale;
    marker.setAttribute("x", (Number(marker.dataset.x) - side / 2).toFixed(4));
    marker.setAttribute("y", (Number(marker.dataset.y) - side / 2).toFixed(4));
    marker.setAttribute("width", side.toFixed(4));
    marker.setAttribute("height", side.toFixed(4));
  }
}

function placeLabel(place) {
  return `${place.name}${place.country ? ` (${place.country})` : ""}: ${eventsText(place)}, `
    + `${place.claim_count} claims, named in ${place.doc_count} articles`;
}

function markerLayer(map, places, outlines) {
  const located = places.filter((p) => Number.isFinite(p.lon) && Number.isFinite(p.lat))
    .sort((a, b) => radiusOf(b) - radiusOf(a)); // small ones on top
  const shapes = [];
  const points = [];
  for (const place of located) {
    const common = {
      tabindex: 0, role: "button", "aria-label": placeLabel(place),
      onclick: () => selectPlace(map, place),
      onkeydown: (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); selectPlace(map, place); } },
    };
    const classes = `place-marker${markerClass(place)}${selected === place.geonames_id ? " selected" : ""}`;
    const dataset = { name: place.name, geonamesId: place.geonames_id, radius: radiusOf(place), kind: "town" };
    const outline = isCountry(place) ? outlineOf(place, outlines) : null;
    if (outline) {
      shapes.push(svg("path", {
        ...common, class: `${classes} country-place`, d: geometryPath(outline.geometry),
        "clip-path": "url(#world-clip)", dataset: { ...dataset, kind: "country", outline: outline.properties.name || "" },
      }));
    } else if (isCountry(place)) {
      points.push(svg("rect", {
        ...common, class: `${classes} country-marker`, dataset: { ...dataset, kind: "country", x: place.lon, y: -place.lat },
      }));
    } else {
      points.push(svg("circle", { ...common, class: classes, cx: place.lon, cy: -place.lat, r: 1, dataset }));
    }
  }
  return svg("g", { class: "markers" }, shapes, points);
}

/** The hover label of a marker. */
function markerCard(marker) {
  const place = data.places.find((p) => String(p.geonames_id) === marker.dataset.geonamesId);
  if (!place) return null;
  const kind = isCountry(place) ? "country" : place.country || "";
  return [el("div", { class: "card-head" }, el("strong", { class: "card-place" }, place.name), kind ? ` \u00b7 ${kind}` : ""),
    el("div", {}, `${eventsText(place)}, ${place.claim_count} claims, named in ${place.doc_count} articles`),
    el("div", { class: "meta" }, "Click or press Enter to list its events.")];
}

/** Colours, shapes and sizes of the markers. */
function legend(outlines) {
  const dot = (cls, r = 6) => svg("svg", { class: "legend-swatch", viewBox: "-10 -10 20 20", "aria-hidden": "true" },
    svg("circle", { class: `place-marker ${cls}`, r }));
  const square = (cls) => svg("svg", { class: "legend-swatch", viewBox: "-10 -10 20 20", "aria-hidden": "true" },
    svg("rect", { class: `place-marker ${cls}`, x: -7, y: -7, width: 14, height: 14 }));
  const sizes = [1, 10, 50].map((n) => {
    const r = radiusOf({ event_count: n });
    return el("span", { class: "legend-size" }, svg("svg", {
      class: "legend-swatch", viewBox: `${-r - 1} ${-r - 1} ${2 * r + 2} ${2 * r + 2}`,
      width: 2 * r + 2, height: 2 * r + 2, "aria-hidden": "true",
    }, svg("circle", { class: "place-marker", r })), ` ${n}`);
  });
  return [
    el("h2", { class: "legend-title" }, "Legend"),
    el("ul", { class: "legend-items" },
      el("li", {}, dot("has-events"), "events reported here (some asserted)"),
      el("li", {}, dot("disputed-events"), "only denied, hedged or hypothetical events"),
      el("li", {}, dot(""), "named, no events"),
      el("li", {}, outlines ? square("country-place has-events") : square("country-marker has-events"),
        outlines ? "a country: its whole shape is shaded (same colours)" : "a country (square: it is not one point)"),
      el("li", { class: "legend-sizes" }, "size: events + half the claims ", sizes)),
  ];
}
function selectPlace(map, place) {
  selected = place.geonames_id;
  for (const marker of map.querySelectorAll(".place-marker")) {
    marker.classList.toggle("selected", Number(marker.dataset.geonamesId) === selected);
  }
  if (location.hash !== `#/map/${place.geonames_id}`) history.replaceState(null, "", `#/map/${place.geonames_id}`);
  renderPanel(place);
}

function renderPanel(place) {
  const panel = document.getElementById("map-panel");
  if (!place) {
    fill(panel, el("h2", {}, "Places"), el("p", { class: "hint" },
      `${data.places.length} places, ${data.events.filter((e) => e.place).length} events placed. `
      + "Click a marker to list the events there."));
    return;
  }
  const here = data.events.filter((e) => e.place === place.geonames_id);
  fill(panel, 
    el("h2", { id: "panel-title" }, place.name),
    el("p", { class: "meta" }, [place.admin1, place.country].filter(Boolean).join(", "),
      ` \u00b7 ${Number(place.lat).toFixed(3)}, ${Number(place.lon).toFixed(3)} \u00b7 GeoNames ${place.geonames_id}`),
    el("p", {}, `${place.event_count} events${here.length ? ` (${statusCounts(here)})` : ""}, `
      + `${place.claim_count} claims, named in ${place.doc_count} articles.`),
    here.length
      ? el("ul", { class: "panel-events" }, here.map((event) => el("li", {
        class: `event ${statusClass(event.status)}`, dataset: { event: event.id, status: event.status },
      },
        statusBadge(event), " ",
        el("span", { class: "event-body" },
          el("strong", {}, event.type), event.mode ? ` (${event.mode})` : "", " ",
          el("q", {}, event.trigger_text)),
        el("div", { class: "meta" },
          event.source_name ? [el("span", { class: `swatch ${stanceClass(event.stance)}` }, stanceLabel(event.stance)), ` by ${event.source_name} \u00b7 `] : "",
          event.date ? `${event.date} \u00b7 ` : "", byline(event)),
        event.claim_text ? el("div", { class: "claim-text" }, event.claim_text) : null,
        articleLink(event.doc_id, event.title))))
      : el("p", { class: "empty" }, "No events are placed here."),
  );
}

function enablePanZoom(map) {
  if (map.dataset.panZoom) return;
  map.dataset.panZoom = "1";
  map.addEventListener("wheel", (e) => {
    e.preventDefault();
    const rect = map.getBoundingClientRect();
    const factor = e.deltaY > 0 ? 1.25 : 0.8;
    const [x, y, w, h] = viewBox;
    const fx = (e.clientX - rect.left) / rect.width;
    const fy = (e.clientY - rect.top) / rect.height;
    const [nw, nh] = [w * factor, h * factor];
    viewBox = clampBox([x + (w - nw) * fx, y + (h - nh) * fy, nw, nh]);
    applyViewBox(map);
  }, { passive: false });
  let drag = null;
  map.addEventListener("pointerdown", (e) => {
    if (e.target.classList.contains("place-marker")) return;
    drag = { x: e.clientX, y: e.clientY, box: [...viewBox] };
    map.setPointerCapture(e.pointerId);
  });
  map.addEventListener("pointermove", (e) => {
    if (!drag) return;
    const rect = map.getBoundingClientRect();
    const scale = Math.max(drag.box[2] / rect.width, drag.box[3] / rect.height);
    viewBox = clampBox([drag.box[0] - (e.clientX - drag.x) * scale, drag.box[1] - (e.clientY - drag.y) * scale,
      drag.box[2], drag.box[3]]);
    applyViewBox(map);
  });
  map.addEventListener("pointerup", () => { drag = null; });
  document.getElementById("map-fit").addEventListener("click", () => {
    viewBox = fitBox(data.places);
    applyViewBox(map);
  });
  document.getElementById("map-world").addEventListener("click", () => {
    viewBox = [...WORLD];
    applyViewBox(map);
  });
}

export async function showMap([placeId]) {
  const map = document.getElementById("map");
  const notice = document.getElementById("outline-notice");
  const attribution = document.getElementById("map-attribution");
  const [places, events, outlines] = await Promise.all([
    allPages("places"), allPages("events"), loadOutlines().catch(() => null),
  ]);
  data = { places: places.items, events: events.items };
  const layers = [
    svg("defs", {}, svg("clipPath", { id: "world-clip" }, svg("rect", { x: -180, y: -90, width: 360, height: 180 }))),
    graticule(),
  ];
  if (outlines) {
    layers.push(outlineLayer(outlines));
    notice.hidden = true;
    attribution.textContent = outlines.attribution || "Country outlines: Natural Earth (public domain).";
  } else {
    fill(notice, "Country outlines are not installed, so places are drawn on a bare graticule. "
      + "To add them, run ", el("code", {}, "claimtrack web-assets"), " on the server and reload.");
    notice.hidden = false;
    attribution.textContent = "";
  }
  layers.push(markerLayer(map, data.places, outlines));
  fill(map, ...layers);
  fill(document.getElementById("map-legend"), ...legend(outlines));
  bindCards(map, ".place-marker", markerCard);
  if (!viewBox) viewBox = fitBox(data.places);
  enablePanZoom(map);
  applyViewBox(map);
  if (places.truncated || events.truncated) {
    attribution.append(el("span", { class: "notice" }, " Only the first pages of places/events are shown."));
  }
  const wanted = placeId ? data.places.find((p) => String(p.geonames_id) === placeId) : null;
  if (wanted) {
    const [, , w, h] = viewBox;
    if (wanted.lon < viewBox[0] || wanted.lon > viewBox[0] + w || -wanted.lat < viewBox[1] || -wanted.lat > viewBox[1] + h) {
      viewBox = clampBox([wanted.lon - w / 2, -wanted.lat - h / 2, w, h]);
      applyViewBox(map);
    }
    selectPlace(map, wanted);
  } else {
    selected = null;
    renderPanel(null);
  }
}
