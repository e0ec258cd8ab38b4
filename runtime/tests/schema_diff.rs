//! The change table of `hookwire::schema::diff`: for each kind of change, an old and a new
//! schema and the exact changes expected (kind, JSON pointer, who it breaks, level).

use hookwire::schema::diff::{Breaks, ChangeKind as K, Level, diff_schemas};
use serde_json::{Value, json};

use Breaks::{Both, Nobody, Receivers, Senders};

/// One row: a name, the old and new schema, and the changes expected.
struct Row {
    name: &'static str,
    old: Value,
    new: Value,
    expected: Vec<(K, &'static str, Breaks)>,
}

fn row(name: &'static str, old: Value, new: Value, expected: &[(K, &'static str, Breaks)]) -> Row {
    Row {
        name,
        old,
        new,
        expected: expected.to_vec(),
    }
}

/// An object with `properties` and `required`.
fn object(properties: Value, required: &[&str]) -> Value {
    json!({"type": "object", "properties": properties, "required": required})
}

/// An object with one property `p` holding `schema`, required.
fn prop(schema: Value) -> Value {
    object(json!({"p": schema}), &["p"])
}

const P: &str = "/properties/p";

fn table() -> Vec<Row> {
    let s = || json!({"type": "string"});
    vec![
        // Identical and annotation-only.
        row("identical", prop(s()), prop(s()), &[]),
        row(
            "description only",
            prop(json!({"type": "string", "description": "a"})),
            prop(json!({"type": "string", "description": "b", "examples": ["x"]})),
            &[],
        ),
        // Properties.
        row(
            "required property removed",
            object(json!({"a": s(), "b": {"type": "integer"}}), &["a", "b"]),
            object(json!({"a": s()}), &["a"]),
            &[(K::PropertyRemoved, "/properties/b", Receivers)],
        ),
        row(
            "optional property removed",
            object(json!({"a": s(), "b": {"type": "integer"}}), &["a"]),
            object(json!({"a": s()}), &["a"]),
            &[(K::PropertyRemoved, "/properties/b", Receivers)],
        ),
        row(
            "property removed from a closed object",
            json!({"type": "object", "properties": {"a": s(), "b": {"type": "integer"}}, "additionalProperties": false}),
            json!({"type": "object", "properties": {"a": s()}, "additionalProperties": false}),
            &[(K::PropertyRemoved, "/properties/b", Both)],
        ),
        row(
            "property renamed",
            object(json!({"email": {"type": "string", "format": "email"}}), &[]),
            object(
                json!({"email_address": {"type": "string", "format": "email"}}),
                &[],
            ),
            &[(K::PropertyRenamed, "/properties/email", Receivers)],
        ),
        row(
            "required property renamed",
            object(
                json!({"email": {"type": "string", "format": "email"}}),
                &["email"],
            ),
            object(
                json!({"mail": {"type": "string", "format": "email"}}),
                &["mail"],
            ),
            &[(K::PropertyRenamed, "/properties/email", Both)],
        ),
        row(
            "optional property added",
            object(json!({"a": s()}), &["a"]),
            object(json!({"a": s(), "b": s()}), &["a"]),
            &[(K::PropertyAddedOptional, "/properties/b", Nobody)],
        ),
        row(
            "optional property added to a closed object",
            json!({"type": "object", "properties": {"a": s()}, "additionalProperties": false}),
            json!({"type": "object", "properties": {"a": s(), "b": s()}, "additionalProperties": false}),
            &[(K::PropertyAddedOptional, "/properties/b", Receivers)],
        ),
        row(
            "required property added",
            object(json!({"a": s()}), &["a"]),
            object(json!({"a": s(), "b": {"type": "integer"}}), &["a", "b"]),
            &[(K::PropertyAddedRequired, "/properties/b", Senders)],
        ),
        row(
            "property made optional",
            object(json!({"a": s()}), &["a"]),
            object(json!({"a": s()}), &[]),
            &[(K::RequiredRemoved, "/properties/a", Receivers)],
        ),
        row(
            "property made required",
            object(json!({"a": s()}), &[]),
            object(json!({"a": s()}), &["a"]),
            &[(K::RequiredAdded, "/properties/a", Senders)],
        ),
        row(
            "undeclared name made required",
            json!({"type": "object"}),
            json!({"type": "object", "required": ["id"]}),
            &[(K::RequiredAdded, "", Senders)],
        ),
        row(
            "object closed",
            json!({"type": "object", "properties": {"a": s()}}),
            json!({"type": "object", "properties": {"a": s()}, "additionalProperties": false}),
            &[(
                K::AdditionalPropertiesClosed,
                "/additionalProperties",
                Senders,
            )],
        ),
        row(
            "object opened",
            json!({"type": "object", "properties": {"a": s()}, "unevaluatedProperties": false}),
            json!({"type": "object", "properties": {"a": s()}}),
            &[(
                K::AdditionalPropertiesOpened,
                "/additionalProperties",
                Receivers,
            )],
        ),
        row(
            "map values narrowed",
            json!({"type": "object", "additionalProperties": {"type": "number"}}),
            json!({"type": "object", "additionalProperties": {"type": "integer"}}),
            &[(K::TypeNarrowed, "/additionalProperties", Senders)],
        ),
        row(
            "map values constrained",
            json!({"type": "object"}),
            json!({"type": "object", "additionalProperties": {"type": "string"}}),
            &[(K::TypeNarrowed, "/additionalProperties", Senders)],
        ),
        // Types.
        row(
            "integer to number",
            prop(json!({"type": "integer"})),
            prop(json!({"type": "number"})),
            &[(K::TypeWidened, P, Receivers)],
        ),
        row(
            "number to integer",
            prop(json!({"type": "number"})),
            prop(json!({"type": "integer"})),
            &[(K::TypeNarrowed, P, Senders)],
        ),
        row(
            "string to integer",
            prop(s()),
            prop(json!({"type": "integer"})),
            &[(K::TypeChanged, P, Both)],
        ),
        row(
            "second type added",
            prop(s()),
            prop(json!({"type": ["string", "integer"]})),
            &[(K::TypeWidened, P, Receivers)],
        ),
        row(
            "any type constrained",
            prop(json!({})),
            prop(s()),
            &[(K::TypeNarrowed, P, Senders)],
        ),
        row(
            "constraint dropped entirely",
            prop(s()),
            prop(json!({"description": "anything"})),
            &[(K::SchemaAcceptsAll, P, Receivers)],
        ),
        row(
            "schema false",
            prop(s()),
            prop(json!(false)),
            &[(K::SchemaRejectsAll, P, Senders)],
        ),
        // Nullable forms.
        row(
            "null added with a type array",
            prop(s()),
            prop(json!({"type": ["string", "null"]})),
            &[(K::NullableAdded, P, Receivers)],
        ),
        row(
            "null removed from a type array",
            prop(json!({"type": ["string", "null"]})),
            prop(s()),
            &[(K::NullableRemoved, P, Senders)],
        ),
        row(
            "OpenAPI 3.0 nullable added",
            prop(s()),
            prop(json!({"type": "string", "nullable": true})),
            &[(K::NullableAdded, P, Receivers)],
        ),
        row(
            "anyOf with null is the same as a type array",
            prop(json!({"type": ["object", "null"], "properties": {"a": s()}})),
            json!({
                "type": "object", "required": ["p"],
                "properties": {"p": {"anyOf": [{"$ref": "#/$defs/A"}, {"type": "null"}]}},
                "$defs": {"A": {"type": "object", "properties": {"a": s()}}}
            }),
            &[],
        ),
        // Enums and constants.
        row(
            "enum value added",
            prop(json!({"type": "string", "enum": ["a", "b"]})),
            prop(json!({"type": "string", "enum": ["a", "b", "c"]})),
            &[(K::EnumValueAdded, P, Receivers)],
        ),
        row(
            "enum value removed",
            prop(json!({"type": "string", "enum": ["a", "b"]})),
            prop(json!({"type": "string", "enum": ["a"]})),
            &[(K::EnumValueRemoved, P, Senders)],
        ),
        row(
            "oneOf of documented constants gains a value",
            prop(json!({"oneOf": [{"const": "a", "description": "A"}, {"const": "b"}]})),
            prop(
                json!({"oneOf": [{"const": "a"}, {"const": "b"}, {"const": "c", "description": "C"}]}),
            ),
            &[(K::EnumValueAdded, P, Receivers)],
        ),
        row(
            "enum written as oneOf of constants: no change",
            prop(json!({"type": "string", "enum": ["a", "b"]})),
            prop(json!({"type": "string", "oneOf": [{"const": "a"}, {"const": "b"}]})),
            &[],
        ),
        row(
            "enum constraint added",
            prop(s()),
            prop(json!({"type": "string", "enum": ["a"]})),
            &[(K::EnumAdded, P, Senders)],
        ),
        row(
            "enum constraint removed",
            prop(json!({"type": "string", "enum": ["a"]})),
            prop(s()),
            &[(K::EnumRemoved, P, Receivers)],
        ),
        row(
            "const changed",
            prop(json!({"const": "order.created"})),
            prop(json!({"const": "order.placed"})),
            &[(K::ConstChanged, P, Both)],
        ),
        // Bounds.
        row(
            "minimum raised",
            prop(json!({"type": "integer", "minimum": 0})),
            prop(json!({"type": "integer", "minimum": 1})),
            &[(K::MinimumTightened, P, Senders)],
        ),
        row(
            "minimum made exclusive (2020-12 form)",
            prop(json!({"type": "integer", "minimum": 0})),
            prop(json!({"type": "integer", "exclusiveMinimum": 0})),
            &[(K::MinimumTightened, P, Senders)],
        ),
        row(
            "minimum made exclusive (OpenAPI 3.0 form) equals 2020-12",
            prop(json!({"type": "integer", "exclusiveMinimum": 0})),
            prop(json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true})),
            &[],
        ),
        row(
            "minimum removed",
            prop(json!({"type": "integer", "minimum": 0})),
            prop(json!({"type": "integer"})),
            &[(K::MinimumLoosened, P, Receivers)],
        ),
        row(
            "maximum lowered",
            prop(json!({"type": "integer", "maximum": 100})),
            prop(json!({"type": "integer", "maximum": 10})),
            &[(K::MaximumTightened, P, Senders)],
        ),
        row(
            "maximum raised (u32 to u64)",
            prop(
                json!({"type": "integer", "format": "uint32", "minimum": 0, "maximum": 4294967295u32}),
            ),
            prop(
                json!({"type": "integer", "format": "uint64", "minimum": 0, "maximum": 18446744073709551615u64}),
            ),
            &[
                (K::MaximumLoosened, P, Receivers),
                (K::FormatWidened, P, Receivers),
            ],
        ),
        row(
            "format narrowed",
            prop(json!({"type": "integer", "format": "int64"})),
            prop(json!({"type": "integer", "format": "int32"})),
            &[(K::FormatNarrowed, P, Senders)],
        ),
        row(
            "minLength added",
            prop(s()),
            prop(json!({"type": "string", "minLength": 1})),
            &[(K::MinLengthTightened, P, Senders)],
        ),
        row(
            "minLength lowered",
            prop(json!({"type": "string", "minLength": 2})),
            prop(json!({"type": "string", "minLength": 1})),
            &[(K::MinLengthLoosened, P, Receivers)],
        ),
        row(
            "maxLength lowered",
            prop(json!({"type": "string", "maxLength": 64})),
            prop(json!({"type": "string", "maxLength": 32})),
            &[(K::MaxLengthTightened, P, Senders)],
        ),
        row(
            "maxLength removed",
            prop(json!({"type": "string", "maxLength": 64})),
            prop(s()),
            &[(K::MaxLengthLoosened, P, Receivers)],
        ),
        row(
            "minItems added",
            prop(json!({"type": "array"})),
            prop(json!({"type": "array", "minItems": 1})),
            &[(K::MinItemsTightened, P, Senders)],
        ),
        row(
            "minItems removed",
            prop(json!({"type": "array", "minItems": 1})),
            prop(json!({"type": "array"})),
            &[(K::MinItemsLoosened, P, Receivers)],
        ),
        row(
            "maxItems lowered",
            prop(json!({"type": "array", "maxItems": 10})),
            prop(json!({"type": "array", "maxItems": 5})),
            &[(K::MaxItemsTightened, P, Senders)],
        ),
        row(
            "maxItems raised",
            prop(json!({"type": "array", "maxItems": 5})),
            prop(json!({"type": "array", "maxItems": 10})),
            &[(K::MaxItemsLoosened, P, Receivers)],
        ),
        row(
            "minProperties added",
            prop(json!({"type": "object"})),
            prop(json!({"type": "object", "minProperties": 1})),
            &[(K::MinPropertiesTightened, P, Senders)],
        ),
        row(
            "minProperties lowered",
            prop(json!({"type": "object", "minProperties": 2})),
            prop(json!({"type": "object", "minProperties": 1})),
            &[(K::MinPropertiesLoosened, P, Receivers)],
        ),
        row(
            "maxProperties added",
            prop(json!({"type": "object"})),
            prop(json!({"type": "object", "maxProperties": 3})),
            &[(K::MaxPropertiesTightened, P, Senders)],
        ),
        row(
            "maxProperties raised",
            prop(json!({"type": "object", "maxProperties": 3})),
            prop(json!({"type": "object", "maxProperties": 4})),
            &[(K::MaxPropertiesLoosened, P, Receivers)],
        ),
        row(
            "multipleOf to a multiple",
            prop(json!({"type": "number", "multipleOf": 0.01})),
            prop(json!({"type": "number", "multipleOf": 0.05})),
            &[(K::MultipleOfTightened, P, Senders)],
        ),
        row(
            "multipleOf to a divisor",
            prop(json!({"type": "integer", "multipleOf": 10})),
            prop(json!({"type": "integer", "multipleOf": 5})),
            &[(K::MultipleOfLoosened, P, Receivers)],
        ),
        row(
            "multipleOf to an unrelated step",
            prop(json!({"type": "integer", "multipleOf": 2})),
            prop(json!({"type": "integer", "multipleOf": 3})),
            &[(K::MultipleOfChanged, P, Both)],
        ),
        // Strings.
        row(
            "pattern added",
            prop(s()),
            prop(json!({"type": "string", "pattern": "^[A-Z]{3}$"})),
            &[(K::PatternAdded, P, Senders)],
        ),
        row(
            "pattern removed",
            prop(json!({"type": "string", "pattern": "^[A-Z]{3}$"})),
            prop(s()),
            &[(K::PatternRemoved, P, Receivers)],
        ),
        row(
            "pattern changed",
            prop(json!({"type": "string", "pattern": "^[A-Z]{3}$"})),
            prop(json!({"type": "string", "pattern": "^[a-z]{3}$"})),
            &[(K::PatternChanged, P, Both)],
        ),
        row(
            "format added",
            prop(s()),
            prop(json!({"type": "string", "format": "date-time"})),
            &[(K::FormatAdded, P, Senders)],
        ),
        row(
            "format removed",
            prop(json!({"type": "string", "format": "date-time"})),
            prop(s()),
            &[(K::FormatRemoved, P, Receivers)],
        ),
        row(
            "format changed",
            prop(json!({"type": "string", "format": "date-time"})),
            prop(json!({"type": "string", "format": "date"})),
            &[(K::FormatChanged, P, Both)],
        ),
        // Arrays.
        row(
            "items type changed",
            prop(json!({"type": "array", "items": s()})),
            prop(json!({"type": "array", "items": {"type": "integer"}})),
            &[(K::TypeChanged, "/properties/p/items", Both)],
        ),
        row(
            "items constrained",
            prop(json!({"type": "array"})),
            prop(json!({"type": "array", "items": s()})),
            &[(K::ItemsAdded, "/properties/p/items", Senders)],
        ),
        row(
            "items unconstrained",
            prop(json!({"type": "array", "items": s()})),
            prop(json!({"type": "array"})),
            &[(K::ItemsRemoved, "/properties/p/items", Receivers)],
        ),
        row(
            "uniqueItems added",
            prop(json!({"type": "array"})),
            prop(json!({"type": "array", "uniqueItems": true})),
            &[(K::UniqueItemsAdded, P, Senders)],
        ),
        row(
            "uniqueItems removed",
            prop(json!({"type": "array", "uniqueItems": true})),
            prop(json!({"type": "array"})),
            &[(K::UniqueItemsRemoved, P, Receivers)],
        ),
        row(
            "property of an array element removed",
            prop(
                json!({"type": "array", "items": object(json!({"a": s(), "b": s()}), &["a", "b"])}),
            ),
            prop(json!({"type": "array", "items": object(json!({"a": s()}), &["a"])})),
            &[(
                K::PropertyRemoved,
                "/properties/p/items/properties/b",
                Receivers,
            )],
        ),
        // $ref and allOf.
        row(
            "inlined into $defs: no change",
            prop(object(json!({"a": s()}), &["a"])),
            json!({
                "type": "object", "required": ["p"],
                "properties": {"p": {"$ref": "#/$defs/P", "description": "moved"}},
                "$defs": {"P": object(json!({"a": s()}), &["a"])}
            }),
            &[],
        ),
        row(
            "change behind a $ref",
            json!({"type": "object", "properties": {"p": {"$ref": "#/$defs/P"}}, "$defs": {"P": object(json!({"a": s()}), &["a"])}}),
            json!({"type": "object", "properties": {"p": {"$ref": "#/$defs/P"}}, "$defs": {"P": object(json!({"a": s()}), &[])}}),
            &[(K::RequiredRemoved, "/properties/p/properties/a", Receivers)],
        ),
        row(
            "allOf merged like one object",
            object(json!({"a": s(), "b": s()}), &["a", "b"]),
            json!({"allOf": [object(json!({"a": s()}), &["a"]), object(json!({"b": s()}), &[])]}),
            &[(K::RequiredRemoved, "/properties/b", Receivers)],
        ),
        row(
            "OpenAPI 3.0 allOf wrapper around a $ref",
            json!({"type": "object", "properties": {"p": {"$ref": "#/components/schemas/P"}}, "components": {"schemas": {"P": s()}}}),
            json!({"type": "object", "properties": {"p": {"allOf": [{"$ref": "#/components/schemas/P"}], "description": "d"}}, "components": {"schemas": {"P": s()}}}),
            &[],
        ),
        row(
            "$ref to nowhere",
            prop(s()),
            prop(json!({"$ref": "#/$defs/Missing"})),
            &[(K::RefUnresolved, P, Both)],
        ),
        row(
            "recursive type: a change found once per level reached",
            json!({"$ref": "#/$defs/Node", "$defs": {"Node": {"type": "object", "properties": {"name": s(), "children": {"type": "array", "items": {"$ref": "#/$defs/Node"}}}}}}),
            json!({"$ref": "#/$defs/Node", "$defs": {"Node": {"type": "object", "properties": {"name": {"type": "integer"}, "children": {"type": "array", "items": {"$ref": "#/$defs/Node"}}}}}}),
            &[
                (
                    K::TypeChanged,
                    "/properties/children/items/properties/name",
                    Both,
                ),
                (K::TypeChanged, "/properties/name", Both),
            ],
        ),
        // oneOf / anyOf variants.
        row(
            "tagged variant added",
            prop(json!({"oneOf": [
                object(json!({"kind": {"const": "card"}, "last4": s()}), &["kind"]),
                object(json!({"kind": {"const": "bank"}}), &["kind"]),
            ]})),
            prop(json!({"oneOf": [
                object(json!({"kind": {"const": "card"}, "last4": s()}), &["kind"]),
                object(json!({"kind": {"const": "bank"}}), &["kind"]),
                object(json!({"kind": {"const": "wallet"}}), &["kind"]),
            ]})),
            &[(K::VariantAdded, "/properties/p/oneOf/2", Receivers)],
        ),
        row(
            "union of two tagged variants became one of them, changed",
            prop(json!({"oneOf": [
                object(json!({"kind": {"const": "card"}, "last4": s()}), &["kind", "last4"]),
                object(json!({"kind": {"const": "bank"}}), &["kind"]),
            ]})),
            prop(json!({"oneOf": [
                object(json!({"kind": {"const": "card"}, "last4": s()}), &["kind"]),
            ]})),
            &[
                (K::VariantRemoved, "/properties/p/oneOf/1", Senders),
                (
                    K::RequiredRemoved,
                    "/properties/p/properties/last4",
                    Receivers,
                ),
            ],
        ),
        row(
            "variant removed from a union of $refs",
            json!({"anyOf": [{"$ref": "#/$defs/A"}, {"$ref": "#/$defs/B"}, {"$ref": "#/$defs/C"}], "$defs": {
                "A": object(json!({"a": s()}), &["a"]), "B": object(json!({"b": s()}), &["b"]), "C": object(json!({"c": s()}), &["c"])
            }}),
            json!({"anyOf": [{"$ref": "#/$defs/C"}, {"$ref": "#/$defs/A"}], "$defs": {
                "A": object(json!({"a": s()}), &["a"]), "C": object(json!({"c": s()}), &["c"])
            }}),
            &[(K::VariantRemoved, "/anyOf/1", Senders)],
        ),
        row(
            "union of bare types loses one",
            prop(json!({"oneOf": [{"type": "string"}, {"type": "integer"}, {"type": "boolean"}]})),
            prop(json!({"oneOf": [{"type": "boolean"}, {"type": "string"}]})),
            &[(K::TypeNarrowed, P, Senders)],
        ),
        row(
            "anyOf of bare types is a type array",
            prop(json!({"anyOf": [{"type": "string"}, {"type": "integer"}]})),
            prop(json!({"type": ["integer", "string"]})),
            &[],
        ),
        row(
            "object became a union",
            prop(object(json!({"a": s()}), &[])),
            prop(
                json!({"oneOf": [object(json!({"a": s()}), &[]), {"type": "array", "items": s()}]}),
            ),
            &[(K::VariantAdded, "/properties/p/oneOf/1", Receivers)],
        ),
        // Other keywords and annotations.
        row(
            "uninterpreted keyword changed",
            prop(json!({"type": "object", "patternProperties": {"^x": s()}})),
            prop(json!({"type": "object", "patternProperties": {"^y": s()}})),
            &[(K::KeywordChanged, P, Both)],
        ),
        row(
            "deprecated",
            prop(s()),
            prop(json!({"type": "string", "deprecated": true})),
            &[(K::DeprecatedAdded, P, Nobody)],
        ),
        row(
            "property name with a slash is escaped",
            object(json!({"a/b": s()}), &["a/b"]),
            object(json!({"a/b": s()}), &[]),
            &[(K::RequiredRemoved, "/properties/a~1b", Receivers)],
        ),
    ]
}

#[test]
fn every_row_gives_exactly_its_changes() {
    let table = table();
    let mut failures = Vec::new();
    for row in &table {
        let changes = diff_schemas(&row.old, &row.new);
        let got: Vec<(K, &str, Breaks)> = changes
            .iter()
            .map(|c| (c.kind, c.pointer.as_str(), c.breaks))
            .collect();
        if got != row.expected {
            let details: Vec<String> = changes.iter().map(ToString::to_string).collect();
            failures.push(format!(
                "{}:\n  expected {:?}\n  got      {:?}\n  {}",
                row.name,
                row.expected,
                got,
                details.join("\n  ")
            ));
        }
        for change in &changes {
            let level = match (change.breaks, change.kind) {
                (Nobody, _) => Level::Info,
                // A plain schema that became a union widened its type: breaking.
                (_, K::VariantAdded) if row.name == "object became a union" => Level::Breaking,
                (_, K::EnumValueAdded | K::VariantAdded) => Level::Warning,
                _ => Level::Breaking,
            };
            assert_eq!(change.level, level, "{}: {change}", row.name);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} rows differ:\n{}",
        failures.len(),
        table.len(),
        failures.join("\n")
    );
}

#[test]
fn the_table_covers_at_least_forty_kinds() {
    let mut kinds: Vec<K> = table()
        .iter()
        .flat_map(|row| row.expected.iter().map(|e| e.0))
        .collect();
    kinds.sort_by_key(|kind| kind.name());
    kinds.dedup();
    assert!(kinds.len() >= 40, "{} kinds: {:?}", kinds.len(), kinds);
    let missing: Vec<&str> = K::ALL
        .iter()
        .filter(|kind| !kinds.contains(kind) && !matches!(kind, K::EventAdded | K::EventRemoved))
        .map(|kind| kind.name())
        .collect();
    assert!(missing.is_empty(), "kinds with no row: {missing:?}");
}

#[test]
fn reversing_a_change_swaps_who_it_breaks() {
    for row in table() {
        let forward = diff_schemas(&row.old, &row.new);
        let backward = diff_schemas(&row.new, &row.old);
        let who = |changes: &[hookwire::schema::diff::Change]| {
            changes
                .iter()
                .fold(Nobody, |all, change| all.or(change.breaks))
        };
        let swapped = match who(&forward) {
            Receivers => Senders,
            Senders => Receivers,
            other => other,
        };
        if matches!(
            row.name,
            "schema false" | "constraint dropped entirely" | "$ref to nowhere"
        ) || row.name.contains("closed object")
            || row.name.contains("renamed")
            || row.name.contains("optional property removed")
            || row.name.contains("became a union")
            || row.name.contains("deprecated")
            || row.name.contains("optional property added")
        {
            continue;
        }
        assert_eq!(who(&backward), swapped, "{}", row.name);
    }
}

#[test]
fn export_check_in_compatible_mode_fails_only_on_breaking_changes() {
    use hookwire::schema::{CheckMode, Export};
    let dir =
        std::env::temp_dir().join(format!("hookwire-check-compatible-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let v1 = object(
        json!({"id": {"type": "string"}, "status": {"enum": ["a", "b"]}}),
        &["id", "status"],
    );
    Export::default()
        .with_file("events/thing.json", &v1)
        .write_to(&dir)
        .unwrap();

    // Compatible: an optional field and an enum value (a warning) pass; the exact check fails.
    let v2 = object(
        json!({"id": {"type": "string"}, "status": {"enum": ["a", "b", "c"]}, "note": {"type": "string"}}),
        &["id", "status"],
    );
    let compatible = Export::default().with_file("events/thing.json", &v2);
    assert_eq!(compatible.check_with(&dir, CheckMode::Compatible), Ok(()));
    assert_eq!(
        compatible
            .check_with(&dir, CheckMode::Exact)
            .unwrap_err()
            .changed,
        ["events/thing.json"]
    );

    // Breaking: `id` made optional and an event type removed; both named.
    let v3 = object(
        json!({"id": {"type": "string"}, "status": {"enum": ["a", "b"]}}),
        &["status"],
    );
    let breaking = Export::default().with_file("events/other.json", &v3);
    let drift = breaking
        .check_with(&dir, CheckMode::Compatible)
        .unwrap_err();
    let kinds: Vec<K> = drift.breaking.iter().map(|change| change.kind).collect();
    assert_eq!(kinds, [K::EventRemoved]);
    let breaking = Export::default().with_file("events/thing.json", &v3);
    let drift = breaking
        .check_with(&dir, CheckMode::Compatible)
        .unwrap_err();
    assert_eq!(drift.breaking.len(), 1);
    assert_eq!(
        drift.to_string(),
        "breaking thing#/properties/id required-removed (breaks receivers): `id` is no longer required\n"
    );
    assert!(drift.changed.is_empty() && drift.missing.is_empty() && drift.stale.is_empty());

    // Nothing committed: every file missing.
    let nowhere = dir.join("nowhere");
    assert_eq!(
        compatible
            .check_with(&nowhere, CheckMode::Compatible)
            .unwrap_err()
            .missing,
        ["events/thing.json"]
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn openapi_30_and_31_documents_of_one_schema_read_the_same() {
    use hookwire::schema::diff::{Catalog, diff};
    let body = |schema: Value| json!({"post": {"requestBody": {"content": {"application/json": {"schema": schema}}}}});
    let v31 = json!({
        "openapi": "3.1.0",
        "webhooks": {"thing": body(json!({"$ref": "#/components/schemas/Thing"}))},
        "components": {"schemas": {"Thing": {"type": "object", "properties": {
            "n": {"type": ["integer", "null"], "exclusiveMinimum": 0}
        }}}}
    });
    let v30 = json!({
        "openapi": "3.0.3",
        "x-webhooks": {"thing": body(json!({"$ref": "#/components/schemas/Thing"}))},
        "components": {"schemas": {"Thing": {"type": "object", "properties": {
            "n": {"type": "integer", "nullable": true, "minimum": 0, "exclusiveMinimum": true}
        }}}}
    });
    let asyncapi = json!({
        "asyncapi": "3.0.0",
        "channels": {"c": {"messages": {"thing": {"$ref": "#/components/messages/thing"}}}},
        "components": {
            "messages": {"thing": {"name": "thing", "payload": {"$ref": "#/components/schemas/Thing"}}},
            "schemas": {"Thing": {"type": "object", "properties": {
                "n": {"anyOf": [{"type": "integer", "exclusiveMinimum": 0}, {"type": "null"}]}
            }}}
        }
    });
    let v31 = Catalog::from_document(v31).unwrap();
    for other in [v30, asyncapi] {
        let report = diff(&v31, &Catalog::from_document(other).unwrap());
        assert_eq!(report.changes, [], "{report}");
    }
}

#[test]
fn a_very_deep_chain_of_definitions_neither_overflows_nor_panics() {
    let chain = |leaf: &str| {
        let mut defs = serde_json::Map::new();
        for level in 0..5_000 {
            let next = json!({"$ref": format!("#/$defs/D{}", level + 1)});
            defs.insert(format!("D{level}"), object(json!({"next": next}), &[]));
        }
        defs.insert("D5000".into(), json!({"type": leaf}));
        json!({"$ref": "#/$defs/D0", "$defs": defs})
    };
    // The change is beyond the depth compared: no change, and no stack overflow.
    assert_eq!(diff_schemas(&chain("string"), &chain("integer")), []);
    let shallow = |leaf: &str| {
        object(
            json!({"next": object(json!({"next": {"type": leaf}}), &[])}),
            &[],
        )
    };
    assert_eq!(
        diff_schemas(&shallow("string"), &shallow("integer"))[0].kind,
        K::TypeChanged
    );
}

/// 40 definitions, each with two required properties referring to the next: 2^40 paths to
/// the last one. A pair of schemas without changes is compared once; one with changes is
/// compared again at a bounded number of other places.
#[test]
fn definitions_referred_to_twice_are_compared_a_bounded_number_of_times() {
    let doubling = |leaf: &str| {
        let mut defs = serde_json::Map::new();
        for level in 0..40 {
            let next = json!({"$ref": format!("#/$defs/D{}", level + 1)});
            defs.insert(
                format!("D{level}"),
                object(json!({"a": next, "b": next}), &["a", "b"]),
            );
        }
        defs.insert("D40".into(), json!({"type": leaf}));
        json!({"$ref": "#/$defs/D0", "$defs": defs})
    };
    assert_eq!(diff_schemas(&doubling("string"), &doubling("string")), []);
    let changes = diff_schemas(&doubling("string"), &doubling("integer"));
    // The first path reached, then at most 1000 more places.
    assert!((2..=1002).contains(&changes.len()), "{}", changes.len());
    assert!(changes.iter().all(|c| c.kind == K::TypeChanged));
    let first = format!("{}/properties/a", "/properties/a".repeat(39));
    assert_eq!(changes[0].pointer, first);
}
