// Small DOM helpers. Every piece of server data reaches the page through textContent or an
// attribute set with setAttribute: nothing the API returns is ever parsed as HTML.

/**
 * Creates an element. `attrs` keys are attribute names, except `text` (textContent), `on<event>`
 * (listeners) and boolean properties (`checked`, `disabled`, `hidden`, `open`, `required`).
 * Children are nodes or strings (added as text nodes); null and false are skipped.
 */
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "text") node.textContent = String(value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (["checked", "disabled", "hidden", "open", "required"].includes(key)) node[key] = Boolean(value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  append(node, children);
  return node;
}

/** Appends nodes or strings (as text) to `node`, skipping null, undefined and false. */
export function append(node, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Replaces the children of `node`. */
export function replace(node, ...children) {
  node.replaceChildren();
  return append(node, children);
}

/** A `<time>` showing `iso` in the reader's locale, the exact value in `datetime` and `title`. */
export function time(iso) {
  if (!iso) return el("span", { text: "—" });
  const date = new Date(iso);
  const shown = Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
  return el("time", { datetime: iso, title: iso, text: shown });
}

/** A `<dl>` of label/value pairs; values may be nodes or text. */
export function facts(pairs) {
  const list = el("dl", { class: "facts" });
  for (const [label, value] of pairs) {
    if (value === null || value === undefined || value === "") continue;
    list.append(el("dt", { text: label }), el("dd", {}, value));
  }
  return list;
}

const live = () => document.getElementById("notice");

/** Shows a message in the live region: `kind` is "ok" or "error" (announced assertively). */
export function notify(message, kind = "ok") {
  const region = live();
  region.className = "notice notice-" + kind;
  region.setAttribute("role", kind === "error" ? "alert" : "status");
  replace(region, el("span", { text: message }), el("button", {
    type: "button", class: "link", "aria-label": "Dismiss message", text: "×",
    onclick: () => { region.className = "notice"; region.replaceChildren(); },
  }));
}

/** Runs `action` with `button` disabled; shows what it throws. Returns the action's value. */
export async function busy(button, action) {
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  try {
    return await action();
  } catch (error) {
    notify(describe(error), "error");
    return undefined;
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}

/** A person-readable message for an error thrown by the API client or the browser. */
export function describe(error) {
  if (error && error.detail) return error.detail;
  return error && error.message ? error.message : String(error);
}

/** Pretty JSON text for a `<pre>`. */
export function json(value) {
  return JSON.stringify(value, null, 2);
}

/** Keeps focus on the element with the same `data-key` across a re-render of `container`. */
export function keepFocus(container, render) {
  const active = document.activeElement;
  const key = active && container.contains(active) ? active.getAttribute("data-key") : null;
  render();
  if (key) {
    const again = container.querySelector(`[data-key="${CSS.escape(key)}"]`);
    if (again) again.focus();
  }
}
