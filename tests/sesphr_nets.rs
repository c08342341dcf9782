//! End-to-end: `sesphr check` on the SeSPHR nets gives the verdicts of docs/sesphr-model.md and
//! docs/protocol.md.
//!
//! The full protocol holds every property in delegated mode, also with two users of one role;
//! the paper's key mode lets the SRS (alone or with the cloud) read everything; without re-keying
//! on re-upload forward access control fails; the SRS colluding with a user (or a revoked user)
//! breaks confidentiality, the scheme's two expected failures; every mutant in nets/mutants/ fails
//! the property its header names, with parameters under which the correct net holds everything;
//! the paper's own net checks its three properties.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `sesphr check NET --json ARGS...`; returns the exit code and the report.
fn check(net: &Path, args: &[&str]) -> (i32, Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_sesphr"))
        .arg("check")
        .arg(net)
        .arg("--json")
        .args(args)
        .output()
        .expect("the sesphr binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "{}: no JSON report ({e}):\n{stdout}\n{}",
            net.display(),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), report)
}

fn property<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["properties"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["name"] == name))
        .unwrap_or_else(|| panic!("no property {name} in {report}"))
}

fn violated(report: &Value) -> Vec<String> {
    report["properties"]
        .as_array()
        .map(|ps| {
            ps.iter()
                .filter(|p| p["holds"] == false)
                .filter_map(|p| p["name"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// The transitions of a property's shortest trace, in order (for a temporal property
/// violated by an infinite run: its lasso's stem, then its cycle).
fn trace(report: &Value, name: &str) -> Vec<String> {
    let p = property(report, name);
    let steps: Vec<&Value> = match p["trace"]["steps"].as_array() {
        Some(steps) => steps.iter().collect(),
        None => {
            let part = |key: &str| p["lasso"][key].as_array().cloned().unwrap_or_default();
            let (stem, cycle) = (part("stem"), part("cycle"));
            if stem.is_empty() && cycle.is_empty() && p["lasso"].is_null() {
                panic!("{name} has no trace");
            }
            return stem
                .iter()
                .chain(&cycle)
                .filter_map(|s| s["transition"].as_str().map(String::from))
                .collect();
        }
    };
    steps
        .into_iter()
        .filter_map(|s| s["transition"].as_str().map(String::from))
        .collect()
}

/// The transitions of a shortest trace, sorted (for goals whose shortest runs may
/// interleave independent steps in more than one order).
fn trace_steps(report: &Value, name: &str) -> Vec<String> {
    let mut steps = trace(report, name);
    steps.sort();
    steps
}

fn sesphr_net() -> PathBuf {
    root().join("nets/sesphr.yaml")
}

/// One doctor, two partitions, two versions: the deeper single-user configuration (re-uploads,
/// re-keying, newcomers), in which most verdicts are stated.
const ONE_DOCTOR: &[&str] = &[
    "--param",
    "roles=1",
    "--param",
    "users_per_role=1",
    "--param",
    "partitions=2",
    "--param",
    "versions=2",
];

/// `ONE_DOCTOR` followed by `extra`.
fn one_doctor(extra: &[&'static str]) -> Vec<&'static str> {
    [ONE_DOCTOR, extra].concat()
}

#[test]
fn the_default_configuration_of_two_roles_with_two_users_each_holds_every_property() {
    let (code, report) = check(&sesphr_net(), &[]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["complete"], true);
    assert_eq!(violated(&report), Vec::<String>::new());
    // The seats of each role are symmetric: 3,837 stored markings, one per orbit, stand
    // for the 12,321.
    assert_eq!(report["represented_states"], 12321);
    assert_eq!(report["states"], 3837);
    // Both doctors read (the pharmacists may not read medical, the one partition in play) ...
    assert_eq!(
        trace_steps(&report, "every_user_reads"),
        [
            "D_R_S",
            "D_R_S",
            "Decrypt_C",
            "Decrypt_C",
            "join",
            "join",
            "upload"
        ]
    );
    // ... and a forgery by one of them is rejected by the other.
    assert_eq!(
        trace(&report, "a_forgery_is_caught")
            .last()
            .map(String::as_str),
        Some("Decrypt_C_reject")
    );
}

/// With deadlock freedom alone nothing stops the stubborn sets, but on this
/// net they leave out too few bindings to pay for themselves (other paths
/// reach the markings they skip): the trial gives them up, and says so.
#[test]
fn deadlock_freedom_alone_gives_the_partial_order_up_after_its_trial() {
    let (code, report) = check(&sesphr_net(), &["--property", "no_deadlock_before_the_end"]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["complete"], true);
    assert_eq!(report["deadlocks"], 0);
    let reduction = report["reduction"].as_str().unwrap_or_default();
    assert!(
        reduction.contains("; partial order (stubborn sets of bindings), given up after "),
        "{reduction}"
    );
}

#[test]
fn each_role_alone_reads_exactly_its_partitions() {
    // `first_role` puts one role at a time in play with all four partitions (the mutation run's
    // configurations): every property holds, and the role reads each partition the policy gives it.
    for (rank, role, partitions) in [
        (1, "doctor", 2),
        (2, "pharmacist", 2),
        (3, "family", 4),
        (4, "insurer", 1),
        (5, "researcher", 1),
    ] {
        let first_role = format!("first_role={rank}");
        let (code, report) = check(
            &sesphr_net(),
            &[
                "--param",
                "roles=1",
                "--param",
                "users_per_role=1",
                "--param",
                "partitions=4",
                "--param",
                "tampers=0",
                "--param",
                first_role.as_str(),
            ],
        );
        assert_eq!(code, 0, "{role}: {report}");
        let reads = trace_steps(&report, "every_role_reads_its_partitions");
        let decrypts = reads.iter().filter(|s| *s == "Decrypt_C").count();
        assert_eq!(decrypts, partitions, "{role}: {reads:?}");
    }
}

#[test]
fn delegated_mode_holds_every_property() {
    let (code, report) = check(&sesphr_net(), ONE_DOCTOR);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["complete"], true);
    assert_eq!(violated(&report), Vec::<String>::new());
    assert_eq!(report["states"], 4856);
    assert_eq!(report["edges"], 21977);
    // Non-vacuity: the goals are reached by the runs one expects (where causality fixes the
    // order, the order too).
    assert_eq!(
        trace(&report, "every_role_reads_its_partitions"),
        ["join", "upload", "D_R_S", "Decrypt_C"]
    );
    assert_eq!(
        trace_steps(&report, "a_reader_is_revoked"),
        ["D_R_S", "Decrypt_C", "join", "revoke", "upload"]
    );
    assert_eq!(
        trace_steps(&report, "tampering_is_caught"),
        ["D_R_S", "Decrypt_C_reject", "join", "tamper", "upload"]
    );
    assert_eq!(
        trace(&report, "a_newcomer_reads"),
        ["upload", "join", "upload", "D_R_S", "Decrypt_C"]
    );
    // A rollback (or substitution) by the cloud is tried and rejected.
    assert_eq!(
        trace(&report, "a_substitution_is_caught"),
        [
            "join",
            "upload",
            "upload",
            "substitute",
            "D_R_S",
            "Decrypt_C_reject"
        ]
    );
    // The SRS-and-user coalitions are not checked by default (they are expected failures).
    assert_eq!(property(&report, "srs_user_coalition")["holds"], true);
}

/// Two users of one role: the checks that only show when users can be confused.
const TWO_USERS: &[&str] = &[
    "--param",
    "roles=1",
    "--param",
    "users_per_role=2",
    "--param",
    "partitions=1",
    "--param",
    "versions=1",
];

#[test]
fn two_users_of_one_role_hold_every_property_and_a_forgery_is_caught() {
    let (code, report) = check(&sesphr_net(), TWO_USERS);
    assert_eq!(code, 0, "{report}");
    assert_eq!(violated(&report), Vec::<String>::new());
    // The two seats are symmetric: 187 stored markings, one per orbit, stand for the 349.
    assert_eq!(report["represented_states"], 349);
    assert_eq!(report["states"], 187);
    // Both doctors read; one forges the partition under the real key and label, the
    // other rejects it (the ledger digest; the GCM tag verifies).
    assert_eq!(
        trace_steps(&report, "every_user_reads"),
        [
            "D_R_S",
            "D_R_S",
            "Decrypt_C",
            "Decrypt_C",
            "join",
            "join",
            "upload"
        ]
    );
    assert_eq!(
        trace(&report, "a_forgery_is_caught"),
        [
            "join",
            "join",
            "upload",
            "D_R_S",
            "D_R_S",
            "Decrypt_C",
            "forge",
            "Decrypt_C_reject"
        ]
    );
    // One plants a forged upload (ciphertext and a record with its digest, not signed by the
    // patient); the other rejects it on the signature alone.
    assert_eq!(
        trace(&report, "a_planted_upload_is_caught"),
        [
            "join",
            "join",
            "upload",
            "D_R_S",
            "D_R_S",
            "Decrypt_C",
            "plant_upload",
            "Decrypt_C_reject"
        ]
    );
}

#[test]
fn the_srs_with_a_user_is_an_expected_failure() {
    // AFGH-style re-encryption: the SRS holds RK = g2^(x_U/x_P); with any member's x_U it has
    // g2^(1/x_P) (a capability: key custody fails at the join), which opens every R_P of the
    // patient, also of partitions the member may not read.
    let (code, report) = check(
        &sesphr_net(),
        &one_doctor(&[
            "--param",
            "srs_colludes_with_users=true",
            "--param",
            "tampers=0",
        ]),
    );
    assert_eq!(code, 1, "{report}");
    assert_eq!(
        violated(&report),
        [
            "coalition_confidentiality",
            "coalition_key_custody",
            "srs_user_coalition"
        ]
    );
    assert_eq!(trace(&report, "coalition_key_custody"), ["join"]);
    assert_eq!(
        trace(&report, "coalition_confidentiality"),
        ["join", "upload"]
    );
    assert_eq!(trace(&report, "srs_user_coalition"), ["join"]);
}

#[test]
fn hardened_key_mode_bounds_the_srs_with_a_user_to_the_users_labels() {
    // One patient key pair per label: the SRS holds RK_{P,q->U} only for the labels q the
    // user is granted, so the pair opens no other label (srs_user_coalition holds); but the
    // label's capability opens every version of it, also one written before the user joined ...
    let hardened = |extra: &[&'static str]| {
        check(
            &sesphr_net(),
            &one_doctor(
                &[
                    &[
                        "--param",
                        "srs_colludes_with_users=true",
                        "--param",
                        "key_mode=hardened",
                        "--param",
                        "tampers=0",
                    ][..],
                    extra,
                ]
                .concat(),
            ),
        )
    };
    let (code, report) = hardened(&[]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(
        violated(&report),
        ["coalition_confidentiality", "coalition_key_custody"]
    );
    assert_eq!(property(&report, "srs_user_coalition")["holds"], true);
    assert_eq!(property(&report, "key_custody")["holds"], true);
    assert_eq!(trace(&report, "coalition_key_custody"), ["join"]);
    assert_eq!(
        trace(&report, "coalition_confidentiality"),
        ["upload", "join"]
    );
    // ... and, where newcomers may read the past, one written after the user's revocation (the
    // SRS keeps what it was given).
    let (code, report) = hardened(&["--param", "newcomers_read_past=true"]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(
        trace(&report, "coalition_confidentiality"),
        ["join", "revoke", "upload"]
    );
}

#[test]
fn paper_key_mode_lets_the_srs_with_the_cloud_read_everything() {
    let (code, report) = check(
        &sesphr_net(),
        &one_doctor(&["--param", "key_mode=paper", "--param", "tampers=0"]),
    );
    assert_eq!(code, 1, "{report}");
    assert_eq!(
        violated(&report),
        [
            "srs_confidentiality",
            "srs_cloud_confidentiality",
            "key_custody"
        ]
    );
    // One upload suffices: the SRS holds x_P and R_P = g1^(r x_P), so it computes Z^r.
    assert_eq!(trace(&report, "srs_cloud_confidentiality"), ["upload"]);
    // And the SRS holds every user's secret from its join.
    assert_eq!(trace(&report, "key_custody"), ["join"]);
    assert_eq!(property(&report, "cloud_confidentiality")["holds"], true);
}

#[test]
fn without_re_keying_a_revoked_user_reads_the_next_version() {
    let (code, report) = check(
        &sesphr_net(),
        &one_doctor(&["--param", "rekey_on_upload=false", "--param", "tampers=0"]),
    );
    assert_eq!(code, 1, "{report}");
    assert_eq!(
        violated(&report),
        [
            "forward_access_control",
            "backward_access_control",
            "coalition_confidentiality"
        ]
    );
    assert_eq!(
        trace(&report, "forward_access_control"),
        ["join", "upload", "D_R_S", "revoke", "upload"]
    );
    // The same key also opens the past for newcomers.
    assert_eq!(
        trace(&report, "backward_access_control"),
        ["upload", "join", "upload", "D_R_S"]
    );
}

#[test]
fn newcomers_reading_the_past_is_a_policy_not_a_violation() {
    let (code, report) = check(
        &sesphr_net(),
        &one_doctor(&[
            "--param",
            "newcomers_read_past=true",
            "--param",
            "tampers=0",
        ]),
    );
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["states"], 633);
}

#[test]
fn every_mutant_fails_the_property_it_names() {
    let dir = root().join("nets/mutants");
    let mut mutants: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("nets/mutants exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    mutants.sort();
    assert!(mutants.len() >= 20, "only {} mutants", mutants.len());
    let mut params_checked: Vec<String> = Vec::new();
    for mutant in mutants {
        let text = std::fs::read_to_string(&mutant).expect("readable mutant");
        let header = |key: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(key))
                .unwrap_or_else(|| panic!("{}: no `{key}` line", mutant.display()))
                .trim()
                .to_string()
        };
        let expect = header("# expect: ");
        let params = header("# params: ");
        let args: Vec<&str> = params
            .split_whitespace()
            .flat_map(|kv| ["--param", kv])
            .collect();
        // The correct net holds every property with the mutant's parameters, so the mutant's
        // violation is its bug's.
        if !params_checked.contains(&params) {
            let (code, report) = check(&sesphr_net(), &args);
            assert_eq!(code, 0, "nets/sesphr.yaml with {params}: {report}");
            params_checked.push(params.clone());
        }
        let (code, report) = check(&mutant, &args);
        assert_eq!(code, 1, "{}: {report}", mutant.display());
        assert!(
            violated(&report).contains(&expect),
            "{}: expected {expect} violated, got {:?}",
            mutant.display(),
            violated(&report)
        );
        assert!(
            !trace(&report, &expect).is_empty(),
            "{}: empty trace",
            mutant.display()
        );
    }
}

#[test]
fn the_paper_net_checks_its_three_properties() {
    let (code, report) = check(&root().join("nets/sesphr-paper.yaml"), &[]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["states"], 4701);
    for name in [
        "no_R_without_grant",
        "decryption_is_correct",
        "a_user_decrypts",
        "unauthorized_gets_nothing",
    ] {
        assert_eq!(property(&report, name)["holds"], true, "{name}");
    }
    // The paper's scenario: keys, one upload, one download by the granted user.
    let run = trace(&report, "a_user_decrypts");
    assert_eq!(run.len(), 12);
    assert_eq!(run.last().map(String::as_str), Some("Decrypt_C"));
    for t in [
        "Gen_Key",
        "Send_Keys",
        "Gen_ri",
        "Encrypt_Pi",
        "Compt_Ri",
        "Send_C",
        "Send_Ri",
        "D_C",
        "D_R_S",
    ] {
        assert!(run.iter().any(|s| s == t), "{t} missing from {run:?}");
    }
}

/// Lines of `a` not matched by a line of `b` (multiset difference).
fn lines_not_in(a: &str, b: &str) -> usize {
    let mut rest: Vec<&str> = b.lines().collect();
    a.lines()
        .filter(|line| match rest.iter().position(|r| r == line) {
            Some(i) => {
                rest.swap_remove(i);
                false
            }
            None => true,
        })
        .count()
}

#[test]
fn every_mutant_and_variant_is_a_small_change_to_the_current_net() {
    // A mutant or variant left stale after an edit of nets/sesphr.yaml differs in many more
    // lines: regenerate them with `python3 scripts/make-mutants.py`.
    let base = std::fs::read_to_string(sesphr_net()).expect("readable net");
    for path in [nets_in("nets/mutants"), nets_in("nets/variants")].concat() {
        let mutant = std::fs::read_to_string(&path).expect("readable mutant");
        let body: String = mutant
            .lines()
            .filter(|l| !l.starts_with("# MUTANT") && !l.starts_with("# `sesphr check`"))
            .filter(|l| !l.starts_with("# VARIANT"))
            .filter(|l| !l.starts_with("# expect:") && !l.starts_with("# params:"))
            .filter(|l| !l.starts_with("name: "))
            .map(|l| format!("{l}\n"))
            .collect();
        let changed = lines_not_in(&body, &base) + lines_not_in(&base, &body);
        assert!(
            (1..=24).contains(&changed),
            "{}: {changed} lines differ from nets/sesphr.yaml",
            path.display()
        );
    }
}

/// The report without its timing and memory figures.
fn without_timings(mut report: Value) -> Value {
    if let Some(object) = report.as_object_mut() {
        for key in ["seconds", "states_per_second", "bytes_per_state", "threads"] {
            object.remove(key);
        }
    }
    report
}

#[test]
fn results_and_traces_do_not_depend_on_the_thread_count() {
    // Multisets get their ids in the order threads meet them; nothing reported may depend on it.
    for args in [ONE_DOCTOR, &one_doctor(&["--param", "key_mode=paper"])[..]] {
        let one = check(&sesphr_net(), &[args, &["--threads", "1"]].concat());
        let two = check(&sesphr_net(), &[args, &["--threads", "2"]].concat());
        assert_eq!(one.0, two.0, "{args:?}: exit codes");
        assert_eq!(
            without_timings(one.1),
            without_timings(two.1),
            "{args:?}: 1 and 2 threads differ"
        );
    }
}

/// The verdicts of a report, by property.
fn verdicts(report: &Value) -> Vec<(String, Value)> {
    report["properties"]
        .as_array()
        .map(|ps| {
            ps.iter()
                .map(|p| (p["name"].to_string(), p["holds"].clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// The `.yaml` files of a directory of the repository, sorted.
fn nets_in(dir: &str) -> Vec<PathBuf> {
    let mut nets: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    nets.sort();
    nets
}

/// The `--param` arguments of a mutant's `# params:` header line (none for
/// a net without one).
fn header_params(net: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(net).expect("readable net");
    text.lines()
        .find_map(|l| l.strip_prefix("# params: "))
        .map(|params| {
            params
                .split_whitespace()
                .flat_map(|kv| ["--param".to_string(), kv.to_string()])
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn the_reductions_keep_the_verdicts_of_every_shipped_net() {
    // Every example net, the paper's net and its literal variant, every
    // hand-written mutant with its parameters and every variant of the SeSPHR
    // net: the default reductions
    // (symmetry, partial order, where they apply) and `--no-reduction` give
    // the same exit code, the same verdict for every property and the same
    // deadlock answer.
    let nets: Vec<PathBuf> = [
        nets_in("nets/examples"),
        nets_in("nets/paper-variants"),
        nets_in("nets/mutants"),
        nets_in("nets/variants"),
        vec![root().join("nets/sesphr-paper.yaml")],
    ]
    .concat();
    let mut reduced_somewhere = 0;
    for net in &nets {
        let params = header_params(net);
        let args: Vec<&str> = params.iter().map(String::as_str).collect();
        let (code, reduced) = check(net, &args);
        let (full_code, full) = check(net, &[&args[..], &["--no-reduction"]].concat());
        let name = net.display();
        assert_eq!(code, full_code, "{name}: exit codes differ");
        assert_eq!(
            verdicts(&reduced),
            verdicts(&full),
            "{name}: verdicts differ"
        );
        assert_eq!(
            reduced["deadlock_reachable"], full["deadlock_reachable"],
            "{name}: deadlock answers differ"
        );
        assert!(
            reduced["states"].as_u64() <= full["states"].as_u64(),
            "{name}: the reduction stored more states"
        );
        if reduced["states"].as_u64() < full["states"].as_u64() {
            reduced_somewhere += 1;
        }
    }
    assert!(nets.len() >= 30, "only {} nets", nets.len());
    // The comparison is not vacuous: some of these nets are reduced.
    assert!(reduced_somewhere > 0, "no net was reduced");
}

#[test]
fn the_symmetry_reduction_keeps_every_verdict_and_stands_for_every_state() {
    // Two users of one role (Seat has two values): the reduction halves the space.
    for extra in [&[][..], &["--param", "key_mode=paper"][..]] {
        let args = [
            &["--param", "users_per_role=2", "--param", "versions=1"],
            extra,
        ]
        .concat();
        let (code, reduced) = check(&sesphr_net(), &args);
        let (full_code, full) = check(&sesphr_net(), &[&args[..], &["--no-reduction"]].concat());
        assert_eq!(code, full_code, "{args:?}");
        assert_eq!(verdicts(&reduced), verdicts(&full), "{args:?}");
        assert_eq!(reduced["represented_states"], full["states"], "{args:?}");
        assert!(
            reduced["states"].as_u64() < full["states"].as_u64(),
            "{args:?}"
        );
        assert!(full.get("reduction").is_none());
    }
}

#[test]
fn dates_per_user_keep_the_verdicts_and_traces_of_one_clock_for_every_event() {
    // nets/variants/sesphr-one-clock.yaml dates the SRS's answers by the patient's clock,
    // which then orders every user's events against every other's; the net dates an event
    // against the patient's uploads and the same user's join and revocation only, which is
    // all its guards and properties compare. Same exit code, verdicts and shortest trace
    // lengths; fewer states wherever two users are in play.
    let one_clock = root().join("nets/variants/sesphr-one-clock.yaml");
    let configurations: [Vec<&str>; 7] = [
        vec![],
        TWO_USERS.to_vec(),
        ONE_DOCTOR.to_vec(),
        one_doctor(&["--param", "rekey_on_upload=false"]),
        vec!["--param", "srs_colludes_with_users=true"],
        vec!["--param", "key_mode=paper", "--param", "users_per_role=1"],
        vec![
            "--param",
            "newcomers_read_past=true",
            "--param",
            "users_per_role=1",
        ],
    ];
    let mut fewer = 0;
    for args in &configurations {
        let (code, per_user) = check(&sesphr_net(), args);
        let (one_code, one) = check(&one_clock, args);
        assert_eq!(code, one_code, "{args:?}: exit codes");
        assert_eq!(verdicts(&per_user), verdicts(&one), "{args:?}: verdicts");
        for name in violated(&per_user) {
            assert_eq!(
                trace(&per_user, &name).len(),
                trace(&one, &name).len(),
                "{args:?}: the shortest traces of {name}"
            );
        }
        let (states, one_states) = (per_user["states"].as_u64(), one["states"].as_u64());
        assert!(
            states <= one_states,
            "{args:?}: {states:?} > {one_states:?}"
        );
        fewer += usize::from(states < one_states);
    }
    // Not vacuous: the configurations with two users per role store fewer states.
    assert!(fewer >= 3, "only {fewer} configurations store fewer states");
}
