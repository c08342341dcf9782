//! The Model Checking Contest's property language: an XML file of
//! `<property>` elements, each with an `<id>` and a `<formula>`.
//!
//! The whole language is read, temporal operators included (CTL and LTL:
//! `all-paths`, `exists-path`, `globally`, `finally`, `next`, `until` with
//! `before` and `reach`), so that every examination parses the same way;
//! what is evaluated is decided by the examination (see [`super`]).
//!
//! ```
//! use sesphr_engine::mcc::formula::{Formula, IntExpr, Query, parse_properties};
//! let xml = r#"<property-set xmlns="http://mcc.lip6.fr/"><property>
//!   <id>N-ReachabilityCardinality-00</id>
//!   <formula><exists-path><finally><integer-le>
//!     <integer-constant>2</integer-constant>
//!     <tokens-count><place>p</place></tokens-count>
//!   </integer-le></finally></exists-path></formula>
//! </property></property-set>"#;
//! let properties = parse_properties(xml).unwrap();
//! assert_eq!(properties[0].id, "N-ReachabilityCardinality-00");
//! let Query::Boolean(Formula::ExistsPath(path)) = &properties[0].query else { panic!() };
//! let Formula::Finally(state) = &**path else { panic!() };
//! assert_eq!(
//!     **state,
//!     Formula::Le(IntExpr::Constant(2), IntExpr::TokensCount(vec!["p".into()]))
//! );
//! ```

use roxmltree::{Document, Node};

use crate::load::source::Pos;

/// An integer expression over a marking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IntExpr {
    /// `<integer-constant>`.
    Constant(i64),
    /// `<tokens-count>`: the tokens of these places together.
    TokensCount(Vec<String>),
    /// `<integer-sum>`.
    Sum(Vec<IntExpr>),
    /// `<integer-difference>`: the first minus the others.
    Difference(Vec<IntExpr>),
    /// `<integer-product>`.
    Product(Vec<IntExpr>),
}

/// A formula: state formulas (atoms and boolean connectives) and the path
/// operators of CTL* (CTL and LTL are its fragments).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Formula {
    /// `<true/>`.
    True,
    /// `<false/>`.
    False,
    /// `<deadlock/>`: no transition is enabled.
    Deadlock,
    /// `<negation>`.
    Not(Box<Formula>),
    /// `<conjunction>`.
    And(Vec<Formula>),
    /// `<disjunction>`.
    Or(Vec<Formula>),
    /// `<integer-le>`: the first is at most the second.
    Le(IntExpr, IntExpr),
    /// `<is-fireable>`: one of these transitions is enabled.
    IsFireable(Vec<String>),
    /// `<all-paths>` (A).
    AllPaths(Box<Formula>),
    /// `<exists-path>` (E).
    ExistsPath(Box<Formula>),
    /// `<globally>` (G).
    Globally(Box<Formula>),
    /// `<finally>` (F).
    Finally(Box<Formula>),
    /// `<next>` (X).
    Next(Box<Formula>),
    /// `<until>`: `before` U `reach`.
    Until {
        /// What holds until `reach`.
        before: Box<Formula>,
        /// What is eventually reached.
        reach: Box<Formula>,
    },
}

impl Formula {
    /// Whether the formula has no path operator (it is true or false of one marking).
    pub fn is_state_formula(&self) -> bool {
        match self {
            Formula::True
            | Formula::False
            | Formula::Deadlock
            | Formula::Le(..)
            | Formula::IsFireable(_) => true,
            Formula::Not(f) => f.is_state_formula(),
            Formula::And(fs) | Formula::Or(fs) => fs.iter().all(Formula::is_state_formula),
            Formula::AllPaths(_)
            | Formula::ExistsPath(_)
            | Formula::Globally(_)
            | Formula::Finally(_)
            | Formula::Next(_)
            | Formula::Until { .. } => false,
        }
    }
}

/// What a property asks: a truth value, or a number (`<place-bound>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    /// A formula, answered TRUE or FALSE.
    Boolean(Formula),
    /// `<place-bound>`: the most tokens these places hold together in a
    /// reachable marking.
    PlaceBound(Vec<String>),
}

/// One property of a property file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct McProperty {
    /// The contest's identifier, printed with the answer.
    pub id: String,
    /// What it asks.
    pub query: Query,
    /// Where the property starts in the file.
    pub pos: Pos,
}

/// Why a property file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct FormulaError {
    /// Where the offending element starts (line and column).
    pub at: Pos,
    /// What is wrong.
    pub message: String,
}

/// Nesting deeper than this is refused rather than risking the stack.
const MAX_DEPTH: usize = 500;

/// Reads every `<property>` of a property file.
pub fn parse_properties(text: &str) -> Result<Vec<McProperty>, FormulaError> {
    let doc = Document::parse(text).map_err(|e| FormulaError {
        at: Pos {
            line: e.pos().row as usize,
            col: e.pos().col as usize,
        },
        message: format!("malformed XML: {e}"),
    })?;
    let reader = Reader { doc: &doc };
    doc.descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == "property")
        .map(|n| reader.property(n))
        .collect()
}

/// Where the property `id` of a property file's `text` names `name` as a
/// `<kind>` (`place` or `transition`): the first such element of that
/// property, for an error about a name the net does not have.
pub fn name_position(text: &str, id: &str, kind: &str, name: &str) -> Option<Pos> {
    let doc = Document::parse(text).ok()?;
    let reader = Reader { doc: &doc };
    let property = doc.descendants().find(|n| {
        n.is_element()
            && n.tag_name().name() == "property"
            && elements(*n)
                .any(|c| c.tag_name().name() == "id" && c.text().unwrap_or("").trim() == id)
    })?;
    let element = property.descendants().find(|n| {
        n.is_element() && n.tag_name().name() == kind && n.text().unwrap_or("").trim() == name
    })?;
    Some(reader.pos(element))
}

struct Reader<'a, 'input> {
    doc: &'a Document<'input>,
}

fn elements<'a, 'input>(node: Node<'a, 'input>) -> impl Iterator<Item = Node<'a, 'input>> {
    node.children().filter(Node::is_element)
}

impl<'a, 'input> Reader<'a, 'input> {
    fn pos(&self, node: Node<'_, '_>) -> Pos {
        let p = self.doc.text_pos_at(node.range().start);
        Pos {
            line: p.row as usize,
            col: p.col as usize,
        }
    }

    fn error(&self, node: Node<'_, '_>, message: impl Into<String>) -> FormulaError {
        FormulaError {
            at: self.pos(node),
            message: message.into(),
        }
    }

    fn child(&self, node: Node<'a, 'input>, name: &str) -> Result<Node<'a, 'input>, FormulaError> {
        elements(node)
            .find(|c| c.tag_name().name() == name)
            .ok_or_else(|| self.error(node, format!("<{}> lacks <{name}>", node.tag_name().name())))
    }

    fn only_child(&self, node: Node<'a, 'input>) -> Result<Node<'a, 'input>, FormulaError> {
        let mut children = elements(node);
        match (children.next(), children.next()) {
            (Some(child), None) => Ok(child),
            _ => Err(self.error(
                node,
                format!("<{}> takes exactly one operand", node.tag_name().name()),
            )),
        }
    }

    fn property(&self, node: Node<'a, 'input>) -> Result<McProperty, FormulaError> {
        let id_node = self.child(node, "id")?;
        let id = id_node.text().unwrap_or("").trim().to_string();
        if id.is_empty() {
            return Err(self.error(id_node, "empty <id>"));
        }
        let formula = self.only_child(self.child(node, "formula")?)?;
        let query = if formula.tag_name().name() == "place-bound" {
            Query::PlaceBound(self.names(formula, "place")?)
        } else {
            Query::Boolean(self.formula(formula, 0)?)
        };
        Ok(McProperty {
            id,
            query,
            pos: self.pos(node),
        })
    }

    /// The texts of the `<kind>` children of `node` (at least one).
    fn names(&self, node: Node<'a, 'input>, kind: &str) -> Result<Vec<String>, FormulaError> {
        let mut names = Vec::new();
        for child in elements(node) {
            if child.tag_name().name() != kind {
                return Err(self.error(
                    child,
                    format!(
                        "<{}> holds <{kind}> elements only, not <{}>",
                        node.tag_name().name(),
                        child.tag_name().name()
                    ),
                ));
            }
            names.push(child.text().unwrap_or("").trim().to_string());
        }
        if names.is_empty() {
            return Err(self.error(
                node,
                format!("<{}> names no {kind}", node.tag_name().name()),
            ));
        }
        Ok(names)
    }

    fn operands(&self, node: Node<'a, 'input>, depth: usize) -> Result<Vec<Formula>, FormulaError> {
        let operands = elements(node)
            .map(|c| self.formula(c, depth + 1))
            .collect::<Result<Vec<_>, _>>()?;
        if operands.is_empty() {
            return Err(self.error(node, format!("<{}> has no operand", node.tag_name().name())));
        }
        Ok(operands)
    }

    fn unary(&self, node: Node<'a, 'input>, depth: usize) -> Result<Box<Formula>, FormulaError> {
        Ok(Box::new(self.formula(self.only_child(node)?, depth + 1)?))
    }

    fn formula(&self, node: Node<'a, 'input>, depth: usize) -> Result<Formula, FormulaError> {
        if depth > MAX_DEPTH {
            return Err(self.error(node, format!("formula nested deeper than {MAX_DEPTH}")));
        }
        Ok(match node.tag_name().name() {
            "true" => Formula::True,
            "false" => Formula::False,
            "deadlock" => Formula::Deadlock,
            "negation" => Formula::Not(self.unary(node, depth)?),
            "conjunction" => Formula::And(self.operands(node, depth)?),
            "disjunction" => Formula::Or(self.operands(node, depth)?),
            "all-paths" => Formula::AllPaths(self.unary(node, depth)?),
            "exists-path" => Formula::ExistsPath(self.unary(node, depth)?),
            "globally" => Formula::Globally(self.unary(node, depth)?),
            "finally" => Formula::Finally(self.unary(node, depth)?),
            "next" => Formula::Next(self.unary(node, depth)?),
            "until" => Formula::Until {
                before: self.unary(self.child(node, "before")?, depth)?,
                reach: self.unary(self.child(node, "reach")?, depth)?,
            },
            "is-fireable" => Formula::IsFireable(self.names(node, "transition")?),
            "integer-le" => {
                let mut sides = elements(node);
                match (sides.next(), sides.next(), sides.next()) {
                    (Some(a), Some(b), None) => {
                        Formula::Le(self.integer(a, depth + 1)?, self.integer(b, depth + 1)?)
                    }
                    _ => return Err(self.error(node, "<integer-le> takes two operands")),
                }
            }
            other => {
                return Err(self.error(node, format!("<{other}> is not a formula operator")));
            }
        })
    }

    fn integer(&self, node: Node<'a, 'input>, depth: usize) -> Result<IntExpr, FormulaError> {
        if depth > MAX_DEPTH {
            return Err(self.error(node, format!("formula nested deeper than {MAX_DEPTH}")));
        }
        let operands = |this: &Self| {
            let operands = elements(node)
                .map(|c| this.integer(c, depth + 1))
                .collect::<Result<Vec<_>, _>>()?;
            if operands.is_empty() {
                return Err(
                    this.error(node, format!("<{}> has no operand", node.tag_name().name()))
                );
            }
            Ok(operands)
        };
        Ok(match node.tag_name().name() {
            "integer-constant" => {
                let text = node.text().unwrap_or("").trim();
                IntExpr::Constant(text.parse().map_err(|_| {
                    self.error(node, format!("{text:?} is not an integer constant"))
                })?)
            }
            "tokens-count" => IntExpr::TokensCount(self.names(node, "place")?),
            "integer-sum" => IntExpr::Sum(operands(self)?),
            "integer-difference" => IntExpr::Difference(operands(self)?),
            "integer-product" => IntExpr::Product(operands(self)?),
            other => {
                return Err(self.error(node, format!("<{other}> is not an integer expression")));
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(formula: &str) -> Result<Query, FormulaError> {
        let xml = format!(
            "<property-set>\n<property><id>x</id>\n<formula>{formula}</formula></property></property-set>"
        );
        parse_properties(&xml).map(|mut p| p.remove(0).query)
    }

    #[test]
    fn reads_temporal_operators() {
        let q = one(
            "<all-paths><until><before><true/></before><reach><exists-path><next>\
             <is-fireable><transition>t</transition></is-fireable></next></exists-path>\
             </reach></until></all-paths>",
        )
        .expect("parses");
        let Query::Boolean(f) = q else {
            panic!("a formula")
        };
        assert!(!f.is_state_formula());
        assert_eq!(
            f,
            Formula::AllPaths(Box::new(Formula::Until {
                before: Box::new(Formula::True),
                reach: Box::new(Formula::ExistsPath(Box::new(Formula::Next(Box::new(
                    Formula::IsFireable(vec!["t".into()])
                ))))),
            }))
        );
    }

    #[test]
    fn names_are_found_in_their_property() {
        let xml = "<property-set>\n<property><id>a</id><formula><is-fireable>\n\
                   <transition>t</transition></is-fireable></formula></property>\n\
                   <property><id>b</id><formula><integer-le><integer-constant>1</integer-constant>\n\
                   <tokens-count><place>p</place>\n  <place>t</place></tokens-count>\n\
                   </integer-le></formula></property></property-set>";
        assert_eq!(
            name_position(xml, "a", "transition", "t"),
            Some(Pos { line: 3, col: 1 })
        );
        assert_eq!(
            name_position(xml, "b", "place", "t"),
            Some(Pos { line: 6, col: 3 })
        );
        assert_eq!(name_position(xml, "b", "transition", "t"), None);
        assert_eq!(name_position(xml, "c", "place", "p"), None);
        assert_eq!(name_position("<unclosed", "a", "place", "p"), None);
    }

    #[test]
    fn errors_have_positions() {
        let err = one("<integer-le><integer-constant>x</integer-constant>\n\
             <integer-constant>1</integer-constant></integer-le>")
        .expect_err("bad constant");
        assert_eq!(err.at.line, 3);
        assert!(err.message.contains("not an integer"), "{err}");
        let err = one("<integer-le><integer-constant>1</integer-constant></integer-le>")
            .expect_err("one operand");
        assert!(err.message.contains("two operands"), "{err}");
        let err = one("<frobnicate/>").expect_err("unknown");
        assert!(err.message.contains("<frobnicate>"), "{err}");
        assert_eq!(
            one("<place-bound><place>a</place><place>b</place></place-bound>"),
            Ok(Query::PlaceBound(vec!["a".into(), "b".into()]))
        );
    }
}
