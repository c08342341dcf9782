//! What the page draws of a net: places, transitions and arcs with their
//! texts, taken from a YAML (coloured) net or a PNML P/T net.

use serde::Serialize;
use sesphr_engine::net::model::Net;
use sesphr_engine::ptnet::PtNet;

/// A net as the page shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Picture {
    /// The net's name.
    pub name: String,
    /// Its description, if it has one.
    pub description: Option<String>,
    /// The places, in the net's order.
    pub places: Vec<PlaceInfo>,
    /// The transitions, in the net's order.
    pub transitions: Vec<TransitionInfo>,
    /// One arc per (place, transition, direction).
    pub arcs: Vec<ArcInfo>,
}

/// A place and its initial marking.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlaceInfo {
    /// Its name.
    pub name: String,
    /// Its colour set (empty for P/T nets).
    pub ty: String,
    /// Its initial marking as text (`{}` when empty; a count for P/T nets).
    pub initial: String,
    /// Its initial number of tokens.
    pub tokens: u64,
}

/// A transition.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TransitionInfo {
    /// Its name.
    pub name: String,
    /// Its guard as written, if any.
    pub guard: Option<String>,
}

/// An arc between a place and a transition.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArcInfo {
    /// The place's index.
    pub place: usize,
    /// The transition's index.
    pub transition: usize,
    /// Whether the arc goes from the place to the transition.
    pub input: bool,
    /// Its inscription: the tokens it moves, separated by commas.
    pub label: String,
}

/// Joins the token items of one arc: `p, p % n + 1` (a list, as in the net
/// file, never `+`, which reads as arithmetic).
pub fn join_items(items: &[&str]) -> String {
    items.join(", ")
}

impl Picture {
    /// The picture of a YAML net.
    pub fn of_net(net: &Net) -> Self {
        let places = net
            .places
            .iter()
            .zip(&net.initial.places)
            .map(|(p, m)| PlaceInfo {
                name: p.name.clone(),
                ty: p.ty.to_string(),
                initial: m.to_string(),
                tokens: m.total(),
            })
            .collect();
        let mut arcs = Vec::new();
        let mut transitions = Vec::new();
        for (t, tr) in net.transitions.iter().enumerate() {
            transitions.push(TransitionInfo {
                name: tr.name.clone(),
                guard: tr.guard_text.clone(),
            });
            let mut grouped: Vec<(usize, bool, Vec<&str>)> = Vec::new();
            for (place, text, input) in &tr.inscriptions {
                match grouped
                    .iter_mut()
                    .find(|(p, i, _)| p == place && i == input)
                {
                    Some((_, _, items)) => items.push(text),
                    None => grouped.push((*place, *input, vec![text])),
                }
            }
            arcs.extend(grouped.into_iter().map(|(place, input, items)| ArcInfo {
                place,
                transition: t,
                input,
                label: join_items(&items),
            }));
        }
        Picture {
            name: net.name.clone(),
            description: net.description.clone(),
            places,
            transitions,
            arcs,
        }
    }

    /// The picture of a PNML place/transition net (arc labels are weights above 1).
    pub fn of_pt_net(net: &PtNet) -> Self {
        let places = net
            .places
            .iter()
            .zip(&net.initial)
            .map(|(name, &n)| PlaceInfo {
                name: name.clone(),
                ty: String::new(),
                initial: n.to_string(),
                tokens: u64::from(n),
            })
            .collect();
        let mut arcs = Vec::new();
        let mut transitions = Vec::new();
        for (t, tr) in net.transitions.iter().enumerate() {
            transitions.push(TransitionInfo {
                name: tr.name.clone(),
                guard: None,
            });
            let weight = |w: u32| if w == 1 { String::new() } else { w.to_string() };
            for &(place, w) in &tr.pre {
                arcs.push(ArcInfo {
                    place,
                    transition: t,
                    input: true,
                    label: weight(w),
                });
            }
            for &(place, w) in &tr.post {
                arcs.push(ArcInfo {
                    place,
                    transition: t,
                    input: false,
                    label: weight(w),
                });
            }
        }
        Picture {
            name: net.name.clone(),
            description: None,
            places,
            transitions,
            arcs,
        }
    }
}
