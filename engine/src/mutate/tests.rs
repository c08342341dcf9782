use std::path::Path;

use super::*;
use crate::load::read_raw;
use crate::net::functions::NoFunctions;

/// A net small enough to list its mutants by hand: two colours, a counter.
const TINY: &str = r#"name: tiny
types:
  Colour: { enum: [red, green] }
places:
  a: { type: Colour, init: ["red", "green", "red", "green"] }
  b: { type: Colour }
  c: { type: Colour }
  n: { type: Int, init: ["0"] }
transitions:
  swap:
    in: { a: ["x", "y"], n: ["k"] }
    guard: "x != y && k < 1"
    out:
      b: ["x"]
      n: ["k + 1"]
properties:
  fires_once: { invariant: "forall k in n: k <= 1" }
  moved: { reachable: "count(b) == 1" }
"#;

fn tiny() -> Source {
    Source::new("tiny.yaml", TINY)
}

fn mutants() -> Vec<Mutant> {
    generate(&tiny(), &[], &NoFunctions).expect("the tiny net loads")
}

fn find<'m>(mutants: &'m [Mutant], id: &str) -> &'m Mutant {
    mutants
        .iter()
        .find(|m| m.id == id)
        .unwrap_or_else(|| panic!("no mutant {id}"))
}

#[test]
fn every_operator_makes_the_expected_mutants() {
    let ids: Vec<String> = mutants().into_iter().map(|m| m.id).collect();
    let expected = [
        "replace-constant@a.init[0]:red -> green",
        "replace-constant@a.init[1]:green -> red",
        "replace-constant@a.init[2]:red -> green",
        "replace-constant@a.init[3]:green -> red",
        "replace-constant@n.init[0]:0 -> -1",
        "replace-constant@n.init[0]:0 -> 1",
        "drop-input-arc@swap.in.a",
        "drop-input-arc@swap.in.a[0]",
        "drop-input-arc@swap.in.a[1]",
        "drop-input-arc@swap.in.n",
        "drop-guard-conjunct@swap.guard:x != y",
        "negate-comparison@swap.guard:x != y -> x == y",
        "drop-guard-conjunct@swap.guard:k < 1",
        "negate-comparison@swap.guard:k < 1 -> k >= 1",
        "replace-constant@swap.guard:1 -> 0",
        "replace-constant@swap.guard:1 -> 2",
        "drop-output-arc@swap.out.b",
        "redirect-output-arc@swap.out.b:-> a",
        "redirect-output-arc@swap.out.b:-> c",
        "replace-variable@swap.out.b[0]:x -> y",
        "drop-output-arc@swap.out.n",
        "replace-constant@swap.out.n[0]:1 -> 0",
        "replace-constant@swap.out.n[0]:1 -> 2",
    ];
    let mut sorted_ids = ids.clone();
    sorted_ids.sort();
    let mut sorted_expected: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
    sorted_expected.sort();
    assert_eq!(sorted_ids, sorted_expected, "in file order: {ids:#?}");
}

#[test]
fn edits_give_the_expected_text() {
    let ms = mutants();
    let src = tiny();
    let text = |id: &str| find(&ms, id).apply(src.text());
    assert!(text("drop-guard-conjunct@swap.guard:x != y").contains(r#"guard: "k < 1""#));
    assert!(text("drop-guard-conjunct@swap.guard:k < 1").contains(r#"guard: "x != y""#));
    assert!(text("negate-comparison@swap.guard:k < 1 -> k >= 1").contains(r#""x != y && k >= 1""#));
    assert!(text("drop-input-arc@swap.in.a").contains(r#"in: { n: ["k"] }"#));
    assert!(text("drop-input-arc@swap.in.n").contains(r#"in: { a: ["x", "y"] }"#));
    assert!(text("drop-input-arc@swap.in.a[0]").contains(r#"a: ["y"]"#));
    assert!(text("drop-input-arc@swap.in.a[1]").contains(r#"a: ["x"]"#));
    assert!(text("drop-output-arc@swap.out.b").contains("    out:\n      n: [\"k + 1\"]\n"));
    assert!(text("drop-output-arc@swap.out.n").contains("      b: [\"x\"]\nproperties:"));
    assert!(text("redirect-output-arc@swap.out.b:-> c").contains("      c: [\"x\"]"));
    assert!(text("replace-variable@swap.out.b[0]:x -> y").contains("      b: [\"y\"]"));
    assert!(text("replace-constant@n.init[0]:0 -> -1").contains(r#"init: ["-1"]"#));
    let m = find(&ms, "negate-comparison@swap.guard:x != y -> x == y");
    assert_eq!((m.line, m.column), (12, 15));
    assert_eq!(m.original, "x != y && k < 1");
    assert_eq!(m.mutated, "x == y && k < 1");
    let m = find(&ms, "drop-output-arc@swap.out.b");
    assert_eq!(
        (m.original.as_str(), m.mutated.as_str()),
        (r#"b: ["x"]"#, "")
    );
}

#[test]
fn every_mutant_is_well_formed_yaml_with_its_header() {
    let src = tiny();
    for m in mutants() {
        let file = m.file_text(&src);
        assert!(file.starts_with(&format!("# Mutant {}\n", m.id)));
        read_raw(&Source::new("m.yaml", file))
            .unwrap_or_else(|e| panic!("{}: not a net file: {e}", m.id));
    }
}

#[test]
fn a_killable_mutant_is_killed_and_an_equivalent_one_survives() {
    let (src, ms) = (tiny(), mutants());
    let limits = Limits {
        max_states: Some(10_000),
        reduction: true,
        ..Limits::default()
    };
    let original = check_original(&src, &[], &NoFunctions, &limits).expect("the net holds");
    assert_eq!(original.verdict, Verdict::Survived);
    let judge = |id: &str| check_mutant(&src, find(&ms, id), &[], &NoFunctions, &limits).verdict;
    assert_eq!(
        judge("drop-guard-conjunct@swap.guard:k < 1"),
        Verdict::Killed {
            properties: vec!["fires_once".into()]
        }
    );
    assert_eq!(
        judge("negate-comparison@swap.guard:k < 1 -> k >= 1"),
        Verdict::Killed {
            properties: vec!["moved".into()]
        }
    );
    // `b` gets `y` instead of `x`: both orders of red and green are bindings,
    // so the reachable markings are the same.
    assert_eq!(
        judge("replace-variable@swap.out.b[0]:x -> y"),
        Verdict::Survived
    );
    // Dropping the arc from `n` unbinds `k`, which the guard uses.
    assert!(matches!(
        judge("drop-input-arc@swap.in.n"),
        Verdict::Invalid { message, at: Some(_) } if message.contains("not bound")
    ));
}

#[test]
fn an_exploding_mutant_is_undecided() {
    let (src, ms) = (tiny(), mutants());
    let tiny_limit = Limits {
        max_states: Some(1),
        ..Limits::default()
    };
    let j = check_mutant(
        &src,
        find(&ms, "replace-variable@swap.out.b[0]:x -> y"),
        &[],
        &NoFunctions,
        &tiny_limit,
    );
    assert_eq!(
        j.verdict,
        Verdict::Undecided {
            stopped: crate::explore::StopReason::MaxStates
        }
    );
}

#[test]
fn equivalents_file_lists_entries_and_reports_stale_ones() {
    let text = "# why\nequivalent:\n  - id: \"replace-variable@swap.out.b[0]:x -> y\"\n    reason: symmetric bindings\n  - id: gone@nowhere\n    reason: the net changed\n";
    let eq = Equivalents::parse(Path::new("tiny.equivalent-mutants.yaml"), text).expect("parses");
    assert_eq!(eq.entries.len(), 2);
    assert_eq!(eq.entries[1].line, 5);
    assert!(eq.get("replace-variable@swap.out.b[0]:x -> y").is_some());
    let stale: Vec<&str> = eq.stale(&mutants()).iter().map(|e| e.id.as_str()).collect();
    assert_eq!(stale, ["gone@nowhere"]);
    assert_eq!(
        Equivalents::default_path(Path::new("nets/tiny.yaml")),
        Path::new("nets/tiny.equivalent-mutants.yaml")
    );
}

#[test]
fn equivalents_file_errors_name_the_line() {
    let p = Path::new("e.yaml");
    let missing = Equivalents::parse(p, "equivalent:\n  - id: x\n").expect_err("no reason");
    assert!(missing.to_string().starts_with("e.yaml:2: "), "{missing}");
    assert!(
        missing.to_string().contains("needs a `reason`"),
        "{missing}"
    );
    let twice = "equivalent:\n  - { id: x, reason: r }\n  - { id: x, reason: r }\n";
    let err = Equivalents::parse(p, twice).expect_err("twice");
    assert!(err.to_string().contains("listed twice"), "{err}");
    let err = Equivalents::parse(p, "equivalents: []\n").expect_err("bad key");
    assert!(err.to_string().contains("unknown key"), "{err}");
    assert!(Equivalents::parse(p, "").expect("empty").entries.is_empty());
    let grouped = "equivalent:\n  - ids: [a, b]\n    reason: same\n  - { id: c, reason: other }\n";
    let eq = Equivalents::parse(p, grouped).expect("ids lists");
    let ids: Vec<(&str, &str, usize)> = eq
        .entries
        .iter()
        .map(|e| (e.id.as_str(), e.reason.as_str(), e.line))
        .collect();
    assert_eq!(ids, [("a", "same", 2), ("b", "same", 2), ("c", "other", 4)]);
}

#[test]
fn operators_round_trip_their_names() {
    for op in Operator::ALL {
        assert_eq!(Operator::from_name(op.name()), Some(op));
    }
    assert_eq!(Operator::from_name("nope"), None);
}

#[test]
fn mutants_with_the_text_of_an_earlier_one_are_left_out() {
    let mutant = |id: &str, range: Range<usize>, text: &str| Mutant {
        id: id.into(),
        operator: Operator::ReplaceConstant,
        site: "t.guard".into(),
        line: 1,
        column: 1,
        original: String::new(),
        mutated: String::new(),
        edit: Edit {
            range,
            text: text.into(),
        },
    };
    // "x < 1": replacing `1` by `2` (twice), or ` 1` by ` 2`, give the same
    // text; replacing `<` gives another.
    let kept = without_repeated_texts(
        vec![
            mutant("a", 4..5, "2"),
            mutant("b", 2..3, ">"),
            mutant("c", 4..5, "2"),
            mutant("d", 3..5, " 2"),
        ],
        "x < 1",
    );
    let ids: Vec<&str> = kept.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["a", "b"]);
}
