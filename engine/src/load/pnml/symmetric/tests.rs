//! Small symmetric nets, one construct family each, explored in full; and
//! located errors.

use crate::coloured::ColouredSpace;
use crate::coloured::fire::successors;
use crate::explore::{ExploreOptions, check};
use crate::load::error::LoadError;
use crate::load::source::Source;
use crate::load::{LoadedNet, open_source};
use crate::net::functions::NoFunctions;
use crate::net::model::Net;

/// A symmetric net document: `declarations` inside `<declarations>`, `page` inside `<page>`.
fn document(declarations: &str, page: &str) -> String {
    format!(
        r#"<?xml version="1.0"?>
<pnml xmlns="http://www.pnml.org/version-2009/grammar/pnml">
<net id="n" type="http://www.pnml.org/version-2009/grammar/symmetricnet">
<page id="g">
{page}
</page>
<declaration><structure><declarations>
{declarations}
</declarations></structure></declaration>
</net>
</pnml>
"#
    )
}

fn place(id: &str, sort: &str, marking: Option<&str>) -> String {
    let marking = marking.map_or(String::new(), |m| {
        format!("<hlinitialMarking><structure>{m}</structure></hlinitialMarking>")
    });
    format!(
        "<place id=\"{id}\"><type><structure><usersort declaration=\"{sort}\"/></structure></type>{marking}</place>"
    )
}

fn arc(id: &str, source: &str, target: &str, term: &str) -> String {
    format!(
        "<arc id=\"{id}\" source=\"{source}\" target=\"{target}\"><hlinscription><structure>{term}</structure></hlinscription></arc>"
    )
}

fn transition(id: &str, condition: Option<&str>) -> String {
    let condition = condition.map_or(String::new(), |c| {
        format!("<condition><structure>{c}</structure></condition>")
    });
    format!("<transition id=\"{id}\">{condition}</transition>")
}

/// `<op>` applied to the operands, each in a `<subterm>`.
fn op(name: &str, operands: &[&str]) -> String {
    let parts: String = operands
        .iter()
        .map(|o| format!("<subterm>{o}</subterm>"))
        .collect();
    format!("<{name}>{parts}</{name}>")
}

fn number(n: u32) -> String {
    format!("<numberconstant value=\"{n}\"><positive/></numberconstant>")
}

fn numberof(n: u32, term: &str) -> String {
    op("numberof", &[&number(n), term])
}

fn var(id: &str) -> String {
    format!("<variable refvariable=\"{id}\"/>")
}

fn constant(id: &str) -> String {
    format!("<useroperator declaration=\"{id}\"/>")
}

fn load(text: &str) -> Result<Net, LoadError> {
    match open_source(&Source::new("net.pnml", text), &[], &NoFunctions)? {
        LoadedNet::Coloured(net) => Ok(*net),
        LoadedNet::PlaceTransition(_) => panic!("a symmetric net loads as a coloured net"),
    }
}

/// (states, edges, deadlocks) of the full state space.
fn explore(net: &Net) -> (u64, u64, u64) {
    let r = check(&ColouredSpace::new(net), &ExploreOptions::default()).expect("explores");
    (r.states, r.edges, r.deadlocks)
}

const COLOURS: &str = r#"<namedsort id="colour" name="Colour"><finiteenumeration>
<feconstant id="r" name="r"/><feconstant id="g" name="g"/><feconstant id="b" name="b"/>
</finiteenumeration></namedsort>
<namedsort id="dot" name="Dot"><dot/></namedsort>
<variabledecl id="c" name="c"><usersort declaration="colour"/></variabledecl>"#;

#[test]
fn dots_enumerations_and_free_variables() {
    // Two dots; `pick` turns one into any colour (c is bound by no input arc,
    // so it ranges over Colour; the dot arc has no inscription). Markings:
    // the multisets of at most two colours: 1 + 3 + 6 = 10, with 3 + 3 * 3
    // edges, and the 6 two-colour markings dead.
    let page = [
        place("tokens", "dot", Some(&numberof(2, "<dotconstant/>"))),
        place("seen", "colour", None),
        transition("pick", None),
        "<arc id=\"a1\" source=\"tokens\" target=\"pick\"/>".to_string(),
        arc("a2", "pick", "seen", &numberof(1, &var("c"))),
    ]
    .concat();
    let net = load(&document(COLOURS, &page)).expect("loads");
    assert_eq!(net.name, "n");
    assert_eq!(explore(&net), (10, 12, 6));
}

const RING: &str = r#"<namedsort id="ring" name="Ring"><cyclicenumeration>
<feconstant id="c0" name="0"/><feconstant id="c1" name="1"/><feconstant id="c2" name="2"/>
</cyclicenumeration></namedsort>
<namedsort id="pair" name="Pair"><productsort>
<usersort declaration="ring"/><usersort declaration="ring"/></productsort></namedsort>
<variabledecl id="x" name="x"><usersort declaration="ring"/></variabledecl>
<variabledecl id="y" name="y"><usersort declaration="ring"/></variabledecl>"#;

#[test]
fn cyclic_successors_products_and_guards() {
    // (x, y) -> (x++1, y--1) while x != y and not y == c0: from (c0, c1)
    // to (c1, c0), which is dead.
    let guard = op(
        "and",
        &[
            &op("inequality", &[&var("x"), &var("y")]),
            &op("not", &[&op("equality", &[&var("y"), &constant("c0")])]),
        ],
    );
    let page = [
        place(
            "p",
            "pair",
            Some(&numberof(
                1,
                &op("tuple", &[&constant("c0"), &constant("c1")]),
            )),
        ),
        transition("t", Some(&guard)),
        arc(
            "a1",
            "p",
            "t",
            &numberof(1, &op("tuple", &[&var("x"), &var("y")])),
        ),
        arc(
            "a2",
            "t",
            "p",
            &numberof(
                1,
                &op(
                    "tuple",
                    &[
                        &op("successor", &[&var("x")]),
                        &op("predecessor", &[&var("y")]),
                    ],
                ),
            ),
        ),
    ]
    .concat();
    let net = load(&document(RING, &page)).expect("loads");
    assert_eq!(explore(&net), (2, 1, 1));
    let next = successors(&net, &net.initial).expect("fires");
    assert_eq!(next.len(), 1);
    assert_eq!(net.show_marking(&next[0].1), "p: {(c1, c0)}");
    // The successor of the last constant is the first one.
    let wrap = RING.to_string();
    let page = [
        place("q", "ring", Some(&numberof(1, &constant("c2")))),
        transition("u", None),
        arc("a1", "q", "u", &numberof(1, &var("x"))),
        arc("a2", "u", "q", &numberof(1, &op("successor", &[&var("x")]))),
    ]
    .concat();
    let net = load(&document(&wrap, &page)).expect("loads");
    let next = successors(&net, &net.initial).expect("fires");
    assert_eq!(net.show_marking(&next[0].1), "q: {c0}");
    assert_eq!(explore(&net), (3, 3, 0));
}

#[test]
fn multiset_differences_scalar_products_and_all() {
    // `t` takes every colour but the one in `k` from `a`, and puts twice
    // every colour but that one in `b`.
    let all = "<all><usersort declaration=\"colour\"/></all>";
    let others = op("subtract", &[all, &numberof(1, &var("c"))]);
    let page = [
        place("k", "colour", Some(&numberof(1, &constant("r")))),
        place("a", "colour", Some(all)),
        place("b", "colour", None),
        transition("t", None),
        arc("a1", "k", "t", &numberof(1, &var("c"))),
        arc("a2", "a", "t", &others),
        arc("a3", "t", "k", &numberof(1, &var("c"))),
        arc("a4", "t", "b", &op("scalarproduct", &[&number(2), &others])),
    ]
    .concat();
    let net = load(&document(COLOURS, &page)).expect("loads");
    let next = successors(&net, &net.initial).expect("fires");
    assert_eq!(next.len(), 1);
    assert_eq!(
        net.show_marking(&next[0].1),
        "k: {r}\na: {r}\nb: {2'b, 2'g}"
    );
    assert_eq!(explore(&net), (2, 1, 1));
}

const RANGE: &str = r#"<namedsort id="level" name="Level"><finiteintrange start="1" end="3"/></namedsort>
<variabledecl id="n" name="n"><usersort declaration="level"/></variabledecl>"#;

#[test]
fn integer_ranges_order_and_boolean_connectives() {
    // n counts from 1 up to 3: `n < 3 or false`, and `n == 3 implies false`.
    let guard = op(
        "and",
        &[
            &op(
                "or",
                &[
                    &op("lessthan", &[&var("n"), &number(3)]),
                    "<booleanconstant value=\"false\"/>",
                ],
            ),
            &op(
                "imply",
                &[
                    &op("equality", &[&var("n"), &number(3)]),
                    "<booleanconstant value=\"false\"/>",
                ],
            ),
        ],
    );
    let one = "<finiteintrangeconstant value=\"1\"><finiteintrange start=\"1\" end=\"3\"/></finiteintrangeconstant>";
    let page = [
        place("level", "level", Some(&numberof(1, one))),
        transition("up", Some(&guard)),
        arc("a1", "level", "up", &numberof(1, &var("n"))),
        arc(
            "a2",
            "up",
            "level",
            &numberof(1, &op("addition", &[&var("n"), &number(1)])),
        ),
    ]
    .concat();
    let net = load(&document(RANGE, &page)).expect("loads");
    assert_eq!(explore(&net), (3, 2, 1));
}

/// The error loading `page` with `declarations`, as `file:line:col: message`.
fn error(declarations: &str, page: &str) -> String {
    let text = document(declarations, page);
    let e = load(&text).expect_err("refused");
    let pos = e.pos().expect("located");
    format!(
        "{}:{}:{}: {}",
        e.file().display(),
        pos.line,
        pos.col,
        e.kind()
    )
}

#[test]
fn errors_name_the_line_and_what_is_wrong() {
    // Page elements start on line 5 of the document.
    let unknown_variable = [
        place("p", "colour", None),
        transition("t", None),
        arc("a", "p", "t", &numberof(1, &var("nobody"))),
    ]
    .join("\n");
    let e = error(COLOURS, &unknown_variable);
    assert!(e.starts_with("net.pnml:7:"), "{e}");
    assert!(
        e.contains("no variable is declared with the id nobody"),
        "{e}"
    );

    let wrong_sort = [place("p", "colour", Some(&numberof(1, "<dotconstant/>")))].join("\n");
    let e = error(COLOURS, &wrong_sort);
    assert!(e.starts_with("net.pnml:5:"), "{e}");
    assert!(e.contains("a Unit token in a place of Colour"), "{e}");

    let unsupported = [
        place("p", "colour", None),
        transition("t", None),
        arc("a", "p", "t", &numberof(1, "<cardinality/>")),
    ]
    .join("\n");
    let e = error(COLOURS, &unsupported);
    assert!(e.starts_with("net.pnml:7:"), "{e}");
    assert!(
        e.contains("not supported yet: the term <cardinality>"),
        "{e}"
    );

    let not_cyclic = [
        place("p", "colour", None),
        transition("t", None),
        arc("a", "p", "t", &numberof(1, &var("c"))),
        arc("b", "t", "p", &numberof(1, &op("successor", &[&var("c")]))),
    ]
    .join("\n");
    let e = error(COLOURS, &not_cyclic);
    assert!(e.starts_with("net.pnml:8:"), "{e}");
    assert!(
        e.contains("<successor> of a Colour term (only cyclic enumerations)"),
        "{e}"
    );
}
