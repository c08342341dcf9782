//! Conformance with the Model Checking Contest: `sesphr check --json` on every
//! net of `tests/data/mcc/` must give exactly the contest's answers
//! (EXPECTED.tsv), the coloured (symmetric) nets read natively too.

use std::path::PathBuf;
use std::process::Command;

fn mcc_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/mcc")
}

struct Expected {
    instance: String,
    states: u64,
    edges: u64,
    max_tokens_per_marking: u64,
    max_tokens_in_place: u64,
    deadlock_reachable: bool,
    one_safe: bool,
}

fn expected() -> Vec<Expected> {
    let text = std::fs::read_to_string(mcc_dir().join("EXPECTED.tsv")).expect("EXPECTED.tsv");
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            assert_eq!(f.len(), 7, "bad EXPECTED.tsv line {line:?}");
            Expected {
                instance: f[0].to_string(),
                states: f[1].parse().expect("states"),
                edges: f[2].parse().expect("edges"),
                max_tokens_per_marking: f[3].parse().expect("max tokens per marking"),
                max_tokens_in_place: f[4].parse().expect("max tokens in place"),
                deadlock_reachable: f[5] == "TRUE",
                one_safe: f[6] == "TRUE",
            }
        })
        .collect()
}

/// `sesphr check --json` asked for deadlock-freedom and one-safety.
fn check_json(path: &PathBuf, threads: &str) -> (i32, serde_json::Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_sesphr"))
        .args(["check", "--json", "--threads", threads])
        .args(["--property", "deadlock-free", "--property", "one-safe"])
        .arg(path)
        .output()
        .expect("run sesphr");
    let code = out.status.code().expect("exit code");
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{}: no JSON ({e}); stderr: {}",
            path.display(),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (code, json)
}

#[test]
fn every_pt_net_matches_the_contest_answers() {
    let rows: Vec<Expected> = expected()
        .into_iter()
        .filter(|e| !e.instance.starts_with("colored/"))
        .collect();
    assert_eq!(
        rows.len(),
        13,
        "every P/T net of EXPECTED.tsv, Kanban included"
    );
    for e in rows {
        let path = mcc_dir().join(format!("{}.pnml", e.instance));
        let (code, r) = check_json(&path, "2");
        let name = &e.instance;
        assert_eq!(r["net"], *name);
        assert_eq!(r["complete"], true, "{name}");
        assert_eq!(r["states"], e.states, "{name}: states");
        assert_eq!(r["edges"], e.edges, "{name}: edges");
        assert_eq!(
            r["max_tokens_per_marking"], e.max_tokens_per_marking,
            "{name}"
        );
        assert_eq!(r["max_tokens_in_place"], e.max_tokens_in_place, "{name}");
        assert_eq!(r["deadlock_reachable"], e.deadlock_reachable, "{name}");
        assert_eq!(r["one_safe"], e.one_safe, "{name}");
        assert_eq!(
            r["deadlocks"].as_u64().map(|d| d > 0),
            Some(e.deadlock_reachable)
        );
        // The same answers as the two properties asked for, with the exit code to match.
        let props = r["properties"].as_array().expect("properties");
        assert_eq!(props[0]["name"], "deadlock-free");
        assert_eq!(props[0]["holds"], !e.deadlock_reachable, "{name}");
        assert_eq!(props[1]["name"], "one-safe");
        assert_eq!(props[1]["holds"], e.one_safe, "{name}");
        let violated = e.deadlock_reachable || !e.one_safe;
        assert_eq!(code, if violated { 1 } else { 0 }, "{name}: exit code");
    }
}

#[test]
fn coloured_nets_are_loaded_natively_with_the_contest_answers() {
    let rows: Vec<Expected> = expected()
        .into_iter()
        .filter(|e| e.instance.starts_with("colored/"))
        .collect();
    assert_eq!(rows.len(), 3);
    for e in rows {
        let path = mcc_dir().join(format!("{}.pnml", e.instance));
        let out = Command::new(env!("CARGO_BIN_EXE_sesphr"))
            .args(["check", "--json", "--no-reduction"])
            .args(["--property", "deadlock-free", "--property", "one-safe"])
            .arg(&path)
            .output()
            .expect("run sesphr");
        let name = &e.instance;
        let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|err| {
            panic!("{name}: {err}: {}", String::from_utf8_lossy(&out.stderr))
        });
        assert_eq!(r["net"], *name.trim_start_matches("colored/"));
        assert_eq!(r["complete"], true, "{name}");
        assert_eq!(r["states"], e.states, "{name}: states");
        assert_eq!(r["edges"], e.edges, "{name}: edges");
        assert_eq!(r["deadlock_reachable"], e.deadlock_reachable, "{name}");
        let props = r["properties"].as_array().expect("properties");
        assert_eq!(props[0]["holds"], !e.deadlock_reachable, "{name}");
        // One-safety counts the tokens of a place whatever their colours, as
        // the contest does for coloured nets.
        assert_eq!(props[1]["name"], "one-safe");
        assert_eq!(props[1]["holds"], e.one_safe, "{name}");
        assert_eq!(out.status.code(), Some(1), "{name}: a property is violated");
        // The contest's MAX_TOKEN_IN_PLACE counts one colour's copies (the
        // unfolded place's), as `mcc StateSpace` answers; `check` counts a
        // place's tokens over all colours, as one-safety does.
        let answers = mcc_state_space(&path);
        assert_eq!(
            answers["MAX_TOKEN_IN_PLACE"], e.max_tokens_in_place,
            "{name}"
        );
        assert_eq!(
            answers["MAX_TOKEN_PER_MARKING"], e.max_tokens_per_marking,
            "{name}"
        );
        assert_eq!(r["one_safe"], e.one_safe, "{name}");
        assert!(r["max_tokens_in_place"].as_u64() > Some(1), "{name}");
    }
}

/// `sesphr mcc --examination StateSpace` on the net at `path`: its answers by id.
fn mcc_state_space(path: &PathBuf) -> serde_json::Map<String, serde_json::Value> {
    let out = Command::new(env!("CARGO_BIN_EXE_sesphr"))
        .args(["mcc", "--json", "--examination", "StateSpace", "--net"])
        .arg(path)
        .output()
        .expect("run sesphr");
    assert_eq!(out.status.code(), Some(0), "{}", path.display());
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    (r["answers"].as_array().expect("answers").iter())
        .map(|a| {
            (
                a["id"].as_str().expect("id").to_string(),
                a["value"].clone(),
            )
        })
        .collect()
}

/// A coloured net's token bounds are per coloured place (all colours
/// together) whichever route explores it, and agree with the one-safe
/// property: the coloured engine and the forced unfolding give the same.
#[test]
fn coloured_token_bounds_are_the_same_on_every_route() {
    for net in [
        "TokenRing-COL-005",
        "Philosophers-COL-000005",
        "DatabaseWithMutex-COL-02",
    ] {
        let path = mcc_dir().join(format!("colored/{net}.pnml"));
        let stats = |unfold: &str| {
            let out = Command::new(env!("CARGO_BIN_EXE_sesphr"))
                .args(["check", "--json", "--property", "one-safe", unfold])
                .arg(&path)
                .output()
                .expect("run sesphr");
            let r: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
            assert_eq!(r["complete"], true, "{net} {unfold}");
            let one_safe = r["properties"][0]["holds"].clone();
            assert_eq!(r["one_safe"], one_safe, "{net} {unfold}: stat and property");
            assert_eq!(
                r["one_safe"].as_bool(),
                r["max_tokens_in_place"].as_u64().map(|n| n <= 1),
                "{net} {unfold}"
            );
            (
                r["max_tokens_in_place"].clone(),
                r["max_tokens_per_marking"].clone(),
                r["one_safe"].clone(),
            )
        };
        let native = stats("--unfold=never");
        assert_eq!(native, stats("--unfold=always"), "{net}");
        assert_eq!(native, stats("--unfold=auto"), "{net}");
    }
}

#[test]
fn one_and_two_threads_agree_exactly() {
    for net in [
        "Philosophers-PT-000010",
        "GPPP-PT-C0001N0000000001",
        "Eratosthenes-PT-020",
    ] {
        let path = mcc_dir().join(format!("{net}.pnml"));
        let (code1, mut one) = check_json(&path, "1");
        let (code2, mut two) = check_json(&path, "2");
        assert_eq!(code1, code2);
        assert_eq!(one["threads"], 1);
        assert_eq!(two["threads"], 2);
        for field in ["seconds", "threads", "bytes_per_state", "states_per_second"] {
            one[field] = serde_json::Value::Null;
            two[field] = serde_json::Value::Null;
        }
        // Same statistics and the same (shortest, canonical) traces.
        assert_eq!(one, two, "{net}");
    }
}

/// `check` checks what is asked: the statistics of a PNML net alone (FMS is
/// not one-safe) make no failing exit.
#[test]
fn check_asks_nothing_unless_told() {
    let out = Command::new(env!("CARGO_BIN_EXE_sesphr"))
        .args(["check", "--json"])
        .arg(mcc_dir().join("FMS-PT-00002.pnml"))
        .output()
        .expect("run sesphr");
    assert_eq!(out.status.code(), Some(0));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(r["one_safe"], false, "FMS has three tokens in a place");
    assert_eq!(r["properties"], serde_json::json!([]));
}
