//! PNML import: the grammar's features, errors with positions, and
//! property-based round trips and robustness.

use proptest::prelude::*;
use sesphr_engine::coloured::fire::{enabled_bindings, fire};
use sesphr_engine::load::open_source;
use sesphr_engine::load::pnml::{PnmlError, parse_pnml};
use sesphr_engine::load::source::{Pos, Source};
use sesphr_engine::net::functions::NoFunctions;
use sesphr_engine::net::marking::Marking;
use sesphr_engine::ptnet::{MAX_COUNT, PtError, PtNet};

fn doc(body: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?>\n<pnml xmlns=\"http://www.pnml.org/version-2009/grammar/pnml\">\n\
         <net id=\"n\" type=\"http://www.pnml.org/version-2009/grammar/ptnet\">\n{body}\n</net>\n</pnml>\n"
    )
}

fn at(line: usize, col: usize) -> Pos {
    Pos { line, col }
}

#[test]
fn nested_pages_references_and_weights() {
    let text = doc(r#"<page id="top">
  <name><text>top</text></name>
  <place id="p"><name><graphics><offset x="1" y="2"/></graphics><text>P</text></name>
    <initialMarking><text> 3 </text></initialMarking></place>
  <page id="inner">
    <transition id="t"><toolspecific tool="x"><place id="ignored"/></toolspecific></transition>
    <referencePlace id="rp2" ref="rp1"/>
    <referencePlace id="rp1" ref="p"/>
    <referenceTransition id="rt" ref="t"/>
    <place id="q"/>
    <arc id="a1" source="rp2" target="rt"><inscription><text>2</text></inscription></arc>
    <arc id="a2" source="t" target="q"/>
    <arc id="a3" source="t" target="q"><inscription><text>4</text></inscription></arc>
    <unknownLabel><text>whatever</text></unknownLabel>
  </page>
</page>"#);
    let net = parse_pnml(&text).expect("parses");
    assert_eq!(net.name, "n");
    assert_eq!(net.places, vec!["P".to_string(), "q".to_string()]);
    assert_eq!(net.initial, vec![3, 0]);
    assert_eq!(net.transitions.len(), 1);
    assert_eq!(net.transitions[0].pre, vec![(0, 2)]);
    assert_eq!(net.transitions[0].post, vec![(1, 5)]);
    // Each place is located at its element, for errors about it.
    assert_eq!(net.place_positions, vec![at(6, 3), at(13, 5)]);
}

/// Two places (or transitions) of one name are told apart by their
/// identifiers in everything that names them (traces, final markings).
#[test]
fn repeated_names_give_way_to_identifiers() {
    let text = doc(r#"<page id="g">
  <place id="a"><name><text>slot</text></name><initialMarking><text>1</text></initialMarking></place>
  <place id="b"><name><text>slot</text></name></place>
  <place id="c"><name><text>other</text></name></place>
  <transition id="t1"><name><text>move</text></name></transition>
  <transition id="t2"><name><text>back</text></name></transition>
  <arc id="x" source="a" target="t1"/><arc id="y" source="t1" target="b"/>
</page>"#);
    let net = parse_pnml(&text).expect("parses");
    assert_eq!(net.places, ["a", "b", "c"]);
    // The transitions' names are distinct: kept.
    let names: Vec<&str> = net.transitions.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["move", "back"]);
    let text = text.replace("<text>back</text>", "<text>move</text>");
    let net = parse_pnml(&text).expect("parses");
    let names: Vec<&str> = net.transitions.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["t1", "t2"]);
}

#[test]
fn errors_carry_line_and_column() {
    let cases: Vec<(String, PnmlError)> = vec![
        (
            doc(
                "<page id=\"g\">\n<place id=\"p\"/>\n<transition id=\"t\"/>\n<arc id=\"a\" source=\"p\" target=\"nowhere\"/>\n</page>",
            ),
            PnmlError::Dangling {
                element: "arc target of".into(),
                id: "a".into(),
                target: "nowhere".into(),
                at: at(7, 1),
            },
        ),
        (
            doc(
                "<page id=\"g\">\n<place id=\"p\">\n  <initialMarking><text>two</text></initialMarking></place>\n</page>",
            ),
            PnmlError::BadNumber {
                text: "two".into(),
                what: "initial marking".into(),
                at: at(6, 19),
            },
        ),
        (
            doc(
                "<page id=\"g\">\n<referencePlace id=\"r1\" ref=\"r2\"/>\n<referencePlace id=\"r2\" ref=\"r1\"/>\n</page>",
            ),
            PnmlError::ReferenceCycle {
                id: "r1".into(),
                at: at(5, 1),
            },
        ),
        (
            doc("<page id=\"g\">\n<place id=\"p\"/>\n<place id=\"p\"/>\n</page>"),
            PnmlError::DuplicateId {
                id: "p".into(),
                at: at(6, 1),
            },
        ),
        (
            // Two arcs of one id: refused at the second.
            doc(
                "<page id=\"g\">\n<place id=\"p\"/>\n<transition id=\"t\"/>\n<arc id=\"a2\" source=\"p\" target=\"t\"/>\n<arc id=\"a2\" source=\"t\" target=\"p\"/>\n</page>",
            ),
            PnmlError::DuplicateId {
                id: "a2".into(),
                at: at(8, 1),
            },
        ),
        (
            // An arc with a place's id, the place written after it.
            doc(
                "<page id=\"g\">\n<transition id=\"t\"/>\n<arc id=\"p\" source=\"t\" target=\"p\"/>\n<place id=\"p\"/>\n</page>",
            ),
            PnmlError::DuplicateId {
                id: "p".into(),
                at: at(7, 1),
            },
        ),
        (
            doc(
                "<page id=\"g\">\n<place id=\"p\"/>\n<place id=\"q\"/>\n<arc id=\"a\" source=\"p\" target=\"q\"/>\n</page>",
            ),
            PnmlError::BadArc {
                id: "a".into(),
                kind: "place".into(),
                at: at(7, 1),
            },
        ),
        (
            doc(
                "<page id=\"g\">\n<transition id=\"t\"/>\n<referencePlace id=\"r\" ref=\"t\"/>\n</page>",
            ),
            PnmlError::WrongKind {
                id: "r".into(),
                target: "t".into(),
                at: at(6, 1),
            },
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(parse_pnml(&text), Err(expected));
    }
    match parse_pnml("<pnml>\n<net id=\"x\">\n</pnml>") {
        Err(PnmlError::Xml { at: position, .. }) => assert_eq!(position, at(3, 1)),
        other => panic!("expected an XML error, got {other:?}"),
    }
}

/// Extensions some editors write into nets of the standard types change
/// what the net does; read as plain arcs and places they would give other
/// verdicts, so each is refused where it stands.
#[test]
fn editor_extensions_that_change_behaviour_are_refused() {
    let page = |place: &str, arc: &str| {
        doc(&format!(
            "<page id=\"g\">\n{place}\n<transition id=\"t\"/>\n{arc}\n</page>"
        ))
    };
    let plain_place = "<place id=\"p\"><initialMarking><text>1</text></initialMarking></place>";
    let plain_arc = "<arc id=\"a\" source=\"p\" target=\"t\"/>";
    let refused = |text: &str, line: usize, col: usize, needle: &str| {
        let err = parse_pnml(text).expect_err(needle);
        assert!(
            matches!(
                err,
                PnmlError::UnsupportedConstruct { .. } | PnmlError::MissingText { .. }
            ),
            "{err:?}"
        );
        assert_eq!(err.pos(), Some(at(line, col)), "{err}");
        assert!(err.to_string().contains(needle), "{err}");
    };
    // An inhibitor arc as a label (as PIPE writes it) and as an attribute.
    let label = "<arc id=\"a\" source=\"p\" target=\"t\"><type value=\"inhibitor\"/></arc>";
    refused(
        &page(plain_place, label),
        7,
        35,
        "arc a is of type \"inhibitor\"",
    );
    let attribute = "<arc id=\"a\" source=\"p\" target=\"t\" type=\"reset\"/>";
    refused(&page(plain_place, attribute), 7, 1, "\"reset\"");
    let text_label = "<arc id=\"a\" source=\"p\" target=\"t\"><type><text>read</text></type></arc>";
    refused(&page(plain_place, text_label), 7, 35, "\"read\"");
    // A capacity, a count without <text>, a weight as an attribute.
    let capacity = "<place id=\"p\"><capacity><value>2</value></capacity></place>";
    refused(
        &page(capacity, plain_arc),
        5,
        15,
        "place p has a capacity (\"2\")",
    );
    let value = "<place id=\"p\"><initialMarking><value>Default,1</value></initialMarking></place>";
    refused(
        &page(value, plain_arc),
        5,
        15,
        "<initialMarking> has no <text>",
    );
    let weight = "<arc id=\"a\" source=\"p\" target=\"t\" weight=\"2\"/>";
    refused(
        &page(plain_place, weight),
        7,
        1,
        "<inscription><text>2</text></inscription>",
    );
    // What the standard allows, or means the same, is read.
    let normal = "<arc id=\"a\" source=\"p\" target=\"t\"><type value=\"normal\"/></arc>";
    let no_capacity = "<place id=\"p\"><capacity><value>0</value></capacity></place>";
    for text in [page(plain_place, normal), page(no_capacity, plain_arc)] {
        let net = parse_pnml(&text).expect("read");
        assert_eq!(net.transitions[0].pre, vec![(0, 1)]);
    }
}

#[test]
fn counts_past_a_counter_and_a_second_net_are_refused_where_they_are_written() {
    let place = |count: &str| {
        doc(&format!(
            "<page id=\"g\">\n<place id=\"p\"><initialMarking><text>{count}</text></initialMarking></place>\n</page>"
        ))
    };
    // The most a counter holds loads; one more is refused at its text,
    // rather than loading and stopping the explorer unlocated.
    assert_eq!(
        parse_pnml(&place("2147483647")).expect("read").initial,
        vec![2147483647]
    );
    let err = parse_pnml(&place("2147483648")).expect_err("too many");
    assert_eq!(err.pos(), Some(at(5, 31)), "{err}");
    assert!(
        err.to_string()
            .contains("initial marking (at most 2147483647)"),
        "{err}"
    );
    let arc = doc(
        "<page id=\"g\">\n<place id=\"p\"/>\n<transition id=\"t\"/>\n\
         <arc id=\"a\" source=\"p\" target=\"t\"><inscription><text>4000000000</text></inscription></arc>\n</page>",
    );
    let err = parse_pnml(&arc).expect_err("too heavy");
    assert_eq!(err.pos(), Some(at(7, 48)), "{err}");
    assert!(
        err.to_string().contains("arc weight (at most 2147483647)"),
        "{err}"
    );
    // A second net would go unread: refused at its element.
    let two = doc("<page id=\"g\"/>").replace(
        "</pnml>",
        "<net id=\"m\" type=\"http://www.pnml.org/version-2009/grammar/ptnet\"/>\n</pnml>",
    );
    let err = parse_pnml(&two).expect_err("two nets");
    assert_eq!(err.pos(), Some(at(6, 1)), "{err}");
    assert!(
        err.to_string().contains("a second <net> in the file"),
        "{err}"
    );
}

#[test]
fn other_net_types_are_not_supported() {
    let text = "<pnml>\n  <net id=\"c\" type=\"http://www.pnml.org/version-2009/grammar/symmetricnet\"/>\n</pnml>";
    let err = parse_pnml(text).expect_err("refused");
    assert_eq!(
        err,
        PnmlError::Unsupported {
            net_type: "http://www.pnml.org/version-2009/grammar/symmetricnet".into(),
            at: at(2, 3),
        }
    );
    assert!(err.to_string().contains("not supported yet"));
    assert_eq!(parse_pnml("<pnml/>"), Err(PnmlError::NoNet));
    // A net without a type is said to lack it (not "nets of type ").
    let err = parse_pnml("<pnml>\n  <net id=\"c\"/>\n</pnml>").expect_err("refused");
    assert_eq!(
        err,
        PnmlError::MissingAttribute {
            element: "net".into(),
            attribute: "type".into(),
            at: at(2, 3),
        }
    );
}

/// The coloured view of a P/T net that fires past the most a counter
/// holds is stopped the way its exploration is, and its marking reads as
/// counts.
#[test]
fn a_run_of_the_coloured_view_outgrowing_a_counter_is_refused() {
    let text = doc(
        "<page id=\"g\">\n<place id=\"big\"><initialMarking><text>2147483646</text></initialMarking></place>\n\
         <place id=\"one\"><initialMarking><text>2</text></initialMarking></place>\n<transition id=\"t\"/>\n\
         <arc id=\"a\" source=\"one\" target=\"t\"/>\n<arc id=\"b\" source=\"t\" target=\"big\"/>\n</page>",
    );
    let loaded = open_source(&Source::new("big.pnml", text), &[], &NoFunctions).expect("loads");
    let net = loaded.to_coloured();
    assert_eq!(net.show_counts(&net.initial), "big: 2147483646\none: 2");
    let fire_once = |marking: &Marking| {
        let mut bindings = Vec::new();
        enabled_bindings(&net, marking, &mut bindings).expect("listed");
        fire(&net, marking, &bindings[0]).expect("fires")
    };
    let full = fire_once(&net.initial);
    assert_eq!(net.show_counts(&full), "big: 2147483647\none: 1");
    assert_eq!(loaded.check_counters(&full), Ok(()));
    let past = fire_once(&full);
    assert_eq!(
        loaded.check_counters(&past),
        Err(PtError::Overflow {
            place: "big".into(),
            max: MAX_COUNT
        })
    );
}

/// Writes a net as PNML, spreading nodes over nested pages.
fn to_pnml(net: &PtNet) -> String {
    let mut body = String::from("<page id=\"pg0\">\n");
    for (i, (name, count)) in net.places.iter().zip(&net.initial).enumerate() {
        if i % 3 == 2 {
            body += &format!("<page id=\"pg{i}\">");
        }
        body += &format!(
            "<place id=\"p{i}\"><name><text>{name}</text></name><initialMarking><text>{count}</text></initialMarking></place>"
        );
        if i % 3 == 2 {
            body += "</page>";
        }
        body += "\n";
    }
    for (i, t) in net.transitions.iter().enumerate() {
        body += &format!(
            "<transition id=\"t{i}\"><name><text>{}</text></name></transition>\n",
            t.name
        );
        body += &format!("<referenceTransition id=\"rt{i}\" ref=\"t{i}\"/>\n");
        for (k, &(p, w)) in t.pre.iter().enumerate() {
            body += &format!(
                "<arc id=\"i{i}_{k}\" source=\"p{p}\" target=\"rt{i}\"><inscription><text>{w}</text></inscription></arc>\n"
            );
        }
        for (k, &(p, w)) in t.post.iter().enumerate() {
            body += &format!(
                "<arc id=\"o{i}_{k}\" source=\"t{i}\" target=\"p{p}\"><inscription><text>{w}</text></inscription></arc>\n"
            );
        }
    }
    body += "</page>";
    doc(&body)
}

fn nets() -> impl Strategy<Value = PtNet> {
    (1usize..=8, 0usize..=6).prop_flat_map(|(places, transitions)| {
        let arcs = prop::collection::vec((0..places, 1u32..=1000), 0..=4);
        (
            prop::collection::vec(0u32..=MAX_COUNT, places),
            prop::collection::vec((arcs.clone(), arcs), transitions),
        )
            .prop_map(move |(initial, ts)| {
                let names = (0..places).map(|p| format!("place{p}")).collect();
                let arcs = ts
                    .into_iter()
                    .enumerate()
                    .map(|(i, (pre, post))| (format!("tr{i}"), pre, post))
                    .collect();
                PtNet::new("n", names, initial, arcs)
            })
    })
}

proptest! {
    #[test]
    fn written_nets_read_back_identical(net in nets()) {
        // The writer names node i `p{i}` / `t{i}` and keeps the names as labels.
        let ids = |prefix: &str, n: usize| (0..n).map(|i| format!("{prefix}{i}")).collect();
        let expected = net
            .clone()
            .with_ids(ids("p", net.places.len()), ids("t", net.transitions.len()));
        let text = to_pnml(&net);
        let mut read = parse_pnml(&text).expect("parses");
        // Each place is located at its element.
        let lines: Vec<&str> = text.lines().collect();
        for (i, pos) in read.place_positions.iter().enumerate() {
            let element: String = lines[pos.line - 1].chars().skip(pos.col - 1).collect();
            let start = format!("<place id=\"p{i}\">");
            prop_assert!(element.starts_with(&start), "{} at {}", element, pos);
        }
        prop_assert_eq!(read.place_positions.len(), net.places.len());
        read.place_positions.clear();
        prop_assert_eq!(read, expected);
    }

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,300}") {
        let _ = parse_pnml(&text);
    }

    #[test]
    fn mangled_documents_never_panic(net in nets(), cut in 0usize..4000, junk in "[<>/=\"a-z0-9 ]{0,8}") {
        let mut text = to_pnml(&net);
        let cut = cut.min(text.len());
        if text.is_char_boundary(cut) {
            text.insert_str(cut, &junk);
        }
        let _ = parse_pnml(&text);
    }
}
