// The Svix-compatible API, called with the portal's application-scoped bearer token.
//
// The portal link is `<base>/portal/#app=<app_id>&token=<token>`: the token travels in the
// fragment, which browsers never send to a server. It is kept in this tab's sessionStorage and
// removed from the address bar, so it does not linger in history or a screenshot.

const STORE = "hookwire-portal";

/** Reads `{app, token}` from the fragment (then from this tab's storage); null when absent. */
export function credentials() {
  // Split by hand: URLSearchParams would read a `+` in a token as a space.
  const hash = new Map(location.hash.replace(/^#/, "").split("&").map((pair) => {
    const at = pair.indexOf("=");
    const decode = (text) => { try { return decodeURIComponent(text); } catch (_) { return text; } };
    return at < 0 ? [pair, ""] : [decode(pair.slice(0, at)), decode(pair.slice(at + 1))];
  }));
  const app = hash.get("app");
  const token = hash.get("token");
  if (app && token) {
    try {
      sessionStorage.setItem(STORE, JSON.stringify({ app, token }));
    } catch (_) { /* storage refused (some embedded contexts): keep it in memory only */ }
    history.replaceState(null, "", location.pathname + location.search);
    return { app, token };
  }
  try {
    const saved = JSON.parse(sessionStorage.getItem(STORE) || "null");
    if (saved && saved.app && saved.token) return saved;
  } catch (_) { /* nothing saved */ }
  return null;
}

/** An error answered by the API: `status`, Svix's `code` and a readable `detail`. */
export class ApiError extends Error {
  constructor(status, code, detail) {
    super(detail);
    this.status = status;
    this.code = code;
    this.detail = detail;
  }
}

/** Svix's `detail` is a string, or (validation, 422) a list of `{loc, msg}`. */
function detailText(status, body) {
  const detail = body && body.detail;
  if (typeof detail === "string" && detail) return detail;
  if (Array.isArray(detail) && detail.length) {
    return detail.map((item) => {
      const where = Array.isArray(item.loc) ? item.loc.filter((p) => p !== "body").join(".") : "";
      return (where ? where + ": " : "") + (item.msg || JSON.stringify(item));
    }).join("; ");
  }
  if (status === 401) return "This portal link is invalid or has expired. Ask for a new link.";
  if (status === 404) return "Not found (it may have been deleted).";
  return "The server answered " + status + ".";
}

/** A client for one application: `client.get("/endpoint")` is `GET /api/v1/app/{app}/endpoint`. */
export class Api {
  constructor(app, token) {
    this.app = app;
    this.token = token;
    // The API lives beside the portal: `<base>/portal/` -> `<base>/api/v1/`, so a router
    // nested under a prefix works unchanged.
    this.base = new URL("../api/v1/", location.href);
  }

  /** `path` starts with `/`: relative to the application, or absolute under `/api/v1` with `root`. */
  async request(method, path, body, root = false) {
    const relative = (root ? "" : "app/" + encodeURIComponent(this.app)) + path;
    const url = new URL(relative.replace(/^\//, ""), this.base);
    const headers = { Authorization: "Bearer " + this.token, Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetch(url, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "omit", cache: "no-store", referrerPolicy: "no-referrer",
      });
    } catch (error) {
      throw new ApiError(0, "network", "The server could not be reached (" + error.message + ").");
    }
    const text = await response.text();
    let parsed = null;
    if (text) {
      try { parsed = JSON.parse(text); } catch (_) { parsed = null; }
    }
    if (!response.ok) {
      throw new ApiError(response.status, parsed && parsed.code, detailText(response.status, parsed));
    }
    return parsed;
  }

  get(path, root) { return this.request("GET", path, undefined, root); }
  post(path, body, root) { return this.request("POST", path, body === undefined ? {} : body, root); }
  patch(path, body) { return this.request("PATCH", path, body); }
  put(path, body) { return this.request("PUT", path, body); }
  delete(path) { return this.request("DELETE", path); }

  /** Every item of a paginated list (`{data, iterator, done}`), at most `max`. */
  async all(path, root = false, max = 500) {
    const items = [];
    let iterator = null;
    for (;;) {
      const sep = path.includes("?") ? "&" : "?";
      const page = await this.get(path + sep + "limit=100" + (iterator ? "&iterator=" + encodeURIComponent(iterator) : ""), root);
      items.push(...((page && page.data) || []));
      if (!page || page.done || !page.iterator || items.length >= max) return items.slice(0, max);
      iterator = page.iterator;
    }
  }
}

/** Path segment for an id. */
export const seg = (id) => "/" + encodeURIComponent(id);
