//! Binding enumeration against a brute-force oracle: on small random
//! coloured nets, the engine's enabled bindings are exactly the assignments
//! of all variables (and wildcards) whose input multiset the marking holds
//! and whose guard is true, each listed once.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use sesphr_engine::coloured::fire::enabled_bindings;
use sesphr_engine::load::load_net_str;
use sesphr_engine::load::source::Source;
use sesphr_engine::net::functions::NoFunctions;
use sesphr_engine::net::value::Value;

const VARS: [&str; 3] = ["x", "y", "z"];
/// Every variable and wildcard ranges over `R = 1..=3`.
const DOMAIN: [i64; 3] = [1, 2, 3];

/// A component of a pattern.
#[derive(Debug, Clone)]
enum Atom {
    Var(usize),
    Wild,
    Const(i64),
}

/// An input item's inscription.
#[derive(Debug, Clone)]
enum Inscription {
    /// On place `a` or `b` (type `R`).
    Single(Atom),
    /// On place `a` or `b`: `(v % 3) + 1`, computed from a bound variable.
    Next(usize),
    /// On place `c` (type `(R, R)`).
    Pair(Atom, Atom),
}

#[derive(Debug, Clone)]
struct Item {
    place: usize,
    mult: u32,
    inscription: Inscription,
}

/// `left op right` over variables and constants.
#[derive(Debug, Clone)]
struct Comparison {
    left: Atom,
    op: &'static str,
    right: Atom,
}

#[derive(Debug, Clone)]
struct Case {
    /// Copies of each value in `a`, `b` (values 1..=3) and `c` (pairs).
    a: [u32; 3],
    b: [u32; 3],
    c: [[u32; 3]; 3],
    items: Vec<Item>,
    guard: Vec<Comparison>,
}

const PLACES: [&str; 3] = ["a", "b", "c"];

/// A binding as compared: variable values by name, and the tokens taken
/// `(place, value, copies)` in order.
type Found = (Vec<(String, Value)>, Vec<(usize, Value, u32)>);

fn atom() -> impl Strategy<Value = Atom> {
    prop_oneof![
        3 => (0..VARS.len()).prop_map(Atom::Var),
        1 => Just(Atom::Wild),
        1 => (1i64..=3).prop_map(Atom::Const),
    ]
}

fn item() -> impl Strategy<Value = Item> {
    let single = (0usize..2, atom()).prop_map(|(place, a)| (place, Inscription::Single(a)));
    let next = (0usize..2, 0..VARS.len()).prop_map(|(place, v)| (place, Inscription::Next(v)));
    let pair = (atom(), atom()).prop_map(|(a, b)| (2, Inscription::Pair(a, b)));
    (prop_oneof![3 => single, 1 => next, 2 => pair], 1u32..=2).prop_map(
        |((place, inscription), mult)| Item {
            place,
            mult,
            inscription,
        },
    )
}

fn comparison() -> impl Strategy<Value = Comparison> {
    let side = prop_oneof![
        3 => (0..VARS.len()).prop_map(Atom::Var),
        1 => (1i64..=3).prop_map(Atom::Const),
    ];
    (
        side.clone(),
        prop::sample::select(vec!["==", "!=", "<", "<="]),
        side,
    )
        .prop_map(|(left, op, right)| Comparison { left, op, right })
}

fn case() -> impl Strategy<Value = Case> {
    let counts = || prop::array::uniform3(prop::sample::select(vec![0u32, 1, 1, 2, 2]));
    (
        counts(),
        counts(),
        prop::array::uniform3(counts()),
        prop::collection::vec(item(), 1..=4),
        prop::collection::vec(comparison(), 0..=2),
    )
        .prop_map(|(a, b, c, items, guard)| {
            Case {
                a,
                b,
                c,
                items,
                guard,
            }
            .closed()
        })
}

fn show_atom(a: &Atom) -> String {
    match a {
        Atom::Var(v) => VARS[*v].to_string(),
        Atom::Wild => "_".into(),
        Atom::Const(c) => c.to_string(),
    }
}

impl Case {
    /// The same case with every variable bound by some pattern: an `x % 3 + 1`
    /// item whose `x` is bound nowhere becomes the pattern `x`, and guard
    /// variables bound nowhere become the constant 2.
    fn closed(mut self) -> Case {
        let mut bound = [false; VARS.len()];
        for item in &self.items {
            let atoms: Vec<&Atom> = match &item.inscription {
                Inscription::Single(a) => vec![a],
                Inscription::Pair(a, b) => vec![a, b],
                Inscription::Next(_) => vec![],
            };
            for a in atoms {
                if let Atom::Var(v) = a {
                    bound[*v] = true;
                }
            }
        }
        for item in &mut self.items {
            if let Inscription::Next(v) = item.inscription
                && !bound[v]
            {
                item.inscription = Inscription::Single(Atom::Var(v));
                bound[v] = true;
            }
        }
        for c in &mut self.guard {
            for side in [&mut c.left, &mut c.right] {
                if matches!(side, Atom::Var(v) if !bound[*v]) {
                    *side = Atom::Const(2);
                }
            }
        }
        self
    }

    fn yaml(&self) -> String {
        let init = |counts: &[u32], show: &dyn Fn(usize) -> String| {
            counts
                .iter()
                .enumerate()
                .filter(|(_, n)| **n > 0)
                .map(|(i, n)| format!("\"{n}'{}\"", show(i)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let single = |i: usize| (i + 1).to_string();
        let flat: Vec<u32> = self.c.iter().flatten().copied().collect();
        let pair = |i: usize| format!("({}, {})", i / 3 + 1, i % 3 + 1);
        let mut arcs: BTreeMap<usize, Vec<String>> = BTreeMap::new();
        for item in &self.items {
            let text = match &item.inscription {
                Inscription::Single(a) => show_atom(a),
                Inscription::Next(v) => format!("{} % 3 + 1", VARS[*v]),
                Inscription::Pair(a, b) => format!("({}, {})", show_atom(a), show_atom(b)),
            };
            arcs.entry(item.place)
                .or_default()
                .push(format!("\"{}'{text}\"", item.mult));
        }
        let arcs: Vec<String> = arcs
            .iter()
            .map(|(p, items)| format!("{}: [{}]", PLACES[*p], items.join(", ")))
            .collect();
        let guard = if self.guard.is_empty() {
            String::new()
        } else {
            let parts: Vec<String> = self
                .guard
                .iter()
                .map(|c| format!("{} {} {}", show_atom(&c.left), c.op, show_atom(&c.right)))
                .collect();
            format!("    guard: \"{}\"\n", parts.join(" && "))
        };
        format!(
            "types:\n  R: {{ range: [1, 3] }}\n  P: {{ tuple: [R, R] }}\nplaces:\n  a: {{ type: R, init: [{}] }}\n  b: {{ type: R, init: [{}] }}\n  c: {{ type: P, init: [{}] }}\ntransitions:\n  t:\n    in: {{ {} }}\n{guard}",
            init(&self.a, &single),
            init(&self.b, &single),
            init(&flat, &pair),
            arcs.join(", ")
        )
    }

    fn count(&self, place: usize, value: &Value) -> u32 {
        let int = |v: &Value| v.as_int().and_then(|i| usize::try_from(i - 1).ok());
        match (place, value) {
            (0, v) => int(v).and_then(|i| self.a.get(i).copied()).unwrap_or(0),
            (1, v) => int(v).and_then(|i| self.b.get(i).copied()).unwrap_or(0),
            (_, Value::Tuple(items)) => match (int(&items[0]), int(&items[1])) {
                (Some(i), Some(j)) if i < 3 && j < 3 => self.c[i][j],
                _ => 0,
            },
            _ => 0,
        }
    }

    /// How many wildcards the items have.
    fn wildcards(&self) -> usize {
        let wild = |a: &Atom| usize::from(matches!(a, Atom::Wild));
        self.items
            .iter()
            .map(|i| match &i.inscription {
                Inscription::Single(a) => wild(a),
                Inscription::Next(_) => 0,
                Inscription::Pair(a, b) => wild(a) + wild(b),
            })
            .sum()
    }

    /// Every enabled binding by brute force: variable values by name, and
    /// the multiset of tokens taken.
    fn oracle(&self, used: &[String]) -> BTreeSet<Found> {
        let wild = self.wildcards();
        let mut found = BTreeSet::new();
        let choices = VARS.len() + wild;
        for code in 0..DOMAIN.len().pow(choices as u32) {
            let digit = |k: usize| DOMAIN[code / DOMAIN.len().pow(k as u32) % DOMAIN.len()];
            let vars: Vec<i64> = (0..VARS.len()).map(digit).collect();
            let mut next_wild = VARS.len();
            let mut atom = |a: &Atom| match a {
                Atom::Var(v) => vars[*v],
                Atom::Const(c) => *c,
                Atom::Wild => {
                    next_wild += 1;
                    digit(next_wild - 1)
                }
            };
            let mut taken: BTreeMap<(usize, Value), u32> = BTreeMap::new();
            for item in &self.items {
                let value = match &item.inscription {
                    Inscription::Single(a) => Value::Int(atom(a)),
                    Inscription::Next(v) => Value::Int(vars[*v] % 3 + 1),
                    Inscription::Pair(a, b) => {
                        let first = atom(a);
                        Value::tuple([Value::Int(first), Value::Int(atom(b))])
                    }
                };
                *taken.entry((item.place, value)).or_default() += item.mult;
            }
            let enabled = taken.iter().all(|((p, v), n)| self.count(*p, v) >= *n);
            let guard = self.guard.iter().all(|c| {
                let side = |a: &Atom| match a {
                    Atom::Var(v) => vars[*v],
                    Atom::Const(k) => *k,
                    Atom::Wild => unreachable!("guards have no wildcards"),
                };
                let (l, r) = (side(&c.left), side(&c.right));
                match c.op {
                    "==" => l == r,
                    "!=" => l != r,
                    "<" => l < r,
                    _ => l <= r,
                }
            });
            if enabled && guard {
                let values = used
                    .iter()
                    .map(|n| {
                        let v = VARS.iter().position(|x| x == n).expect("a known variable");
                        (n.clone(), Value::Int(vars[v]))
                    })
                    .collect();
                let taken = taken.into_iter().map(|((p, v), n)| (p, v, n)).collect();
                found.insert((values, taken));
            }
        }
        found
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn enabled_bindings_are_exactly_the_brute_force_ones(case in case()) {
        let text = case.yaml();
        let net = load_net_str(&Source::new("oracle.yaml", text.clone()), &[], &NoFunctions)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        let t = &net.transitions[0];
        let used: Vec<String> = t.vars.iter().map(|v| v.name.clone()).collect();
        let mut bindings = Vec::new();
        enabled_bindings(&net, &net.initial, &mut bindings).expect("evaluates");
        let engine: Vec<_> = bindings
            .iter()
            .map(|b| {
                let values: Vec<(String, Value)> =
                    used.iter().cloned().zip(b.values.iter().cloned()).collect();
                let mut taken: BTreeMap<(usize, Value), u32> = BTreeMap::new();
                for (p, v, n) in &b.consumed {
                    *taken.entry((*p, v.clone())).or_default() += n;
                }
                (values, taken.into_iter().map(|((p, v), n)| (p, v, n)).collect::<Vec<_>>())
            })
            .collect();
        let distinct: BTreeSet<_> = engine.iter().cloned().collect();
        prop_assert_eq!(distinct.len(), engine.len(), "a binding listed twice\n{}", text);
        let oracle = case.oracle(&used);
        prop_assert_eq!(distinct, oracle, "\n{}", text);
    }
}
