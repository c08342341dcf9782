//! A place/transition net seen as a coloured net: every place holds `()`
//! tokens, and an arc of weight `w` takes or puts `w'()`. Simulation and
//! structure graphs, which work on coloured nets, thus read PNML nets too.

use crate::load::source::Pos;
use crate::net::code::Code;
use crate::net::marking::{Marking, Multiset};
use crate::net::model::{InputItem, Matcher, Net, OutputItem, OutputTokens, Place, Transition};
use crate::net::types::Ty;
use crate::ptnet::PtNet;

/// The coloured net with the behaviour of `net` (same places, transitions,
/// order and markings). Places and transitions keep their names (which
/// [`PtNet::with_ids`] made distinct where the file's repeat).
pub fn coloured(net: &PtNet) -> Net {
    let at = Pos { line: 1, col: 1 };
    let unit = Ty::unit_value();
    let places = (net.places.iter())
        .enumerate()
        .map(|(place, name)| Place {
            name: name.clone(),
            ty: Ty::Unit,
            pos: net.place_pos(place).unwrap_or(at),
        })
        .collect();
    let initial = Marking {
        places: net
            .initial
            .iter()
            .map(|&count| {
                let mut tokens = Multiset::new();
                if count > 0 {
                    // A new multiset holds any count of one value.
                    let _ = tokens.add(unit.clone(), count);
                }
                tokens
            })
            .collect(),
    };
    let transitions = net
        .transitions
        .iter()
        .map(|t| {
            let inscription = |w: u32| {
                if w == 1 {
                    "()".to_string()
                } else {
                    format!("{w}'()")
                }
            };
            let mut inscriptions: Vec<_> = t
                .pre
                .iter()
                .map(|&(p, w)| (p, inscription(w), true))
                .collect();
            inscriptions.extend(t.post.iter().map(|&(p, w)| (p, inscription(w), false)));
            Transition {
                name: t.name.clone(),
                pos: at,
                vars: Vec::new(),
                inputs: t
                    .pre
                    .iter()
                    .map(|&(place, mult)| InputItem {
                        place,
                        mult,
                        matcher: Matcher::Exact(Code::Const(unit.clone())),
                        pos: at,
                    })
                    .collect(),
                guards: Vec::new(),
                outputs: t
                    .post
                    .iter()
                    .map(|&(place, mult)| OutputItem {
                        place,
                        mult,
                        tokens: OutputTokens::Expr(Code::Const(unit.clone())),
                        pos: at,
                    })
                    .collect(),
                inscriptions,
                guard_text: None,
                wildcards_may_swap: false,
            }
        })
        .collect();
    Net::bare(net.name.clone(), places, transitions, initial)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coloured::ColouredSpace;
    use crate::explore::{ExploreOptions, check};
    use crate::ptnet::PackedNet;

    #[test]
    fn the_coloured_view_has_the_same_state_space() {
        // t: 2 p -> q ; u: q -> 2 p, with 4 tokens in p: states (4,0), (2,1), (0,2).
        let net = PtNet::new(
            "pair",
            vec!["p".into(), "q".into()],
            vec![4, 0],
            vec![
                ("t".into(), vec![(0, 2)], vec![(1, 1)]),
                ("u".into(), vec![(1, 1)], vec![(0, 2)]),
            ],
        );
        let coloured = coloured(&net);
        let options = ExploreOptions::default();
        let a = check(&ColouredSpace::new(&coloured), &options).expect("coloured");
        let b = check(&PackedNet::new(&net, Vec::new()).expect("packs"), &options).expect("pt");
        assert_eq!((a.states, a.edges, a.deadlocks), (3, 4, 0));
        assert_eq!(
            (a.states, a.edges, a.deadlocks),
            (b.states, b.edges, b.deadlocks)
        );
    }
}
