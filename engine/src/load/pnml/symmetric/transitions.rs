//! A symmetric net's transition: input terms become patterns that bind its
//! variables, its `condition` becomes guards, output terms become output items.
//!
//! Input items are matched in this order: items made only of variables,
//! constants and tuples that bind a new variable (in arc order); then items
//! with computed parts that bind one, a computed part (`x--1` in `(x--1, y)`)
//! matched by a slot of its own and a guard equating the slot with the
//! computation; last, items whose value is known from the variables bound, as
//! look-ups, and after them the input arcs whose inscription is a multiset
//! difference, each taken whole. A variable bound by no input pattern ranges
//! over its (finite) sort, bound after the patterns.

use roxmltree::Node;

use super::terms::{Element, Item, Scope, operands};
use super::{Reader, label_structure};
use crate::load::pnml::error::PnmlError;
use crate::net::code::{CmpOp, Code, Pattern, PlaceId};
use crate::net::model::{
    GuardPart, InputItem, Matcher, OutputItem, OutputTokens, Place, Transition, wildcards_may_swap,
};
use crate::net::pos::Pos;
use crate::net::types::Ty;

/// What is known while a transition's inputs are laid out.
struct Layout {
    scope: Scope,
    /// Per slot: after how many matched input items it is bound.
    bound: Vec<Option<usize>>,
    /// Slots of computed parts of input terms, with the computation.
    computed: Vec<(usize, Code)>,
    inputs: Vec<InputItem>,
}

impl Layout {
    fn is_bound(&mut self, slot: usize) -> bool {
        self.bound.resize(self.scope.vars.len(), None);
        self.bound[slot].is_some()
    }

    fn bind(&mut self, slot: usize) {
        self.bound.resize(self.scope.vars.len(), None);
        self.bound[slot] = Some(self.inputs.len() + 1);
    }
}

/// Whether a term is only variables, constants and tuples of them.
fn is_plain(node: Node<'_, '_>) -> bool {
    match node.tag_name().name() {
        "variable"
        | "useroperator"
        | "dotconstant"
        | "booleanconstant"
        | "numberconstant"
        | "finiteintrangeconstant" => true,
        "tuple" => operands(node).into_iter().all(is_plain),
        _ => false,
    }
}

/// A transition's arcs, sorted by what their items become.
struct Arcs<'a, 'input> {
    /// (place, item as written, whether the arc is an input), in arc order.
    inscriptions: Vec<(PlaceId, String, bool)>,
    /// Input terms: (place, multiplicity, term), matched or looked up.
    pending: Vec<(PlaceId, u32, Node<'a, 'input>)>,
    /// Input items whose value is known: (place, multiplicity, value).
    lookups: Vec<(PlaceId, u32, Code)>,
    /// Input arcs whose inscription is a multiset difference, taken whole.
    differences: Vec<(PlaceId, Vec<Item<'a, 'input>>)>,
    /// Output items.
    outputs: Vec<(PlaceId, Item<'a, 'input>)>,
}

impl<'a, 'input> Arcs<'a, 'input> {
    /// Every term of the arcs but the known inputs, where the variables are.
    fn terms(&self) -> Vec<Node<'a, 'input>> {
        let mut terms: Vec<Node<'a, 'input>> = self.pending.iter().map(|(_, _, n)| *n).collect();
        for (_, items) in &self.differences {
            terms.extend(items.iter().filter_map(|i| i.term()));
        }
        terms.extend(self.outputs.iter().filter_map(|(_, i)| i.term()));
        terms
    }
}

/// The guard parts of `conjuncts`, each placed after the last input item
/// that binds a slot it reads.
fn guards(conjuncts: Vec<Code>, layout: &mut Layout, at: Pos) -> Vec<GuardPart> {
    layout.bound.resize(layout.scope.vars.len(), None);
    let mut guards: Vec<GuardPart> = conjuncts
        .into_iter()
        .map(|code| {
            let mut slots = Vec::new();
            code.read_slots(&mut slots);
            let after = slots
                .iter()
                .filter_map(|&s| layout.bound[s])
                .max()
                .unwrap_or(0);
            GuardPart {
                code,
                after,
                pos: at,
            }
        })
        .collect();
    guards.sort_by_key(|g| g.after);
    guards
}

impl<'a, 'input> Reader<'a, 'input> {
    /// Compiles transition `t` of the graph over the net's `places`.
    pub(super) fn transition(
        &mut self,
        t: usize,
        places: &[Place],
    ) -> Result<Transition, PnmlError> {
        let graph = self.graph;
        let (id, _, node) = &graph.transitions[t];
        // Where the transition is declared: its arcs' and condition's
        // evaluation errors point there.
        let at = graph.positions.of(*node);
        let mut layout = Layout {
            scope: Scope::default(),
            bound: Vec::new(),
            computed: Vec::new(),
            inputs: Vec::new(),
        };
        let mut arcs = self.arcs(t, places)?;
        let condition = label_structure(*node, "condition");
        self.match_terms(&arcs.pending, places, at, &mut layout, &mut arcs.lookups)?;
        let mut terms = arcs.terms();
        terms.extend(condition);
        self.range_over_sorts(t, &terms, &mut layout, at)?;
        let differences = std::mem::take(&mut arcs.differences)
            .into_iter()
            .map(|(place, items)| self.difference(place, items, places, *node, &mut layout, at))
            .collect::<Result<Vec<_>, _>>()?;
        let mut inputs = std::mem::take(&mut layout.inputs);
        inputs.extend(
            arcs.lookups
                .into_iter()
                .map(|(place, mult, code)| InputItem {
                    place,
                    mult,
                    matcher: Matcher::Exact(code),
                    pos: at,
                }),
        );
        inputs.extend(differences);
        let mut conjuncts: Vec<Code> = layout
            .computed
            .drain(..)
            .map(|(slot, code)| Code::Cmp(CmpOp::Eq, Box::new(Code::Var(slot)), Box::new(code)))
            .collect();
        if let Some(condition) = condition {
            let (code, ty) = self.term(condition, Some(&mut layout.scope))?;
            if ty != Ty::Bool {
                return Err(self.colour(condition, format!("a condition is a boolean, not {ty}")));
            }
            code.into_conjuncts(&mut conjuncts);
        }
        let mut outputs = Vec::new();
        for (place, item) in arcs.outputs {
            outputs.extend(self.output(place, item, places, *node, &mut layout, at)?);
        }
        let guards = guards(conjuncts, &mut layout, at);
        Ok(Transition {
            name: id.clone(),
            pos: at,
            vars: layout.scope.vars,
            wildcards_may_swap: wildcards_may_swap(&inputs),
            inputs,
            guards,
            outputs,
            inscriptions: arcs.inscriptions,
            guard_text: condition.map(|c| self.show(c)),
        })
    }

    /// Reads the arcs of transition `t` and sorts their items.
    fn arcs(&mut self, t: usize, places: &[Place]) -> Result<Arcs<'a, 'input>, PnmlError> {
        let mut arcs = Arcs {
            inscriptions: Vec::new(),
            pending: Vec::new(),
            lookups: Vec::new(),
            differences: Vec::new(),
            outputs: Vec::new(),
        };
        for arc in self.graph.arcs.iter().filter(|a| a.transition == t) {
            let ty = &places[arc.place].ty;
            let items = match label_structure(arc.node, "hlinscription") {
                Some(term) => self.multiset(term)?,
                // An arc of a place of dots without an inscription moves one dot.
                None if *ty == Ty::Unit => vec![Item {
                    mult: 1,
                    negative: false,
                    what: Element::All(Ty::Unit, vec![Ty::unit_value()]),
                }],
                None => {
                    return Err(self.colour(
                        arc.node,
                        format!(
                            "an arc of the place {} of {ty} needs an <hlinscription>",
                            places[arc.place].name
                        ),
                    ));
                }
            };
            for item in &items {
                arcs.inscriptions
                    .push((arc.place, self.show_item(item), arc.input));
            }
            if arc.input && items.iter().any(|i| i.negative) {
                // Taken whole once the variables are bound.
                arcs.differences.push((arc.place, items));
                continue;
            }
            for item in items {
                if !arc.input {
                    arcs.outputs.push((arc.place, item));
                    continue;
                }
                match item.what {
                    Element::Term(term) => arcs.pending.push((arc.place, item.mult, term)),
                    Element::All(found, values) => {
                        self.expect(arc.node, &found, ty)?;
                        arcs.lookups.extend(
                            values
                                .into_iter()
                                .map(|v| (arc.place, item.mult, Code::Const(v))),
                        );
                    }
                }
            }
        }
        Ok(arcs)
    }

    /// Lays out the input terms `pending`: plain terms first, then terms with
    /// computed parts, each a pattern if it binds a new variable, else a
    /// look-up added to `lookups`.
    fn match_terms(
        &mut self,
        pending: &[(PlaceId, u32, Node<'a, 'input>)],
        places: &[Place],
        at: Pos,
        layout: &mut Layout,
        lookups: &mut Vec<(PlaceId, u32, Code)>,
    ) -> Result<(), PnmlError> {
        for plain in [true, false] {
            for &(place, mult, term) in pending.iter().filter(|(_, _, n)| is_plain(*n) == plain) {
                if self.binds_new(term, layout) {
                    let pattern = self.pattern(term, &places[place].ty, layout)?;
                    let prefix = pattern.fixed_prefix();
                    layout.inputs.push(InputItem {
                        place,
                        mult,
                        matcher: Matcher::Scan { pattern, prefix },
                        pos: at,
                    });
                } else {
                    let (code, found) = self.term(term, Some(&mut layout.scope))?;
                    self.expect(term, &found, &places[place].ty)?;
                    lookups.push((place, mult, code));
                }
            }
        }
        Ok(())
    }

    /// Binds the variables of `terms` that no input pattern binds to each
    /// value of their (finite) sorts, after the patterns.
    fn range_over_sorts(
        &mut self,
        t: usize,
        terms: &[Node<'_, '_>],
        layout: &mut Layout,
        at: Pos,
    ) -> Result<(), PnmlError> {
        let graph = self.graph;
        let id = &graph.transitions[t].0;
        let some_place = graph
            .arcs
            .iter()
            .find(|a| a.transition == t)
            .map(|a| a.place);
        for variable in terms
            .iter()
            .flat_map(|n| n.descendants())
            .filter(|n| n.tag_name().name() == "variable")
        {
            let (code, ty) = self.term(variable, Some(&mut layout.scope))?;
            let Code::Var(slot) = code else {
                unreachable!("a variable term compiles to its slot")
            };
            if layout.is_bound(slot) {
                continue;
            }
            let (Some(values), Some(place)) = (ty.values(), some_place) else {
                return Err(self.unsupported(
                    variable,
                    format!(
                        "the variable {} of transition {id}, bound by no input arc, ranges over {ty}, which is not finite",
                        layout.scope.vars[slot].name
                    ),
                ));
            };
            layout.bind(slot);
            layout.inputs.push(InputItem {
                place,
                mult: 0,
                matcher: Matcher::Each { slot, values },
                pos: at,
            });
        }
        Ok(())
    }

    /// The input item that takes the multiset difference `items` from
    /// `place` whole, once the variables are bound.
    fn difference(
        &mut self,
        place: PlaceId,
        items: Vec<Item<'_, '_>>,
        places: &[Place],
        node: Node<'_, '_>,
        layout: &mut Layout,
        at: Pos,
    ) -> Result<InputItem, PnmlError> {
        let ty = &places[place].ty;
        let mut parts = Vec::new();
        for item in items {
            let sign = if item.negative { -1 } else { 1 };
            let count = sign * i64::from(item.mult);
            match item.what {
                Element::Term(term) => {
                    let (code, found) = self.term(term, Some(&mut layout.scope))?;
                    self.expect(term, &found, ty)?;
                    parts.push((count, code));
                }
                Element::All(found, values) => {
                    self.expect(node, &found, ty)?;
                    parts.extend(values.into_iter().map(|v| (count, Code::Const(v))));
                }
            }
        }
        Ok(InputItem {
            place,
            mult: 0,
            matcher: Matcher::Difference(parts),
            pos: at,
        })
    }

    /// What the output `item` puts into (or, negative, takes from) `place`.
    fn output(
        &mut self,
        place: PlaceId,
        item: Item<'_, '_>,
        places: &[Place],
        node: Node<'_, '_>,
        layout: &mut Layout,
        at: Pos,
    ) -> Result<Vec<OutputItem>, PnmlError> {
        let ty = &places[place].ty;
        let mut outputs = Vec::new();
        match item.what {
            Element::Term(term) => {
                let (code, found) = self.term(term, Some(&mut layout.scope))?;
                self.expect(term, &found, ty)?;
                let tokens = if item.negative {
                    OutputTokens::Subtract(code)
                } else {
                    OutputTokens::Expr(code)
                };
                outputs.push(OutputItem {
                    place,
                    mult: item.mult,
                    tokens,
                    pos: at,
                });
            }
            Element::All(found, values) => {
                self.expect(node, &found, ty)?;
                if item.negative {
                    outputs.extend(values.into_iter().map(|v| OutputItem {
                        place,
                        mult: item.mult,
                        tokens: OutputTokens::Subtract(Code::Const(v)),
                        pos: at,
                    }));
                } else {
                    outputs.push(OutputItem {
                        place,
                        mult: item.mult,
                        tokens: OutputTokens::All(values),
                        pos: at,
                    });
                }
            }
        }
        Ok(outputs)
    }

    /// Whether matching `term` binds a variable not bound yet.
    fn binds_new(&self, term: Node<'_, '_>, layout: &mut Layout) -> bool {
        term.descendants()
            .filter(|n| n.tag_name().name() == "variable")
            .any(|n| {
                let id = n.attribute("refvariable").unwrap_or("");
                match layout
                    .scope
                    .ids
                    .iter()
                    .position(|i| i.as_deref() == Some(id))
                {
                    Some(slot) => !layout.is_bound(slot),
                    None => true,
                }
            })
    }

    /// The pattern matching `term` against tokens of type `expected`.
    fn pattern(
        &mut self,
        term: Node<'_, '_>,
        expected: &Ty,
        layout: &mut Layout,
    ) -> Result<Pattern, PnmlError> {
        match term.tag_name().name() {
            "variable" => {
                let (code, found) = self.term(term, Some(&mut layout.scope))?;
                self.expect(term, &found, expected)?;
                let Code::Var(slot) = code else {
                    unreachable!("a variable term compiles to its slot")
                };
                if layout.is_bound(slot) {
                    Ok(Pattern::Check(slot))
                } else {
                    layout.bind(slot);
                    Ok(Pattern::Bind(slot))
                }
            }
            "tuple" => {
                let parts = operands(term);
                let Ty::Tuple(_, tys) = expected else {
                    return Err(self.colour(
                        term,
                        format!("a tuple where a {expected} token is expected"),
                    ));
                };
                if parts.len() != tys.len() {
                    return Err(self.colour(
                        term,
                        format!(
                            "a {}-tuple where a {expected} token is expected",
                            parts.len()
                        ),
                    ));
                }
                parts
                    .into_iter()
                    .zip(tys)
                    .map(|(part, ty)| self.pattern(part, ty, layout))
                    .collect::<Result<Vec<_>, _>>()
                    .map(Pattern::Tuple)
            }
            _ if is_plain(term) => {
                let (value, found) = self.constant(term)?;
                self.expect(term, &found, expected)?;
                Ok(Pattern::Const(value))
            }
            _ => {
                let (code, found) = self.term(term, Some(&mut layout.scope))?;
                self.expect(term, &found, expected)?;
                let slot = layout.scope.add(None, &self.show(term), expected);
                layout.bind(slot);
                layout.computed.push((slot, code));
                Ok(Pattern::Bind(slot))
            }
        }
    }

    /// A type error at `node` unless `found` fits where `expected` is needed.
    fn expect(&self, node: Node<'_, '_>, found: &Ty, expected: &Ty) -> Result<(), PnmlError> {
        if found.compatible(expected) {
            Ok(())
        } else {
            Err(self.colour(node, format!("a {found} term where {expected} is expected")))
        }
    }
}
