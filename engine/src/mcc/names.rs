//! The names a formula uses, resolved to the net's places and transitions,
//! and a formula's state conditions compiled over them.

use std::collections::HashMap;

use super::error::MccError;
use super::formula::{Formula, IntExpr};
use super::observe::{Condition, Count};
use crate::load::LoadedNet;

/// Place and transition numbers by the names formulas use.
pub(super) struct Names {
    pub(super) places: HashMap<String, usize>,
    pub(super) transitions: HashMap<String, usize>,
    pub(super) place_count: usize,
}

impl Names {
    /// Identifiers first (what PNML formulas name), then names.
    pub(super) fn of(net: &LoadedNet) -> Names {
        let index = |ids: &[String], names: &[String]| {
            let mut map = HashMap::new();
            for (i, name) in names.iter().enumerate() {
                map.insert(name.clone(), i);
            }
            for (i, id) in ids.iter().enumerate() {
                map.insert(id.clone(), i);
            }
            map
        };
        match net {
            LoadedNet::PlaceTransition(pt) => {
                let transition_names: Vec<String> =
                    pt.transitions.iter().map(|t| t.name.clone()).collect();
                Names {
                    places: index(&pt.place_ids, &pt.places),
                    transitions: index(&pt.transition_ids, &transition_names),
                    place_count: pt.places.len(),
                }
            }
            LoadedNet::Coloured(net) => {
                let places: Vec<String> = net.places.iter().map(|p| p.name.clone()).collect();
                let transitions: Vec<String> =
                    net.transitions.iter().map(|t| t.name.clone()).collect();
                Names {
                    places: index(&[], &places),
                    transitions: index(&[], &transitions),
                    place_count: places.len(),
                }
            }
        }
    }

    pub(super) fn resolve(
        map: &HashMap<String, usize>,
        names: &[String],
        kind: &'static str,
        property: &str,
    ) -> Result<Vec<usize>, MccError> {
        names
            .iter()
            .map(|name| {
                map.get(name).copied().ok_or_else(|| MccError::UnknownName {
                    property: property.to_string(),
                    kind,
                    name: name.clone(),
                })
            })
            .collect()
    }

    pub(super) fn count(&self, e: &IntExpr, property: &str) -> Result<Count, MccError> {
        let all = |parts: &[IntExpr]| {
            parts
                .iter()
                .map(|p| self.count(p, property))
                .collect::<Result<Vec<_>, _>>()
        };
        Ok(match e {
            IntExpr::Constant(c) => Count::Constant(*c),
            IntExpr::TokensCount(places) => {
                Count::Tokens(Self::resolve(&self.places, places, "place", property)?)
            }
            IntExpr::Sum(parts) => Count::Sum(all(parts)?),
            IntExpr::Difference(parts) => Count::Difference(all(parts)?),
            IntExpr::Product(parts) => Count::Product(all(parts)?),
        })
    }

    /// The condition of a state formula (`None` for a path formula).
    pub(super) fn condition(
        &self,
        f: &Formula,
        property: &str,
    ) -> Result<Option<Condition>, MccError> {
        let all = |parts: &[Formula]| -> Result<Option<Vec<Condition>>, MccError> {
            parts
                .iter()
                .map(|p| self.condition(p, property))
                .collect::<Result<Option<Vec<_>>, _>>()
        };
        Ok(Some(match f {
            Formula::True => Condition::True,
            Formula::False => Condition::False,
            Formula::Deadlock => Condition::Dead,
            Formula::Not(inner) => match self.condition(inner, property)? {
                Some(c) => Condition::Not(Box::new(c)),
                None => return Ok(None),
            },
            Formula::And(parts) => match all(parts)? {
                Some(cs) => Condition::And(cs),
                None => return Ok(None),
            },
            Formula::Or(parts) => match all(parts)? {
                Some(cs) => Condition::Or(cs),
                None => return Ok(None),
            },
            Formula::Le(a, b) => Condition::Le(self.count(a, property)?, self.count(b, property)?),
            Formula::IsFireable(ts) => Condition::Fireable(Self::resolve(
                &self.transitions,
                ts,
                "transition",
                property,
            )?),
            Formula::AllPaths(_)
            | Formula::ExistsPath(_)
            | Formula::Globally(_)
            | Formula::Finally(_)
            | Formula::Next(_)
            | Formula::Until { .. } => return Ok(None),
        }))
    }
}
