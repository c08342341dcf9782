//! Property tests of the symbolic algebra: normal forms, round trips, and that an
//! insider's knowledge does not depend on the order in which it learnt things.

use proptest::prelude::*;
use sesphr_engine::net::functions::FunctionLibrary;
use sesphr_engine::net::value::Value;
use sesphr_model::symbolic::{Group, Knowledge, Monomial, SymbolicFunctions};

fn scalar(i: u8) -> Value {
    if i.is_multiple_of(2) {
        Value::term("x", [Value::sym(&format!("u{}", i / 2))])
    } else {
        Value::term("r", [Value::sym("p1"), Value::Int(i64::from(i / 2))])
    }
}

/// A monomial from (scalar index, power) pairs.
fn monomial(factors: &[(u8, i8)]) -> Monomial {
    factors.iter().fold(Monomial::one(), |m, &(i, p)| {
        let base = Monomial::scalar(scalar(i));
        (0..p.unsigned_abs()).fold(m, |m, _| if p > 0 { m.mul(&base) } else { m.div(&base) })
    })
}

fn factors() -> impl Strategy<Value = Vec<(u8, i8)>> {
    prop::collection::vec((0u8..6, -3i8..=3), 0..6)
}

fn call(name: &str, args: &[Value]) -> Value {
    SymbolicFunctions::new()
        .lookup(name)
        .and_then(|f| f.call(args).ok())
        .unwrap_or_else(|| panic!("{name} failed"))
}

proptest! {
    #[test]
    fn monomials_have_one_normal_form(a in factors(), b in factors()) {
        let (ma, mb) = (monomial(&a), monomial(&b));
        prop_assert_eq!(ma.mul(&mb), mb.mul(&ma));
        prop_assert_eq!(ma.mul(&mb).div(&mb), ma.clone());
        prop_assert_eq!(Monomial::from_args(&ma.to_args()), Some(ma.clone()));
        let mut reversed = ma.to_args();
        reversed.reverse();
        if reversed != ma.to_args() {
            prop_assert_eq!(Monomial::from_args(&reversed), None);
        }
    }

    #[test]
    fn re_encryption_recovers_the_patients_z_r(r in 0u8..4, p in 0u8..3, u in 3u8..6) {
        let r = Value::term("r", [Value::Int(i64::from(r))]);
        let x_p = call("secret_key", &[Value::Int(i64::from(p))]);
        let x_u = call("secret_key", &[Value::Int(i64::from(u))]);
        let r_p = call("compute_r", &[x_p.clone(), r.clone()]);
        let rk = call("rekey", &[x_p, call("public_key", std::slice::from_ref(&x_u))]);
        let r_u = call("reencrypt", &[r_p, rk]);
        prop_assert_eq!(call("recover", &[r_u, x_u]), call("z_pow", &[r]));
    }

    #[test]
    fn knowledge_does_not_depend_on_the_order_of_learning(
        items in prop::collection::vec((0u8..3, factors()), 1..6),
        known in prop::collection::vec(0u8..6, 0..3),
    ) {
        let groups = [Group::G1, Group::G2, Group::Gt];
        let mut terms: Vec<Value> = items
            .iter()
            .map(|(g, f)| groups[usize::from(*g)].element(&monomial(f)))
            .collect();
        terms.extend(known.iter().map(|&i| scalar(i)));
        let target = Group::Gt.element(&monomial(&[(1, 1)]));
        let forward = terms.iter().fold(Knowledge::new(), |mut k, t| { k.learn(t.clone()); k });
        let backward = terms.iter().rev().fold(Knowledge::new(), |mut k, t| { k.learn(t.clone()); k });
        prop_assert_eq!(&forward, &backward);
        prop_assert_eq!(forward.derives(&target), backward.derives(&target));
        prop_assert_eq!(Knowledge::from_value(&forward.to_value()), Some(forward.clone()));
        // Learning more never forgets.
        let mut more = forward.clone();
        more.learn(scalar(5));
        for t in &terms {
            prop_assert!(more.derives(t));
        }
    }
}
