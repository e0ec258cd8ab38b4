// The customer portal: one application's endpoints, event types and deliveries, through the
// Svix-compatible API with the application-scoped token from the portal link.

import { Api, credentials, seg } from "./api.js";
import { el, replace, notify, describe } from "./dom.js";
import { loadCatalog, renderCatalog } from "./catalog.js";
import { renderList, endpointForm, renderEndpoint, renderSecret, renderExample } from "./endpoints.js";
import { renderDeliveries } from "./deliveries.js";

const POLL_MS = 4000;
const $ = (id) => document.getElementById(id);
const state = { api: null, catalog: [], catalogError: null, endpoints: [], poll: null };

/** Shows one of the views and marks its navigation button as current. */
function show(view) {
  for (const section of document.querySelectorAll("[data-view]")) section.hidden = section.dataset.view !== view;
  for (const button of document.querySelectorAll("[data-nav]")) {
    if (button.dataset.nav === view || (view === "endpoint" && button.dataset.nav === "endpoints")) {
      button.setAttribute("aria-current", "page");
    } else {
      button.removeAttribute("aria-current");
    }
  }
  if (state.poll && view !== "endpoint") {
    clearInterval(state.poll);
    state.poll = null;
  }
}

async function showEndpoints(focusAdd) {
  show("endpoints");
  replace($("endpoint-form"));
  try {
    state.endpoints = await state.api.all("/endpoint");
    renderList($("endpoint-list"), state.endpoints, openEndpoint);
  } catch (error) {
    replace($("endpoint-list"), el("p", { class: "error", text: "The endpoints could not be loaded: " + describe(error) }));
  }
  if (focusAdd) $("add-endpoint").focus();
}

function addEndpoint() {
  const form = endpointForm(state.api, state.catalog, null, (saved) => {
    notify("Endpoint created: " + saved.url);
    openEndpoint(saved);
  }, () => {
    replace($("endpoint-form"));
    $("add-endpoint").focus();
  });
  replace($("endpoint-form"), form);
}

/** The endpoint's page: head and actions, secret, example event, deliveries. */
function openEndpoint(endpoint) {
  show("endpoint");
  const head = $("endpoint-head");
  const edit = () => {
    const form = endpointForm(state.api, state.catalog, endpoint, (saved) => {
      notify("Endpoint saved.");
      openEndpoint(saved);
    }, () => openEndpoint(endpoint));
    replace(head, form);
  };
  const reloadStats = renderEndpoint(head, state.api, endpoint, (changed) => {
    if (changed) openEndpoint(changed);
    else showEndpoints(true);
  }, edit);
  renderSecret($("endpoint-secret-section"), state.api, endpoint);
  const refresh = renderDeliveries($("endpoint-deliveries"), state.api, endpoint.id, reloadStats);
  renderExample($("endpoint-example"), state.api, endpoint, state.catalog, () => setTimeout(refresh, 500));
  if (state.poll) clearInterval(state.poll);
  state.poll = setInterval(() => { if (!document.hidden) refresh(); }, POLL_MS);
  $("endpoint-view-title").focus();
}

async function showCatalog() {
  show("catalog");
  renderCatalog($("catalog-list"), state.catalog, state.catalogError);
}

async function start() {
  const found = credentials();
  if (!found) {
    show("none");
    return;
  }
  state.api = new Api(found.app, found.token);
  $("app-id").textContent = found.app;
  $("nav").hidden = false;
  $("add-endpoint").addEventListener("click", addEndpoint);
  $("back-to-endpoints").addEventListener("click", () => showEndpoints(false));
  for (const button of document.querySelectorAll("[data-nav]")) {
    button.addEventListener("click", () => (button.dataset.nav === "catalog" ? showCatalog() : showEndpoints(false)));
  }
  try {
    const app = await state.api.get("/app" + seg(found.app), true);
    if (app && app.name) $("app-id").textContent = app.name;
  } catch (error) {
    if (error.status === 401) {
      show("none");
      notify(describe(error), "error");
      return;
    }
    // Reading the application is optional: the name is a courtesy.
  }
  try {
    state.catalog = await loadCatalog(state.api);
  } catch (error) {
    state.catalogError = error;
  }
  await showEndpoints(false);
  document.body.dataset.ready = "true";
}

// A new link opened in this tab changes only the fragment, which loads nothing: start over.
window.addEventListener("hashchange", () => {
  if (/(^#|&)token=/.test(location.hash)) location.reload();
});

start();
