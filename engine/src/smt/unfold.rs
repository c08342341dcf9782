//! The unfolding of a coloured net with finite colour sets into a P/T net:
//! one place per (place, colour) that some marking or binding uses, one
//! transition per binding whose guard holds. The unfolded net has the
//! coloured net's state space (same states, one edge per enabled binding).
//!
//! Nets with an infinite or opaque colour set of a transition variable, a
//! wildcard in an input pattern, or a binding whose firing fails are refused.

use std::collections::HashMap;

use crate::coloured::fire::{Binding, produced};
use crate::net::code::{Env, Pattern};
use crate::net::model::{Matcher, Net};
use crate::net::value::Value;
use crate::ptnet::{PtNet, TransitionArcs};

/// Copies of a value in a place: `(place, value, copies)`.
type Token = (usize, Value, u32);

/// At most this many bindings are enumerated per transition.
pub const MAX_BINDINGS: usize = 1 << 20;

/// Why a coloured net cannot be unfolded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot unfold transition `{transition}`: {reason}")]
pub struct UnfoldError {
    /// The transition.
    pub transition: String,
    /// Why.
    pub reason: String,
}

/// The P/T net with the behaviour of `net`, and for each of its places the
/// coloured place and colour it stands for.
pub fn unfold(net: &Net) -> Result<(PtNet, Vec<(usize, Value)>), UnfoldError> {
    let mut places = Places::default();
    for (p, tokens) in net.initial.places.iter().enumerate() {
        for (value, _) in tokens.iter() {
            places.id(p, value);
        }
    }
    let mut transitions: Vec<TransitionArcs> = Vec::new();
    for (t, transition) in net.transitions.iter().enumerate() {
        let error = |reason: String| UnfoldError {
            transition: transition.name.clone(),
            reason,
        };
        let mut domains = Vec::new();
        for var in &transition.vars {
            let values = var.ty.values().ok_or_else(|| {
                error(format!(
                    "the variable `{}` ranges over {}, which is not finite",
                    var.name, var.ty
                ))
            })?;
            domains.push(values);
        }
        let total = domains.iter().try_fold(1usize, |n, d| {
            n.checked_mul(d.len()).filter(|&n| n <= MAX_BINDINGS)
        });
        if total.is_none() {
            return Err(error(format!("more than {MAX_BINDINGS} bindings")));
        }
        for slots in assignments(&domains) {
            let mut env_slots = slots.clone();
            let mut env = Env {
                slots: &mut env_slots,
                marking: None,
            };
            let mut holds = true;
            for guard in &transition.guards {
                if !guard
                    .code
                    .holds(&mut env)
                    .map_err(|e| error(e.to_string()))?
                {
                    holds = false;
                    break;
                }
            }
            if !holds {
                continue;
            }
            let Some(taken) = consumed(net, t, &slots).map_err(error)? else {
                continue;
            };
            let binding = Binding {
                transition: t,
                values: slots.clone(),
                consumed: Vec::new(),
            };
            let given = produced(net, &binding).map_err(|e| error(e.to_string()))?;
            let pre = taken
                .into_iter()
                .map(|(p, v, n)| (places.id(p, &v), n))
                .collect();
            let post = given
                .into_iter()
                .map(|(p, v, n)| (places.id(p, &v), n))
                .collect();
            transitions.push((format!("{}", binding.show(net)), pre, post));
        }
    }
    let names = places
        .list
        .iter()
        .map(|(p, v)| format!("{}[{v}]", net.places[*p].name))
        .collect();
    let initial = places
        .list
        .iter()
        .map(|(p, v)| net.initial.places[*p].count(v))
        .collect();
    Ok((
        PtNet::new(net.name.clone(), names, initial, transitions),
        places.list,
    ))
}

/// The unfolded places, numbered in order of first use.
#[derive(Default)]
struct Places {
    list: Vec<(usize, Value)>,
    index: HashMap<(usize, Value), usize>,
}

impl Places {
    fn id(&mut self, place: usize, value: &Value) -> usize {
        let key = (place, value.clone());
        if let Some(&id) = self.index.get(&key) {
            return id;
        }
        self.list.push(key.clone());
        self.index.insert(key, self.list.len() - 1);
        self.list.len() - 1
    }
}

/// Every assignment of one value per domain, the last domain varying fastest.
fn assignments(domains: &[Vec<Value>]) -> Vec<Vec<Value>> {
    let mut all = vec![Vec::new()];
    for domain in domains {
        all = all
            .into_iter()
            .flat_map(|prefix: Vec<Value>| {
                domain.iter().map(move |v| {
                    let mut next = prefix.clone();
                    next.push(v.clone());
                    next
                })
            })
            .collect();
    }
    all
}

/// The tokens binding `slots` of transition `t` takes, `None` when one of
/// its values lies outside its place's type (no such token ever exists).
fn consumed(net: &Net, t: usize, slots: &[Value]) -> Result<Option<Vec<Token>>, String> {
    let mut taken = Vec::new();
    let mut env_slots = slots.to_vec();
    for item in &net.transitions[t].inputs {
        let mut env = Env {
            slots: &mut env_slots,
            marking: None,
        };
        let values: Vec<(Value, i64)> = match &item.matcher {
            Matcher::Scan { pattern, .. } => match value_of(pattern, slots) {
                Some(v) => vec![(v, i64::from(item.mult))],
                None => return Err("a wildcard in an input pattern".into()),
            },
            Matcher::Exact(code) => {
                vec![(
                    code.eval(&mut env).map_err(|e| e.to_string())?,
                    i64::from(item.mult),
                )]
            }
            Matcher::Difference(parts) => {
                let mut net_counts: Vec<(Value, i64)> = Vec::new();
                for (count, code) in parts {
                    let v = code.eval(&mut env).map_err(|e| e.to_string())?;
                    match net_counts.iter_mut().find(|(w, _)| *w == v) {
                        Some((_, n)) => *n += count,
                        None => net_counts.push((v, *count)),
                    }
                }
                if net_counts.iter().any(|(_, n)| *n < 0) {
                    return Err("a multiset difference below zero".into());
                }
                net_counts
            }
            Matcher::Each { .. } => Vec::new(),
        };
        for (value, n) in values.into_iter().filter(|(_, n)| *n > 0) {
            if !net.places[item.place].ty.admits(&value) {
                return Ok(None);
            }
            let n = u32::try_from(n).map_err(|_| "a count above 4294967295".to_string())?;
            taken.push((item.place, value, n));
        }
    }
    Ok(Some(taken))
}

/// The value a pattern matches once every slot is bound; `None` with a wildcard.
fn value_of(pattern: &Pattern, slots: &[Value]) -> Option<Value> {
    match pattern {
        Pattern::Bind(s) | Pattern::Check(s) => Some(slots[*s].clone()),
        Pattern::Const(c) => Some(c.clone()),
        Pattern::Wild => None,
        Pattern::Tuple(items) => items
            .iter()
            .map(|p| value_of(p, slots))
            .collect::<Option<Vec<_>>>()
            .map(Value::tuple),
    }
}
