//! The firing rule: which bindings enable a transition, and what firing one does.
//!
//! A binding assigns a value to every variable of a transition. It is
//! *enabled* in a marking when every input item can take its tokens at once
//! and the guard holds; *firing* it removes the input tokens and adds the
//! output tokens in one step.
//!
//! Bindings are found place by place: each scanning input item walks the
//! distinct tokens of its place (only those whose leading tuple components
//! match what is already known), binds its pattern's variables, and hands
//! over to the next item; items whose value is fully known are looked up
//! directly. Guard conjuncts are tested as soon as their variables are bound.

use std::fmt;

use crate::budget;
use crate::net::code::{Code, Env, EvalError, Pattern, PlaceId};
use crate::net::marking::{Marking, Multiset};
use crate::net::model::{Matcher, Net, OutputTokens, Transition};
use crate::net::value::Value;

/// A transition with values for its variables and the tokens it takes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Binding {
    /// The transition's number.
    pub transition: usize,
    /// One value per variable, in the transition's variable order.
    pub values: Vec<Value>,
    /// The tokens taken: `(place, value, copies)`.
    pub consumed: Vec<(PlaceId, Value, u32)>,
}

/// A binding shown with the net's names: `enter (p=1)`, as in `check`'s traces.
pub struct ShowBinding<'a> {
    net: &'a Net,
    binding: &'a Binding,
}

impl Binding {
    /// Display with names from `net`.
    pub fn show<'a>(&'a self, net: &'a Net) -> ShowBinding<'a> {
        ShowBinding { net, binding: self }
    }
}

impl fmt::Display for ShowBinding<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = &self.net.transitions[self.binding.transition];
        write!(f, "{}", t.name)?;
        if !t.vars.is_empty() {
            write!(f, " (")?;
            for (i, (var, value)) in t.vars.iter().zip(&self.binding.values).enumerate() {
                if i > 0 {
                    write!(f, ", ")?;
                }
                write!(f, "{}={value}", var.name)?;
            }
            write!(f, ")")?;
        }
        Ok(())
    }
}

/// Appends every enabled binding of every transition, in a deterministic
/// order (transition order, then token order).
pub fn enabled_bindings(
    net: &Net,
    marking: &Marking,
    out: &mut Vec<Binding>,
) -> Result<(), EvalError> {
    for t in 0..net.transitions.len() {
        transition_bindings(net, t, marking, out)?;
    }
    Ok(())
}

/// Appends the enabled bindings of transition `t`.
pub fn transition_bindings(
    net: &Net,
    t: usize,
    marking: &Marking,
    out: &mut Vec<Binding>,
) -> Result<(), EvalError> {
    let transition = &net.transitions[t];
    let first = out.len();
    let mut search = Search {
        index: t,
        transition,
        marking,
        slots: vec![Value::Bool(false); transition.vars.len()],
        consumed: Vec::new(),
        out: &mut *out,
    };
    search.step(0).map_err(|e| match e {
        EvalError::Stopped(_) | EvalError::InTransition { .. } => e,
        e => EvalError::InTransition {
            transition: transition.name.clone(),
            source: Box::new(e),
        },
    })?;
    if transition.wildcards_may_swap {
        let kept = remove_repeats(&mut out[first..]);
        out.truncate(first + kept);
    }
    Ok(())
}

/// Lists the tokens each binding takes in one canonical order and moves
/// the first binding of each kind to the front; returns how many are kept.
fn remove_repeats(bindings: &mut [Binding]) -> usize {
    let mut seen = std::collections::HashSet::new();
    let mut kept = 0;
    for i in 0..bindings.len() {
        let consumed = &mut bindings[i].consumed;
        consumed.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        consumed.dedup_by(|later, earlier| {
            let same = later.0 == earlier.0 && later.1 == earlier.1;
            if same {
                earlier.2 += later.2;
            }
            same
        });
        if seen.insert(bindings[i].clone()) {
            bindings.swap(kept, i);
            kept += 1;
        }
    }
    kept
}

/// Fires an enabled binding, returning the next marking.
pub fn fire(net: &Net, marking: &Marking, binding: &Binding) -> Result<Marking, EvalError> {
    let produced = produced(net, binding)?;
    let mut changed: Vec<PlaceId> = binding
        .consumed
        .iter()
        .chain(&produced)
        .map(|&(place, _, _)| place)
        .collect();
    changed.sort_unstable();
    changed.dedup();
    let mut next = marking.clone();
    for place in changed {
        next.places[place] = fire_at(net, marking, binding, &produced, place)?;
    }
    Ok(next)
}

/// The tokens `place` holds after firing an enabled binding whose added
/// tokens, [`produced`], are known (a shared copy of the place's multiset
/// when the binding neither takes nor puts a token there).
pub fn fire_at(
    net: &Net,
    marking: &Marking,
    binding: &Binding,
    produced: &[(PlaceId, Value, u32)],
    place: PlaceId,
) -> Result<Multiset, EvalError> {
    let t = &net.transitions[binding.transition];
    let name = &net.places[place].name;
    let before = &marking.places[place];
    if !binding
        .consumed
        .iter()
        .chain(produced)
        .any(|c| c.0 == place)
    {
        return Ok(before.clone());
    }
    let mut tokens = before.edit();
    for (_, v, n) in binding.consumed.iter().filter(|c| c.0 == place) {
        tokens
            .remove(v, *n)
            .ok_or_else(|| EvalError::InTransition {
                transition: t.name.clone(),
                source: Box::new(EvalError::Shape {
                    expected: "an enabled binding",
                    found: format!("{name} is missing {n} copies of {v}"),
                }),
            })?;
    }
    for (_, v, n) in produced.iter().filter(|c| c.0 == place) {
        tokens
            .add(v.clone(), *n)
            .ok_or_else(|| EvalError::InTransition {
                transition: t.name.clone(),
                source: Box::new(EvalError::CountOverflow {
                    place: name.clone(),
                }),
            })?;
    }
    Ok(tokens.finish())
}

/// The tokens firing `binding` adds: `(place, value, copies)`, each checked
/// against its place's type.
pub fn produced(net: &Net, binding: &Binding) -> Result<Vec<(PlaceId, Value, u32)>, EvalError> {
    let t = &net.transitions[binding.transition];
    let mut slots = binding.values.clone();
    let mut out = Vec::with_capacity(t.outputs.len());
    let mut taken_back = Vec::new();
    let in_transition = |e: EvalError| EvalError::InTransition {
        transition: t.name.clone(),
        source: Box::new(e),
    };
    for item in &t.outputs {
        let place = &net.places[item.place];
        let mut put = |value: Value| -> Result<(), EvalError> {
            if !place.ty.admits(&value) {
                return Err(EvalError::OutOfType {
                    transition: t.name.clone(),
                    place: place.name.clone(),
                    value: value.to_string(),
                    ty: place.ty.to_string(),
                });
            }
            out.push((item.place, value, item.mult));
            Ok(())
        };
        let mut env = Env::new(&mut slots, None);
        match &item.tokens {
            OutputTokens::Expr(code) => {
                let value = code
                    .eval(&mut env)
                    .map_err(|e| in_transition(e.at(item.pos)))?;
                put(value).map_err(|e| e.at(item.pos))?
            }
            OutputTokens::All(values) => values
                .iter()
                .cloned()
                .try_for_each(&mut put)
                .map_err(|e| e.at(item.pos))?,
            OutputTokens::Subtract(code) => {
                let value = code
                    .eval(&mut env)
                    .map_err(|e| in_transition(e.at(item.pos)))?;
                taken_back.push((item.place, value, item.mult));
            }
        }
    }
    for (place, value, mut n) in taken_back {
        for (p, v, have) in out.iter_mut() {
            if *p == place && *v == value {
                let k = n.min(*have);
                *have -= k;
                n -= k;
            }
        }
        if n > 0 {
            return Err(in_transition(EvalError::Shape {
                expected: "a multiset difference of outputs that are there",
                found: format!(
                    "{n} more copies of {value} taken from the output to {}",
                    net.places[place].name
                ),
            }));
        }
    }
    out.retain(|(_, _, n)| *n > 0);
    Ok(out)
}

/// Every enabled binding with the marking its firing leads to.
pub fn successors(net: &Net, marking: &Marking) -> Result<Vec<(Binding, Marking)>, EvalError> {
    let mut bindings = Vec::new();
    enabled_bindings(net, marking, &mut bindings)?;
    bindings
        .into_iter()
        .map(|b| {
            let next = fire(net, marking, &b)?;
            Ok((b, next))
        })
        .collect()
}

struct Search<'a> {
    index: usize,
    transition: &'a Transition,
    marking: &'a Marking,
    slots: Vec<Value>,
    consumed: Vec<(PlaceId, Value, u32)>,
    out: &'a mut Vec<Binding>,
}

impl Search<'_> {
    fn guards_hold(&mut self, step: usize) -> Result<bool, EvalError> {
        for g in self.transition.guards.iter().filter(|g| g.after == step) {
            let mut env = Env::new(&mut self.slots, None);
            if !g.code.holds(&mut env).map_err(|e| e.at(g.pos))? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Copies of `value` in `place` not yet taken by earlier items.
    fn available(&self, place: PlaceId, value: &Value, count: u32) -> u32 {
        let taken: u32 = self
            .consumed
            .iter()
            .filter(|(p, v, _)| *p == place && v == value)
            .map(|(_, _, n)| *n)
            .sum();
        count.saturating_sub(taken)
    }

    fn step(&mut self, k: usize) -> Result<(), EvalError> {
        // One binding step: where a run's time and memory limits are checked,
        // so that no single marking can outrun them.
        budget::tick()?;
        if !self.guards_hold(k)? {
            return Ok(());
        }
        let Some(item) = self.transition.inputs.get(k) else {
            self.out.push(Binding {
                transition: self.index,
                values: self.slots.clone(),
                consumed: self.consumed.clone(),
            });
            return Ok(());
        };
        let tokens = &self.marking.places[item.place];
        match &item.matcher {
            Matcher::Exact(code) => {
                let value = self.eval(code).map_err(|e| e.at(item.pos))?;
                let count = tokens.count(&value);
                if self.available(item.place, &value, count) >= item.mult {
                    self.take_and_continue(k, item.place, value, item.mult)?;
                }
            }
            Matcher::Difference(parts) => {
                let mut wanted: Vec<(Value, i64)> = Vec::new();
                for (count, code) in parts {
                    let value = self.eval(code).map_err(|e| e.at(item.pos))?;
                    let n = *count;
                    match wanted.iter_mut().find(|(v, _)| *v == value) {
                        Some((_, have)) => {
                            *have = have.checked_add(n).ok_or(EvalError::Overflow)?
                        }
                        None => wanted.push((value, n)),
                    }
                }
                if let Some((value, n)) = wanted.iter().find(|(_, n)| *n < 0) {
                    return Err(EvalError::Shape {
                        expected: "a multiset difference that is not negative",
                        found: format!("{n} copies of {value}"),
                    });
                }
                let mut taken = Vec::with_capacity(wanted.len());
                for (value, n) in wanted.into_iter().filter(|(_, n)| *n > 0) {
                    let n = u32::try_from(n).map_err(|_| EvalError::Overflow)?;
                    if self.available(item.place, &value, tokens.count(&value)) < n {
                        return Ok(());
                    }
                    taken.push((item.place, value, n));
                }
                let depth = self.consumed.len();
                self.consumed.extend(taken);
                let r = self.step(k + 1);
                self.consumed.truncate(depth);
                r?;
            }
            Matcher::Each { slot, values } => {
                for value in values {
                    budget::tick()?;
                    self.slots[*slot] = value.clone();
                    self.step(k + 1)?;
                }
            }
            Matcher::Scan { pattern, prefix } => {
                // Walk only the tokens whose leading tuple components are the
                // fixed ones (all tokens when none is fixed: `false` is the
                // least value), cloning a value only when its pattern matches.
                let fixed = match self.prefix_value(pattern, *prefix) {
                    Some(Value::Tuple(fixed)) => Some(fixed),
                    _ => None,
                };
                let from = fixed.clone().map_or(Value::Bool(false), Value::Tuple);
                let candidates = tokens.iter_from(&from).take_while(|(v, _)| match &fixed {
                    Some(fixed) => matches!(v, Value::Tuple(items) if items.starts_with(fixed)),
                    None => true,
                });
                for (value, count) in candidates {
                    budget::tick()?;
                    if self.available(item.place, value, count) < item.mult {
                        continue;
                    }
                    if pattern.matches(value, &mut self.slots) {
                        self.take_and_continue(k, item.place, value.clone(), item.mult)?;
                    }
                }
            }
        }
        Ok(())
    }

    fn take_and_continue(
        &mut self,
        k: usize,
        place: PlaceId,
        value: Value,
        mult: u32,
    ) -> Result<(), EvalError> {
        self.consumed.push((place, value, mult));
        let r = self.step(k + 1);
        self.consumed.pop();
        r
    }

    fn eval(&mut self, code: &Code) -> Result<Value, EvalError> {
        code.eval(&mut Env::new(&mut self.slots, None))
    }

    /// The fixed leading components of a tuple pattern, as a tuple value.
    fn prefix_value(&self, pattern: &Pattern, prefix: usize) -> Option<Value> {
        let Pattern::Tuple(items) = pattern else {
            return None;
        };
        if prefix == 0 {
            return None;
        }
        let fixed: Option<Vec<Value>> = items[..prefix]
            .iter()
            .map(|p| p.determined_value(&self.slots))
            .collect();
        fixed.map(Value::tuple)
    }
}
