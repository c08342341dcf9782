//! [`RealFunctions`]: the SeSPHR net functions on real cryptography, checked
//! against the symbolic semantics at every call.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use sesphr_engine::net::functions::{FunctionError, FunctionLibrary, NetFunction};
use sesphr_engine::net::value::Value;

use super::ops::{Config, Op, Real, compute};
use super::pair::{identity, pair, split, symbolic};
use crate::symbolic::SymbolicFunctions;

/// The transition slot of calls made outside any firing (loading the net).
const OUTSIDE: usize = usize::MAX;

/// Every SeSPHR net function on real cryptography.
///
/// Each call computes the symbolic result with
/// [`SymbolicFunctions`] and the real one with this crate's cryptography, and
/// returns both as `real(symbolic, bytes)`. The two must agree, or the call
/// fails (a [`FunctionError::Failed`] whose reason starts with
/// [`DISAGREEMENT`]), which stops the run:
/// - one symbolic value has one real value (`key(gt(r))` from the patient's
///   `partition_key` and from a user's `kdf(recover(..))` are the same bytes;
///   a decrypted `phr(p, q, v)` is the partition the patient encrypted);
/// - the real tag check (`dec_ok`) and the real decryption (`dec`) succeed
///   exactly when the symbolic ones do.
///
/// Calls are cached by their arguments (real bytes by identity), as a real
/// implementation computes each value once; a ciphertext is made once per
/// symbolic identity. The time of every real computation is recorded against
/// the transition set by [`RealFunctions::enter`].
///
/// ```
/// use sesphr_engine::net::functions::FunctionLibrary;
/// use sesphr_engine::net::value::Value;
/// use sesphr_model::real::{Config, RealFunctions, symbolic};
///
/// let lib = RealFunctions::new(Config { seed: 1, partition_size: 64, fault: None });
/// let call = |name: &str, args: &[Value]| lib.lookup(name).unwrap().call(args).unwrap();
/// let (p, u) = (Value::sym("p1"), Value::sym("u1"));
/// let (x_p, x_u) = (call("secret_key", &[p.clone()]), call("secret_key", &[u.clone()]));
/// let r = call("draw_r", &[p.clone(), Value::sym("medical"), Value::Int(1)]);
/// let label = Value::tuple([p.clone(), Value::sym("medical"), Value::Int(1)]);
/// let m = call("plain", &[p.clone(), Value::sym("medical"), Value::Int(1)]);
/// let c = call("enc", &[call("partition_key", &[r.clone()]), label.clone(), m.clone()]);
/// let rk = call("rekey", &[x_p.clone(), call("public_key", &[x_u.clone()])]);
/// let r_u = call("reencrypt", &[call("compute_r", &[x_p, r]), rk]);
/// let k = call("kdf", &[call("recover", &[r_u, x_u])]);
/// assert_eq!(call("dec_ok", &[k.clone(), label.clone(), c.clone()]), Value::Bool(true));
/// assert_eq!(call("dec", &[k, label, c]), m);
/// assert_eq!(symbolic(&m).to_string(), "phr(p1, medical, 1)");
/// ```
#[derive(Clone)]
pub struct RealFunctions {
    state: Arc<State>,
}

/// The start of the reason of every error that reports a disagreement
/// between the real and the symbolic semantics.
pub const DISAGREEMENT: &str = "real and symbolic semantics disagree";

/// The calls of one function within one transition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallRecord {
    /// The transition the calls were made for (`None`: while loading the net).
    pub transition: Option<usize>,
    /// The function's name.
    pub function: &'static str,
    /// How many calls.
    pub calls: u64,
    /// How many of them computed something real (the others hit the cache or
    /// were bookkeeping).
    pub computed: u64,
    /// Time spent in real computation.
    pub time: Duration,
    /// Time spent in the calls altogether: real computation, the symbolic
    /// twin, the cache and the agreement checks.
    pub wall: Duration,
}

struct State {
    config: Config,
    current: AtomicUsize,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    /// Call key (function and arguments, real bytes by identity) -> result, with the
    /// arguments kept alive so that identities are never reused.
    cache: HashMap<Value, (Vec<Value>, Value)>,
    /// Symbolic value -> its real bytes.
    known: HashMap<Value, Arc<[u8]>>,
    /// Every real computation, for the direct replay.
    log: Vec<Logged>,
    /// (transition, function) -> calls, real computations, their time, the calls' wall time.
    calls: HashMap<(usize, &'static str), (u64, u64, Duration, Duration)>,
    /// Real computation time per transition not yet claimed by a firing.
    pending: HashMap<usize, Duration>,
}

struct Logged {
    op: Op,
    name: &'static str,
    args: Vec<Value>,
    symbolic: Value,
}

impl RealFunctions {
    /// A library for one run with these parameters (fresh caches).
    pub fn new(config: Config) -> RealFunctions {
        RealFunctions {
            state: Arc::new(State {
                config,
                current: AtomicUsize::new(OUTSIDE),
                inner: Mutex::new(Inner::default()),
            }),
        }
    }

    /// The run's parameters.
    pub fn config(&self) -> &Config {
        &self.state.config
    }

    /// Attributes the calls that follow to `transition` (`None`: to no transition).
    pub fn enter(&self, transition: Option<usize>) {
        self.state
            .current
            .store(transition.unwrap_or(OUTSIDE), Ordering::Relaxed);
    }

    /// The real computation time spent for `transition` since the last call
    /// of this function for it (the cost a firing carries from its guard).
    pub fn take_pending(&self, transition: usize) -> Duration {
        self.state
            .lock()
            .pending
            .remove(&transition)
            .unwrap_or_default()
    }

    /// Every (transition, function) pair with its counts and time.
    pub fn calls(&self) -> Vec<CallRecord> {
        let inner = self.state.lock();
        let mut records: Vec<CallRecord> = inner
            .calls
            .iter()
            .map(
                |(&(t, function), &(calls, computed, time, wall))| CallRecord {
                    transition: (t != OUTSIDE).then_some(t),
                    function,
                    calls,
                    computed,
                    time,
                    wall,
                },
            )
            .collect();
        records.sort_by_key(|r| (r.transition, r.function));
        records
    }

    /// Repeats every real computation of the run, in order, without the engine,
    /// the symbolic side or the cache, and returns the time it took (the best of
    /// `rounds`): the cost of calling the library directly for the same operations.
    pub fn replay(&self, rounds: usize) -> Result<Duration, FunctionError> {
        let log: Vec<(Op, &'static str, Vec<Value>, Value)> = self
            .state
            .lock()
            .log
            .iter()
            .map(|l| (l.op, l.name, l.args.clone(), l.symbolic.clone()))
            .collect();
        let mut best = Duration::MAX;
        for _ in 0..rounds.max(1) {
            let start = Instant::now();
            for (op, name, args, sym) in &log {
                compute(*op, &self.state.config, name, args, sym)?;
            }
            best = best.min(start.elapsed());
        }
        Ok(best)
    }
}

impl FunctionLibrary for RealFunctions {
    fn lookup(&self, name: &str) -> Option<Arc<dyn NetFunction>> {
        let name = SymbolicFunctions::names().find(|n| *n == name)?;
        Some(Arc::new(Bound {
            name,
            op: Op::of(name)?,
            symbolic: SymbolicFunctions::new().lookup(name)?,
            state: self.state.clone(),
        }))
    }
}

impl State {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// One function name bound to its real operation and its symbolic twin.
struct Bound {
    name: &'static str,
    op: Op,
    symbolic: Arc<dyn NetFunction>,
    state: Arc<State>,
}

impl NetFunction for Bound {
    fn call(&self, args: &[Value]) -> Result<Value, FunctionError> {
        let start = Instant::now();
        let transition = self.state.current.load(Ordering::Relaxed);
        let result = self.evaluate(transition, args);
        let wall = start.elapsed();
        let mut inner = self.state.lock();
        let entry = inner.calls.entry((transition, self.name)).or_insert((
            0,
            0,
            Duration::ZERO,
            Duration::ZERO,
        ));
        entry.0 += 1;
        entry.3 += wall;
        result
    }

    fn arity(&self) -> Option<usize> {
        self.symbolic.arity()
    }
}

impl Bound {
    fn evaluate(&self, transition: usize, args: &[Value]) -> Result<Value, FunctionError> {
        let key = Value::term(self.name, args.iter().map(identity));
        let cached = self.state.lock().cache.get(&key).map(|(_, v)| v.clone());
        if let Some(value) = cached {
            self.record(transition, Duration::ZERO, false);
            return Ok(value);
        }
        let symbolic_args: Vec<Value> = args.iter().map(symbolic).collect();
        let sym = self.symbolic.call(&symbolic_args)?;
        let reused = if self.op == Op::Enc {
            self.state.lock().known.get(&sym).cloned()
        } else {
            None
        };
        let value = match reused {
            Some(bytes) => {
                self.record(transition, Duration::ZERO, false);
                Value::term(super::pair::REAL, [sym, Value::Bytes(bytes)])
            }
            None => {
                let start = Instant::now();
                let real = compute(self.op, &self.state.config, self.name, args, &sym)?;
                let elapsed = start.elapsed();
                self.record(transition, elapsed, self.op != Op::Symbolic);
                if self.op != Op::Symbolic {
                    self.state.lock().log.push(Logged {
                        op: self.op,
                        name: self.name,
                        args: args.to_vec(),
                        symbolic: sym.clone(),
                    });
                }
                self.agree(sym, real)?
            }
        };
        self.state
            .lock()
            .cache
            .insert(key, (args.to_vec(), value.clone()));
        Ok(value)
    }

    fn record(&self, transition: usize, time: Duration, computed: bool) {
        let mut inner = self.state.lock();
        let entry = inner.calls.entry((transition, self.name)).or_insert((
            0,
            0,
            Duration::ZERO,
            Duration::ZERO,
        ));
        entry.1 += u64::from(computed);
        entry.2 += time;
        if computed {
            *inner.pending.entry(transition).or_default() += time;
        }
    }

    /// The value returned for a call, once the real result agrees with the symbolic one.
    fn agree(&self, sym: Value, real: Real) -> Result<Value, FunctionError> {
        let refused_symbolically = sym.as_term().is_some_and(|t| &*t.functor == "junk");
        match real {
            Real::Absent => Ok(sym),
            Real::Bool(b) if sym == Value::Bool(b) => Ok(sym),
            Real::Bool(b) => {
                Err(self.disagree(format!("the real check gives {b}, the symbolic one {sym}")))
            }
            Real::Refused if refused_symbolically => Ok(pair(sym, Vec::new())),
            Real::Refused => Err(self.disagree(format!(
                "the real decryption is refused, the symbolic one gives {sym}"
            ))),
            Real::Bytes(_) if refused_symbolically => Err(self.disagree(format!(
                "the real decryption succeeds, the symbolic one is refused ({sym})"
            ))),
            Real::Bytes(bytes) => {
                let mut inner = self.state.lock();
                match inner.known.get(&sym) {
                    Some(earlier) if **earlier != bytes[..] => {
                        let what = if sym.as_term().is_some_and(|t| &*t.functor == "phr") {
                            "the decrypted plaintext differs from the partition the patient uploaded"
                        } else {
                            "one symbolic value has two different real values"
                        };
                        Err(self.disagree(format!("{what}: {sym}")))
                    }
                    Some(earlier) => Ok(Value::term(
                        super::pair::REAL,
                        [sym, Value::Bytes(earlier.clone())],
                    )),
                    None => {
                        let value = pair(sym.clone(), bytes);
                        if let Some((_, shared)) = split(&value) {
                            inner.known.insert(sym, shared.clone());
                        }
                        Ok(value)
                    }
                }
            }
        }
    }

    fn disagree(&self, detail: String) -> FunctionError {
        FunctionError::Failed {
            function: self.name.to_string(),
            reason: format!("{DISAGREEMENT}: {detail}"),
        }
    }
}
