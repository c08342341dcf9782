//! Regression tests of load errors: errors inside expressions written over
//! several lines used to point at the expression's first line, escapes in
//! quoted scalars moved the errors after them, duplicate YAML keys were
//! reported without naming the key, errors at the end of a file pointed past
//! it, and a misspelt constant in an arc got no hint.

use sesphr_engine::load::error::{LoadError, LoadErrorKind};
use sesphr_engine::load::load_net_str;
use sesphr_engine::load::source::{Pos, Source};
use sesphr_engine::net::functions::NoFunctions;

fn load_err(text: &str) -> LoadError {
    load_net_str(&Source::new("pos.yaml", text), &[], &NoFunctions).expect_err("a bad net")
}

/// A net whose transition `t` has the given `guard:` lines (lines 6 onwards).
fn with_guard(guard_lines: &str) -> String {
    format!(
        "places:\n  p: {{ type: Int, init: [\"1\"] }}\ntransitions:\n  t:\n    in: {{ p: [x] }}\n{guard_lines}\n    out: {{ p: [x] }}\n"
    )
}

fn pos(line: usize, col: usize) -> Option<Pos> {
    Some(Pos { line, col })
}

/// Each guard's syntax error (a `*` with nothing before it) is reported at
/// its position.
fn assert_syntax_errors_at(cases: &[(&str, Option<Pos>)]) {
    for &(guard, want) in cases {
        let err = load_err(&with_guard(guard));
        assert!(matches!(err.kind(), LoadErrorKind::Expression(_)), "{err}");
        assert_eq!(err.pos(), want, "{guard}\n{err}");
    }
}

#[test]
fn errors_in_folded_literal_plain_and_quoted_scalars_point_at_their_line() {
    let cases = [
        ("    guard: >-\n      x > 0 &&\n      x < * 2", pos(8, 11)),
        ("    guard: |\n      x > 0 &&\n      x < * 2", pos(8, 11)),
        (
            "    guard: x > 0 &&\n      x < 5 &&\n      x < * 2",
            pos(8, 11),
        ),
        ("    guard: \"x > 0 &&\n      x < * 2\"", pos(7, 11)),
        (
            "    guard: 'x > 0 &&\n      x < * 2'  # a comment",
            pos(7, 11),
        ),
    ];
    assert_syntax_errors_at(&cases);
}

#[test]
fn type_errors_in_folded_scalars_point_at_the_variable() {
    let err = load_err(&with_guard(
        "    guard: >-\n      x > 0 &&\n      x < 10 &&\n      x != y",
    ));
    assert!(
        matches!(err.kind(), LoadErrorKind::Unbound { name, .. } if name == "y"),
        "{err}"
    );
    assert_eq!(err.pos(), pos(9, 12));
    assert!(
        err.to_string()
            .ends_with("9 |       x != y\n  |            ^"),
        "{err}"
    );
}

/// Regression: a more-indented line of a folded scalar (kept with its line
/// breaks and extra indentation) or a blank line made every error in the
/// scalar point at its first line, as in the SeSPHR net's properties.
#[test]
fn errors_after_more_indented_or_blank_lines_point_at_their_line() {
    let cases = [
        (
            "    guard: >\n      x > 0 &&\n        x < 5 &&\n      x < * 2",
            pos(9, 11),
        ),
        ("    guard: >\n      x > 0 &&\n        x < * 2", pos(8, 13)),
        ("    guard: >\n      x > 0 &&\n\n      x < * 2", pos(9, 11)),
        (
            "    guard: |\n      x > 0 &&\n\n        x < * 2",
            pos(9, 13),
        ),
        (
            "    guard: >-\n      x > 0 &&\n\n        x < 5 &&\n\n      x < * 2",
            pos(11, 11),
        ),
    ];
    assert_syntax_errors_at(&cases);
}

/// Regression: an escape in a double-quoted scalar (`\u003c`, six
/// characters for one) moved the errors after it, and one written over
/// several lines, or continued by a `\` at the end of a line, put them at
/// the scalar's start: they point at the character as written.
#[test]
fn errors_after_escapes_and_continued_lines_point_at_what_is_written() {
    let cases = [
        ("    guard: \"x > 0 &&\n      x \\u003c * 2\"", pos(7, 16)),
        (
            "    guard: \"x \\u003e 0 \\u0026\\u0026 x < * 2\"",
            pos(6, 41),
        ),
        ("    guard: \"x > 0 && \\\n      x < * 2\"", pos(7, 11)),
        ("    guard: \"x > 0 &&\\\n      \\tx < * 2\"", pos(7, 13)),
        ("    guard: \"x > 0 &&\n\n      x < * 2\"", pos(8, 11)),
    ];
    assert_syntax_errors_at(&cases);
}

#[test]
fn duplicate_keys_are_named() {
    let err = load_err("places:\n  idle: { type: Unit }\n  idle: { type: Int }\ntransitions: {}\n");
    assert_eq!(
        err.kind(),
        &LoadErrorKind::Duplicate {
            kind: "place",
            name: "idle".into(),
            first: Some(2),
        }
    );
    assert_eq!(err.pos(), pos(3, 3));
    let err = load_err("places:\n  p: { type: Unit, \"type\": Int }\ntransitions: {}\n");
    assert!(err.to_string().contains("duplicate key `type`"), "{err}");
    // A quoted property name after a comment; a key inside a transition.
    let net = "places:\n  p: { type: Unit }\ntransitions: {}\nproperties:\n  \"ok\": { invariant: \"true\" }\n  # again\n  ok: { invariant: \"true\" }\n";
    let err = load_err(net);
    assert!(
        err.to_string()
            .contains("duplicate property `ok` (first at line 5)"),
        "{err}"
    );
    let net = "places:\n  p: { type: Unit }\ntransitions:\n  t:\n    in: { p: [\"()\"] }\n    in: { p: [\"()\"] }\n";
    let err = load_err(net);
    assert!(
        err.to_string()
            .contains("duplicate key `in` (first at line 5)"),
        "{err}"
    );
    assert_eq!(err.pos(), pos(6, 5));
}

/// Regression: an error at the end of a file without a final line break was
/// reported one line past the end, with no line to quote.
#[test]
fn errors_at_the_end_of_the_file_point_at_its_last_line() {
    let err = load_err("places: {}\ntransitions: [a, b");
    assert_eq!(err.pos(), pos(2, 19));
    assert!(
        err.to_string()
            .ends_with("2 | transitions: [a, b\n  |                   ^"),
        "{err}"
    );
    let err = load_err("places: {}\ntransitions: {}\n{");
    assert_eq!(err.line(), Some(3));
}

/// Regression: a lone `\r` is a line break for YAML but was not one for the
/// snippet, which then quoted the wrong line.
#[test]
fn lone_carriage_returns_break_lines() {
    let err = load_err("places: {}\rtransitions: {}\rfoo: 1\r");
    assert_eq!(err.pos(), pos(3, 1));
    assert!(err.to_string().contains("\n3 | foo: 1\n"), "{err}");
}

/// Regression: `out: { p: [bussy] }` said only that variable `bussy` is not
/// bound; a name close to a constant or parameter now gets a hint.
#[test]
fn misspelt_constants_in_arcs_get_a_hint() {
    let text = |item: &str| {
        format!(
            "params:\n  limit: 3\ntypes:\n  Phase: {{ enum: [idle, busy] }}\nplaces:\n  p: {{ type: Phase, init: [idle] }}\n  n: {{ type: Int }}\ntransitions:\n  t:\n    in: {{ p: [x] }}\n    out: {{ {item} }}\n"
        )
    };
    let hint = |item: &str| match load_err(&text(item)).kind() {
        LoadErrorKind::Unbound { hint, .. } => hint.clone(),
        other => panic!("{other}"),
    };
    assert_eq!(hint("p: [bussy]"), " (did you mean `busy`?)");
    assert_eq!(hint("n: [\"limt + 1\"]"), " (did you mean `limit`?)");
    // Short names are variables: no guess, but how to bind one.
    assert_eq!(
        hint("p: [y]"),
        ": to let `y` take any value of a type T, take it from a place that holds `all(T)` and put it back (`in: { P: [y] }`, `out: { P: [y] }`)"
    );
}

#[test]
fn each_guard_conjunct_keeps_its_own_position() {
    let text = with_guard("    guard: >-\n      x > 0 &&\n      (x != 3 || x == 9) && x < 5");
    let net = load_net_str(&Source::new("pos.yaml", text.as_str()), &[], &NoFunctions)
        .expect("a good net");
    let t = &net.transitions[0];
    let mut at: Vec<Pos> = t.guards.iter().map(|g| g.pos).collect();
    at.sort_by_key(|p| (p.line, p.col));
    let want = [(7, 7), (8, 7), (8, 29)].map(|(line, col)| Pos { line, col });
    assert_eq!(at, want);
    assert_eq!(t.vars.len(), 1);
}

/// A place named in a guard is refused at its position, with how a
/// transition reads a place's tokens.
#[test]
fn a_place_named_in_a_guard_is_refused_with_how_to_read_it() {
    let err = load_err(&with_guard("    guard: \"p > 0\""));
    assert!(
        matches!(err.kind(), LoadErrorKind::Unbound { name, hint }
            if name == "p" && hint.contains("`p` is a place: a transition reads a token of it by taking it on an input arc, `p: [x]`")),
        "{err}"
    );
    assert_eq!(err.pos(), pos(6, 13));
}
