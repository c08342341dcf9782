//! The SeSPHR nets on real cryptography: runs pass their checks, and the checks
//! catch planted faults.

use std::path::PathBuf;

use sesphr_engine::load::load_net;
use sesphr_engine::net::functions::FunctionLibrary;
use sesphr_engine::net::model::Net;
use sesphr_engine::net::value::Value;
use sesphr_model::real::{
    Checks, Config, DISAGREEMENT, Fault, RealFunctions, RunEnd, RunError, RunOptions,
    check_plaintexts, pair, replay, run,
};
use sesphr_model::symbolic::SymbolicFunctions;

fn net(file: &str, params: &[(&str, &str)], functions: &RealFunctions) -> Net {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../nets")
        .join(file);
    let params: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    match load_net(&path, &params, functions) {
        Ok(net) => net,
        Err(e) => panic!("{e}"),
    }
}

fn config(seed: u64, fault: Option<Fault>) -> Config {
    Config {
        seed,
        partition_size: 2_000,
        fault,
    }
}

fn options<'a>(
    seed: u64,
    store: Option<&'a std::path::Path>,
    defer: &'a [String],
) -> RunOptions<'a> {
    RunOptions {
        seed,
        max_steps: 5_000,
        store,
        defer,
        replays: 1,
    }
}

#[test]
fn every_symbolic_name_has_a_real_twin() {
    let real = RealFunctions::new(config(1, None));
    for name in SymbolicFunctions::names() {
        assert!(real.lookup(name).is_some(), "{name}");
    }
    assert!(real.lookup("decrypt_anything").is_none());
}

#[test]
fn the_paper_net_runs_on_real_crypto_and_a_user_reads() {
    let dir = std::env::temp_dir().join(format!("sesphr-real-paper-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for seed in 1..=3 {
        let functions = RealFunctions::new(config(seed, None));
        let net = net("sesphr-paper.yaml", &[], &functions);
        let store = dir.join(format!("run-{seed}"));
        let report = match run(&net, &functions, &options(seed, Some(&store), &[])) {
            Ok(r) => r,
            Err(e) => panic!("seed {seed}: {e}"),
        };
        assert_eq!(report.end, RunEnd::Quiescent);
        // u2 reads P1; u3 is refused (D_R_F leaves the marking unchanged).
        assert_eq!(report.checks.plaintexts, 1, "seed {seed}");
        assert_eq!(report.checks.stored, 2);
        let decrypt = net.transition_id("Decrypt_C").unwrap_or(usize::MAX);
        assert_eq!(report.transitions[decrypt].firings.count(), 1);
        let refused = net.transition_id("D_R_F").unwrap_or(usize::MAX);
        assert!(report.transitions[refused].unchanged > 0);
        assert!(report.direct > std::time::Duration::ZERO);
        assert!(store.join("cloud/objects/cloud/v1").is_dir());
        assert_eq!(
            report.checks.ledger_blocks, 0,
            "the paper's net has no ledger"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_full_net_runs_with_real_crypto_and_users_read() {
    let defer: Vec<String> = ["revoke", "tamper", "substitute", "forge"]
        .map(String::from)
        .to_vec();
    let mut read = 0;
    for seed in 1..=2 {
        let functions = RealFunctions::new(config(seed, None));
        let net = net(
            "sesphr.yaml",
            &[
                ("roles", "2"),
                ("users_per_role", "1"),
                ("partitions", "2"),
                ("versions", "2"),
            ],
            &functions,
        );
        let store =
            std::env::temp_dir().join(format!("sesphr-real-full-{}-{seed}", std::process::id()));
        let _ = std::fs::remove_dir_all(&store);
        let report = match run(&net, &functions, &options(seed, Some(&store), &defer)) {
            Ok(r) => r,
            Err(e) => panic!("seed {seed}: {e}"),
        };
        let _ = std::fs::remove_dir_all(&store);
        assert_eq!(report.end, RunEnd::Quiescent);
        read += report.checks.plaintexts;
        // Every upload, grant, revocation and served access is one ledger record.
        assert!(report.checks.ledger_records >= 4 + 2);
        assert!(report.checks.ledger_blocks > 0);
        assert_eq!(
            report.checks.stored,
            4 + 1,
            "four uploads and the tampered copy"
        );
        let upload = net.transition_id("upload").unwrap_or(usize::MAX);
        assert_eq!(report.transitions[upload].firings.count(), 4);
    }
    assert!(read > 0);
}

#[test]
fn a_corrupted_decryption_stops_the_run() {
    let functions = RealFunctions::new(config(1, Some(Fault::DecryptedPlaintext)));
    let net = net("sesphr-paper.yaml", &[], &functions);
    match run(&net, &functions, &options(1, None, &[])) {
        Err(RunError::Engine(e)) => {
            let text = e.to_string();
            assert!(text.contains(DISAGREEMENT), "{text}");
            assert!(
                text.contains("differs from the partition the patient uploaded"),
                "{text}"
            );
        }
        other => panic!("expected a disagreement, got {other:?}"),
    }
}

#[test]
fn a_corrupted_ciphertext_stops_the_run() {
    let functions = RealFunctions::new(config(1, Some(Fault::StoredCiphertext)));
    let net = net("sesphr-paper.yaml", &[], &functions);
    match run(&net, &functions, &options(1, None, &[])) {
        Err(RunError::Engine(e)) => assert!(e.to_string().contains(DISAGREEMENT), "{e}"),
        other => panic!("expected a disagreement, got {other:?}"),
    }
}

#[test]
fn the_final_check_catches_a_plaintext_altered_in_the_marking() {
    let functions = RealFunctions::new(config(4, None));
    let net = net("sesphr-paper.yaml", &[], &functions);
    let report = match run(&net, &functions, &options(4, None, &[])) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    };
    let mut marking = report.marking.clone();
    let user = net.place_id("User").unwrap_or(usize::MAX);
    let (token, altered) = marking.places[user]
        .iter()
        .find_map(|(token, _)| alter_plaintext(token).map(|a| (token.clone(), a)))
        .unwrap_or_else(|| panic!("no plaintext in the final marking"));
    marking.places[user].remove(&token, 1);
    marking.places[user].add(altered, 1);
    let mut checks = Checks::default();
    assert!(check_plaintexts(&net, &functions, &report.marking, &mut checks).is_ok());
    assert_eq!(checks.plaintexts, 1);
    match check_plaintexts(&net, &functions, &marking, &mut Checks::default()) {
        Err(RunError::PlaintextMismatch { place, value }) => {
            assert_eq!(place, "User");
            assert_eq!(value, "phr(u1, P1, 1)");
        }
        other => panic!("expected a plaintext mismatch, got {other:?}"),
    }
}

/// The token with its decrypted plaintext's last bit flipped, if it holds one.
fn alter_plaintext(token: &Value) -> Option<Value> {
    let Value::Tuple(items) = token else {
        return None;
    };
    let mut found = false;
    let items: Vec<Value> = items
        .iter()
        .map(|item| match pair::split(item) {
            Some((sym, bytes)) if sym.as_term().is_some_and(|t| &*t.functor == "phr") => {
                found = true;
                let mut bytes = bytes.to_vec();
                if let Some(last) = bytes.last_mut() {
                    *last ^= 1;
                }
                pair::pair(sym.clone(), bytes)
            }
            _ => item.clone(),
        })
        .collect();
    found.then(|| Value::tuple(items))
}

#[test]
fn the_same_seed_gives_the_same_run() {
    let defer: Vec<String> = ["revoke", "tamper", "substitute", "forge"]
        .map(String::from)
        .to_vec();
    let fired = |seed: u64| {
        let functions = RealFunctions::new(config(seed, None));
        let net = net(
            "sesphr.yaml",
            &[
                ("roles", "3"),
                ("users_per_role", "1"),
                ("partitions", "3"),
                ("versions", "2"),
            ],
            &functions,
        );
        match run(&net, &functions, &options(seed, None, &defer)) {
            Ok(r) => (
                r.steps,
                r.checks.plaintexts,
                r.transitions
                    .iter()
                    .map(|t| (t.name.clone(), t.firings.count(), t.unchanged))
                    .collect::<Vec<_>>(),
                r.marking.total(),
            ),
            Err(e) => panic!("{e}"),
        }
    };
    let first = fired(5);
    assert_eq!(first, fired(5));
    assert!(first.0 > 20 && first.1 > 0, "{first:?}");
}

#[test]
fn the_capability_opens_every_r_p_and_a_forgery_under_the_real_key_passes_the_tag() {
    let lib = RealFunctions::new(config(3, None));
    let call = |name: &str, args: &[Value]| match lib.lookup(name).map(|f| f.call(args)) {
        Some(Ok(v)) => v,
        other => panic!("{name}: {other:?}"),
    };
    let p = Value::sym("p1");
    let x_p = call("patient_secret", std::slice::from_ref(&p));
    let r = call("draw_r", &[p.clone(), Value::sym("medical"), Value::Int(1)]);
    // e(R_P, g2^(1/x_P)) = Z^r: the real pairing agrees with the symbolic one (or the call fails).
    let opened = call(
        "pairing",
        &[
            call("compute_r", &[x_p.clone(), r.clone()]),
            call("capability", &[x_p]),
        ],
    );
    let bytes = |v: &Value| pair::split(v).map(|(_, b)| b.to_vec());
    let z_r = call("z_pow", std::slice::from_ref(&r));
    assert!(bytes(&opened).is_some());
    assert_eq!(bytes(&opened), bytes(&z_r));
    // A key holder's forgery under the real key and label verifies, and decrypts to the forgery.
    let key = call("partition_key", &[r]);
    let label = Value::tuple([p.clone(), Value::sym("medical"), Value::Int(1)]);
    let forgery = call(
        "forged",
        &[Value::tuple([Value::sym("doctor"), Value::Int(1)])],
    );
    let c = call("enc", &[key.clone(), label.clone(), forgery.clone()]);
    assert_eq!(
        call("dec_ok", &[key.clone(), label.clone(), c.clone()]),
        Value::Bool(true)
    );
    assert_eq!(call("dec", &[key, label, c]), forgery);
}

/// The checker's shortest witness of the paper net's `a_user_decrypts`, on the symbolic net.
fn paper_witness() -> Vec<sesphr_engine::explore::Step> {
    use sesphr_engine::check::CheckOptions;
    use sesphr_engine::load::LoadedNet;
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../nets/sesphr-paper.yaml");
    let symbolic = match load_net(&path, &[], &SymbolicFunctions::new()) {
        Ok(net) => net,
        Err(e) => panic!("{e}"),
    };
    let mut options = CheckOptions::default();
    options.explore.stop_when_decided = true;
    let report = match LoadedNet::Coloured(Box::new(symbolic)).check(&options) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    };
    let goal = report
        .properties
        .into_iter()
        .find(|p| p.name == "a_user_decrypts")
        .and_then(|p| p.trace)
        .unwrap_or_else(|| panic!("no witness of a_user_decrypts"));
    goal.steps
}

#[test]
fn a_witness_of_the_symbolic_net_replays_on_real_crypto_and_decrypts() {
    let witness = paper_witness();
    assert!(!witness.is_empty());
    let functions = RealFunctions::new(config(7, None));
    let net = net("sesphr-paper.yaml", &[], &functions);
    let report = match replay(&net, &functions, &witness, None, 1) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(report.end, RunEnd::Replayed);
    assert_eq!(report.steps, witness.len() as u64);
    assert_eq!(report.seed, 7);
    assert_eq!(
        report.checks.plaintexts, 1,
        "the witness ends with a user's read"
    );
    let decrypt = net.transition_id("Decrypt_C").unwrap_or(usize::MAX);
    assert_eq!(report.transitions[decrypt].firings.count(), 1);
}

#[test]
fn a_step_no_real_binding_matches_stops_the_replay_at_that_step() {
    let mut witness = paper_witness();
    let last = witness.len() - 1;
    // The last step with another value for its first variable: no binding has it.
    witness[last].binding[0].1 = "nobody".into();
    let functions = RealFunctions::new(config(7, None));
    let net = net("sesphr-paper.yaml", &[], &functions);
    match replay(&net, &functions, &witness, None, 1) {
        Err(RunError::ReplayDiverged { step, .. }) => assert_eq!(step, last + 1),
        other => panic!("expected a divergence, got {other:?}"),
    }
    // A transition the net does not have.
    let mut witness = paper_witness();
    witness[0].transition = "nap".into();
    match replay(&net, &functions, &witness, None, 1) {
        Err(RunError::ReplayDiverged { step, reason, .. }) => {
            assert_eq!(step, 1);
            assert!(reason.contains("no such transition"), "{reason}");
        }
        other => panic!("expected a divergence, got {other:?}"),
    }
}
