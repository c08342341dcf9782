//! The contest's answer lines: `FORMULA <id> TRUE TECHNIQUES EXPLICIT`, and
//! the `STATE_SPACE` statistics.

use std::fmt;

/// The value of one answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    /// The formula holds.
    True,
    /// The formula does not hold.
    False,
    /// A number (a bound, a count).
    Number(u64),
    /// Not decided (a limit stopped the run, or the formula is outside
    /// what is evaluated).
    CannotCompute,
}

/// Whether an answer is a formula's or a `StateSpace` statistic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerKind {
    /// `FORMULA <id> ...`.
    Formula,
    /// `STATE_SPACE <what> ...`.
    StateSpace,
}

/// One line of output.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// A formula or a statistic.
    pub kind: AnswerKind,
    /// The formula's id, or the statistic's name (`STATES`, ...).
    pub id: String,
    /// The answer.
    pub value: Value,
    /// For a CTL or LTL formula, the seconds taken to decide it on the
    /// examination's graph (built once for all formulas, and not counted).
    pub seconds: Option<f64>,
    /// Why the answer is CANNOT_COMPUTE (`None` for the other answers).
    pub reason: Option<&'static str>,
}

impl Answer {
    /// The answer, with `reason` as its reason if it is CANNOT_COMPUTE.
    pub fn explained(self, reason: Option<&'static str>) -> Answer {
        Answer {
            reason: reason.filter(|_| self.value == Value::CannotCompute),
            ..self
        }
    }
}

/// The techniques named in answers.
pub const TECHNIQUES: &str = "EXPLICIT";

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let head = match self.kind {
            AnswerKind::Formula => "FORMULA",
            AnswerKind::StateSpace => "STATE_SPACE",
        };
        match self.value {
            Value::True => write!(f, "{head} {} TRUE TECHNIQUES {TECHNIQUES}", self.id),
            Value::False => write!(f, "{head} {} FALSE TECHNIQUES {TECHNIQUES}", self.id),
            Value::Number(n) => write!(f, "{head} {} {n} TECHNIQUES {TECHNIQUES}", self.id),
            Value::CannotCompute => write!(f, "{head} {} CANNOT_COMPUTE", self.id),
        }
    }
}
