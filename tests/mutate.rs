//! End-to-end tests of `sesphr mutate`: the score, survivors with their
//! location, the equivalent-mutants file, `--out` files, JSON, exit codes,
//! and the same results with 1 and 2 threads.

use std::path::PathBuf;
use std::process::{Command, Output};

fn sesphr(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sesphr"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run sesphr")
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON on stdout ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

const TINY: &str = "tests/mutate/tiny.yaml";

/// The mutant entry with this id in a JSON report.
fn entry<'r>(report: &'r serde_json::Value, id: &str) -> &'r serde_json::Value {
    report["mutants"]
        .as_array()
        .expect("mutants")
        .iter()
        .find(|m| m["id"] == id)
        .unwrap_or_else(|| panic!("no mutant {id}"))
}

#[test]
fn every_non_equivalent_mutant_of_the_tiny_net_is_killed() {
    // The equivalent-mutants file next to the net is read by default.
    let out = sesphr(&["mutate", TINY, "--json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = json(&out);
    assert_eq!(
        r["counts"],
        serde_json::json!({"mutants": 23, "killed": 18, "survived": 0, "equivalent": 1, "invalid": 4, "undecided": 0})
    );
    assert_eq!(r["score"], 1.0);
    assert_eq!(
        r["equivalents_file"],
        "tests/mutate/tiny.equivalent-mutants.yaml"
    );
    assert_eq!(
        r["configurations"],
        serde_json::json!([{"params": {}, "original_states": 3, "max_states": 10000, "killed": 18}])
    );
    let killed = entry(&r, "drop-guard-conjunct@swap.guard:k < 1");
    assert_eq!(killed["verdict"], "killed");
    assert_eq!(killed["operator"], "drop-guard-conjunct");
    assert_eq!(killed["site"], "swap.guard");
    assert_eq!(
        (killed["line"].clone(), killed["column"].clone()),
        (14.into(), 23.into())
    );
    assert_eq!(killed["original"], "x != y && k < 1");
    assert_eq!(killed["mutated"], "x != y");
    assert_eq!(
        killed["properties"],
        serde_json::json!(["fires_once", "one_moved"])
    );
    let equivalent = entry(&r, "replace-variable@swap.out.b[0]:x -> y");
    assert_eq!(equivalent["verdict"], "survived");
    assert!(
        equivalent["equivalent"]
            .as_str()
            .is_some_and(|reason| reason.contains("both orders")),
        "{equivalent}"
    );
    let invalid = entry(&r, "drop-input-arc@swap.in.n");
    assert_eq!(invalid["verdict"], "invalid");
    assert!(
        invalid["message"]
            .as_str()
            .is_some_and(|m| m.contains("`k` is not bound")),
        "{invalid}"
    );
    // Where: the guard's `k`, in the mutant's text.
    assert_eq!(invalid["at"], serde_json::json!({"line": 14, "column": 23}));
    assert!(r["stale"].as_array().is_some_and(Vec::is_empty));
    assert!(r["kills"]["balanced"][0].as_u64().is_some_and(|n| n > 0));
}

#[test]
fn a_survivor_is_reported_with_its_location_and_exit_1() {
    let empty =
        std::env::temp_dir().join(format!("sesphr-mutate-empty-{}.yaml", std::process::id()));
    std::fs::write(&empty, "equivalent: []\n").expect("write");
    let out = sesphr(&[
        "mutate",
        TINY,
        "--equivalents",
        &empty.display().to_string(),
    ]);
    let _ = std::fs::remove_file(&empty);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Mutation score: 94.7% (18 killed of 19"),
        "{text}"
    );
    assert!(
        text.contains(
            "  tests/mutate/tiny.yaml:16:12  replace-variable@swap.out.b[0]:x -> y\n    original: x\n    mutated:  y\n"
        ),
        "{text}"
    );
}

const CONFIGURED: &str = "tests/mutate/configured.yaml";
const ONLY_WITH_EXTRA: &str = "replace-constant@bonus.out.a[0]:1 -> 2";

#[test]
fn a_mutant_is_killed_when_one_configuration_kills_it() {
    // Under the net's defaults `bonus` never fires: the mutant survives.
    let out = sesphr(&["mutate", CONFIGURED, "--json", "--config", ""]);
    assert_eq!(out.status.code(), Some(1));
    let r = json(&out);
    assert_eq!(r["configurations"].as_array().map(Vec::len), Some(1));
    assert_eq!(entry(&r, ONLY_WITH_EXTRA)["verdict"], "survived");
    // The file next to the net lists the defaults, then extra=1: the
    // second configuration kills it, and says so.
    let out = sesphr(&["mutate", CONFIGURED, "--json"]);
    let r = json(&out);
    assert_eq!(
        r["configurations"][1],
        serde_json::json!({"params": {"extra": "1"}, "original_states": 3, "max_states": 10000, "killed": 2})
    );
    let killed = entry(&r, ONLY_WITH_EXTRA);
    assert_eq!(killed["verdict"], "killed");
    assert_eq!(killed["configuration"], 1);
    assert_eq!(killed["properties"], serde_json::json!(["bounded"]));
    // A mutant killed under the first configuration is not checked again.
    let first = entry(&r, "drop-guard-conjunct@bonus.guard:extra > 0");
    assert_eq!(
        (first["verdict"].clone(), first["configuration"].clone()),
        ("killed".into(), 0.into())
    );
    // --config replaces the file's list; --param applies on top of each.
    let out = sesphr(&[
        "mutate", CONFIGURED, "--json", "--config", "extra=0", "--param", "extra=1",
    ]);
    let r = json(&out);
    assert_eq!(r["configurations"][0]["original_states"], 3);
    // The configuration is reported with the values the run used.
    assert_eq!(
        r["configurations"][0]["params"],
        serde_json::json!({"extra": "1"})
    );
    assert_eq!(entry(&r, ONLY_WITH_EXTRA)["verdict"], "killed");
    let text = String::from_utf8_lossy(&sesphr(&["mutate", CONFIGURED]).stdout).into_owned();
    assert!(
        text.contains("  2. extra=1: the net has 3 states, every property holds; limit per mutant 10000 states; kills 2\n"),
        "{text}"
    );
}

#[test]
fn stale_and_wrong_equivalent_entries_are_reported() {
    let out = sesphr(&[
        "mutate",
        TINY,
        "--json",
        "--equivalents",
        "tests/mutate/stale.equivalent-mutants.yaml",
    ]);
    // Stale entries are warnings: every non-equivalent mutant is still killed.
    assert_eq!(out.status.code(), Some(0));
    let r = json(&out);
    let stale: Vec<(String, String)> = r["stale"]
        .as_array()
        .expect("stale")
        .iter()
        .map(|s| {
            (
                s["id"].as_str().unwrap().to_string(),
                s["why"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(stale.len(), 2, "{stale:?}");
    assert_eq!(stale[0].0, "negate-comparison@swap.guard:k < 2 -> k >= 2");
    assert!(stale[0].1.contains("no mutant"), "{}", stale[0].1);
    assert_eq!(stale[1].0, "drop-guard-conjunct@swap.guard:k < 1");
    assert!(stale[1].1.contains("one_moved kills it"), "{}", stale[1].1);
    // A killed mutant stays killed even when listed.
    assert_eq!(r["counts"]["killed"], 18);
    let human = sesphr(&[
        "mutate",
        TINY,
        "--equivalents",
        "tests/mutate/stale.equivalent-mutants.yaml",
    ]);
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains("tests/mutate/stale.equivalent-mutants.yaml:5: negate-comparison@swap.guard:k < 2 -> k >= 2"),
        "{text}"
    );
}

#[test]
fn out_writes_every_mutant_as_a_loadable_net_with_a_header() {
    let dir = std::env::temp_dir().join(format!("sesphr-mutants-{}", std::process::id()));
    let out = sesphr(&[
        "mutate",
        TINY,
        "--list",
        "--out",
        &dir.display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("the directory exists")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 23);
    let mut loading = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).expect("read");
        assert!(text.starts_with("# Mutant "), "{}", file.display());
        assert!(text.contains("\n# original: "), "{}", file.display());
        let valid = sesphr(&["validate", &file.display().to_string()]);
        // Only mutants that unbind a variable (dropped input arcs) do not load.
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        if valid.status.code() == Some(0) {
            loading += 1;
        } else {
            assert!(
                name.contains("drop-input-arc"),
                "{name}: {}",
                String::from_utf8_lossy(&valid.stderr)
            );
        }
    }
    assert_eq!(loading, 19);
    let named = dir.join("0020-replace-variable-swap.out.b_0_.yaml");
    let text = std::fs::read_to_string(&named)
        .expect("the mutant file is named by number, operator, site");
    assert!(text.starts_with(
        "# Mutant replace-variable@swap.out.b[0]:x -> y\n# of tests/mutate/tiny.yaml:16:12 (replace-variable).\n# original: x\n# mutated:  y\n"
    ), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The report without its timings.
fn without_times(mut r: serde_json::Value) -> serde_json::Value {
    r["seconds"] = 0.into();
    r["threads"] = 0.into();
    for m in r["mutants"].as_array_mut().expect("mutants") {
        m["seconds"] = 0.into();
    }
    r
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let one = sesphr(&[
        "mutate",
        "nets/examples/producer-consumer.yaml",
        "--json",
        "--threads",
        "1",
    ]);
    let two = sesphr(&[
        "mutate",
        "nets/examples/producer-consumer.yaml",
        "--json",
        "--threads",
        "2",
    ]);
    assert_eq!(one.status.code(), two.status.code());
    assert_eq!(without_times(json(&one)), without_times(json(&two)));
}

#[test]
fn a_mutant_at_its_state_limit_is_undecided_and_exits_3() {
    // Two states: the initial marking and one successor level are judged.
    let out = sesphr(&["mutate", TINY, "--json", "--max-states", "2"]);
    assert_eq!(out.status.code(), Some(3));
    let r = json(&out);
    assert_eq!(r["configurations"][0]["max_states"], 2);
    let undecided = entry(&r, "drop-guard-conjunct@swap.guard:x != y");
    assert_eq!(undecided["verdict"], "undecided");
    assert_eq!(undecided["stopped"], "max-states");
    // Violated in the initial marking: killed whatever the limit.
    assert_eq!(
        entry(&r, "replace-constant@a.init[0]:red -> green")["verdict"],
        "killed"
    );
    // Listed as equivalent but stopped at the limit: undecided, not equivalent.
    let listed = entry(&r, "replace-variable@swap.out.b[0]:x -> y");
    assert_eq!(listed["verdict"], "undecided");
    assert!(listed["equivalent"].is_string(), "{listed}");
    assert_eq!(r["counts"]["equivalent"], 0);
    assert_counts_match_entries(&r);
    let text = String::from_utf8_lossy(&sesphr(&["mutate", TINY, "--max-states", "2"]).stdout)
        .into_owned();
    assert!(
        text.contains("replace-variable@swap.out.b[0]:x -> y\n    original: x\n    mutated:  y\n    stopped at 3 states (max-states)\n    listed as equivalent; counted so only once it survives a complete run\n"),
        "{text}"
    );
}

/// The report's counts are those of its entries' verdicts: a survivor with
/// an `equivalent` reason is equivalent, every other verdict counts as
/// itself.
fn assert_counts_match_entries(r: &serde_json::Value) {
    let mut counts = std::collections::BTreeMap::new();
    for m in r["mutants"].as_array().expect("mutants") {
        let verdict = m["verdict"].as_str().expect("verdict");
        let outcome = match (verdict, m["equivalent"].is_string()) {
            ("survived", true) => "equivalent",
            (v, _) => v,
        };
        *counts.entry(outcome).or_insert(0u64) += 1;
    }
    for outcome in ["killed", "survived", "equivalent", "invalid", "undecided"] {
        let expected = counts.get(outcome).copied().unwrap_or(0);
        assert_eq!(r["counts"][outcome], expected, "{outcome}: {}", r["counts"]);
    }
}

#[test]
fn operators_can_be_chosen() {
    let out = sesphr(&[
        "mutate",
        TINY,
        "--list",
        "--json",
        "--operator",
        "negate-comparison",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let ids: Vec<String> = json(&out)
        .as_array()
        .expect("a list")
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        ids,
        [
            "negate-comparison@swap.guard:x != y -> x == y",
            "negate-comparison@swap.guard:k < 1 -> k >= 1"
        ]
    );
}

#[test]
fn bad_input_exits_2_with_a_message() {
    let cases: [(&[&str], &str); 8] = [
        (
            &["mutate", TINY, "--config", "colours=3"],
            "configuration colours=3: tests/mutate/tiny.yaml: parameter: unknown parameter `colours`",
        ),
        (
            &["mutate", TINY, "--config", "colours"],
            "`colours` is not NAME=VALUE",
        ),
        (
            &["mutate", "nets/nope.yaml"],
            "nets/nope.yaml: cannot read the file",
        ),
        (&["mutate", TINY, "--operator", "flip"], "no such operator"),
        (
            &[
                "mutate",
                "nets/examples/bank.yaml",
                "--operator",
                "redirect-output-arc",
            ],
            "no mutant matched --operator redirect-output-arc",
        ),
        (
            &["mutate", TINY, "--equivalents", "nets/nope.yaml"],
            "cannot read the equivalent-mutants file",
        ),
        (
            &["mutate", "nets/examples/philosophers-deadlock.yaml"],
            "property no_deadlock fails on the net itself",
        ),
        (
            &["mutate", "nets/pnml/mutex.pnml"],
            "mutation works on YAML nets",
        ),
    ];
    for (args, message) in cases {
        let out = sesphr(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(message), "{args:?}: {err}");
    }
    let bad = std::env::temp_dir().join(format!("sesphr-bad-eq-{}.yaml", std::process::id()));
    std::fs::write(&bad, "equivalent:\n  - id: x\n").expect("write");
    let out = sesphr(&["mutate", TINY, "--equivalents", &bad.display().to_string()]);
    let _ = std::fs::remove_file(&bad);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains(":2: mutant `x` needs a `reason`"));
    std::fs::write(&bad, "configurations:\n  - {}\n  - [roles]\n").expect("write");
    let out = sesphr(&["mutate", TINY, "--equivalents", &bad.display().to_string()]);
    let _ = std::fs::remove_file(&bad);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains(":3: `configurations` is a list of parameter sets"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A configuration the net refuses is located at its line of the file.
    std::fs::write(&bad, "configurations:\n  - {}\n  - { colours: 3 }\n").expect("write");
    let out = sesphr(&["mutate", TINY, "--equivalents", &bad.display().to_string()]);
    let _ = std::fs::remove_file(&bad);
    assert_eq!(out.status.code(), Some(2));
    let expected = format!(
        "{}:3: configuration colours=3: tests/mutate/tiny.yaml: parameter: unknown parameter `colours`",
        bad.display()
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&expected), "{err}");
}

#[test]
fn temporal_properties_kill_mutants_no_state_property_sees() {
    // Its only properties are LTL and CTL: every kill comes from the temporal check.
    let out = sesphr(&["mutate", "tests/mutate/progress.yaml", "--json"]);
    assert_eq!(out.status.code(), Some(1), "three mutants survive");
    let r = json(&out);
    assert_eq!(
        r["counts"],
        serde_json::json!({"mutants": 9, "killed": 5, "survived": 3, "equivalent": 0, "invalid": 1, "undecided": 0})
    );
    let never_served = entry(&r, "negate-comparison@serve.guard:n > 0 -> n <= 0");
    assert_eq!(never_served["verdict"], "killed");
    assert_eq!(
        never_served["properties"],
        serde_json::json!(["eventually_served", "can_always_serve"])
    );
    // Serving a request of 2 is still serving it.
    assert_eq!(
        entry(&r, "replace-constant@waiting.init[0]:1 -> 2")["verdict"],
        "survived"
    );
}

#[test]
fn id_selects_mutants_and_an_unknown_id_is_an_error() {
    let id = "negate-comparison@serve.guard:n > 0 -> n <= 0";
    let out = sesphr(&["mutate", "tests/mutate/progress.yaml", "--json", "--id", id]);
    assert_eq!(out.status.code(), Some(0));
    let r = json(&out);
    assert_eq!(r["counts"]["mutants"], 1);
    assert_eq!(entry(&r, id)["verdict"], "killed");
    let out = sesphr(&[
        "mutate",
        "tests/mutate/progress.yaml",
        "--id",
        "no-such@mutant",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--id no-such@mutant: no mutant"), "{err}");
}

/// Per mutant of a report: its verdict, the properties that killed it and
/// the configuration that did.
fn judgements(report: &serde_json::Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = (report["mutants"].as_array().expect("mutants"))
        .iter()
        .map(|m| {
            let judged = [&m["verdict"], &m["properties"], &m["configuration"]];
            (m["id"].to_string(), serde_json::json!(judged).to_string())
        })
        .collect();
    out.sort();
    out
}

#[test]
fn every_sesphr_mutant_is_judged_alike_with_and_without_the_reductions() {
    // Every mutant of the SeSPHR net, under the configurations of its
    // equivalent-mutants file: killed or a listed equivalent (or invalid),
    // none surviving; and the full exploration judges each one as the
    // reduced runs do (same verdict, killing properties and configuration).
    let reduced = sesphr(&["mutate", "nets/sesphr.yaml", "--json"]);
    let full = sesphr(&["mutate", "nets/sesphr.yaml", "--json", "--no-reduction"]);
    assert_eq!(reduced.status.code(), Some(0));
    assert_eq!(full.status.code(), Some(0));
    let (reduced, full) = (json(&reduced), json(&full));
    assert_eq!(reduced["score"], 1.0);
    assert_eq!(reduced["counts"]["survived"], 0);
    assert_eq!(reduced["counts"]["undecided"], 0);
    assert!(reduced["counts"]["killed"].as_u64() > Some(500));
    assert_eq!(judgements(&reduced), judgements(&full));
    // Not vacuous: the reductions explore some mutants in fewer states.
    let states = |r: &serde_json::Value, id: &serde_json::Value| {
        entry(r, id.as_str().expect("id"))["states"].as_u64()
    };
    let fewer = (reduced["mutants"].as_array().expect("mutants"))
        .iter()
        .filter(|m| states(&reduced, &m["id"]) < states(&full, &m["id"]))
        .count();
    assert!(fewer >= 50, "only {fewer} mutants reduced");
}

/// The bank example's properties, sums among them, kill every mutant but the
/// one its equivalent-mutants file documents (found next to the net).
#[test]
fn the_bank_examples_properties_kill_every_mutant_that_can_be_killed() {
    let out = sesphr(&["mutate", "nets/examples/bank.yaml", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let r = json(&out);
    assert_eq!(
        r["equivalents_file"],
        "nets/examples/bank.equivalent-mutants.yaml"
    );
    assert_eq!(r["counts"]["survived"], 0, "{r:#}");
    assert_eq!(r["counts"]["equivalent"], 1, "{r:#}");
    assert_eq!(r["score"], 1.0);
    assert_eq!(r["stale"].as_array().map(Vec::len), Some(0));
    // `one_balance_each` (a sum per account) alone kills a mutant that
    // moves a debit to the wrong account.
    let moved = entry(&r, "replace-variable@send.out.balance[0]:from -> to");
    assert_eq!(moved["verdict"], "killed", "{moved:#}");
    assert_eq!(moved["properties"], serde_json::json!(["one_balance_each"]));
}

#[test]
fn an_unbounded_net_is_refused_as_check_refuses_it() {
    let out = sesphr(&[
        "mutate",
        "tests/mutate/unbounded.yaml",
        "--max-states",
        "50",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("tests/mutate/unbounded.yaml:5:3: the net is unbounded: sink gains 1 token each time step"),
        "{err}"
    );
}

#[test]
fn an_unbounded_mutant_is_undecided_as_unbounded() {
    let out = sesphr(&["mutate", "tests/mutate/grows.yaml", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let r = json(&out);
    let grows = entry(&r, "drop-input-arc@move.in.p");
    assert_eq!(grows["verdict"], "undecided");
    assert_eq!(grows["stopped"], "unbounded");
    // Run on to the state limit after the proof: a later violation would kill it.
    assert_eq!(grows["states"], 10000);
    let text = String::from_utf8_lossy(&sesphr(&["mutate", "tests/mutate/grows.yaml"]).stdout)
        .into_owned();
    assert!(
        text.contains("    unbounded: no property failed within 10000 states\n"),
        "{text}"
    );
}

#[test]
fn block_folded_and_escaped_scalars_get_their_mutants() {
    let out = sesphr(&["mutate", "tests/mutate/folded.yaml", "--json"]);
    let r = json(&out);
    let verdict = |id: &str| entry(&r, id)["verdict"].as_str().unwrap().to_string();
    // A `>` guard, rewritten as one double-quoted line.
    assert_eq!(
        verdict("negate-comparison@a.guard:x < 3 -> x >= 3"),
        "killed"
    );
    assert_eq!(verdict("replace-constant@a.guard:3 -> 2"), "killed");
    // A `>-` arc item.
    assert_eq!(verdict("replace-constant@a.out.p[0]:1 -> 0"), "killed");
    // A quoted guard over two lines, with an escape.
    assert_eq!(
        verdict("negate-comparison@b.guard:y >= 0 -> y < 0"),
        "killed"
    );
    assert_eq!(verdict("drop-guard-conjunct@b.guard:y >= 0"), "survived");
    let rewritten = entry(&r, "negate-comparison@b.guard:y < 3 -> y >= 3");
    assert_eq!(rewritten["mutated"], r#""y >= 3 && y >= 0""#);
    assert_eq!(r["counts"]["mutants"], 26);
}

/// A limit that stops the check of the net itself leaves the run
/// incomplete: exit 3, naming the limit (in JSON too), never exit 2.
#[test]
fn the_net_itself_stopped_at_a_limit_is_incomplete() {
    let out = sesphr(&["mutate", "nets/examples/bank.yaml", "--max-memory", "1M"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("stopped at --max-memory"), "{err}");
    let out = sesphr(&[
        "mutate",
        "nets/examples/bank.yaml",
        "--max-memory",
        "1M",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(3));
    let value = json(&out);
    let error = value["error"].as_str().expect("error");
    assert!(error.contains("--max-memory"), "{error}");
}
