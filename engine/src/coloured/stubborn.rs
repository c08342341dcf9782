//! Partial-order reduction: stubborn sets of bindings.
//!
//! The unit is a *binding* (a transition with values for its variables), as
//! in the net's unfolding to a place/transition net, whose places are
//! (place, token value) pairs: two bindings that touch different tokens are
//! independent even when they are bindings of one transition (one `join` for
//! every user, one `take_left` for every philosopher).
//!
//! In a marking, a *stubborn set* is a set of bindings such that firing
//! bindings outside it can neither enable nor disable its members nor stop
//! commuting with them (Valmari's conditions D1 and D2), and that holds an
//! enabled binding when the marking has one. Firing only the enabled bindings
//! of a stubborn set preserves every dead marking; with two more conditions
//! it also preserves whether a state violating an invariant (or witnessing a
//! `reachable` goal) is reachable:
//!
//! - *visibility* (Peled's C2): the set is used only if none of its enabled
//!   bindings is *visible*, i.e. changes a place some property reads;
//!   otherwise the marking is expanded in full;
//! - *no ignoring* (C3): every cycle of the reduced graph has a fully expanded
//!   marking. The breadth-first explorer ensures it: a marking whose reduced
//!   successors include a state stored before the current level (the only way
//!   to close a cycle in a breadth-first graph) is expanded again in full.
//!
//! Each enabled binding *needs* the tokens it takes (copies it puts back
//! included), *takes* those it removes for good and *gives* those it adds.
//! Enabling is monotone (guards read bindings only, never places), so in the
//! unfolding an enabled binding `e` in the set `S` brings in:
//!
//! - every binding that takes a token `e` needs (it could disable `e`: D2);
//! - every binding that needs a token `e` takes (`e` could disable it: D1).
//!
//! A place whose output inscriptions are those of its input arcs, word for
//! word, gets back exactly the tokens taken: the transition only reads it.
//!
//! A disabled binding in the set brings in every binding that gives it a
//! token it lacks (nothing else can enable it: D1). Disabled bindings are
//! listed where that is cheap: a transition whose variables all range over
//! small finite types (at most [`MAX_UNFOLDED`] bindings), whose input items
//! compute their tokens from the binding and whose guard and outputs
//! evaluate without error is *unfolded* once, when the net is loaded, into
//! its bindings with the tokens each needs, takes and gives (bindings whose
//! guard is false are dropped: they never fire). A disabled unfolded binding
//! picks the first token it lacks. Other transitions' disabled bindings (their
//! values range over terms) are handled together: the *disabled part* of
//! transition `u` stands for all its bindings not enabled in the marking. It
//! is brought in when `u` has an input arc at the place of such a token whose
//! pattern may match it, and it brings in every binding that may give a token
//! to one of `u`'s empty input places, or, when none is empty, to any of its
//! input places.
//!
//! The set kept is the closure of an enabled invisible binding (a seed) with
//! the fewest enabled bindings (the first such seed in binding order, so the
//! result does not depend on threads). It is found in one pass of Tarjan's
//! algorithm over the marking's units, each unit's dependencies computed
//! once, rather than by growing a set from every seed
//! ([`super::least_closure`] says why both choose the same set). A binding
//! that changes nothing (a refusal that puts back what it read) is no seed,
//! and a set holding one is given up when the cycle proviso applies: its
//! successor is the marking itself, stored before, so the proviso would
//! expand the marking in full anyway. A net whose invisible transitions all
//! change nothing gets no analysis at all.

use foldhash::HashMap;

use super::effects::BindingTokens;
use super::least_closure::{DependencyGraph, NodeKind, least_closure};
use crate::coloured::fire::{Binding, produced};
use crate::net::code::{Env, Pattern, PlaceId};
use crate::net::marking::Marking;
use crate::net::model::{Matcher, Net, PropertyKind};
use crate::net::value::Value;

/// A token of the net's unfolding: a place and a value.
type Token<'a> = (PlaceId, &'a Value);

/// The most bindings a transition is unfolded into.
pub const MAX_UNFOLDED: usize = 4096;

/// A binding of an unfolded transition, with its tokens: `needs` with the
/// copies it takes, `takes` and `gives` without.
#[derive(Debug, Clone)]
struct Unfolded {
    needs: Vec<(PlaceId, Value, u32)>,
    takes: Vec<(PlaceId, Value)>,
    gives: Vec<(PlaceId, Value)>,
}

/// What each transition may do to each place, for stubborn sets.
#[derive(Debug, Clone)]
pub struct Stubborn {
    /// Per transition: its input places.
    reads: Vec<Vec<PlaceId>>,
    /// Per transition: the input places it takes at least one token from.
    needs: Vec<Vec<PlaceId>>,
    /// Per transition: its input items' places and patterns (`None`: the
    /// item may take any token of the place).
    items: Vec<Vec<(PlaceId, Option<Pattern>)>>,
    /// Per place: whether a property reads it.
    watched: Vec<bool>,
    /// Per place: the transitions with an input arc at it.
    readers: Vec<Vec<usize>>,
    /// Per place: the transitions that may take tokens from it (not only
    /// read them).
    takers: Vec<Vec<usize>>,
    /// Per place: the transitions that may give tokens to it.
    givers: Vec<Vec<usize>>,
    /// Per transition: whether it is unfolded (its disabled bindings are
    /// listed in `unfolded`).
    is_unfolded: Vec<bool>,
    /// The bindings of the unfolded transitions.
    unfolded: Vec<Unfolded>,
    /// Per token: the unfolded bindings that take it.
    unfolded_takers: HashMap<(PlaceId, Value), Vec<usize>>,
    /// Per token: the unfolded bindings that need it.
    unfolded_needers: HashMap<(PlaceId, Value), Vec<usize>>,
    /// Per token: the unfolded bindings that give it.
    unfolded_givers: HashMap<(PlaceId, Value), Vec<usize>>,
    /// Per place: the unfolded bindings that give to it.
    unfolded_giving: Vec<Vec<usize>>,
}

/// One enabled binding's effect on tokens.
struct Effect<'a> {
    needs: Vec<Token<'a>>,
    takes: Vec<Token<'a>>,
    gives: Vec<Token<'a>>,
    visible: bool,
}

impl Effect<'_> {
    /// Whether the binding changes nothing: firing it gives the same marking.
    fn idle(&self) -> bool {
        self.takes.is_empty() && self.gives.is_empty()
    }
}

/// A member of a stubborn set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    /// The enabled binding with this index.
    Enabled(usize),
    /// Every disabled binding of this transition (not unfolded).
    Disabled(usize),
    /// The unfolded binding with this index, disabled in the marking.
    Static(usize),
}

impl Stubborn {
    /// The analysis of `net` for its properties, or `None` when it cannot
    /// reduce anything: every transition changes a place a property reads or
    /// changes nothing at all.
    pub fn new(net: &Net) -> Option<Self> {
        let places = net.places.len();
        let mut watched = vec![false; places];
        for property in &net.properties {
            let mut read = Vec::new();
            match &property.kind {
                PropertyKind::Invariant(code) | PropertyKind::Reachable(code) => {
                    code.places_read(&mut read)
                }
                PropertyKind::Bound { places, .. } => read.extend_from_slice(places),
                // Every dead marking is preserved, whatever the exception reads.
                PropertyKind::DeadlockFree(_) => {}
            }
            for p in read {
                watched[p] = true;
            }
        }
        let mut analysis = Stubborn {
            reads: Vec::new(),
            needs: Vec::new(),
            items: Vec::new(),
            watched,
            readers: vec![Vec::new(); places],
            takers: vec![Vec::new(); places],
            givers: vec![Vec::new(); places],
            is_unfolded: Vec::new(),
            unfolded: Vec::new(),
            unfolded_takers: HashMap::default(),
            unfolded_needers: HashMap::default(),
            unfolded_givers: HashMap::default(),
            unfolded_giving: vec![Vec::new(); places],
        };
        let mut some_invisible = false;
        for (t, transition) in net.transitions.iter().enumerate() {
            let arcs = |place: PlaceId, input: bool| {
                let mut texts: Vec<String> = transition
                    .inscriptions
                    .iter()
                    .filter(|(p, _, i)| *p == place && *i == input)
                    .map(|(_, text, _)| text.split_whitespace().collect::<String>())
                    .collect();
                texts.sort();
                texts
            };
            // A place whose output inscriptions are those of its input arcs,
            // word for word, gets back exactly the tokens taken.
            let only_read = |place: PlaceId| arcs(place, true) == arcs(place, false);
            let mut reads: Vec<PlaceId> = transition.inputs.iter().map(|i| i.place).collect();
            reads.sort_unstable();
            reads.dedup();
            let mut gives: Vec<PlaceId> = transition.outputs.iter().map(|o| o.place).collect();
            gives.sort_unstable();
            gives.dedup();
            let changes = |p: PlaceId| !only_read(p);
            let visible = reads
                .iter()
                .chain(&gives)
                .any(|&p| analysis.watched[p] && changes(p));
            // A transition that changes nothing (a refusal that puts back
            // what it read) is no use as a seed: see `Stubborn::choose`.
            let idle = !reads.iter().chain(&gives).any(|&p| changes(p));
            some_invisible |= !visible && !idle;
            for &p in &reads {
                analysis.readers[p].push(t);
                if !only_read(p) {
                    analysis.takers[p].push(t);
                }
            }
            for &p in &gives {
                analysis.givers[p].push(t);
            }
            analysis.reads.push(reads);
            let mut needs: Vec<PlaceId> = transition
                .inputs
                .iter()
                .filter(|i| i.mult > 0)
                .map(|i| i.place)
                .collect();
            needs.sort_unstable();
            needs.dedup();
            analysis.needs.push(needs);
            analysis.items.push(
                transition
                    .inputs
                    .iter()
                    .map(|i| match &i.matcher {
                        Matcher::Scan { pattern, .. } => (i.place, Some(pattern.clone())),
                        _ => (i.place, None),
                    })
                    .collect(),
            );
        }
        for t in 0..net.transitions.len() {
            let bindings = unfold(net, t);
            analysis.is_unfolded.push(bindings.is_some());
            for binding in bindings.into_iter().flatten() {
                let k = analysis.unfolded.len();
                for (p, v, _) in &binding.needs {
                    analysis
                        .unfolded_needers
                        .entry((*p, v.clone()))
                        .or_default()
                        .push(k);
                }
                for (p, v) in &binding.takes {
                    analysis
                        .unfolded_takers
                        .entry((*p, v.clone()))
                        .or_default()
                        .push(k);
                }
                for (p, v) in &binding.gives {
                    analysis
                        .unfolded_givers
                        .entry((*p, v.clone()))
                        .or_default()
                        .push(k);
                    if analysis.unfolded_giving[*p].last() != Some(&k) {
                        analysis.unfolded_giving[*p].push(k);
                    }
                }
                analysis.unfolded.push(binding);
            }
        }
        some_invisible.then_some(analysis)
    }

    /// The bindings to fire in `marking`, given the tokens of its enabled
    /// bindings: `Some(flags)` (one per binding) for a proper stubborn set
    /// without visible enabled binding, `None` when the marking must be
    /// expanded in full.
    pub fn choose(&self, marking: &Marking, bindings: &[&BindingTokens]) -> Option<Vec<bool>> {
        if bindings.len() < 2 {
            return None;
        }
        let effects: Vec<Effect<'_>> = bindings
            .iter()
            .map(|b| self.effect(&b.consumed, &b.produced))
            .collect();
        if effects.iter().all(|e| e.visible) {
            return None;
        }
        let mut takers: HashMap<Token<'_>, Vec<usize>> = HashMap::default();
        let mut needers: HashMap<Token<'_>, Vec<usize>> = HashMap::default();
        let mut givers: HashMap<Token<'_>, Vec<usize>> = HashMap::default();
        let mut giving: Vec<Vec<usize>> = vec![Vec::new(); self.watched.len()];
        for (i, e) in effects.iter().enumerate() {
            for &token in &e.takes {
                takers.entry(token).or_default().push(i);
            }
            for &token in &e.needs {
                needers.entry(token).or_default().push(i);
            }
            for &token in &e.gives {
                givers.entry(token).or_default().push(i);
            }
            for &(p, _) in &e.gives {
                if giving[p].last() != Some(&i) {
                    giving[p].push(i);
                }
            }
        }
        let index = Index {
            marking,
            effects: &effects,
            takers,
            needers,
            givers,
            giving,
            transitions: self.reads.len(),
        };
        let seeds: Vec<usize> = (0..bindings.len())
            .filter(|&i| !effects[i].visible && !effects[i].idle())
            .collect();
        let mut graph = Dependencies {
            analysis: self,
            index: &index,
            lacks: vec![None; self.unfolded.len()],
        };
        least_closure(&mut graph, &seeds, bindings.len()).map(|(_, mut set)| {
            set.truncate(bindings.len());
            set
        })
    }

    /// The tokens `binding` needs, takes and gives, given what it produces.
    fn effect<'a>(
        &self,
        consumed: &'a [(PlaceId, Value, u32)],
        produces: &'a [(PlaceId, Value, u32)],
    ) -> Effect<'a> {
        let count = |list: &[(PlaceId, Value, u32)], p: PlaceId, v: &Value| -> u64 {
            list.iter()
                .filter(|(q, w, _)| *q == p && w == v)
                .map(|(_, _, n)| u64::from(*n))
                .sum()
        };
        let mut effect = Effect {
            needs: Vec::new(),
            takes: Vec::new(),
            gives: Vec::new(),
            visible: false,
        };
        for (p, v, _) in consumed {
            if effect.needs.contains(&(*p, v)) {
                continue;
            }
            effect.needs.push((*p, v));
            if count(produces, *p, v) < count(consumed, *p, v) {
                effect.takes.push((*p, v));
            }
        }
        for (p, v, _) in produces {
            if !effect.gives.contains(&(*p, v)) && count(produces, *p, v) > count(consumed, *p, v) {
                effect.gives.push((*p, v));
            }
        }
        effect.visible = effect
            .takes
            .iter()
            .chain(&effect.gives)
            .any(|&(p, _)| self.watched[p]);
        effect
    }

    /// Whether some property reads a place: reduced expansions then need the
    /// cycle proviso (without, only dead markings matter, and stubborn sets
    /// preserve every one of them without it).
    pub fn needs_cycle_proviso(&self) -> bool {
        self.watched.contains(&true)
    }

    /// Whether transition `u` has an input item at `place` that may take `value`.
    fn may_take(&self, u: usize, place: PlaceId, value: &Value) -> bool {
        self.items[u]
            .iter()
            .any(|(p, pattern)| *p == place && pattern.as_ref().is_none_or(|q| may_match(q, value)))
    }
}

/// The units of one marking as a graph for [`least_closure`]: enabled
/// binding `i` is node `i`, the disabled part of transition `t` node
/// `E + t`, unfolded binding `k` node `E + T + k` (`E` enabled bindings, `T`
/// transitions); each brings in the units that could disable, enable or stop
/// commuting with it.
struct Dependencies<'s, 'i, 'm, 'a> {
    analysis: &'s Stubborn,
    index: &'i Index<'m, 'a>,
    /// Per unfolded binding, once looked at: the first token it lacks in
    /// the marking (`None` inside when it lacks none: it is enabled).
    lacks: Vec<Option<Option<(PlaceId, &'s Value)>>>,
}

impl<'s> Dependencies<'s, '_, '_, '_> {
    fn enabled(&self) -> usize {
        self.index.effects.len()
    }

    fn unit(&self, v: usize) -> Unit {
        let enabled = self.enabled();
        let transitions = self.index.transitions;
        if v < enabled {
            Unit::Enabled(v)
        } else if v < enabled + transitions {
            Unit::Disabled(v - enabled)
        } else {
            Unit::Static(v - enabled - transitions)
        }
    }

    fn node(&self, unit: Unit) -> usize {
        match unit {
            Unit::Enabled(i) => i,
            Unit::Disabled(t) => self.enabled() + t,
            Unit::Static(k) => self.enabled() + self.index.transitions + k,
        }
    }

    /// The first token unfolded binding `k` lacks in the marking, if any.
    fn lacks(&mut self, k: usize) -> Option<(PlaceId, &'s Value)> {
        let marking = self.index.marking;
        let needs = &self.analysis.unfolded[k].needs;
        *self.lacks[k].get_or_insert_with(|| {
            needs
                .iter()
                .find(|(p, v, n)| marking.places[*p].count(v) < *n)
                .map(|(p, v, _)| (*p, v))
        })
    }

    /// Adds unfolded binding `k` to `out` if it is disabled in the marking.
    fn push_if_disabled(&mut self, k: usize, out: &mut Vec<usize>) {
        if self.lacks(k).is_some() {
            out.push(self.node(Unit::Static(k)));
        }
    }
}

impl DependencyGraph for Dependencies<'_, '_, '_, '_> {
    fn node_count(&self) -> usize {
        self.enabled() + self.index.transitions + self.analysis.unfolded.len()
    }

    fn kind(&mut self, v: usize) -> NodeKind {
        match self.unit(v) {
            Unit::Enabled(i) => {
                let effect = &self.index.effects[i];
                NodeKind {
                    seed: !effect.visible && !effect.idle(),
                    counted: true,
                    // A binding that changes nothing leads back to this
                    // marking, which the cycle proviso then expands in full.
                    poisoned: effect.visible
                        || (effect.idle() && self.analysis.needs_cycle_proviso()),
                }
            }
            Unit::Disabled(_) | Unit::Static(_) => NodeKind {
                seed: false,
                counted: false,
                poisoned: false,
            },
        }
    }

    fn successors(&mut self, v: usize, out: &mut Vec<usize>) {
        let analysis = self.analysis;
        let index = self.index;
        match self.unit(v) {
            Unit::Enabled(i) => {
                let effect = &index.effects[i];
                // A token the binding needs conflicts with those that may
                // take it; a token it takes, with those that need it.
                let conflicts = [
                    (
                        &effect.needs,
                        &index.takers,
                        &analysis.unfolded_takers,
                        &analysis.takers,
                    ),
                    (
                        &effect.takes,
                        &index.needers,
                        &analysis.unfolded_needers,
                        &analysis.readers,
                    ),
                ];
                for (tokens, enabled, unfolded, disabled) in conflicts {
                    for &(p, v) in tokens {
                        out.extend(enabled.get(&(p, v)).into_iter().flatten());
                        for &k in unfolded.get(&(p, v.clone())).into_iter().flatten() {
                            self.push_if_disabled(k, out);
                        }
                        for &u in &disabled[p] {
                            if !analysis.is_unfolded[u] && analysis.may_take(u, p, v) {
                                out.push(self.node(Unit::Disabled(u)));
                            }
                        }
                    }
                }
            }
            Unit::Disabled(u) => {
                let empty = analysis.needs[u]
                    .iter()
                    .find(|&&p| index.marking.places[p].is_empty());
                let places = match empty {
                    Some(p) => std::slice::from_ref(p),
                    None => &analysis.reads[u][..],
                };
                for &p in places {
                    out.extend(&index.giving[p]);
                    for &k in &analysis.unfolded_giving[p] {
                        self.push_if_disabled(k, out);
                    }
                    for &w in &analysis.givers[p] {
                        if !analysis.is_unfolded[w] {
                            out.push(self.node(Unit::Disabled(w)));
                        }
                    }
                }
            }
            Unit::Static(k) => {
                let Some((p, v)) = self.lacks(k) else { return };
                out.extend(index.givers.get(&(p, v)).into_iter().flatten());
                for &k in analysis
                    .unfolded_givers
                    .get(&(p, v.clone()))
                    .into_iter()
                    .flatten()
                {
                    self.push_if_disabled(k, out);
                }
                for &w in &analysis.givers[p] {
                    if !analysis.is_unfolded[w] {
                        out.push(self.node(Unit::Disabled(w)));
                    }
                }
            }
        }
    }
}

/// The enabled bindings of one marking, indexed by the tokens they touch.
struct Index<'m, 'a> {
    marking: &'m Marking,
    effects: &'m [Effect<'a>],
    /// Per token: the enabled bindings that take it.
    takers: HashMap<Token<'a>, Vec<usize>>,
    /// Per token: the enabled bindings that need it.
    needers: HashMap<Token<'a>, Vec<usize>>,
    /// Per token: the enabled bindings that give it.
    givers: HashMap<Token<'a>, Vec<usize>>,
    /// Per place: the enabled bindings that give to it.
    giving: Vec<Vec<usize>>,
    /// The number of transitions.
    transitions: usize,
}

/// Whether `pattern` may match `value` for some values of its variables (a
/// variable matched earlier is taken to match anything).
fn may_match(pattern: &Pattern, value: &Value) -> bool {
    match pattern {
        Pattern::Bind(_) | Pattern::Check(_) | Pattern::Wild => true,
        Pattern::Const(c) => c == value,
        Pattern::Tuple(ps) => match value {
            Value::Tuple(items) if items.len() == ps.len() => {
                ps.iter().zip(items.iter()).all(|(p, v)| may_match(p, v))
            }
            _ => false,
        },
    }
}

/// The bindings of transition `t` whose guard holds, with their tokens, if
/// every variable ranges over a finite type, there are at most
/// [`MAX_UNFOLDED`] of them, and every input item's token, the guard and the
/// outputs are computed from the binding without error.
fn unfold(net: &Net, t: usize) -> Option<Vec<Unfolded>> {
    let transition = &net.transitions[t];
    let domains = transition
        .vars
        .iter()
        .map(|v| v.ty.values())
        .collect::<Option<Vec<_>>>()?;
    let total = domains
        .iter()
        .try_fold(1usize, |acc, d| acc.checked_mul(d.len()))?;
    if total > MAX_UNFOLDED {
        return None;
    }
    let mut out = Vec::new();
    let mut choice = vec![0usize; domains.len()];
    for _ in 0..total {
        let mut slots: Vec<Value> = domains
            .iter()
            .zip(&choice)
            .map(|(d, &i)| d[i].clone())
            .collect();
        let values = slots.clone();
        // The next combination, last variable fastest.
        for (i, d) in choice.iter_mut().zip(&domains).rev() {
            *i += 1;
            if *i < d.len() {
                break;
            }
            *i = 0;
        }
        let mut env = Env::new(&mut slots, None);
        let mut holds = true;
        for guard in &transition.guards {
            holds &= guard.code.holds(&mut env).ok()?;
        }
        if !holds {
            continue;
        }
        let mut consumed: Vec<(PlaceId, Value, u32)> = Vec::new();
        for item in &transition.inputs {
            let value = match &item.matcher {
                Matcher::Scan { pattern, .. } => pattern_value(pattern, env.slots)?,
                Matcher::Exact(code) => code.eval(&mut env).ok()?,
                Matcher::Difference(_) | Matcher::Each { .. } => return None,
            };
            match consumed
                .iter_mut()
                .find(|(p, v, _)| *p == item.place && *v == value)
            {
                Some((_, _, n)) => *n = n.checked_add(item.mult)?,
                None => consumed.push((item.place, value, item.mult)),
            }
        }
        let binding = Binding {
            transition: t,
            values,
            consumed,
        };
        let produces = produced(net, &binding).ok()?;
        let count = |list: &[(PlaceId, Value, u32)], p: PlaceId, v: &Value| -> u64 {
            list.iter()
                .filter(|(q, w, _)| *q == p && w == v)
                .map(|(_, _, n)| u64::from(*n))
                .sum()
        };
        let consumed = &binding.consumed;
        let takes = consumed
            .iter()
            .filter(|(p, v, _)| count(&produces, *p, v) < count(consumed, *p, v))
            .map(|(p, v, _)| (*p, v.clone()))
            .collect();
        let mut gives: Vec<(PlaceId, Value)> = Vec::new();
        for (p, v, _) in &produces {
            if count(&produces, *p, v) > count(consumed, *p, v) && !gives.contains(&(*p, v.clone()))
            {
                gives.push((*p, v.clone()));
            }
        }
        out.push(Unfolded {
            needs: binding.consumed,
            takes,
            gives,
        });
    }
    Some(out)
}

/// The value a pattern matches once every variable is bound; `None` for a wildcard.
fn pattern_value(pattern: &Pattern, slots: &[Value]) -> Option<Value> {
    match pattern {
        Pattern::Bind(s) | Pattern::Check(s) => Some(slots[*s].clone()),
        Pattern::Const(c) => Some(c.clone()),
        Pattern::Wild => None,
        Pattern::Tuple(ps) => ps
            .iter()
            .map(|p| pattern_value(p, slots))
            .collect::<Option<Vec<_>>>()
            .map(Value::tuple),
    }
}
