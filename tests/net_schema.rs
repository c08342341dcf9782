//! The JSON Schema of the net format (`schemas/net.schema.json`, printed by
//! `sesphr schema`): every net of the repository validates against it, and
//! broken nets that the loader refuses for their shape do not.
//!
//! The schema is checked by a small validator for the draft-07 keywords the
//! schema uses (below, itself tested); an unsupported keyword fails the test,
//! so the schema cannot silently grow beyond what is checked.

use std::path::{Path, PathBuf};
use std::process::Command;

use regex::Regex;
use saphyr::{LoadableYamlNode, Scalar, Yaml};
use serde_json::{Map, Value, json};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn schema() -> Value {
    let text = std::fs::read_to_string(root().join("schemas/net.schema.json")).unwrap();
    serde_json::from_str(&text).expect("the schema is JSON")
}

/// The first document of a YAML text as JSON (mapping keys as strings).
fn yaml_to_json(text: &str) -> Value {
    let docs = Yaml::load_from_str(text).expect("YAML");
    docs.first().map_or(Value::Null, convert)
}

fn convert(node: &Yaml) -> Value {
    match node {
        Yaml::Value(Scalar::Null) => Value::Null,
        Yaml::Value(Scalar::Boolean(b)) => json!(b),
        Yaml::Value(Scalar::Integer(i)) => json!(i),
        Yaml::Value(Scalar::FloatingPoint(f)) => json!(f.into_inner()),
        Yaml::Value(Scalar::String(s)) => json!(s.as_ref()),
        Yaml::Representation(s, _, _) => json!(s.as_ref()),
        Yaml::Sequence(items) => Value::Array(items.iter().map(convert).collect()),
        Yaml::Mapping(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                let key = match convert(k) {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                out.insert(key, convert(v));
            }
            Value::Object(out)
        }
        other => panic!("unexpected YAML node {other:?}"),
    }
}

/// Validation errors of `value` against `schema` (draft-07 subset), with
/// `root` for `#/definitions/...` references.
fn validate(root: &Value, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
    let Some(keywords) = schema.as_object() else {
        panic!("a schema is an object at {at}: {schema}");
    };
    for (keyword, arg) in keywords {
        let fail = |errors: &mut Vec<String>, what: String| errors.push(format!("{at}: {what}"));
        match keyword.as_str() {
            "$schema" | "title" | "description" | "definitions" => {}
            "$ref" => {
                let name = arg
                    .as_str()
                    .and_then(|r| r.strip_prefix("#/definitions/"))
                    .expect("local references only");
                validate(root, &root["definitions"][name], value, at, errors);
            }
            "type" => {
                let types: Vec<&str> = match arg {
                    Value::String(t) => vec![t.as_str()],
                    Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
                    _ => panic!("bad type {arg}"),
                };
                let ok = types.iter().any(|t| match *t {
                    "null" => value.is_null(),
                    "boolean" => value.is_boolean(),
                    "integer" => value.is_i64() || value.is_u64(),
                    "number" => value.is_number(),
                    "string" => value.is_string(),
                    "array" => value.is_array(),
                    "object" => value.is_object(),
                    other => panic!("unknown type {other}"),
                });
                if !ok {
                    fail(errors, format!("{value} is not of type {arg}"));
                }
            }
            "const" => {
                if value != arg {
                    fail(errors, format!("{value} is not {arg}"));
                }
            }
            "pattern" => {
                if let Some(s) = value.as_str() {
                    let re = Regex::new(arg.as_str().unwrap()).unwrap();
                    if !re.is_match(s) {
                        fail(errors, format!("`{s}` does not match {arg}"));
                    }
                }
            }
            "properties"
            | "additionalProperties"
            | "propertyNames"
            | "required"
            | "minProperties"
            | "maxProperties" => {
                if let Some(map) = value.as_object() {
                    object_keyword(root, keywords, keyword, arg, map, at, errors);
                }
            }
            "items" => {
                if let Some(items) = value.as_array() {
                    for (i, item) in items.iter().enumerate() {
                        validate(root, arg, item, &format!("{at}[{i}]"), errors);
                    }
                }
            }
            "minItems" | "maxItems" => {
                if let Some(items) = value.as_array() {
                    let n = arg.as_u64().unwrap() as usize;
                    let ok = if keyword == "minItems" {
                        items.len() >= n
                    } else {
                        items.len() <= n
                    };
                    if !ok {
                        fail(errors, format!("{} items, {keyword} {n}", items.len()));
                    }
                }
            }
            "anyOf" | "oneOf" => {
                let matching = arg
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|branch| {
                        let mut sub = Vec::new();
                        validate(root, branch, value, at, &mut sub);
                        sub.is_empty()
                    })
                    .count();
                let ok = if keyword == "anyOf" {
                    matching >= 1
                } else {
                    matching == 1
                };
                if !ok {
                    fail(
                        errors,
                        format!("{matching} branches of {keyword} match {value}"),
                    );
                }
            }
            other => panic!("keyword `{other}` is not supported by this test's validator"),
        }
    }
}

fn object_keyword(
    root: &Value,
    keywords: &Map<String, Value>,
    keyword: &str,
    arg: &Value,
    map: &Map<String, Value>,
    at: &str,
    errors: &mut Vec<String>,
) {
    let declared = keywords.get("properties").and_then(Value::as_object);
    match keyword {
        "properties" => {
            for (name, sub) in arg.as_object().unwrap() {
                if let Some(v) = map.get(name) {
                    validate(root, sub, v, &format!("{at}.{name}"), errors);
                }
            }
        }
        "additionalProperties" => {
            for (name, v) in map {
                if declared.is_some_and(|d| d.contains_key(name)) {
                    continue;
                }
                match arg {
                    Value::Bool(false) => errors.push(format!("{at}: unexpected key `{name}`")),
                    Value::Bool(true) => {}
                    sub => validate(root, sub, v, &format!("{at}.{name}"), errors),
                }
            }
        }
        "propertyNames" => {
            for name in map.keys() {
                validate(root, arg, &json!(name), &format!("{at} key {name}"), errors);
            }
        }
        "required" => {
            for name in arg.as_array().unwrap() {
                if !map.contains_key(name.as_str().unwrap()) {
                    errors.push(format!("{at}: missing `{}`", name.as_str().unwrap()));
                }
            }
        }
        "minProperties" | "maxProperties" => {
            let n = arg.as_u64().unwrap() as usize;
            let ok = if keyword == "minProperties" {
                map.len() >= n
            } else {
                map.len() <= n
            };
            if !ok {
                errors.push(format!("{at}: {} keys, {keyword} {n}", map.len()));
            }
        }
        _ => unreachable!(),
    }
}

fn errors_of(value: &Value) -> Vec<String> {
    let schema = schema();
    let mut errors = Vec::new();
    validate(&schema, &schema, value, "net", &mut errors);
    errors
}

/// The equivalent-mutants files next to a net are `sesphr mutate`'s input, not nets.
fn is_mutation_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with(".equivalent-mutants.yaml"))
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml") && !is_mutation_file(&path) {
            out.push(path);
        }
    }
}

#[test]
fn sesphr_schema_prints_the_committed_schema() {
    let out = Command::new(env!("CARGO_BIN_EXE_sesphr"))
        .arg("schema")
        .output()
        .unwrap();
    assert!(out.status.success());
    let printed: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(printed, schema());
    assert_eq!(
        printed["$schema"],
        json!("http://json-schema.org/draft-07/schema#")
    );
}

#[test]
fn every_net_of_the_repository_validates() {
    let mut files = Vec::new();
    yaml_files(&root().join("nets"), &mut files);
    files.sort();
    assert!(files.len() >= 30, "{} nets", files.len());
    for file in &files {
        let net = yaml_to_json(&std::fs::read_to_string(file).unwrap());
        let errors = errors_of(&net);
        assert!(errors.is_empty(), "{}: {errors:#?}", file.display());
    }
}

#[test]
fn bad_nets_refused_for_their_shape_do_not_validate() {
    for file in [
        "missing-places.yaml",
        "root-not-a-mapping.yaml",
        "unknown-top-level-key.yaml",
        "empty-file.yaml",
        "tuple-type-written-inline.yaml",
    ] {
        let text = std::fs::read_to_string(root().join("tests/bad_nets").join(file)).unwrap();
        assert!(
            !errors_of(&yaml_to_json(&text)).is_empty(),
            "{file} validates"
        );
    }
}

/// Broken variants of a small net: each one must fail both the schema and
/// `sesphr validate` (so the two agree on what is malformed).
#[test]
fn malformed_nets_fail_the_schema_and_the_loader_alike() {
    let good = "name: m\n\
                params: { n: 2, mode: a, on: true }\n\
                types:\n  P: { range: [1, n] }\n  R: { enum: [a, b] }\n  \
                U: { enum: { prefix: u, count: n }, symmetric: true }\n  T: { tuple: [P, R] }\n\
                places:\n  idle: { type: P, init: [\"all(P)\"] }\n  busy: { type: P }\n\
                transitions:\n  go: { in: { idle: [p] }, out: { busy: [p] }, guard: \"p > 0\" }\n  \
                back: { in: { busy: p }, out: { idle: p } }\n\
                properties:\n  safe: { invariant: \"count(busy) <= n\" }\n  \
                live: { deadlock-free: true }\n  b: { bound: { place: busy, max: n } }\n";
    assert_eq!(errors_of(&yaml_to_json(good)), Vec::<String>::new());
    let dir = std::env::temp_dir().join(format!("sesphr-schema-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let loads = |text: &str| {
        let file = dir.join("net.yaml");
        std::fs::write(&file, text).unwrap();
        Command::new(env!("CARGO_BIN_EXE_sesphr"))
            .arg("validate")
            .arg(&file)
            .output()
            .unwrap()
            .status
            .success()
    };
    assert!(loads(good), "the good net loads");
    let bounded = good.replace("n: 2,", "n: { default: 2, min: 1, max: 3 },");
    assert_eq!(errors_of(&yaml_to_json(&bounded)), Vec::<String>::new());
    assert!(loads(&bounded), "the net with bounds loads");
    let broken = [
        ("busy: { type: P }", "busy: { init: [1] }"),
        ("out: { busy: [p] }, guard", "out: { busy: [p] }, when"),
        ("range: [1, n] }", "range: [1, n, 3] }"),
        ("R: { enum: [a, b] }", "R: { enum: [a, b], tuple: [P] }"),
        (
            "safe: { invariant",
            "safe: { reachable: \"true\", invariant",
        ),
        (
            "live: { deadlock-free: true }",
            "live: { deadlock-free: false }",
        ),
        (
            "b: { bound: { place: busy, max: n } }",
            "b: { bound: { place: busy } }",
        ),
        ("mode: a", "mode: 1.5"),
        ("n: 2,", "n: { min: 1, max: 3 },"),
        ("n: 2,", "n: { default: 2, most: 3 },"),
        ("on: true", "on: { default: true, max: 1 }"),
        ("idle: { type: P,", "idle place: { type: P,"),
        ("T: { tuple: [P, R] }", "T: { opaque: false }"),
    ];
    for (from, to) in broken {
        assert!(good.contains(from), "{from}");
        let text = good.replace(from, to);
        assert!(
            !errors_of(&yaml_to_json(&text)).is_empty(),
            "validates: {to}"
        );
        assert!(!loads(&text), "loads: {to}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_validator_checks_what_it_claims() {
    let schema = json!({
        "type": "object", "required": ["a"], "additionalProperties": false,
        "properties": {"a": {"oneOf": [{"type": "integer"}, {"type": "number"}]},
                       "b": {"type": "array", "items": {"type": "string", "pattern": "^x"}, "maxItems": 1}}
    });
    let check = |v: Value| {
        let mut e = Vec::new();
        validate(&schema, &schema, &v, "v", &mut e);
        e
    };
    assert!(check(json!({"a": 1.5, "b": ["xy"]})).is_empty());
    assert_eq!(
        check(json!({"a": 1})).len(),
        1,
        "1 matches both branches of oneOf"
    );
    assert_eq!(check(json!({"b": []})).len(), 1, "a is required");
    assert_eq!(
        check(json!({"a": 1.5, "c": 0})).len(),
        1,
        "c is not declared"
    );
    assert_eq!(check(json!({"a": 1.5, "b": ["y", "x"]})).len(), 2);
}
