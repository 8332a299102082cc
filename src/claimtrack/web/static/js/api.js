// The REST API under api/v1 (relative, so the page works behind a path prefix too).

const BASE = "api/v1/";
const TOKEN_KEY = "claimtrack.token";
const PAGE = 500; // the API's largest page

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export function setToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

async function request(url) {
  const headers = { Accept: "application/json" };
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(url, { headers, credentials: "same-origin" });
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try {
      const body = await response.json();
      message = (body && body.error && body.error.message) || (body && body.detail) || message;
    } catch {
      // not JSON: keep the status line
    }
    throw new ApiError(response.status, String(message));
  }
  return response.json();
}

/** GET api/v1/<path> with query parameters (empty ones left out). */
export function getJSON(path, params = {}) {
  const url = new URL(BASE + path, document.baseURI);
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(key, String(value));
  }
  return request(url);
}

/** Every item of a list endpoint, following next_cursor, up to cap items. */
export async function allPages(path, params = {}, cap = 5000) {
  const items = [];
  let cursor = null;
  do {
    const page = await getJSON(path, { ...params, limit: PAGE, cursor });
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor && items.length < cap);
  return { items, truncated: Boolean(cursor) };
}

/** The country outlines (GeoJSON), or null when `claimtrack web-assets` has not been run. */
export async function getOutlines() {
  const response = await fetch(new URL("outlines/countries.geojson", document.baseURI));
  if (response.status === 404) return null;
  if (!response.ok) throw new ApiError(response.status, `outlines: ${response.status}`);
  return response.json();
}
