//! Property tests: the expression parser and the YAML loader never panic,
//! printed expressions parse back to themselves, conservative P/T nets keep
//! their token count, and seeded simulation is reproducible.

use proptest::prelude::*;
use sesphr_engine::coloured::fire::enabled_bindings;
use sesphr_engine::coloured::simulate::simulate;
use sesphr_engine::expr::ast::{BinOp, Expr, ExprKind, PlaceName, Quantifier, UnOp};
use sesphr_engine::expr::{parse_expr, parse_item};
use sesphr_engine::load::load_net_str;
use sesphr_engine::load::source::Source;
use sesphr_engine::net::functions::NoFunctions;
use sesphr_engine::net::model::Net;

// ---- expressions ---------------------------------------------------------------

const KEYWORDS: [&str; 13] = [
    "forall", "exists", "if", "then", "else", "in", "and", "or", "not", "implies", "true", "false",
    "_",
];

fn name() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9_]{0,4}".prop_filter("not a keyword", |n| !KEYWORDS.contains(&n.as_str()))
}

fn leaf(kind: ExprKind) -> Expr {
    Expr {
        kind,
        at: 0,
        span: 0..0,
    }
}

fn boxed(kind: ExprKind) -> Expr {
    leaf(kind)
}

/// A place named after `in`, its position zeroed as [`strip`] zeroes it.
fn place_name(name: String) -> PlaceName {
    PlaceName { name, at: 0 }
}

fn pattern() -> impl Strategy<Value = Expr> {
    let atom = prop_oneof![
        name().prop_map(|n| leaf(ExprKind::Name(n))),
        Just(leaf(ExprKind::Wildcard)),
        (0i64..100).prop_map(|i| leaf(ExprKind::Int(i))),
    ];
    atom.prop_recursive(2, 8, 3, |inner| {
        prop::collection::vec(inner, 2..4).prop_map(|items| leaf(ExprKind::Tuple(items)))
    })
}

const BINOPS: [BinOp; 14] = [
    BinOp::Add,
    BinOp::Sub,
    BinOp::Mul,
    BinOp::Div,
    BinOp::Rem,
    BinOp::Eq,
    BinOp::Ne,
    BinOp::Lt,
    BinOp::Le,
    BinOp::Gt,
    BinOp::Ge,
    BinOp::And,
    BinOp::Or,
    BinOp::Implies,
];

/// Well-formed expression trees (positions left at 0).
fn expr() -> impl Strategy<Value = Expr> {
    let atom = prop_oneof![
        (-1000i64..1000).prop_map(|i| leaf(ExprKind::Int(i))),
        any::<bool>().prop_map(|b| leaf(ExprKind::Bool(b))),
        Just(leaf(ExprKind::Unit)),
        name().prop_map(|n| leaf(ExprKind::Name(n))),
    ];
    atom.prop_recursive(5, 48, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..4).prop_map(|v| boxed(ExprKind::Tuple(v))),
            (inner.clone(), 0usize..4).prop_map(|(e, i)| boxed(ExprKind::Field(Box::new(e), i))),
            inner
                .clone()
                .prop_filter("`-` of a literal is a literal", |e| !matches!(
                    e.kind,
                    ExprKind::Int(_)
                ))
                .prop_map(|e| boxed(ExprKind::Unary(UnOp::Neg, Box::new(e)))),
            inner
                .clone()
                .prop_map(|e| boxed(ExprKind::Unary(UnOp::Not, Box::new(e)))),
            (0..BINOPS.len(), inner.clone(), inner.clone()).prop_map(|(op, a, b)| boxed(
                ExprKind::Binary(BINOPS[op], Box::new(a), Box::new(b))
            )),
            (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(c, a, b)| boxed(ExprKind::If(Box::new(c), Box::new(a), Box::new(b)))),
            (name(), prop::collection::vec(inner.clone(), 0..3))
                .prop_map(|(f, args)| boxed(ExprKind::Call(f, args))),
            (inner.clone(), name())
                .prop_map(|(e, p)| boxed(ExprKind::In(Box::new(e), place_name(p)))),
            (inner.clone(), pattern(), name()).prop_map(|(body, pat, place)| {
                boxed(ExprKind::Sum {
                    body: Box::new(body),
                    pattern: Box::new(pat),
                    place: place_name(place),
                })
            }),
            (any::<bool>(), pattern(), name(), inner).prop_map(|(all, pat, place, body)| {
                boxed(ExprKind::Quantifier {
                    kind: if all {
                        Quantifier::Forall
                    } else {
                        Quantifier::Exists
                    },
                    pattern: Box::new(pat),
                    place: place_name(place),
                    body: Box::new(body),
                })
            }),
        ]
    })
}

fn op_text(op: BinOp) -> &'static str {
    match op {
        BinOp::Add => "+",
        BinOp::Sub => "-",
        BinOp::Mul => "*",
        BinOp::Div => "/",
        BinOp::Rem => "%",
        BinOp::Eq => "==",
        BinOp::Ne => "!=",
        BinOp::Lt => "<",
        BinOp::Le => "<=",
        BinOp::Gt => ">",
        BinOp::Ge => ">=",
        BinOp::And => "&&",
        BinOp::Or => "||",
        BinOp::Implies => "=>",
    }
}

/// Prints an expression fully parenthesised.
fn print(e: &Expr) -> String {
    let list = |items: &[Expr]| items.iter().map(print).collect::<Vec<_>>().join(", ");
    match &e.kind {
        ExprKind::Int(i) if *i < 0 => format!("({i})"),
        ExprKind::Int(i) => i.to_string(),
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Unit => "()".into(),
        ExprKind::Wildcard => "_".into(),
        ExprKind::Name(n) => n.clone(),
        ExprKind::Tuple(items) => format!("({})", list(items)),
        ExprKind::Field(inner, i) => format!("({}).{i}", print(inner)),
        ExprKind::Unary(UnOp::Neg, inner) => format!("(-{})", print(inner)),
        ExprKind::Unary(UnOp::Not, inner) => format!("(!{})", print(inner)),
        ExprKind::Binary(op, a, b) => format!("({} {} {})", print(a), op_text(*op), print(b)),
        ExprKind::If(c, a, b) => {
            format!("(if {} then {} else {})", print(c), print(a), print(b))
        }
        ExprKind::Call(f, args) => format!("{f}({})", list(args)),
        ExprKind::In(inner, p) => format!("({} in {p})", print(inner)),
        ExprKind::Quantifier {
            kind,
            pattern,
            place,
            body,
        } => {
            let q = match kind {
                Quantifier::Forall => "forall",
                Quantifier::Exists => "exists",
            };
            format!("({q} {} in {place}: {})", print(pattern), print(body))
        }
        ExprKind::Sum {
            body,
            pattern,
            place,
        } => format!("sum({} for {} in {place})", print(body), print(pattern)),
    }
}

/// The same tree with every position set to 0.
fn strip(e: &Expr) -> Expr {
    let b = |x: &Expr| Box::new(strip(x));
    let kind = match &e.kind {
        ExprKind::Tuple(items) => ExprKind::Tuple(items.iter().map(strip).collect()),
        ExprKind::Call(f, args) => ExprKind::Call(f.clone(), args.iter().map(strip).collect()),
        ExprKind::Field(x, i) => ExprKind::Field(b(x), *i),
        ExprKind::Unary(op, x) => ExprKind::Unary(*op, b(x)),
        ExprKind::In(x, p) => ExprKind::In(b(x), place_name(p.name.clone())),
        ExprKind::Binary(op, x, y) => ExprKind::Binary(*op, b(x), b(y)),
        ExprKind::If(c, x, y) => ExprKind::If(b(c), b(x), b(y)),
        ExprKind::Quantifier {
            kind,
            pattern,
            place,
            body,
        } => ExprKind::Quantifier {
            kind: *kind,
            pattern: b(pattern),
            place: place_name(place.name.clone()),
            body: b(body),
        },
        ExprKind::Sum {
            body,
            pattern,
            place,
        } => ExprKind::Sum {
            body: b(body),
            pattern: b(pattern),
            place: place_name(place.name.clone()),
        },
        other => other.clone(),
    };
    leaf(kind)
}

/// Text made of the expression language's own characters and words.
fn expression_soup() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("("),
        Just(")"),
        Just(","),
        Just("."),
        Just(":"),
        Just("'"),
        Just("-"),
        Just("!"),
        Just("+"),
        Just("*"),
        Just("=="),
        Just("=>"),
        Just("<="),
        Just("&&"),
        Just("||"),
        Just(" "),
        Just("x"),
        Just("7"),
        Just("99999999999999999999"),
        Just("forall"),
        Just("in"),
        Just("if"),
        Just("then"),
        Just("else"),
        Just("_"),
        Just("count"),
        Just("é"),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn the_parser_never_panics_on_any_text(text in any::<String>()) {
        let _ = parse_expr(&text);
        let _ = parse_item(&text);
    }

    #[test]
    fn the_parser_never_panics_on_expression_like_text(text in expression_soup()) {
        if let Err(e) = parse_expr(&text) {
            prop_assert!(e.at <= text.len(), "offset {} past the end", e.at);
            prop_assert!(text.is_char_boundary(e.at));
        }
        let _ = parse_item(&text);
    }

    #[test]
    fn printed_expressions_parse_back_to_the_same_tree(e in expr()) {
        let text = print(&e);
        let parsed = parse_expr(&text).map_err(|err| {
            TestCaseError::fail(format!("`{text}` does not parse: {err} at {}", err.at))
        })?;
        prop_assert_eq!(strip(&parsed), e, "{}", text);
        // As a multiset item with a multiplicity, too.
        let item = parse_item(&format!("3'{text}")).expect("an item");
        prop_assert_eq!(item.mult.map(|m| strip(&m)), Some(leaf(ExprKind::Int(3))));
        prop_assert_eq!(strip(&item.expr), strip(&parsed));
    }

    /// Mutation replaces a node's span by other text: every node's span must
    /// hold exactly that node (with its parentheses), so it parses back alone.
    #[test]
    fn every_node_span_parses_back_to_that_node(e in expr()) {
        let text = print(&e);
        let parsed = parse_expr(&text).expect("printed expressions parse");
        let mut stack = vec![&parsed];
        while let Some(node) = stack.pop() {
            let part = &text[node.span.clone()];
            let alone = parse_expr(part).map_err(|err| {
                TestCaseError::fail(format!("span `{part}` of `{text}` does not parse: {err}"))
            })?;
            prop_assert_eq!(strip(&alone), strip(node), "span `{}` of `{}`", part, text);
            prop_assert!(node.span.start <= node.at && node.at < node.span.end.max(1));
            match &node.kind {
                ExprKind::Tuple(items) | ExprKind::Call(_, items) => stack.extend(items),
                ExprKind::Field(x, _) | ExprKind::Unary(_, x) | ExprKind::In(x, _) => stack.push(x),
                ExprKind::Binary(_, x, y) => stack.extend([&**x, &**y]),
                ExprKind::If(c, x, y) => stack.extend([&**c, &**x, &**y]),
                ExprKind::Quantifier { body, .. } => stack.push(body),
                _ => {}
            }
        }
    }
}

// ---- conservative P/T nets -----------------------------------------------------

/// A P/T net: initial counts, and per transition its input and output weights.
#[derive(Debug, Clone)]
struct PtNet {
    initial: Vec<u32>,
    transitions: Vec<(Vec<u32>, Vec<u32>)>,
}

/// Moves `total` tokens' worth of weight onto random places.
fn spread(places: usize, total: u32) -> impl Strategy<Value = Vec<u32>> {
    prop::collection::vec(0..places, total as usize).prop_map(move |targets| {
        let mut w = vec![0; places];
        for t in targets {
            w[t] += 1;
        }
        w
    })
}

fn pt_net() -> impl Strategy<Value = PtNet> {
    (2usize..6).prop_flat_map(|places| {
        let transition =
            (1u32..4).prop_flat_map(move |weight| (spread(places, weight), spread(places, weight)));
        (
            prop::collection::vec(0u32..4, places),
            prop::collection::vec(transition, 1..5),
        )
            .prop_map(|(initial, transitions)| PtNet {
                initial,
                transitions,
            })
    })
}

impl PtNet {
    fn yaml(&self) -> String {
        let mut s = String::from("places:\n");
        for (i, n) in self.initial.iter().enumerate() {
            let init = if *n > 0 {
                format!(", init: [\"{n}'()\"]")
            } else {
                String::new()
            };
            s.push_str(&format!("  p{i}: {{ type: Unit{init} }}\n"));
        }
        s.push_str("transitions:\n");
        let arcs = |w: &[u32]| {
            w.iter()
                .enumerate()
                .filter(|(_, n)| **n > 0)
                .map(|(i, n)| format!("p{i}: [\"{n}'()\"]"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        for (t, (input, output)) in self.transitions.iter().enumerate() {
            s.push_str(&format!(
                "  t{t}:\n    in: {{ {} }}\n    out: {{ {} }}\n",
                arcs(input),
                arcs(output)
            ));
        }
        s
    }

    /// The transitions enabled in `counts` by the plain P/T rule.
    fn enabled(&self, counts: &[u64]) -> Vec<String> {
        self.transitions
            .iter()
            .enumerate()
            .filter(|(_, (input, _))| input.iter().zip(counts).all(|(w, c)| u64::from(*w) <= *c))
            .map(|(t, _)| format!("t{t}"))
            .collect()
    }
}

fn load(text: &str) -> Net {
    load_net_str(&Source::new("generated.yaml", text), &[], &NoFunctions)
        .unwrap_or_else(|e| panic!("{e}\n{text}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn conservative_pt_nets_keep_their_token_count(net in pt_net(), seed in any::<u64>()) {
        let compiled = load(&net.yaml());
        let total = compiled.initial.total();
        let mut markings = vec![compiled.initial.clone()];
        simulate(&compiled, 40, seed, |_, _, m| markings.push(m.clone())).expect("runs");
        for m in &markings {
            prop_assert_eq!(m.total(), total);
            // The coloured engine agrees with the P/T firing rule.
            let counts: Vec<u64> = m.places.iter().map(|p| p.total()).collect();
            let mut bindings = Vec::new();
            enabled_bindings(&compiled, m, &mut bindings).expect("evaluates");
            let names: Vec<String> = bindings
                .iter()
                .map(|b| compiled.transitions[b.transition].name.clone())
                .collect();
            prop_assert_eq!(names, net.enabled(&counts));
        }
    }
}

// ---- example nets: reproducible simulation, mutated files ---------------------

const EXAMPLES: [(&str, &str); 4] = [
    ("mutex.yaml", include_str!("../../nets/examples/mutex.yaml")),
    (
        "philosophers.yaml",
        include_str!("../../nets/examples/philosophers.yaml"),
    ),
    (
        "philosophers-deadlock.yaml",
        include_str!("../../nets/examples/philosophers-deadlock.yaml"),
    ),
    (
        "producer-consumer.yaml",
        include_str!("../../nets/examples/producer-consumer.yaml"),
    ),
];

fn trace(net: &Net, steps: u64, seed: u64) -> Vec<String> {
    let mut out = Vec::new();
    let outcome = simulate(net, steps, seed, |i, b, _| {
        out.push(format!("{i} {}", b.show(net)));
    })
    .expect("runs");
    out.push(format!(
        "{:?} {}",
        outcome.reason,
        net.show_marking(&outcome.marking)
    ));
    out
}

/// Mutations of a file: flip, replace or insert bytes at chosen places.
fn mutations() -> impl Strategy<Value = Vec<(prop::sample::Index, u8, u8)>> {
    let interesting = prop_oneof![
        any::<u8>(),
        prop::sample::select(b"{}[]:,-'\"#&*!|> \t\n0123456789()_x".to_vec()),
    ];
    prop::collection::vec((any::<prop::sample::Index>(), 0u8..3, interesting), 1..6)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn seeded_simulation_is_reproducible(example in 0..EXAMPLES.len(), seed in any::<u64>()) {
        let (file, text) = EXAMPLES[example];
        let net = load_net_str(&Source::new(file, text), &[], &NoFunctions).expect("loads");
        let first = trace(&net, 30, seed);
        let again = load_net_str(&Source::new(file, text), &[], &NoFunctions).expect("loads");
        prop_assert_eq!(&first, &trace(&again, 30, seed));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Any mutation of an example gives a net or a load error, never a panic;
    /// a net that still loads can be simulated without panicking.
    #[test]
    fn the_loader_never_panics_on_mutated_example_nets(
        example in 0..EXAMPLES.len(),
        edits in mutations(),
        seed in any::<u64>(),
    ) {
        let (file, text) = EXAMPLES[example];
        let mut bytes = text.as_bytes().to_vec();
        for (at, how, byte) in edits {
            let i = at.index(bytes.len() + 1);
            match how {
                0 if i < bytes.len() => bytes[i] ^= byte | 1,
                1 if i < bytes.len() => bytes[i] = byte,
                _ => bytes.insert(i, byte),
            }
        }
        let mutated = String::from_utf8_lossy(&bytes).into_owned();
        match load_net_str(&Source::new(file, mutated.clone()), &[], &NoFunctions) {
            Ok(net) => {
                // Evaluation errors are fine (e.g. `% 0`); panics are not.
                let _ = simulate(&net, 10, seed, |_, _, _| {});
            }
            Err(e) => {
                let shown = e.to_string();
                prop_assert!(shown.starts_with(file), "{}", shown);
                if let Some(line) = e.line() {
                    // The error quotes the line it names.
                    prop_assert!(shown.contains(&format!("\n{line} | ")), "{}", shown);
                }
            }
        }
    }
}

/// Line and word edits: delete, duplicate or swap lines, or replace a word
/// by another word of the same file (a place name by a type name, ...).
fn line_edits() -> impl Strategy<Value = Vec<(u8, prop::sample::Index, prop::sample::Index)>> {
    prop::collection::vec(
        (
            0u8..4,
            any::<prop::sample::Index>(),
            any::<prop::sample::Index>(),
        ),
        1..4,
    )
}

fn words(text: &str) -> Vec<&str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect()
}

fn edit_lines(text: &str, edits: &[(u8, prop::sample::Index, prop::sample::Index)]) -> String {
    let vocabulary = words(text);
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for (how, a, b) in edits {
        if lines.is_empty() {
            break;
        }
        let (i, j) = (a.index(lines.len()), b.index(lines.len()));
        match how {
            0 => {
                lines.remove(i);
            }
            1 => {
                let copy = lines[i].clone();
                lines.insert(j, copy);
            }
            2 => lines.swap(i, j),
            _ => {
                let line_words = words(&lines[i]);
                if let Some(w) = line_words.get(b.index(line_words.len().max(1))) {
                    let replacement = vocabulary[a.index(vocabulary.len())];
                    lines[i] = lines[i].replacen(*w, replacement, 1);
                }
            }
        }
    }
    lines.join("\n")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Line and word edits of an example give a net or a located load error.
    #[test]
    fn the_loader_never_panics_on_edited_example_lines(
        example in 0..EXAMPLES.len(),
        edits in line_edits(),
        seed in any::<u64>(),
    ) {
        let (file, text) = EXAMPLES[example];
        let edited = edit_lines(text, &edits);
        match load_net_str(&Source::new(file, edited.clone()), &[], &NoFunctions) {
            Ok(net) => {
                let _ = simulate(&net, 10, seed, |_, _, _| {});
            }
            Err(e) => {
                let shown = e.to_string();
                prop_assert!(shown.starts_with(file), "{}", shown);
                if let Some(line) = e.line() {
                    prop_assert!(shown.contains(&format!("\n{line} | ")), "{}", shown);
                }
            }
        }
    }
}
