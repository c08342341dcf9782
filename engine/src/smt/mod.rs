//! The SMT route (the method of the SeSPHR paper, as a second opinion):
//! a bounded unrolling of a net in SMT-LIB 2 ([`script`]), solved by an
//! external SMT solver such as Z3 ([`solve`]).
//!
//! The net is a P/T net, or a coloured net with finite colour sets unfolded
//! into one ([`unfold`]): one integer per place (per place and colour) and
//! step, `m_<step>_<place>`, and one integer per step naming the transition
//! fired, `t_<step>`. Each step fires exactly one enabled transition. At each
//! depth `j` from 0 to K, for each property, the script asks whether a run of
//! exactly `j` steps ends in a marking that violates it (for a `reachable`
//! property: that satisfies it), and asks for the transitions of that run.
//! A property is thus violated within K steps exactly when the explicit
//! checker finds a counterexample of at most K steps, and the first depth
//! found is the length of the explicit checker's shortest counterexample.

pub mod bounded;
mod observe;
pub use observe::unfolded_checks;
mod process;
mod properties;
pub mod unfold;

use std::fmt::Write as _;
use std::time::Duration;

use crate::load::LoadedNet;
use crate::net::code::EvalError;
use crate::net::value::Value;
use crate::ptnet::PtNet;
use crate::standard::StandardProperty;

/// What a property asks of the last marking of a run.
#[derive(Debug, Clone)]
pub struct SmtProperty {
    /// The property's name.
    pub name: String,
    /// The SMT-LIB condition on the marking `m_<j>_*`, with `{j}` standing for the depth.
    goal: Goal,
    /// Whether reaching the goal is a witness (`reachable`) rather than a violation.
    pub witness: bool,
    /// The kind of property it encodes, for reports.
    pub kind: crate::explore::PropertyKind,
    /// The property as written in the net file, where it has a text (a
    /// standard property has none): what a refusal quotes.
    source: Option<String>,
}

#[derive(Debug, Clone)]
enum Goal {
    Dead,
    /// Some group of places holds two tokens together (a group: the
    /// unfolded places of one coloured place).
    AboveOne(Vec<Vec<usize>>),
    Term(Term),
}

/// A property condition over token counts of the unfolded places.
#[derive(Debug, Clone)]
enum Term {
    Int(i64),
    Bool(bool),
    Sum(Vec<usize>),
    Apply(&'static str, Vec<Term>),
}

/// Why a net or a property has no SMT encoding.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SmtError {
    /// The coloured net cannot be unfolded.
    #[error(transparent)]
    Unfold(#[from] unfold::UnfoldError),
    /// A property uses what the encoding does not express.
    #[error("property `{property}`: {reason}")]
    Property {
        /// The property.
        property: String,
        /// What it uses.
        reason: String,
    },
    /// The solver could not be run or answered something unexpected.
    #[error("the SMT solver: {0}")]
    Solver(String),
    /// The solver's run does not replay on the net's own state space, or does
    /// not end where the property says: the two encodings disagree.
    #[error("the solver's run for `{property}` does not replay: {reason}")]
    Replay {
        /// The property.
        property: String,
        /// Where the replay failed.
        reason: String,
    },
}

impl SmtError {
    /// The failed evaluation of a guard or arc behind this error, if it is
    /// one ([`LoadedNet::position_of_failure`] locates it).
    pub fn evaluation(&self) -> Option<&EvalError> {
        match self {
            SmtError::Unfold(unfold) => unfold.evaluation.as_deref(),
            _ => None,
        }
    }

    /// The transition that could not be unfolded, if that is the error
    /// ([`LoadedNet::transition_position`] locates it).
    pub fn transition(&self) -> Option<&str> {
        match self {
            SmtError::Unfold(unfold) => Some(&unfold.transition),
            _ => None,
        }
    }
}

impl SmtProperty {
    /// No dead marking is reachable.
    pub fn deadlock_free() -> Self {
        SmtProperty {
            name: "deadlock-free".into(),
            goal: Goal::Dead,
            witness: false,
            kind: crate::explore::PropertyKind::DeadlockFree,
            source: None,
        }
    }

    /// No place ever holds two tokens: no group of places (the unfolded
    /// places of one coloured place) holds two together.
    pub fn one_safe(groups: Vec<Vec<usize>>) -> Self {
        SmtProperty {
            name: "one-safe".into(),
            goal: Goal::AboveOne(groups),
            witness: false,
            kind: crate::explore::PropertyKind::Bound,
            source: None,
        }
    }
}

/// The P/T net for `net` (the net itself, or its unfolding) and its
/// properties as conditions on its token counts: the standard ones asked
/// for, then, for a coloured net, its own safety properties. A property
/// without an encoding refuses the net. These are the conditions the
/// unfolded exploration judges ([`SmtProperty::observer`]); the SMT script
/// expresses fewer ([`prepare_encodable`]).
pub fn prepare(
    net: &LoadedNet,
    standard: &[StandardProperty],
) -> Result<(PtNet, Vec<SmtProperty>), SmtError> {
    prepare_with_places(net, standard).map(|(pt, properties, _)| (pt, properties))
}

/// Per place of a net, the places of its P/T net (its unfolding) that
/// hold its tokens.
pub type PlaceGroups = Vec<Vec<usize>>;

/// [`prepare`], also returning, per place of `net`, the places of the P/T
/// net that hold its tokens (a coloured place's unfolded places, one per
/// colour; a P/T net's place alone).
pub fn prepare_with_places(
    net: &LoadedNet,
    standard: &[StandardProperty],
) -> Result<(PtNet, Vec<SmtProperty>, PlaceGroups), SmtError> {
    let (pt, properties, refused, places) = expressed(net, standard)?;
    match refused.into_iter().next() {
        Some(e) => Err(e),
        None => Ok((pt, properties, places)),
    }
}

/// The P/T net to unroll for `net` and the properties its SMT script
/// expresses, as [`prepare`] finds them; a coloured net's property that
/// has no encoding, or whose arithmetic is not linear in the token counts
/// (the script's logic is `QF_LIA`), is left out and returned with the
/// reason, instead of refusing the net, and so are its CTL and LTL
/// properties, last.
pub fn prepare_encodable(
    net: &LoadedNet,
    standard: &[StandardProperty],
) -> Result<(PtNet, Vec<SmtProperty>, Vec<SmtError>), SmtError> {
    let (pt, properties, mut refused, _) = expressed(net, standard)?;
    let (linear, nonlinear): (Vec<_>, Vec<_>) =
        properties.into_iter().partition(SmtProperty::is_linear);
    refused.extend(nonlinear.into_iter().map(|p| SmtError::Property {
        property: p.name,
        reason: NONLINEAR.into(),
    }));
    if let LoadedNet::Coloured(coloured) = net {
        refused.extend(coloured.temporal.iter().map(|p| SmtError::Property {
            property: p.name.clone(),
            reason: TEMPORAL.into(),
        }));
    }
    Ok((pt, linear, refused))
}

/// Why a CTL or LTL property is left out of the script.
const TEMPORAL: &str = "CTL and LTL properties are not encoded";

/// Why a property whose arithmetic is not linear is left out of the script.
const NONLINEAR: &str = "a product of two token counts (or a sum whose body reads a \
    count) is nonlinear arithmetic, which the encoding (QF_LIA) does not express";

/// Like [`prepare_with_places`], but every property without an encoding is
/// returned with the reason instead of refusing the net.
fn expressed(
    net: &LoadedNet,
    standard: &[StandardProperty],
) -> Result<(PtNet, Vec<SmtProperty>, Vec<SmtError>, PlaceGroups), SmtError> {
    let (pt, colours, coloured) = match net {
        LoadedNet::PlaceTransition(pt) => {
            let colours = (0..pt.places.len())
                .map(|p| (p, Value::Bool(true)))
                .collect();
            ((**pt).clone(), colours, None)
        }
        LoadedNet::Coloured(coloured) => {
            let (pt, colours) = unfold::unfold(coloured)?;
            (pt, colours, Some(coloured))
        }
    };
    let place_count = colours.iter().map(|(p, _)| p + 1).max().unwrap_or(0);
    let places: Vec<Vec<usize>> = (0..place_count)
        .map(|p| properties::places_of(p, &colours))
        .collect();
    let mut properties: Vec<SmtProperty> = standard
        .iter()
        .map(|p| match p {
            StandardProperty::DeadlockFree => SmtProperty::deadlock_free(),
            StandardProperty::OneSafe => SmtProperty::one_safe(places.clone()),
        })
        .collect();
    let mut refused = Vec::new();
    for property in coloured.iter().flat_map(|net| &net.properties) {
        match properties::net_property(property, &colours) {
            Ok(p) => properties.push(p),
            Err(e) => refused.push(e),
        }
    }
    Ok((pt, properties, refused, places))
}

impl SmtProperty {
    /// Whether the property's arithmetic is linear in the token counts: no
    /// product has two factors that read the marking.
    fn is_linear(&self) -> bool {
        match &self.goal {
            Goal::Dead | Goal::AboveOne(_) => true,
            Goal::Term(term) => term.is_linear(),
        }
    }
}

impl Term {
    /// Whether no product in the term multiplies two parts that read the
    /// marking.
    fn is_linear(&self) -> bool {
        match self {
            Term::Int(_) | Term::Bool(_) | Term::Sum(_) => true,
            Term::Apply(name, args) => {
                let variable = args.iter().filter(|a| a.reads_marking()).count();
                (*name != "*" || variable <= 1) && args.iter().all(Term::is_linear)
            }
        }
    }

    /// Whether the term reads a token count (a sum of no places is 0).
    fn reads_marking(&self) -> bool {
        match self {
            Term::Int(_) | Term::Bool(_) => false,
            Term::Sum(places) => !places.is_empty(),
            Term::Apply(_, args) => args.iter().any(Term::reads_marking),
        }
    }
}

fn show(term: &Term, j: usize, out: &mut String) {
    match term {
        Term::Int(n) => out.push_str(&int(*n)),
        Term::Bool(b) => {
            let _ = write!(out, "{b}");
        }
        Term::Sum(places) => match places.as_slice() {
            [] => out.push('0'),
            [p] => {
                let _ = write!(out, "m_{j}_{p}");
            }
            _ => {
                out.push_str("(+");
                for p in places {
                    let _ = write!(out, " m_{j}_{p}");
                }
                out.push(')');
            }
        },
        Term::Apply(name, args) => {
            let _ = write!(out, "({name}");
            for a in args {
                out.push(' ');
                show(a, j, out);
            }
            out.push(')');
        }
    }
}

/// Whether transition `t` is enabled in the marking at depth `j`.
fn enabled(net: &PtNet, t: usize, j: usize) -> String {
    let pre = &net.transitions[t].pre;
    if pre.is_empty() {
        return "true".into();
    }
    let parts: Vec<String> = pre
        .iter()
        .map(|(p, w)| format!("(>= m_{j}_{p} {w})"))
        .collect();
    format!("(and {})", parts.join(" "))
}

/// The SMT-LIB 2 script of the bounded unrolling of `net` to `depth` steps,
/// with the negation of each property at each depth (see the module doc).
pub fn script(net: &PtNet, properties: &[SmtProperty], depth: usize) -> String {
    let mut bytes = Vec::new();
    // Writing to memory fails only where memory does.
    let _ = write_script(net, properties, depth, &mut bytes);
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Writes [`script`] to `out` a step at a time: an unrolling of any depth
/// costs the memory of one step, and a failed write (a reader gone, a
/// deadline passed) stops it there. Each query is answered `sat` or
/// `unsat` alone: the script asks for no run, which a solver could give
/// only after `sat` (after `unsat` it answers with an error).
pub fn write_script(
    net: &PtNet,
    properties: &[SmtProperty],
    depth: usize,
    out: &mut impl std::io::Write,
) -> std::io::Result<()> {
    write_unrolling(net, properties, depth, Runs::Unasked, out)
}

/// Whether the script asks for the run after each query.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Runs {
    /// It does not: every answer is `sat` or `unsat` (the printed script).
    Unasked,
    /// After each query past the initial marking it asks for the values of
    /// the steps `t_0 ... t_<j-1>`: after `sat` the run, after `unsat` an
    /// error, which [`solve`] reads as such.
    Asked,
}

/// Writes the unrolling of `net` to `depth` steps with its queries to
/// `out`, a step at a time (see [`write_script`]).
fn write_unrolling(
    net: &PtNet,
    properties: &[SmtProperty],
    depth: usize,
    runs: Runs,
    out: &mut impl std::io::Write,
) -> std::io::Result<()> {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "; Bounded unrolling of the net {} to {depth} steps.",
        comment_text(&net.name)
    );
    let _ = writeln!(
        s,
        "; m_<j>_<p>: tokens of place p after j steps; t_<j>: the transition fired at step j."
    );
    let _ = writeln!(
        s,
        "; Each query: sat if a run of j steps ends where the comment says; \
         after sat, (get-value (t_0 ... t_<j-1>)) names its transitions."
    );
    for (p, name) in net.places.iter().enumerate() {
        let _ = writeln!(s, "; place {p}: {}", comment_text(name));
    }
    for (t, transition) in net.transitions.iter().enumerate() {
        let _ = writeln!(s, "; transition {t}: {}", comment_text(&transition.name));
    }
    let _ = writeln!(s, "(set-logic QF_LIA)\n(set-option :produce-models true)");
    let declare = |s: &mut String, j: usize| {
        for p in 0..net.places.len() {
            let _ = writeln!(s, "(declare-fun m_{j}_{p} () Int)");
        }
    };
    let effects = effects(net);
    declare(&mut s, 0);
    for (p, n) in net.initial.iter().enumerate() {
        let _ = writeln!(s, "(assert (= m_0_{p} {n}))");
    }
    for j in 0..=depth {
        for property in properties {
            let _ = writeln!(
                s,
                "; depth {j}, property {}: {}",
                comment_text(&property.name),
                if property.witness {
                    "reached?"
                } else {
                    "violated?"
                }
            );
            s.push_str("(push 1)\n(assert ");
            match &property.goal {
                Goal::Dead => {
                    let parts: Vec<String> = (0..net.transitions.len())
                        .map(|t| format!("(not {})", enabled(net, t, j)))
                        .collect();
                    let _ = write!(s, "(and true {})", parts.join(" "));
                }
                Goal::AboveOne(groups) => {
                    let mut parts = String::new();
                    for group in groups {
                        parts.push_str(" (> ");
                        show(&Term::Sum(group.clone()), j, &mut parts);
                        parts.push_str(" 1)");
                    }
                    let _ = write!(s, "(or false{parts})");
                }
                Goal::Term(term) => show(term, j, &mut s),
            }
            s.push_str(")\n(check-sat)\n");
            if runs == Runs::Asked && j > 0 {
                let steps: Vec<String> = (0..j).map(|k| format!("t_{k}")).collect();
                let _ = writeln!(s, "(get-value ({}))", steps.join(" "));
            }
            s.push_str("(pop 1)\n");
        }
        out.write_all(s.as_bytes())?;
        s.clear();
        if j == depth {
            break;
        }
        // Step j: `t_j` names one transition, which is enabled, and every
        // place changes by that transition's effect on it (only the
        // transitions that change a place are named in its update).
        declare(&mut s, j + 1);
        let _ = writeln!(s, "(declare-fun t_{j} () Int)");
        let _ = writeln!(
            s,
            "(assert (and (<= 0 t_{j}) (< t_{j} {})))",
            net.transitions.len()
        );
        for t in 0..net.transitions.len() {
            let _ = writeln!(s, "(assert (=> (= t_{j} {t}) {}))", enabled(net, t, j));
        }
        for (p, changes) in effects.iter().enumerate() {
            let mut update = format!("m_{j}_{p}");
            if !changes.is_empty() {
                let mut delta = "0".to_string();
                for &(t, d) in changes.iter().rev() {
                    delta = format!("(ite (= t_{j} {t}) {} {delta})", int(d));
                }
                update = format!("(+ m_{j}_{p} {delta})");
            }
            let _ = writeln!(s, "(assert (= m_{}_{p} {update}))", j + 1);
        }
    }
    out.flush()
}

/// A name as the text of a `;` comment, which ends at the line's end: its
/// control characters and line breaks written as escapes (`\n`), so that no
/// name can end the comment and put commands into the script. Names appear
/// in the script only in comments; its symbols are numbered (`m_<j>_<p>`).
fn comment_text(name: &str) -> String {
    name.chars()
        .flat_map(|c| {
            let breaks = c.is_control() || (c.is_whitespace() && c != ' ');
            let escaped = breaks.then(|| c.escape_default());
            let plain = (!breaks).then_some(c);
            escaped.into_iter().flatten().chain(plain)
        })
        .collect()
}

/// Per place, the transitions that change it and by how much.
fn effects(net: &PtNet) -> Vec<Vec<(usize, i64)>> {
    let mut effects = vec![Vec::new(); net.places.len()];
    for (t, transition) in net.transitions.iter().enumerate() {
        let mut delta = vec![0i64; net.places.len()];
        for &(p, w) in &transition.pre {
            delta[p] -= i64::from(w);
        }
        for &(p, w) in &transition.post {
            delta[p] += i64::from(w);
        }
        for (p, d) in delta.into_iter().enumerate() {
            if d != 0 {
                effects[p].push((t, d));
            }
        }
    }
    effects
}

/// An integer in SMT-LIB syntax (negative numbers as `(- n)`).
fn int(n: i64) -> String {
    if n < 0 {
        format!("(- {})", n.unsigned_abs())
    } else {
        n.to_string()
    }
}

/// What the solver says of one property within the depth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtVerdict {
    /// The property's name.
    pub name: String,
    /// Whether reaching the goal is a witness (`reachable` properties).
    pub witness: bool,
    /// The shortest run (transition names) reaching the goal, if one exists
    /// within the depth: a violation, or a witness.
    pub run: Option<Vec<String>>,
    /// The same run as indices of the unrolled net's transitions.
    pub steps: Option<Vec<usize>>,
}

/// What the solver answered within its time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Solved {
    /// One verdict per property, in the script's order.
    pub verdicts: Vec<SmtVerdict>,
    /// The deepest depth at which every property was answered: the depth
    /// asked for, unless the timeout stopped the solver earlier (`None`: not
    /// even the initial marking was answered for every property).
    pub searched: Option<usize>,
}

/// Runs the solver `solver` (e.g. `z3`) on the script of `net` and reads
/// back, for each property, the first depth at which its goal is reached
/// and the run reaching it. With a `timeout` the solver is stopped then, and
/// the answers it gave are kept: a run found is a run, and
/// [`Solved::searched`] says how deep the search for the others went.
pub fn solve(
    solver: &str,
    net: &PtNet,
    properties: &[SmtProperty],
    depth: usize,
    timeout: Option<Duration>,
) -> Result<Solved, SmtError> {
    let out = process::run(
        solver,
        |stdin| write_unrolling(net, properties, depth, Runs::Asked, stdin),
        timeout,
    )?;
    let text = out.stdout;
    let mut verdicts: Vec<SmtVerdict> = properties
        .iter()
        .map(|p| SmtVerdict {
            name: p.name.clone(),
            witness: p.witness,
            run: None,
            steps: None,
        })
        .collect();
    // Answers come in script order: per depth, per property, `sat` or
    // `unsat`, then past the initial marking the values (after `sat`) or an
    // error (after `unsat`).
    let mut answers = answers(&text).into_iter();
    let mut searched = None;
    'depths: for j in 0..=depth {
        for verdict in verdicts.iter_mut() {
            let answer = answers.next();
            let values = if j == 0 { Some("") } else { answers.next() };
            let (Some(answer), Some(values)) = (answer, values) else {
                if out.timed_out {
                    break 'depths;
                }
                return Err(SmtError::Solver(format!(
                    "no answer at depth {j}: {text}{}",
                    out.stderr
                )));
            };
            match answer {
                "sat" if verdict.run.is_none() => {
                    let steps = read_run(values, j, net)?;
                    verdict.run = Some(
                        steps
                            .iter()
                            .map(|&t| net.transitions[t].name.clone())
                            .collect(),
                    );
                    verdict.steps = Some(steps);
                }
                "sat" | "unsat" => {}
                other => {
                    return Err(SmtError::Solver(format!(
                        "unexpected answer {other:?} for `{}` at depth {j}",
                        verdict.name
                    )));
                }
            }
        }
        searched = Some(j);
    }
    Ok(Solved { verdicts, searched })
}

/// The solver's answers: words and balanced parenthesised expressions
/// (strings inside them may hold parentheses).
fn answers(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        if bytes[i] == b'(' {
            let (mut depth, mut in_string) = (0usize, false);
            while i < bytes.len() {
                match bytes[i] {
                    b'"' => in_string = !in_string,
                    b'(' if !in_string => depth += 1,
                    b')' if !in_string => {
                        depth -= 1;
                        if depth == 0 {
                            i += 1;
                            break;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        } else {
            while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'(' {
                i += 1;
            }
        }
        out.push(&text[start..i]);
    }
    out
}

/// The transitions of a run from a `get-value` answer `((t_0 3) (t_1 0))`.
fn read_run(values: &str, steps: usize, net: &PtNet) -> Result<Vec<usize>, SmtError> {
    let mut run = Vec::new();
    for k in 0..steps {
        let key = format!("(t_{k} ");
        let at = values
            .find(&key)
            .ok_or_else(|| SmtError::Solver(format!("no value of t_{k} in {values:?}")))?;
        let rest = &values[at + key.len()..];
        let number: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let t: usize = number
            .parse()
            .map_err(|_| SmtError::Solver(format!("bad value of t_{k} in {values:?}")))?;
        if t >= net.transitions.len() {
            return Err(SmtError::Solver(format!("t_{k} = {t} is no transition")));
        }
        run.push(t);
    }
    Ok(run)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A net whose names try to end their comments: `a` then a command.
    fn net_with_names(injected: &str) -> PtNet {
        PtNet::new(
            format!("n{injected}"),
            vec![format!("a{injected}"), "b|c\\d".into()],
            vec![1, 0],
            vec![(format!("t{injected}"), vec![(0, 1)], vec![(1, 1)])],
        )
    }

    #[test]
    fn the_solver_is_asked_for_runs_only_past_the_initial_marking() {
        let net = net_with_names("");
        let properties = [SmtProperty::deadlock_free(), SmtProperty::one_safe(vec![])];
        let mut bytes = Vec::new();
        write_unrolling(&net, &properties, 2, Runs::Asked, &mut bytes).expect("written");
        let asked = String::from_utf8(bytes).expect("UTF-8");
        let commands =
            |text: &str, command: &str| text.lines().filter(|l| l.starts_with(command)).count();
        // Depth 0 has no step to name; depths 1 and 2 ask for theirs.
        assert_eq!(commands(&asked, "(get-value"), 2 * properties.len());
        assert_eq!(commands(&asked, "(get-value (t_0))"), properties.len());
        assert_eq!(commands(&asked, "(get-value (t_0 t_1))"), properties.len());
        // The printed script asks for none: a plain solver answers it cleanly.
        let printed = script(&net, &properties, 2);
        assert_eq!(commands(&printed, "(get-value"), 0, "{printed}");
        assert_eq!(printed.matches("(check-sat)").count(), 3 * properties.len());
    }

    #[test]
    fn a_product_of_two_token_counts_is_not_linear() {
        let count = |p: usize| Term::Sum(vec![p]);
        let times = |a: Term, b: Term| Term::Apply("*", vec![a, b]);
        let at_most_one = |t: Term| Term::Apply("<=", vec![t, Term::Int(1)]);
        assert!(at_most_one(times(Term::Int(3), count(0))).is_linear());
        // A place without colours counts 0: a constant.
        assert!(at_most_one(times(Term::Sum(vec![]), count(0))).is_linear());
        assert!(!at_most_one(times(count(0), count(1))).is_linear());
        let nested = Term::Apply("+", vec![Term::Int(1), times(count(0), count(0))]);
        assert!(!at_most_one(nested).is_linear());
    }

    #[test]
    fn names_cannot_end_their_comments() {
        for injected in [
            "\n(assert false)",
            "\r(assert false)",
            "\u{2028}(assert false)",
        ] {
            let mut deadlock = SmtProperty::deadlock_free();
            deadlock.name = format!("d{injected}");
            let text = script(&net_with_names(injected), &[deadlock], 1);
            // Every line that is not a comment is one of the script's own.
            for line in text.lines().filter(|l| !l.starts_with(';')) {
                assert!(!line.contains("assert false"), "{injected:?}: {line}");
            }
            assert!(!text.contains('\u{2028}'), "{text}");
        }
        let text = script(&net_with_names("\n(x)"), &[], 0);
        assert!(text.contains("; place 0: a\\n(x)\n"), "{text}");
        assert!(text.contains("; place 1: b|c\\d\n"), "{text}");
        assert!(text.contains("; transition 0: t\\n(x)\n"), "{text}");
    }
}
