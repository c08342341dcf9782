//! The symbolic net functions, bound by name for the SeSPHR nets.

use std::rc::Rc;
use std::sync::Arc;

use sesphr_engine::net::functions::{CanonicalForm, FunctionError, FunctionLibrary, NetFunction};
use sesphr_engine::net::value::Value;

use super::exponent::Monomial;
use super::knowledge::Knowledge;
use super::memo::Memo;
use super::recent;
use super::terms::{
    Group, as_group, encrypt, group, is_scalar, kdf, open, plaintext, public_key, secret, sign,
    signature_verifies, signing_key, verifying_key, with_functor,
};

/// One symbolic function: a plain function over values.
type Function = fn(&[Value]) -> Result<Value, FunctionError>;

/// Any number of arguments.
const ANY: Option<usize> = None;

/// Every function name the SeSPHR nets may declare, with its number of
/// arguments (checked when a net is loaded) and its symbolic meaning.
const FUNCTIONS: &[(&str, Option<usize>, Function)] = &[
    // Public parameters (the paper's g, Zq* and Z), and a placeholder for unset tuple fields.
    ("generator", Some(0), |a| {
        nullary("generator", a, group(Group::G1, &Monomial::one()))
    }),
    ("pairing_base", Some(0), |a| {
        nullary("pairing_base", a, group(Group::Gt, &Monomial::one()))
    }),
    ("group_order", Some(0), |a| {
        nullary("group_order", a, Value::term("zq", []))
    }),
    ("none", Some(0), |a| {
        nullary("none", a, Value::term("none", []))
    }),
    // Keys and randomness (one secret per principal; a net declares one name per argument type).
    ("secret_key", Some(1), |a| {
        Ok(secret(&one("secret_key", a)?))
    }),
    ("patient_secret", Some(1), |a| {
        Ok(secret(&one("patient_secret", a)?))
    }),
    // Hardened key mode: the patient's key pair for one partition label, x_P,l.
    ("label_secret", Some(2), |a| {
        let [p, q] = fixed("label_secret", a)?;
        Ok(secret(&Value::tuple([p.clone(), q.clone()])))
    }),
    ("user_secret", Some(1), |a| {
        Ok(secret(&one("user_secret", a)?))
    }),
    ("public_key", Some(1), |a| {
        Ok(public_key(scalar("public_key", &one("public_key", a)?)?))
    }),
    ("draw_r", ANY, |a| Ok(Value::term("r", a.iter().cloned()))),
    // The algebra of docs/protocol.md section 3.
    ("z_pow", Some(1), z_pow),
    ("kdf", Some(1), |a| {
        let [gt] = fixed("kdf", a)?;
        element("kdf", gt, Group::Gt)?;
        Ok(kdf(gt))
    }),
    ("partition_key", Some(1), |a| Ok(kdf(&z_pow(a)?))),
    ("compute_r", Some(2), compute_r),
    ("rekey", Some(2), rekey),
    ("reencrypt", Some(2), pairing),
    ("pairing", Some(2), pairing),
    ("recover", Some(2), recover),
    // Authenticated encryption, digests, tampering.
    ("plain", Some(3), |a| {
        let [p, q, v] = fixed("plain", a)?;
        Ok(plaintext(p, q, v))
    }),
    ("enc", Some(3), |a| {
        let [k, ad, m] = fixed("enc", a)?;
        Ok(encrypt(k, ad, m))
    }),
    ("dec", Some(3), |a| {
        let [k, ad, c] = fixed("dec", a)?;
        Ok(open(k, ad, c).unwrap_or_else(|| Value::term("junk", [k.clone(), c.clone()])))
    }),
    ("dec_ok", Some(3), |a| {
        let [k, ad, c] = fixed("dec_ok", a)?;
        Ok(Value::Bool(open(k, ad, c).is_some()))
    }),
    ("digest", Some(1), |a| {
        Ok(Value::term("h", [one("digest", a)?]))
    }),
    ("tamper", Some(1), |a| {
        Ok(Value::term("tampered", [one("tamper", a)?]))
    }),
    // A plaintext an active insider chose (for a forged ciphertext): known to its author only.
    ("forged", Some(1), |a| {
        Ok(Value::term("forgery", [one("forged", a)?]))
    }),
    // Signatures (the patient signs its upload records; docs/crypto.md): a signing key per
    // principal, apart from its PRE key; `sign(key, m)`; `signature_ok(verifying key, m, s)`.
    ("signing_key", Some(1), |a| {
        Ok(signing_key(&one("signing_key", a)?))
    }),
    ("verifying_key", Some(1), |a| {
        Ok(verifying_key(scalar(
            "verifying_key",
            &one("verifying_key", a)?,
        )?))
    }),
    ("sign", Some(2), |a| {
        let [key, m] = fixed("sign", a)?;
        Ok(sign(scalar("sign", key)?, m))
    }),
    ("signature_ok", Some(3), |a| {
        let [vk, m, s] = fixed("signature_ok", a)?;
        Ok(Value::Bool(signature_verifies(vk, m, s)))
    }),
    // `g2^(1/x)`: with the patient's x_P, the capability that opens every R_P = g1^(r x_P).
    ("capability", Some(1), capability),
    // Insider knowledge.
    ("nothing", Some(0), |a| {
        nullary("nothing", a, Knowledge::new().to_value())
    }),
    ("learn", Some(2), |a| {
        let [k, t] = fixed("learn", a)?;
        let mut k = Knowledge::clone(&*knowledge("learn", k)?);
        k.learn(t.clone());
        Ok(written(k))
    }),
    ("merge", Some(2), |a| {
        let [k1, k2] = fixed("merge", a)?;
        let mut k = Knowledge::clone(&*knowledge("merge", k1)?);
        k.merge(&*knowledge("merge", k2)?);
        Ok(written(k))
    }),
    ("derivable", Some(2), |a| {
        let [k, t] = fixed("derivable", a)?;
        Ok(Value::Bool(knowledge("derivable", k)?.derives(t)))
    }),
];

/// The symbolic implementation of every function the SeSPHR nets declare.
///
/// ```
/// use sesphr_engine::net::functions::FunctionLibrary;
/// use sesphr_engine::net::value::Value;
/// use sesphr_model::symbolic::SymbolicFunctions;
///
/// let lib = SymbolicFunctions::new();
/// let call = |name: &str, args: &[Value]| lib.lookup(name).unwrap().call(args).unwrap();
/// let (p, u) = (Value::sym("p1"), Value::sym("u1"));
/// let (x_p, x_u) = (call("secret_key", &[p.clone()]), call("secret_key", &[u.clone()]));
/// let r = call("draw_r", &[p.clone(), Value::sym("medical"), Value::Int(1)]);
/// let r_p = call("compute_r", &[x_p.clone(), r.clone()]);
/// let rk = call("rekey", &[x_p, call("public_key", &[x_u.clone()])]);
/// let r_u = call("reencrypt", &[r_p, rk]);
/// let recovered = call("recover", &[r_u, x_u]);
/// assert_eq!(recovered, call("z_pow", &[r]));
/// ```
///
/// The knowledge functions (`learn`, `merge`, `derivable`) remember their results: a
/// checker evaluates them on the same tokens in many states. Clones share the memos.
#[derive(Debug, Default, Clone)]
pub struct SymbolicFunctions {
    /// One memo per function of [`MEMOISED`], in its order.
    memos: [Arc<Memo>; MEMOISED.len()],
}

/// The functions whose results are remembered.
const MEMOISED: [&str; 3] = ["learn", "merge", "derivable"];

/// A function with a memo of its results.
struct Memoised {
    arity: Option<usize>,
    function: Function,
    memo: Arc<Memo>,
}

impl NetFunction for Memoised {
    fn call(&self, args: &[Value]) -> Result<Value, FunctionError> {
        self.memo.get_or(args, || (self.function)(args))
    }

    fn arity(&self) -> Option<usize> {
        self.arity
    }
}

/// A function without memo.
struct Plain {
    arity: Option<usize>,
    function: Function,
}

impl NetFunction for Plain {
    fn call(&self, args: &[Value]) -> Result<Value, FunctionError> {
        (self.function)(args)
    }

    fn arity(&self) -> Option<usize> {
        self.arity
    }
}

impl SymbolicFunctions {
    /// The library, with an empty memo.
    pub fn new() -> Self {
        Self::default()
    }

    /// The names this library binds.
    pub fn names() -> impl Iterator<Item = &'static str> {
        FUNCTIONS.iter().map(|(name, _, _)| *name)
    }
}

impl FunctionLibrary for SymbolicFunctions {
    fn canonical_form(&self) -> Option<CanonicalForm> {
        Some(CanonicalForm(Arc::new(super::SymbolicCanonical)))
    }

    fn lookup(&self, name: &str) -> Option<Arc<dyn NetFunction>> {
        let &(name, arity, function) = FUNCTIONS.iter().find(|(n, _, _)| *n == name)?;
        Some(match MEMOISED.iter().position(|&m| m == name) {
            Some(i) => Arc::new(Memoised {
                arity,
                function,
                memo: self.memos[i].clone(),
            }),
            None => Arc::new(Plain { arity, function }),
        })
    }
}

fn z_pow(args: &[Value]) -> Result<Value, FunctionError> {
    let r = scalar("z_pow", &one("z_pow", args)?)?.clone();
    Ok(group(Group::Gt, &Monomial::scalar(r)))
}

/// `R_P = g1^(r x_P)` from the patient's secret and `r`.
fn compute_r(args: &[Value]) -> Result<Value, FunctionError> {
    let [x, r] = fixed("compute_r", args)?;
    let m = Monomial::scalar(scalar("compute_r", x)?.clone())
        .mul(&Monomial::scalar(scalar("compute_r", r)?.clone()));
    Ok(group(Group::G1, &m))
}

/// `RK_(P->U) = (g2^x_U)^(1/x_P)` from the patient's secret and the user's public key.
fn rekey(args: &[Value]) -> Result<Value, FunctionError> {
    let [x_from, pk_to] = fixed("rekey", args)?;
    let x_from = Monomial::scalar(scalar("rekey", x_from)?.clone());
    let g2_to = match with_functor(pk_to, "pk") {
        Some([_, g2]) => element("rekey", g2, Group::G2)?,
        _ => return Err(bad("rekey", format!("{pk_to} is not a public key"))),
    };
    Ok(group(Group::G2, &g2_to.div(&x_from)))
}

/// The pairing `e(g1^a, g2^b) = Z^(a b)`: re-encryption `e(R_P, RK)`.
fn pairing(args: &[Value]) -> Result<Value, FunctionError> {
    let [a, b] = fixed("pairing", args)?;
    let a = element("pairing", a, Group::G1)?;
    let b = element("pairing", b, Group::G2)?;
    Ok(group(Group::Gt, &a.mul(&b)))
}

/// `g2^(1/x)`: the capability equivalent to `x` for opening `R_P = g1^(r x)` by a pairing.
fn capability(args: &[Value]) -> Result<Value, FunctionError> {
    let x = Monomial::scalar(scalar("capability", &one("capability", args)?)?.clone());
    Ok(group(Group::G2, &Monomial::one().div(&x)))
}

/// `Z^r = (Z^(r x_U))^(1/x_U)`.
fn recover(args: &[Value]) -> Result<Value, FunctionError> {
    let [gt, x] = fixed("recover", args)?;
    let m = element("recover", gt, Group::Gt)?;
    let x = Monomial::scalar(scalar("recover", x)?.clone());
    Ok(group(Group::Gt, &m.div(&x)))
}

fn bad(function: &str, reason: String) -> FunctionError {
    FunctionError::BadArguments {
        function: function.to_string(),
        reason,
    }
}

fn fixed<'a, const N: usize>(
    function: &str,
    args: &'a [Value],
) -> Result<&'a [Value; N], FunctionError> {
    args.try_into().map_err(|_| {
        bad(
            function,
            format!("expected {N} arguments, got {}", args.len()),
        )
    })
}

fn one(function: &str, args: &[Value]) -> Result<Value, FunctionError> {
    let [v] = fixed(function, args)?;
    Ok(v.clone())
}

fn nullary(function: &str, args: &[Value], result: Value) -> Result<Value, FunctionError> {
    fixed::<0>(function, args)?;
    Ok(result)
}

fn scalar<'a>(function: &str, value: &'a Value) -> Result<&'a Value, FunctionError> {
    if is_scalar(value) {
        Ok(value)
    } else {
        Err(bad(function, format!("{value} is not a secret scalar")))
    }
}

fn element(function: &str, value: &Value, expected: Group) -> Result<Monomial, FunctionError> {
    match as_group(value) {
        Some((g, m)) if g == expected => Ok(m),
        _ => Err(bad(
            function,
            format!("{value} is not an element of {}", expected.functor()),
        )),
    }
}

/// The knowledge `value` stands for (kept from a recent read or write).
fn knowledge(function: &str, value: &Value) -> Result<Rc<Knowledge>, FunctionError> {
    recent::read(value).ok_or_else(|| bad(function, format!("{value} is not a knowledge set")))
}

/// `knowledge` as a value, kept for the next read of that value (a property
/// asks `derivable` of what `merge` just built).
fn written(knowledge: Knowledge) -> Value {
    let value = knowledge.to_value();
    recent::remember(&value, knowledge);
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(name: &str, args: Vec<Value>) -> Result<Value, FunctionError> {
        match SymbolicFunctions::new().lookup(name) {
            Some(f) => f.call(&args),
            None => Err(bad(name, "unbound".into())),
        }
    }

    fn ok(name: &str, args: Vec<Value>) -> Value {
        match call(name, args) {
            Ok(v) => v,
            Err(e) => panic!("{e}"),
        }
    }

    struct Upload {
        key: Value,
        ad: Value,
        cipher: Value,
        r_p: Value,
    }

    fn upload(patient: &Value, r: &Value) -> Upload {
        let ad = Value::tuple([patient.clone(), Value::sym("medical"), Value::Int(1)]);
        let key = ok("partition_key", vec![r.clone()]);
        let m = ok(
            "plain",
            vec![patient.clone(), Value::sym("medical"), Value::Int(1)],
        );
        let cipher = ok("enc", vec![key.clone(), ad.clone(), m]);
        let x_p = ok("secret_key", vec![patient.clone()]);
        let r_p = ok("compute_r", vec![x_p, r.clone()]);
        Upload {
            key,
            ad,
            cipher,
            r_p,
        }
    }

    #[test]
    fn every_name_is_bound_once() {
        let names: Vec<_> = SymbolicFunctions::names().collect();
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(names.len(), unique.len());
        for name in names {
            assert!(SymbolicFunctions::new().lookup(name).is_some(), "{name}");
        }
        assert!(
            SymbolicFunctions::new()
                .lookup("decrypt_anything")
                .is_none()
        );
    }

    #[test]
    fn the_granted_user_decrypts_what_the_patient_encrypted() {
        let (p, u) = (Value::sym("p1"), Value::sym("u1"));
        let r = ok(
            "draw_r",
            vec![p.clone(), Value::sym("medical"), Value::Int(1)],
        );
        let up = upload(&p, &r);
        let x_u = ok("secret_key", vec![u]);
        let rk = ok(
            "rekey",
            vec![
                ok("secret_key", vec![p.clone()]),
                ok("public_key", vec![x_u.clone()]),
            ],
        );
        let r_u = ok("reencrypt", vec![up.r_p, rk]);
        let key = ok("kdf", vec![ok("recover", vec![r_u, x_u])]);
        assert_eq!(key, up.key);
        assert_eq!(
            ok(
                "dec_ok",
                vec![key.clone(), up.ad.clone(), up.cipher.clone()]
            ),
            Value::Bool(true)
        );
        assert_eq!(
            ok("dec", vec![key, up.ad, up.cipher]),
            ok("plain", vec![p, Value::sym("medical"), Value::Int(1)])
        );
    }

    #[test]
    fn a_wrong_key_or_a_tampered_ciphertext_is_refused() {
        let (p, u, v) = (Value::sym("p1"), Value::sym("u1"), Value::sym("u2"));
        let r = ok(
            "draw_r",
            vec![p.clone(), Value::sym("medical"), Value::Int(1)],
        );
        let up = upload(&p, &r);
        // A user recovering with another user's secret gets a different key.
        let rk = ok(
            "rekey",
            vec![
                ok("secret_key", vec![p]),
                ok("public_key", vec![ok("secret_key", vec![u])]),
            ],
        );
        let r_u = ok("reencrypt", vec![up.r_p, rk]);
        let wrong = ok(
            "kdf",
            vec![ok("recover", vec![r_u, ok("secret_key", vec![v])])],
        );
        assert_ne!(wrong, up.key);
        assert_eq!(
            ok(
                "dec_ok",
                vec![wrong.clone(), up.ad.clone(), up.cipher.clone()]
            ),
            Value::Bool(false)
        );
        let junk = ok("dec", vec![wrong, up.ad.clone(), up.cipher.clone()]);
        assert!(with_functor(&junk, "junk").is_some());
        let tampered = ok("tamper", vec![up.cipher]);
        assert_eq!(
            ok("dec_ok", vec![up.key, up.ad, tampered]),
            Value::Bool(false)
        );
    }

    #[test]
    fn the_capability_pairs_with_r_p_to_the_key_base() {
        let p = Value::sym("p1");
        let r = ok(
            "draw_r",
            vec![p.clone(), Value::sym("medical"), Value::Int(1)],
        );
        let x_p = ok("patient_secret", vec![p]);
        let r_p = ok("compute_r", vec![x_p.clone(), r.clone()]);
        let cap = ok("capability", vec![x_p]);
        assert_eq!(cap.to_string(), "g2(inv(x(p1)))");
        assert_eq!(ok("pairing", vec![r_p, cap]), ok("z_pow", vec![r]));
        assert!(call("capability", vec![Value::sym("p1")]).is_err());
        let forgery = ok("forged", vec![Value::sym("u1")]);
        assert_eq!(forgery.to_string(), "forgery(u1)");
    }

    #[test]
    fn a_label_key_capability_opens_only_that_label() {
        let p = Value::sym("p1");
        let label_key = |q: &str| ok("label_secret", vec![p.clone(), Value::sym(q)]);
        let r = ok(
            "draw_r",
            vec![p.clone(), Value::sym("personal"), Value::Int(1)],
        );
        let r_personal = ok("compute_r", vec![label_key("personal"), r.clone()]);
        let medical_cap = ok("capability", vec![label_key("medical")]);
        let personal_cap = ok("capability", vec![label_key("personal")]);
        assert_ne!(label_key("medical"), ok("patient_secret", vec![p.clone()]));
        assert_eq!(
            ok("pairing", vec![r_personal.clone(), personal_cap]),
            ok("z_pow", vec![r.clone()])
        );
        assert_ne!(
            ok("pairing", vec![r_personal, medical_cap]),
            ok("z_pow", vec![r])
        );
    }

    #[test]
    fn ill_typed_arguments_are_errors_not_panics() {
        let x = ok("secret_key", vec![Value::sym("u1")]);
        assert!(call("compute_r", vec![x.clone()]).is_err());
        assert!(call("compute_r", vec![Value::Int(1), x.clone()]).is_err());
        assert!(call("pairing", vec![x.clone(), x.clone()]).is_err());
        assert!(call("rekey", vec![x.clone(), x.clone()]).is_err());
        assert!(call("kdf", vec![ok("generator", vec![])]).is_err());
        assert!(call("learn", vec![Value::Int(1), x.clone()]).is_err());
        assert!(call("nothing", vec![x]).is_err());
        assert!(call("public_key", vec![Value::sym("u1")]).is_err());
        assert!(call("sign", vec![Value::sym("u1"), Value::Int(1)]).is_err());
        assert!(call("signature_ok", vec![Value::Int(1), Value::Int(1)]).is_err());
    }

    #[test]
    fn only_the_signing_key_makes_a_valid_upload_signature() {
        let p = Value::sym("p1");
        let key = ok("signing_key", vec![p.clone()]);
        let vk = ok("verifying_key", vec![key.clone()]);
        let record = Value::tuple([p.clone(), Value::sym("medical"), Value::Int(1)]);
        let genuine = ok("sign", vec![key.clone(), record.clone()]);
        assert_eq!(
            ok(
                "signature_ok",
                vec![vk.clone(), record.clone(), genuine.clone()]
            ),
            Value::Bool(true)
        );
        let attacker = ok("signing_key", vec![Value::sym("u1")]);
        let forged = ok("sign", vec![attacker, record.clone()]);
        assert_eq!(
            ok("signature_ok", vec![vk.clone(), record.clone(), forged]),
            Value::Bool(false)
        );
        let replayed = Value::tuple([p, Value::sym("medical"), Value::Int(2)]);
        assert_eq!(
            ok("signature_ok", vec![vk, replayed, genuine.clone()]),
            Value::Bool(false)
        );
        // A signature shows its message, never its key.
        let seen = ok("learn", vec![ok("nothing", vec![]), genuine]);
        assert_eq!(
            ok("derivable", vec![seen.clone(), record]),
            Value::Bool(true)
        );
        assert_eq!(ok("derivable", vec![seen, key]), Value::Bool(false));
    }

    #[test]
    fn knowledge_functions_round_trip_through_values() {
        let (p, u) = (Value::sym("p1"), Value::sym("u1"));
        let r = ok(
            "draw_r",
            vec![p.clone(), Value::sym("medical"), Value::Int(1)],
        );
        let up = upload(&p, &r);
        let m = ok(
            "plain",
            vec![p.clone(), Value::sym("medical"), Value::Int(1)],
        );
        let cloud = ok("learn", vec![ok("nothing", vec![]), up.cipher.clone()]);
        assert_eq!(
            ok("derivable", vec![cloud.clone(), m.clone()]),
            Value::Bool(false)
        );
        let x_u = ok("secret_key", vec![u]);
        let rk = ok(
            "rekey",
            vec![
                ok("secret_key", vec![p]),
                ok("public_key", vec![x_u.clone()]),
            ],
        );
        let r_u = ok("reencrypt", vec![up.r_p, rk]);
        let user = ok(
            "learn",
            vec![ok("learn", vec![ok("nothing", vec![]), x_u]), r_u],
        );
        assert_eq!(
            ok("derivable", vec![user.clone(), m.clone()]),
            Value::Bool(false)
        );
        let both = ok("merge", vec![cloud, user]);
        assert_eq!(ok("derivable", vec![both, m]), Value::Bool(true));
    }
}
