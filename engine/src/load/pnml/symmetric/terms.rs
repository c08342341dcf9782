//! Terms of a symmetric net: colour terms become [`Code`] with their type,
//! multiset terms (markings and inscriptions) become lists of [`Item`]s.
//!
//! Colour terms: `variable`, `useroperator` (an enumeration constant),
//! `dotconstant`, `booleanconstant`, `numberconstant`,
//! `finiteintrangeconstant`, `tuple`, `successor` and `predecessor` (cyclic
//! enumerations), `equality`, `inequality`, the order comparisons
//! (`lessthan`, ...: integers, and enumerations in declaration order), `and`,
//! `or`, `not`, `imply`, and integer `addition`, `subtraction`, `mult`.
//! Multiset terms: `numberof` (a constant count times a term), `add`,
//! `subtract`, `scalarproduct`, `all`, `empty`, and any colour term (one copy).

use roxmltree::Node;

use super::{Reader, elements};
use crate::load::pnml::error::PnmlError;
use crate::net::code::{ArithOp, CallSite, CmpOp, Code, Env};
use crate::net::model::Variable;
use crate::net::types::Ty;
use crate::net::value::Value;

/// The variables of one transition: slot `i` holds `vars[i]`, declared by `ids[i]`.
#[derive(Default)]
pub(super) struct Scope {
    /// The variables, in slot order.
    pub vars: Vec<Variable>,
    /// The declaration id of each slot's variable (`None` for a slot the
    /// importer adds to match a computed part of an input term).
    pub ids: Vec<Option<String>>,
}

impl Scope {
    /// The slot of the variable declared by `id`, added when new.
    fn slot(&mut self, id: &str, name: &str, ty: &Ty) -> usize {
        match self.ids.iter().position(|i| i.as_deref() == Some(id)) {
            Some(slot) => slot,
            None => self.add(Some(id.to_string()), name, ty),
        }
    }

    /// Adds a slot.
    pub fn add(&mut self, id: Option<String>, name: &str, ty: &Ty) -> usize {
        self.vars.push(Variable {
            name: name.to_string(),
            ty: ty.clone(),
        });
        self.ids.push(id);
        self.vars.len() - 1
    }
}

/// One item of a multiset term: `mult` copies of something, added or taken away.
pub(super) struct Item<'a, 'input> {
    /// How many copies (at least one).
    pub mult: u32,
    /// Taken away (`subtract`) rather than added.
    pub negative: bool,
    /// What is counted.
    pub what: Element<'a, 'input>,
}

impl<'a, 'input> Item<'a, 'input> {
    /// The colour term counted, unless the item counts a whole sort.
    pub fn term(&self) -> Option<Node<'a, 'input>> {
        match self.what {
            Element::Term(node) => Some(node),
            Element::All(..) => None,
        }
    }
}

/// What an [`Item`] counts.
pub(super) enum Element<'a, 'input> {
    /// One value: a colour term.
    Term(Node<'a, 'input>),
    /// Every value of a finite sort.
    All(Ty, Vec<Value>),
}

/// The operand elements of a term: the elements inside its `<subterm>`s.
pub(super) fn operands<'a, 'input>(node: Node<'a, 'input>) -> Vec<Node<'a, 'input>> {
    elements(node)
        .filter(|c| c.tag_name().name() == "subterm")
        .filter_map(|c| elements(c).next())
        .collect()
}

impl<'a, 'input> Reader<'a, 'input> {
    /// The items of a multiset term.
    pub(super) fn multiset(
        &mut self,
        node: Node<'a, 'input>,
    ) -> Result<Vec<Item<'a, 'input>>, PnmlError> {
        Ok(match node.tag_name().name() {
            "add" => {
                let mut items = Vec::new();
                for part in operands(node) {
                    items.extend(self.multiset(part)?);
                }
                items
            }
            "subtract" => {
                let parts = operands(node);
                let Some((first, rest)) = parts.split_first() else {
                    return Err(self.colour(node, "<subtract> without operands".into()));
                };
                let mut items = self.multiset(*first)?;
                for part in rest {
                    for mut item in self.multiset(*part)? {
                        item.negative = !item.negative;
                        items.push(item);
                    }
                }
                items
            }
            "numberof" | "scalarproduct" => {
                let parts = operands(node);
                let [count, term] = parts[..] else {
                    return Err(self.colour(
                        node,
                        format!("<{}> takes a count and a term", node.tag_name().name()),
                    ));
                };
                let n = self.count(count)?;
                let mut items = self.multiset(term)?;
                for item in &mut items {
                    item.mult = item.mult.checked_mul(n).ok_or_else(|| {
                        self.colour(node, "a multiplicity above 4294967295".into())
                    })?;
                }
                items.retain(|i| i.mult > 0);
                items
            }
            "all" => {
                let sort = self.only_child(node)?;
                let ty = self.sort(sort, "all")?;
                let Some(values) = ty.values() else {
                    return Err(
                        self.colour(node, format!("all of {ty}, which is not a finite sort"))
                    );
                };
                vec![Item {
                    mult: 1,
                    negative: false,
                    what: Element::All(ty, values),
                }]
            }
            "empty" => Vec::new(),
            _ => vec![Item {
                mult: 1,
                negative: false,
                what: Element::Term(node),
            }],
        })
    }

    /// A constant count (`numberconstant`) of a multiset term.
    fn count(&self, node: Node<'_, '_>) -> Result<u32, PnmlError> {
        if node.tag_name().name() != "numberconstant" {
            return Err(self.unsupported(
                node,
                format!(
                    "a count computed by <{}> (only constants)",
                    node.tag_name().name()
                ),
            ));
        }
        let text = self.attribute(node, "value")?;
        text.trim().parse().map_err(|_| {
            self.colour(
                node,
                format!("the count {text:?} is not between 0 and 4294967295"),
            )
        })
    }

    /// The value of a closed colour term (one without variables).
    pub(super) fn constant(&mut self, node: Node<'_, '_>) -> Result<(Value, Ty), PnmlError> {
        let (code, ty) = self.term(node, None)?;
        let value = code
            .eval(&mut Env::new(&mut Vec::new(), None))
            .map_err(|e| self.colour(node, e.to_string()))?;
        Ok((value, ty))
    }

    /// Compiles a colour term; its variables get slots in `scope` (an error
    /// where there is no scope, as in initial markings).
    pub(super) fn term(
        &mut self,
        node: Node<'_, '_>,
        mut scope: Option<&mut Scope>,
    ) -> Result<(Code, Ty), PnmlError> {
        let tag = node.tag_name().name();
        Ok(match tag {
            "variable" => {
                let id = self.attribute(node, "refvariable")?;
                let Some((name, ty)) = self.decls.variables.get(&id).cloned() else {
                    return Err(self.unknown_declaration(node, "variable", &id));
                };
                let Some(scope) = scope else {
                    return Err(
                        self.colour(node, format!("the variable {name} outside a transition"))
                    );
                };
                (Code::Var(scope.slot(&id, &name, &ty)), ty)
            }
            "useroperator" => {
                let id = self.attribute(node, "declaration")?;
                match self.decls.constants.get(&id) {
                    Some((value, ty)) => (Code::Const(value.clone()), ty.clone()),
                    None => return Err(self.unknown_declaration(node, "constant", &id)),
                }
            }
            "dotconstant" => (Code::Const(Ty::unit_value()), Ty::Unit),
            "booleanconstant" => {
                let value = match self.attribute(node, "value")?.trim() {
                    "true" => true,
                    "false" => false,
                    other => {
                        return Err(self.colour(node, format!("{other:?} is not a boolean")));
                    }
                };
                (Code::Const(Value::Bool(value)), Ty::Bool)
            }
            "numberconstant" | "finiteintrangeconstant" => {
                let text = self.attribute(node, "value")?;
                let n: i64 = text
                    .trim()
                    .parse()
                    .map_err(|_| self.colour(node, format!("{text:?} is not an integer")))?;
                let ty = match elements(node).find(|c| c.tag_name().name() == "finiteintrange") {
                    Some(range) => self.sort(range, "range")?,
                    None => Ty::Int,
                };
                if !ty.admits(&Value::Int(n)) {
                    return Err(self.colour(node, format!("{n} is not a value of {ty}")));
                }
                (Code::Const(Value::Int(n)), ty)
            }
            "tuple" => {
                let mut codes = Vec::new();
                let mut tys = Vec::new();
                for part in operands(node) {
                    let (code, ty) = self.term(part, scope.as_deref_mut())?;
                    codes.push(code);
                    tys.push(ty);
                }
                if codes.len() < 2 {
                    return Err(self.colour(node, "a tuple has at least two components".into()));
                }
                (Code::Tuple(codes), Ty::Tuple(None, tys))
            }
            "successor" | "predecessor" => {
                let [arg] = self.operands_n::<1>(node)?;
                let (code, ty) = self.term(arg, scope)?;
                let Some(function) = self.decls.step(&ty, tag == "successor") else {
                    return Err(self.colour(
                        node,
                        format!("<{tag}> of a {ty} term (only cyclic enumerations)"),
                    ));
                };
                let call = Code::Call {
                    site: CallSite::new(tag, self.graph.positions.of(node)),
                    function,
                    args: vec![code],
                    returns: ty.clone(),
                };
                (call, ty)
            }
            "equality" | "inequality" | "lessthan" | "lessthanorequal" | "greaterthan"
            | "greaterthanorequal" => self.comparison(node, tag, scope)?,
            "and" | "or" | "not" | "imply" => self.connective(node, tag, scope)?,
            "addition" | "subtraction" | "mult" => {
                let op = match tag {
                    "addition" => ArithOp::Add,
                    "subtraction" => ArithOp::Sub,
                    _ => ArithOp::Mul,
                };
                let [a, b] = self.operands_n::<2>(node)?;
                let (a, ta) = self.term(a, scope.as_deref_mut())?;
                let (b, tb) = self.term(b, scope)?;
                if !ta.is_int() || !tb.is_int() {
                    return Err(
                        self.colour(node, format!("<{tag}> of {ta} and {tb} (integers only)"))
                    );
                }
                let at = self.graph.positions.of(node);
                (Code::Arith(op, Box::new(a), Box::new(b), at), Ty::Int)
            }
            "all" | "add" | "subtract" | "numberof" | "scalarproduct" | "empty" => {
                return Err(self.unsupported(
                    node,
                    format!("a multiset (<{tag}>) where one colour is expected"),
                ));
            }
            other => {
                return Err(self.unsupported(node, format!("the term <{other}> in symmetric nets")));
            }
        })
    }

    /// A comparison (`<equality>`, `<lessthan>`, ...) of two terms: on
    /// integers directly, on other sorts by the order of their declaration.
    fn comparison(
        &mut self,
        node: Node<'_, '_>,
        tag: &str,
        mut scope: Option<&mut Scope>,
    ) -> Result<(Code, Ty), PnmlError> {
        let op = match tag {
            "equality" => CmpOp::Eq,
            "inequality" => CmpOp::Ne,
            "lessthan" => CmpOp::Lt,
            "lessthanorequal" => CmpOp::Le,
            "greaterthan" => CmpOp::Gt,
            _ => CmpOp::Ge,
        };
        let [a, b] = self.operands_n::<2>(node)?;
        let (a, ta) = self.term(a, scope.as_deref_mut())?;
        let (b, tb) = self.term(b, scope)?;
        if !ta.compatible(&tb) {
            return Err(self.colour(node, format!("<{tag}> compares {ta} with {tb}")));
        }
        let code = match op {
            CmpOp::Eq | CmpOp::Ne => Code::Cmp(op, Box::new(a), Box::new(b)),
            _ if ta.is_int() => Code::Cmp(op, Box::new(a), Box::new(b)),
            _ => match self.decls.order(&ta, op) {
                Some(function) => Code::Call {
                    site: CallSite::new(tag, self.graph.positions.of(node)),
                    function,
                    args: vec![a, b],
                    returns: Ty::Bool,
                },
                None => {
                    return Err(self.colour(node, format!("<{tag}> on {ta}, which has no order")));
                }
            },
        };
        Ok((code, Ty::Bool))
    }

    /// A boolean connective (`<and>`, `<or>`, `<not>`, `<imply>`) of
    /// boolean terms.
    fn connective(
        &mut self,
        node: Node<'_, '_>,
        tag: &str,
        mut scope: Option<&mut Scope>,
    ) -> Result<(Code, Ty), PnmlError> {
        let parts = operands(node);
        let mut codes = Vec::new();
        for part in &parts {
            let (code, ty) = self.term(*part, scope.as_deref_mut())?;
            if ty != Ty::Bool {
                return Err(self.colour(*part, format!("<{tag}> of a {ty} term")));
            }
            codes.push(code);
        }
        let arity_error = || self.colour(node, format!("<{tag}> with {} operands", parts.len()));
        let code = match tag {
            "not" => match <[Code; 1]>::try_from(codes) {
                Ok([a]) => Code::Not(Box::new(a)),
                Err(_) => return Err(arity_error()),
            },
            "imply" => match <[Code; 2]>::try_from(codes) {
                Ok([a, b]) => Code::Implies(Box::new(a), Box::new(b)),
                Err(_) => return Err(arity_error()),
            },
            _ => {
                let and = tag == "and";
                let Some(code) = codes.into_iter().reduce(|a, b| {
                    if and {
                        Code::And(Box::new(a), Box::new(b))
                    } else {
                        Code::Or(Box::new(a), Box::new(b))
                    }
                }) else {
                    return Err(arity_error());
                };
                code
            }
        };
        Ok((code, Ty::Bool))
    }

    /// Exactly `N` operands, or an error naming the element.
    fn operands_n<const N: usize>(
        &self,
        node: Node<'a, 'input>,
    ) -> Result<[Node<'a, 'input>; N], PnmlError> {
        let parts = operands(node);
        let found = parts.len();
        <[Node<'a, 'input>; N]>::try_from(parts).map_err(|_| {
            self.colour(
                node,
                format!(
                    "<{}> takes {N} operand(s), not {found}",
                    node.tag_name().name()
                ),
            )
        })
    }

    /// A colour term as text, for arc labels: variables by name, constants by id.
    pub(super) fn show(&self, node: Node<'_, '_>) -> String {
        let parts = || {
            operands(node)
                .into_iter()
                .map(|p| self.show(p))
                .collect::<Vec<_>>()
        };
        match node.tag_name().name() {
            "variable" => {
                let id = node.attribute("refvariable").unwrap_or("?");
                self.decls
                    .variables
                    .get(id)
                    .map_or_else(|| id.to_string(), |(name, _)| name.clone())
            }
            "useroperator" => node.attribute("declaration").unwrap_or("?").to_string(),
            "dotconstant" => "()".to_string(),
            "booleanconstant" | "numberconstant" | "finiteintrangeconstant" => {
                node.attribute("value").unwrap_or("?").to_string()
            }
            "tuple" => format!("({})", parts().join(", ")),
            tag => format!("{tag}({})", parts().join(", ")),
        }
    }

    /// An item as text: `2'(x, y)`, `1'all(T)`, `-1'x` for a subtracted one.
    pub(super) fn show_item(&self, item: &Item<'_, '_>) -> String {
        let sign = if item.negative { "-" } else { "" };
        let what = match &item.what {
            Element::Term(node) => self.show(*node),
            Element::All(ty, _) => format!("all({ty})"),
        };
        format!("{sign}{}'{what}", item.mult)
    }
}
