//! `sesphr view` on the command line: pages from real `check --json` output
//! (the explorer's and the random walks'), PNML nets, and clear errors for
//! traces of another net or bad files.

mod support;

use std::path::{Path, PathBuf};

use support::{sesphr, stderr, stdout};

/// `sesphr view NET --trace TRACE --out OUT ARGS`.
fn view(net: &str, trace: &Path, out: &Path, args: &[&str]) -> std::process::Output {
    let (trace, out) = (trace.display().to_string(), out.display().to_string());
    sesphr(&[&["view", net, "--trace", &trace, "--out", &out], args].concat())
}

fn scratch(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sesphr-view-cli-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn check_json(net: &str, dir: &Path) -> PathBuf {
    let out = sesphr(&["check", net, "--json"]);
    let file = dir.join("check.json");
    std::fs::write(&file, &out.stdout).unwrap();
    file
}

#[test]
fn a_violation_from_check_json_becomes_a_self_contained_page() {
    let dir = scratch("violation");
    let trace = check_json("nets/examples/philosophers-deadlock.yaml", &dir);
    let out_dir = dir.join("nested/page");
    let out = view(
        "nets/examples/philosophers-deadlock.yaml",
        &trace,
        &out_dir,
        &["--layout", "builtin"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let wrote = out_dir.join("index.html").display().to_string();
    assert_eq!(stdout(&out), format!("wrote {wrote}\n"));
    let page = std::fs::read_to_string(out_dir.join("index.html")).unwrap();
    assert!(page.contains("no_deadlock (deadlock-free): VIOLATED"));
    assert!(page.contains("Reachability graph: 14 states, 1 deadlock(s)"));
    assert_eq!(page.matches("class=\"state deadlock\"").count(), 1);
    // Nothing is fetched at view time: no external scripts, styles or images.
    assert!(!page.contains("src=") && !page.contains("href=") && !page.contains("@import"));
    // The forks arc carries two tokens, written as a list.
    assert!(page.contains(">p, p % n + 1</text>"));
    let leftovers: Vec<_> = std::fs::read_dir(&out_dir).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "only index.html is written");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_violation_found_by_random_walks_becomes_a_page_too() {
    let dir = scratch("walks");
    let net = "nets/examples/philosophers-deadlock.yaml";
    let out = sesphr(&[
        "check", net, "--json", "--engine", "random", "--walks", "20",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let trace = dir.join("walks.json");
    std::fs::write(&trace, &out.stdout).unwrap();
    let out_dir = dir.join("page");
    let out = view(net, &trace, &out_dir, &["--layout", "builtin"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = std::fs::read_to_string(out_dir.join("index.html")).unwrap();
    assert!(page.contains("no_deadlock (deadlock-free): VIOLATED"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_trace_of_another_net_is_refused_with_the_reason() {
    let dir = scratch("other");
    let trace = check_json("nets/examples/philosophers-deadlock.yaml", &dir);
    let out_dir = dir.join("page");
    let out = view("nets/examples/mutex.yaml", &trace, &out_dir, &[]);
    assert_eq!(out.status.code(), Some(2));
    // The message names the trace file first: it is the file that is wrong.
    let expected = format!(
        "error: {}: trace `no_deadlock (deadlock-free): VIOLATED`, step 1: \
         the net mutex has no transition `take_left`",
        trace.display()
    );
    assert!(stderr(&out).contains(&expected), "{}", stderr(&out));
    assert!(!out_dir.exists(), "nothing written on failure");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_file_that_is_not_json_or_holds_no_trace_is_refused() {
    let dir = scratch("bad");
    let not_json = dir.join("x.json");
    std::fs::write(&not_json, "name: mutex\n").unwrap();
    let out = view("nets/examples/mutex.yaml", &not_json, &dir.join("p"), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not JSON"), "{}", stderr(&out));
    std::fs::write(&not_json, "{\"properties\": []}").unwrap();
    let out = view("nets/examples/mutex.yaml", &not_json, &dir.join("p"), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("holds no trace"), "{}", stderr(&out));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn pnml_nets_and_large_nets_are_drawn() {
    let dir = scratch("pnml");
    let out = view(
        "nets/pnml/mutex-broken.pnml",
        Path::new("tests/data/view/mutex-broken.check.json"),
        &dir.join("pnml"),
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let page = std::fs::read_to_string(dir.join("pnml/index.html")).unwrap();
    assert!(page.contains("VIOLATED"));
    // A net above --max-states is drawn without its reachability graph.
    let out = sesphr(&[
        "view",
        "nets/examples/philosophers.yaml",
        "--max-states",
        "5",
        "--out",
        dir.join("big").to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = std::fs::read_to_string(dir.join("big/index.html")).unwrap();
    assert!(page.contains("more than 5 reachable states"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_trace_with_tokens_as_json_values_is_replayed() {
    let dir = scratch("json-values");
    let out = view(
        "nets/examples/philosophers-deadlock.yaml",
        Path::new("tests/data/view/philosophers-deadlock.check.json"),
        &dir,
        &["--layout", "builtin"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let page = std::fs::read_to_string(dir.join("index.html")).unwrap();
    // The markings after each step, replayed from the tokens removed and added.
    for after in [
        r#"{"p":0,"after":"{2, 3}","tokens":2}"#,
        r#"{"p":1,"after":"{1, 2}","tokens":2}"#,
        r#"{"p":1,"after":"{1, 2, 3}","tokens":3}"#,
        r#"{"p":3,"after":"{}","tokens":0}"#,
    ] {
        assert!(page.contains(after), "{after} missing");
    }
    assert!(page.contains(r#""binding":"p=3""#));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// An unbounded net has no reachability graph: `graph --reachability`
/// refuses it, naming the place that grows, and `view` draws the net and
/// says why the graph is not drawn.
#[test]
fn an_unbounded_net_has_no_reachability_graph() {
    let dir = scratch("unbounded");
    let net = dir.join("grow.yaml");
    std::fs::write(
        &net,
        "name: grow\n\
         places:\n  p: { type: Unit, init: [\"()\"] }\n  q: { type: Unit }\n\
         transitions:\n  t: { in: { p: [\"()\"] }, out: { p: [\"()\"], q: [\"()\"] } }\n",
    )
    .unwrap();
    let net = net.display().to_string();
    let graph = sesphr(&["graph", "--reachability", &net]);
    assert_eq!(graph.status.code(), Some(2));
    assert!(
        stderr(&graph).contains(
            "grow.yaml:4:3: the net is unbounded (q can grow for ever): its reachability graph is infinite"
        ),
        "{}",
        stderr(&graph)
    );
    let out = dir.join("page");
    let page = sesphr(&["view", &net, "--out", &out.display().to_string()]);
    assert_eq!(page.status.code(), Some(0), "{}", stderr(&page));
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.contains("Not drawn: the net is unbounded (q can grow for ever"));
    let _ = std::fs::remove_dir_all(&dir);
}
