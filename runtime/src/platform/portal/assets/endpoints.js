// Endpoints: the list, the add/edit form, enable/disable, delete, the signing secret and the
// example event. Deliveries live in deliveries.js.

import { el, replace, facts, time, notify, busy, describe } from "./dom.js";
import { seg } from "./api.js";
import { examplePayload } from "./catalog.js";

/** The event types an endpoint subscribes to, as text. */
function subscribed(endpoint) {
  const types = endpoint.eventTypes || endpoint.filterTypes;
  return types && types.length ? types.join(", ") : "All event types";
}

function statusBadge(endpoint) {
  return endpoint.disabled
    ? el("span", { class: "badge badge-warn", text: "Disabled" })
    : el("span", { class: "badge badge-ok", text: "Enabled" });
}

/** The endpoint list; `open(endpoint)` shows one. */
export function renderList(container, endpoints, open) {
  if (!endpoints.length) {
    replace(container, el("p", { class: "empty", text: "No endpoints yet. Add one to start receiving webhooks." }));
    return;
  }
  replace(container, el("ul", { class: "endpoints" }, endpoints.map((endpoint) =>
    el("li", { class: "card", "data-endpoint-id": endpoint.id },
      el("div", { class: "row" },
        el("code", { class: "url", text: endpoint.url }),
        statusBadge(endpoint)),
      endpoint.description ? el("p", { text: endpoint.description }) : null,
      el("p", { class: "muted", text: subscribed(endpoint) }),
      el("button", {
        type: "button", class: "button", "data-key": "manage-" + endpoint.id,
        "aria-label": "Manage endpoint " + endpoint.url, text: "Manage",
        onclick: () => open(endpoint),
      })))));
}

/**
 * The add (no `endpoint`) or edit form. `done(saved)` runs after the API accepted it, with the
 * endpoint it returned; `cancel()` when the person gives up.
 */
export function endpointForm(api, catalog, endpoint, done, cancel) {
  const editing = Boolean(endpoint);
  const chosen = new Set((endpoint && (endpoint.eventTypes || endpoint.filterTypes)) || []);
  const error = el("p", { class: "error", id: "endpoint-form-error", role: "alert", hidden: true });
  const url = el("input", {
    id: "endpoint-url", name: "url", type: "url", required: true, autocomplete: "off",
    inputmode: "url", placeholder: "https://example.com/webhooks", value: endpoint ? endpoint.url : "",
    "aria-describedby": "endpoint-form-error",
  });
  const description = el("input", {
    id: "endpoint-description", name: "description", type: "text", autocomplete: "off",
    value: endpoint ? endpoint.description || "" : "",
  });
  const boxes = catalog.map((type) => el("label", { class: "check" },
    el("input", { type: "checkbox", name: "eventTypes", value: type.name, checked: chosen.has(type.name) }),
    el("code", { text: type.name }),
    type.description ? el("span", { class: "muted", text: " — " + type.description }) : null));
  const submit = el("button", { type: "submit", class: "button primary", text: editing ? "Save endpoint" : "Create endpoint" });
  const form = el("form", { class: "card form", "aria-label": editing ? "Edit endpoint" : "Add endpoint", novalidate: true },
    el("h3", { text: editing ? "Edit endpoint" : "Add endpoint" }),
    el("label", { for: "endpoint-url", text: "Endpoint URL" }), url,
    el("label", { for: "endpoint-description", text: "Description" }), description,
    el("fieldset", {},
      el("legend", { text: "Event types" }),
      el("p", { class: "muted", text: "Leave all unchecked to receive every event type." }),
      boxes.length ? boxes : el("p", { class: "muted", text: "The catalog is empty." })),
    error,
    el("div", { class: "actions" }, submit,
      el("button", { type: "button", class: "button", text: "Cancel", onclick: cancel })));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    error.hidden = true;
    url.removeAttribute("aria-invalid");
    if (!url.value.trim()) {
      error.textContent = "Enter the URL that should receive the webhooks.";
      error.hidden = false;
      url.setAttribute("aria-invalid", "true");
      url.focus();
      return;
    }
    const types = [...form.querySelectorAll("input[name=eventTypes]:checked")].map((box) => box.value);
    const body = { url: url.value.trim(), description: description.value, eventTypes: types.length ? types : null };
    submit.disabled = true;
    const saving = editing ? api.patch("/endpoint" + seg(endpoint.id), body) : api.post("/endpoint", body);
    saving.then(done, (failure) => {
      error.textContent = (editing ? "The endpoint was not saved: " : "The endpoint was not created: ") + describe(failure);
      error.hidden = false;
      url.setAttribute("aria-invalid", "true");
      url.focus();
    }).finally(() => { submit.disabled = false; });
  });
  queueMicrotask(() => url.focus());
  return form;
}

/** A button that asks once more (its text becomes `confirmText`) before running `action`. */
function confirming(text, confirmText, label, action) {
  let armed = false;
  const button = el("button", { type: "button", class: "button danger", "aria-label": label, text });
  button.addEventListener("click", () => {
    if (!armed) {
      armed = true;
      button.textContent = confirmText;
      button.setAttribute("aria-label", confirmText);
      return;
    }
    busy(button, action);
  });
  button.addEventListener("blur", () => {
    armed = false;
    button.textContent = text;
    button.setAttribute("aria-label", label);
  });
  return button;
}

/**
 * The endpoint's page head: facts and actions. `changed(endpoint|null)` runs after an update
 * (null after a delete); `edit()` opens the form. Returns a function that reloads the counts.
 */
export function renderEndpoint(container, api, endpoint, changed, edit) {
  const toggle = el("button", {
    type: "button", class: "button", text: endpoint.disabled ? "Enable endpoint" : "Disable endpoint",
    onclick: () => busy(toggle, async () => {
      const saved = await api.patch("/endpoint" + seg(endpoint.id), { disabled: !endpoint.disabled });
      notify(saved.disabled ? "The endpoint is disabled: nothing is sent to it." : "The endpoint is enabled.");
      changed(saved);
    }),
  });
  const stats = el("dd", { id: "endpoint-stats", text: "…" });
  const loadStats = () => api.get("/endpoint" + seg(endpoint.id) + "/stats").then((counts) => {
    stats.textContent = `${counts.success} succeeded, ${counts.fail} failed, ${counts.pending + (counts.sending || 0)} pending`;
  }, () => { stats.textContent = "not available"; });
  loadStats();
  const head = facts([
    ["Description", endpoint.description],
    ["Endpoint id", el("code", { text: endpoint.id })],
    ["Event types", subscribed(endpoint)],
    ["Created", time(endpoint.createdAt)],
    ["Updated", time(endpoint.updatedAt)],
  ]);
  head.append(el("dt", { text: "Delivery counts" }), stats);
  replace(container,
    el("div", { class: "row" }, el("h2", {}, el("code", { class: "url", text: endpoint.url })), statusBadge(endpoint)),
    head,
    el("div", { class: "actions" },
      el("button", { type: "button", class: "button", text: "Edit endpoint", onclick: edit }),
      toggle,
      confirming("Delete endpoint", "Confirm delete", "Delete endpoint " + endpoint.url, async () => {
        await api.delete("/endpoint" + seg(endpoint.id));
        notify("The endpoint was deleted.");
        changed(null);
      })));
  return loadStats;
}

/** The signing secret: hidden until revealed; rotation keeps the old one signing for a while. */
export function renderSecret(container, api, endpoint) {
  const value = el("code", { id: "endpoint-secret", class: "secret", text: "••••••••••••••••" });
  let shown = false;
  const reveal = el("button", { type: "button", class: "button", text: "Reveal secret" });
  const fetchSecret = async () => (await api.get("/endpoint" + seg(endpoint.id) + "/secret")).key;
  reveal.addEventListener("click", () => busy(reveal, async () => {
    shown = !shown;
    value.textContent = shown ? await fetchSecret() : "••••••••••••••••";
    reveal.textContent = shown ? "Hide secret" : "Reveal secret";
  }));
  const rotate = confirming("Rotate secret", "Confirm rotation", "Rotate secret", async () => {
    await api.post("/endpoint" + seg(endpoint.id) + "/secret/rotate", {});
    if (shown) value.textContent = await fetchSecret();
    notify("The secret was rotated. For a while, deliveries are signed with both the new and the previous secret.");
  });
  replace(container,
    el("h3", { text: "Signing secret" }),
    el("p", { class: "muted", text: "Verify each delivery's signature with this secret." }),
    el("p", {}, value),
    el("div", { class: "actions" }, reveal, rotate));
}

/** Sends an example of a chosen event type to this endpoint; `sent()` runs afterwards. */
export function renderExample(container, api, endpoint, catalog, sent) {
  const allowed = endpoint.eventTypes && endpoint.eventTypes.length
    ? catalog.filter((type) => endpoint.eventTypes.includes(type.name)) : catalog;
  if (!allowed.length) {
    replace(container, el("h3", { text: "Send an example event" }),
      el("p", { class: "muted", text: "No event type in the catalog matches this endpoint." }));
    return;
  }
  const select = el("select", { id: "example-type" },
    allowed.map((type) => el("option", { value: type.name, text: type.name })));
  const button = el("button", { type: "submit", class: "button", text: "Send example event" });
  const form = el("form", { class: "inline", "aria-label": "Send an example event" },
    el("label", { for: "example-type", text: "Event type" }), select, button);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(button, async () => {
      const eventType = select.value;
      try {
        await api.post("/endpoint" + seg(endpoint.id) + "/send-example", { eventType });
        notify("An example " + eventType + " event is on its way to this endpoint.");
      } catch (error) {
        // Servers without Svix's send-example route: publish the example as a message, which
        // every endpoint subscribed to the type receives.
        if (![404, 405, 501].includes(error.status)) throw error;
        const type = catalog.find((candidate) => candidate.name === eventType);
        await api.post("/msg", { eventType, payload: examplePayload(type) });
        notify("An example " + eventType + " event was sent to every endpoint subscribed to it.");
      }
      sent();
    });
  });
  replace(container, el("h3", { text: "Send an example event" }),
    el("p", { class: "muted", text: "A payload built from the event type's schema." }), form);
}
