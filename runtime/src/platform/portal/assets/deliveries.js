// An endpoint's deliveries: each message sent to it with its attempts (status, duration,
// response excerpt), the next attempt, resend, and recovery of every failure since a time.

import { el, replace, facts, time, notify, busy, json, keepFocus } from "./dom.js";
import { seg } from "./api.js";

const STATUS = ["success", "pending", "fail", "sending", "canceled"];
const statusText = (item) => item.statusText || STATUS[item.status] || "unknown";
const EXCERPT = 600;

const SHOWN = 25;
const FALLBACK = [404, 405, 501];
const byTime = (a, b) => String(a.timestamp).localeCompare(String(b.timestamp)) || String(a.id).localeCompare(String(b.id));

/**
 * The newest messages sent to `endpointId` with their attempts (oldest first), through Svix's
 * `GET .../endpoint/{ep}/msg` (each message's status and next attempt) and the attempts of each
 * message at this endpoint. `cache` keeps a message's attempts while its status and next attempt
 * stay the same (a new attempt changes one of them), so a poll reads one list when nothing moved.
 */
async function loadSent(api, endpointId, cache) {
  const messages = (await api.get("/endpoint" + seg(endpointId) + "/msg?limit=" + SHOWN)).data || [];
  const attempts = await Promise.all(messages.map(async (message) => {
    const key = message.status + "|" + (message.nextAttempt || "");
    const known = cache.get(message.id);
    if (known && known.key === key) return known.attempts;
    const list = await api.all("/attempt/msg" + seg(message.id) + "?endpoint_id=" + encodeURIComponent(endpointId), false, 100);
    list.sort(byTime);
    cache.set(message.id, { key, attempts: list });
    return list;
  }));
  return messages.map((message, index) => ({ message, attempts: attempts[index] }));
}

/**
 * A server without `GET .../endpoint/{ep}/msg`: the endpoint's attempts, grouped under the
 * application's messages they belong to (no status or next attempt from the server).
 */
async function loadFromAttempts(api, endpointId) {
  const attempts = await api.all("/attempt/endpoint" + seg(endpointId), false, 300);
  const byMessage = new Map();
  for (const attempt of attempts) {
    if (!byMessage.has(attempt.msgId)) byMessage.set(attempt.msgId, []);
    byMessage.get(attempt.msgId).push(attempt);
  }
  const messages = ((await api.get("/msg?limit=100")).data || []).filter((message) => byMessage.has(message.id));
  const known = new Set(messages.map((message) => message.id));
  for (const [msgId, list] of byMessage) {
    // An attempt whose message is older than the page of messages: show it from the attempt.
    if (!known.has(msgId)) messages.push(list[list.length - 1].msg || { id: msgId, timestamp: list[0].timestamp });
  }
  messages.sort((a, b) => byTime(b, a));
  return messages.slice(0, SHOWN).map((message) => ({ message, attempts: byMessage.get(message.id).sort(byTime) }));
}

/** The newest deliveries to `endpointId`, each a message with its attempts there. */
export async function loadDeliveries(api, endpointId, cache = new Map()) {
  try {
    return await loadSent(api, endpointId, cache);
  } catch (error) {
    if (!FALLBACK.includes(error.status)) throw error;
    return loadFromAttempts(api, endpointId);
  }
}

function outcome(delivery) {
  const { message, attempts } = delivery;
  if (message.statusText || message.status !== undefined) return statusText(message);
  const last = attempts[attempts.length - 1];
  return last ? statusText(last) : "pending";
}

function badge(text) {
  const kind = text === "success" ? "ok" : text === "fail" ? "bad" : "warn";
  return el("span", { class: "badge badge-" + kind, text });
}

function renderAttempt(attempt, index) {
  const code = attempt.responseStatusCode;
  const response = attempt.response || "";
  return el("li", { class: "attempt", "data-attempt-id": attempt.id, "data-status-code": code },
    el("div", { class: "row" },
      el("strong", { text: "Attempt " + (index + 1) }),
      badge(statusText(attempt)),
      el("span", { class: "muted", text: attempt.triggerType === 1 ? "manual" : "scheduled" })),
    facts([
      ["At", time(attempt.timestamp)],
      ["Response", code ? "HTTP " + code : "no response"],
      ["Duration", typeof attempt.responseDurationMs === "number" ? attempt.responseDurationMs + " ms" : null],
    ]),
    response ? el("details", {},
      el("summary", { text: "Response body" }),
      el("pre", { class: "code", tabindex: "0", text: response.length > EXCERPT ? response.slice(0, EXCERPT) + "…" : response })) : null);
}

function renderDelivery(api, endpointId, delivery, resent) {
  const { message, attempts } = delivery;
  const resend = el("button", {
    type: "button", class: "button", "data-key": "resend-" + message.id,
    "aria-label": "Resend message " + message.id, text: "Resend",
  });
  resend.addEventListener("click", () => busy(resend, async () => {
    await api.post("/msg" + seg(message.id) + "/endpoint" + seg(endpointId) + "/resend", {});
    notify("Message " + message.id + " will be sent again.");
    resent();
  }));
  return el("li", { class: "card delivery", "data-msg-id": message.id, "data-attempts": attempts.length },
    el("div", { class: "row" },
      el("code", { text: message.eventType || "message" }),
      badge(outcome(delivery)),
      resend),
    facts([
      ["Message id", el("code", { text: message.id })],
      ["Event id", message.eventId ? el("code", { text: message.eventId }) : null],
      ["Created", time(message.timestamp)],
      ["Next attempt", message.nextAttempt ? time(message.nextAttempt) : null],
    ]),
    message.payload !== undefined ? el("details", {},
      el("summary", { text: "Payload" }),
      el("pre", { class: "code", tabindex: "0", text: json(message.payload) })) : null,
    attempts.length
      ? el("ol", { class: "attempts", "aria-label": "Attempts for message " + message.id }, attempts.map(renderAttempt))
      : el("p", { class: "muted", text: "Not attempted yet." }));
}

/** Local `YYYY-MM-DDTHH:MM` for a datetime-local input. */
function localInput(date) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/**
 * The deliveries section of one endpoint. Returns `refresh()`, which reloads and re-renders the
 * list only when something changed (the page calls it every few seconds while it is open), and
 * then calls `changed()`.
 */
export function renderDeliveries(container, api, endpointId, changed) {
  const list = el("div", { class: "deliveries" }, el("p", { class: "muted", text: "Loading deliveries…" }));
  const since = el("input", { id: "recover-since", type: "datetime-local", required: true, value: localInput(new Date(Date.now() - 86400000)) });
  const recoverButton = el("button", { type: "submit", class: "button", text: "Recover failed deliveries" });
  const recover = el("form", { class: "inline", "aria-label": "Recover failed deliveries" },
    el("label", { for: "recover-since", text: "Failed since" }), since, recoverButton);
  let last = null;
  let loading = null;
  // Attempts per message; forgotten now and then, so a change the keys miss shows up too.
  const cache = new Map();
  let polls = 0;
  const resent = (msgId) => {
    cache.delete(msgId);
    refresh();
  };
  const refresh = () => {
    if (++polls % 8 === 0) cache.clear();
    loading = loading || loadDeliveries(api, endpointId, cache).then((deliveries) => {
      const seen = JSON.stringify(deliveries);
      if (seen === last) return;
      if (last !== null) changed();
      last = seen;
      keepFocus(list, () => replace(list, deliveries.length
        ? el("ul", { class: "delivery-list" }, deliveries.map((d) => renderDelivery(api, endpointId, d, () => resent(d.message.id))))
        : el("p", { class: "empty", text: "Nothing has been sent to this endpoint yet." })));
    }, (error) => {
      last = null;
      replace(list, el("p", { class: "error", text: "The deliveries could not be loaded: " + (error.detail || error.message) }));
    }).finally(() => { loading = null; });
    return loading;
  };
  recover.addEventListener("submit", (event) => {
    event.preventDefault();
    const when = new Date(since.value);
    if (Number.isNaN(when.getTime())) {
      notify("Choose the date and time to recover from.", "error");
      return;
    }
    busy(recoverButton, async () => {
      await api.post("/endpoint" + seg(endpointId) + "/recover", { since: when.toISOString() });
      notify("Every failed delivery since " + when.toLocaleString() + " will be sent again.");
      refresh();
    });
  });
  const refreshButton = el("button", { type: "button", class: "button", text: "Refresh deliveries" });
  refreshButton.addEventListener("click", () => busy(refreshButton, refresh));
  replace(container,
    el("div", { class: "row" }, el("h3", { text: "Deliveries" }), refreshButton),
    recover,
    list);
  refresh();
  return refresh;
}
