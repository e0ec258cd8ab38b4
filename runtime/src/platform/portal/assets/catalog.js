// The event-type catalog: `GET /api/v1/event-type?with_content=true`, each type with its
// description, JSON Schema and an example payload (the schema's own `examples`, else one
// generated from the schema).

import { el, replace, json, describe } from "./dom.js";

/** Loads every event type (archived ones left out). */
export async function loadCatalog(api) {
  return api.all("/event-type?with_content=true", true);
}

/** The schema of the newest version in Svix's `schemas: {"1": {...}, "2": {...}}`. */
export function latestSchema(type) {
  const schemas = type && type.schemas;
  if (!schemas || typeof schemas !== "object") return null;
  const versions = Object.keys(schemas).sort((a, b) => (Number(a) || 0) - (Number(b) || 0));
  return versions.length ? schemas[versions[versions.length - 1]] : null;
}

/** An example payload for `type`: the schema's first example, else one built from it. */
export function examplePayload(type) {
  const schema = latestSchema(type);
  if (!schema) return {};
  const value = fromSchema(schema, schema, 0);
  return value === undefined ? {} : value;
}

function resolve(root, ref) {
  if (typeof ref !== "string" || !ref.startsWith("#/")) return null;
  let node = root;
  for (const part of ref.slice(2).split("/")) {
    const key = part.replace(/~1/g, "/").replace(/~0/g, "~");
    if (!node || typeof node !== "object" || !(key in node)) return null;
    node = node[key];
  }
  return node;
}

function stringFor(schema) {
  switch (schema.format) {
    case "date-time": return new Date().toISOString();
    case "date": return new Date().toISOString().slice(0, 10);
    case "email": return "someone@example.com";
    case "uri": case "url": return "https://example.com/";
    case "uuid": return "00000000-0000-4000-8000-000000000000";
    default: return schema.minLength > 6 ? "x".repeat(schema.minLength) : "string";
  }
}

/** A value that fits `schema` (best effort, bounded depth; `undefined` when nothing fits). */
function fromSchema(schema, root, depth) {
  if (schema === true || schema === undefined || schema === null) return null;
  if (typeof schema !== "object" || depth > 8) return undefined;
  if (Array.isArray(schema.examples) && schema.examples.length) return schema.examples[0];
  if ("example" in schema) return schema.example;
  if ("const" in schema) return schema.const;
  if ("default" in schema) return schema.default;
  if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum[0];
  if (schema.$ref) return fromSchema(resolve(root, schema.$ref), root, depth + 1);
  for (const key of ["oneOf", "anyOf"]) {
    if (Array.isArray(schema[key]) && schema[key].length) {
      const choice = schema[key].find((s) => s && s.type !== "null") || schema[key][0];
      return fromSchema(choice, root, depth + 1);
    }
  }
  if (Array.isArray(schema.allOf)) {
    const merged = {};
    for (const part of schema.allOf) {
      const value = fromSchema(part, root, depth + 1);
      if (value && typeof value === "object" && !Array.isArray(value)) Object.assign(merged, value);
    }
    if (!schema.type && !schema.properties) return merged;
    const own = fromSchema({ ...schema, allOf: undefined }, root, depth + 1);
    return own && typeof own === "object" ? { ...merged, ...own } : merged;
  }
  let type = schema.type;
  if (Array.isArray(type)) type = type.find((t) => t !== "null") || "null";
  if (!type) type = schema.properties ? "object" : schema.items ? "array" : undefined;
  switch (type) {
    case "object": {
      const out = {};
      for (const [name, property] of Object.entries(schema.properties || {})) {
        const value = fromSchema(property, root, depth + 1);
        if (value !== undefined) out[name] = value;
      }
      return out;
    }
    case "array": {
      const item = fromSchema(schema.items, root, depth + 1);
      return item === undefined ? [] : [item];
    }
    case "string": return stringFor(schema);
    case "integer": return typeof schema.minimum === "number" ? Math.ceil(schema.minimum) : 0;
    case "number": return typeof schema.minimum === "number" ? schema.minimum : 0;
    case "boolean": return false;
    case "null": return null;
    default: return undefined;
  }
}

/** The catalog view: one `<details>` per event type. */
export function renderCatalog(container, types, error) {
  if (error) {
    replace(container, el("p", { class: "error", text: "The event types could not be loaded: " + describe(error) }));
    return;
  }
  if (!types.length) {
    replace(container, el("p", { text: "No event types are published yet." }));
    return;
  }
  replace(container, el("ul", { class: "catalog" }, types.map((type) => {
    const schema = latestSchema(type);
    return el("li", { class: "card" },
      el("h3", {}, el("code", { text: type.name })),
      type.deprecated ? el("span", { class: "badge badge-warn", text: "deprecated" }) : null,
      el("p", { text: type.description || "No description." }),
      el("details", {},
        el("summary", { text: "Example payload" }),
        el("pre", { class: "code", tabindex: "0", text: json(examplePayload(type)) })),
      schema ? el("details", {},
        el("summary", { text: "JSON Schema" }),
        el("pre", { class: "code", tabindex: "0", text: json(schema) })) : null);
  })));
}
