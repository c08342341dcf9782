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
        "error: {}: trace `no_deadlock (deadlock-free): VIOLATED`, step 1 (`take_left`) \
         cannot fire: the net mutex has no transition of that name",
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

/// The JSON data block of a page, read back.
fn page_data(page: &str) -> serde_json::Value {
    let start = page.find("id=\"view-data\">").unwrap() + "id=\"view-data\">".len();
    let end = start + page[start..].find("</script>").unwrap();
    serde_json::from_str(&page[start..end]).unwrap()
}

/// Token counts per place after every step of the page's first trace.
fn final_counts(data: &serde_json::Value) -> Vec<u64> {
    let mut counts: Vec<u64> = (data["places"].as_array().unwrap().iter())
        .map(|p| p["tokens"].as_u64().unwrap())
        .collect();
    for step in data["traces"][0]["steps"].as_array().unwrap() {
        for change in step["changes"].as_array().unwrap() {
            counts[change["p"].as_u64().unwrap() as usize] = change["tokens"].as_u64().unwrap();
        }
    }
    counts
}

/// `simulate --json` gives transitions and bindings only: the page fires
/// them, so the marking it reaches is the run's final marking.
#[test]
fn a_simulate_run_is_fired_to_its_final_marking() {
    let dir = scratch("simulate");
    let net = "nets/examples/mutex.yaml";
    let run = sesphr(&["simulate", net, "--seed", "3", "--max-steps", "6", "--json"]);
    assert!(run.status.success(), "{}", stderr(&run));
    let trace = dir.join("run.json");
    std::fs::write(&trace, &run.stdout).unwrap();
    let out = view(net, &trace, &dir.join("page"), &["--layout", "builtin"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = std::fs::read_to_string(dir.join("page/index.html")).unwrap();
    let data = page_data(&page);
    let run: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    let expected: Vec<u64> = (data["places"].as_array().unwrap().iter())
        .map(|p| {
            let tokens = &run["final"][p["name"].as_str().unwrap()];
            (tokens.as_array().into_iter().flatten())
                .map(|t| t["count"].as_u64().unwrap())
                .sum()
        })
        .collect();
    assert_eq!(final_counts(&data), expected);
    assert_ne!(
        expected,
        final_counts(&serde_json::json!({"places": data["places"], "traces": [{"steps": []}]}))
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A trace made with other `--param` values, or with a binding the net
/// cannot fire, is refused at the first step that cannot fire.
#[test]
fn a_trace_that_cannot_fire_is_refused_at_its_first_bad_step() {
    let dir = scratch("cannot-fire");
    let net = "nets/examples/philosophers-deadlock.yaml";
    let out = sesphr(&["check", net, "--param", "n=4", "--json"]);
    let trace = dir.join("n4.json");
    std::fs::write(&trace, &out.stdout).unwrap();
    let out = view(net, &trace, &dir.join("page"), &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let expected = format!(
        "error: {}: trace `no_deadlock (deadlock-free): VIOLATED`, step 4 (`take_left`) cannot fire: \
         the transition is not enabled",
        trace.display()
    );
    assert!(stderr(&out).contains(&expected), "{}", stderr(&out));
    assert!(!dir.join("page").exists());
    let wrong = dir.join("wrong.json");
    std::fs::write(
        &wrong,
        r#"{"steps": [{"transition": "request", "binding": {"p": 1}},
                      {"transition": "enter", "binding": {"p": "banana"}}]}"#,
    )
    .unwrap();
    let out = view("nets/examples/mutex.yaml", &wrong, &dir.join("page"), &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("step 2 (`enter`) cannot fire: the binding p=banana is not enabled in the marking reached (enabled: p=1;"),
        "{}",
        stderr(&out)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// An LTL counterexample is offered as its stem then its cycle; traces of
/// `check --unfold` and the array of `check A B --json` are read too.
#[test]
fn lassos_unfolded_traces_and_several_nets_are_offered() {
    let dir = scratch("lasso");
    let net = "tests/data/view/lasso.yaml";
    let trace = check_json(net, &dir);
    let out = view(net, &trace, &dir.join("lasso"), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let data = page_data(&std::fs::read_to_string(dir.join("lasso/index.html")).unwrap());
    let lasso = &data["traces"][0];
    assert_eq!(
        lasso["title"],
        "reaches_q (ltl): VIOLATED (lasso: step 1 repeats for ever)"
    );
    assert_eq!(lasso["steps"][0]["transition"], "spin");
    assert!(
        lasso["steps"][0]["note"]
            .as_str()
            .unwrap()
            .starts_with("The cycle starts here")
    );

    let phil = "nets/examples/philosophers-deadlock.yaml";
    let unfolded = dir.join("unfolded.json");
    std::fs::write(
        &unfolded,
        sesphr(&["check", phil, "--unfold", "--json"]).stdout,
    )
    .unwrap();
    let out = view(phil, &unfolded, &dir.join("unfolded"), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let data = page_data(&std::fs::read_to_string(dir.join("unfolded/index.html")).unwrap());
    assert_eq!(data["traces"][0]["steps"][0]["transition"], "take_left");
    assert_eq!(data["traces"][0]["steps"][0]["binding"], "p=1");

    let both = dir.join("both.json");
    std::fs::write(
        &both,
        sesphr(&["check", phil, "nets/examples/mutex.yaml", "--json"]).stdout,
    )
    .unwrap();
    let out = view(phil, &both, &dir.join("both"), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let data = page_data(&std::fs::read_to_string(dir.join("both/index.html")).unwrap());
    assert_eq!(data["traces"].as_array().unwrap().len(), 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A place named to end the script's comment state (`<!--<script>`) cannot
/// break the page's data: every `<` in it is written `\u003c`.
#[test]
fn hostile_names_stay_inside_the_data() {
    let dir = scratch("hostile");
    let trace = dir.join("t.json");
    std::fs::write(&trace, r#"{"steps": [{"transition": "go"}]}"#).unwrap();
    let out = view(
        "tests/data/view/hostile.pnml",
        &trace,
        &dir.join("page"),
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let page = std::fs::read_to_string(dir.join("page/index.html")).unwrap();
    assert!(page.contains(r#""name":"\u003c!--\u003cscript\u003e""#));
    let data = page_data(&page);
    assert_eq!(data["places"][0]["name"], "<!--<script>");
    assert_eq!(final_counts(&data), vec![0, 1, 1]);
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

/// `graph --reachability` and `view` draw no property: a property that
/// divides by zero on a reachable marking does not stop them.
#[test]
fn a_failing_property_does_not_stop_the_drawings() {
    let net = "tests/data/division-by-zero.yaml";
    let graph = sesphr(&["graph", "--reachability", net]);
    assert_eq!(graph.status.code(), Some(0), "{}", stderr(&graph));
    assert!(stdout(&graph).contains("digraph"), "{}", stdout(&graph));
    let dir = scratch("division");
    let out = sesphr(&["view", net, "--out", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = std::fs::read_to_string(dir.join("index.html")).unwrap();
    assert!(page.contains("Reachability graph: 1 states"));
    std::fs::remove_dir_all(&dir).unwrap();
}
