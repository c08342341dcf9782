//! The net `sesphr simulate` plays: its coloured view fires, while what it
//! was loaded as decides how a marking reads (a P/T net's places as token
//! counts) and how many tokens a place may hold (a P/T net's counters, as
//! `check` has them).

use std::ops::ControlFlow;
use std::path::Path;

use sesphr_engine::coloured::fire::{Binding, fire};
use sesphr_engine::coloured::simulate::{Outcome, simulate_while};
use sesphr_engine::load::LoadedNet;
use sesphr_engine::net::code::EvalError;
use sesphr_engine::net::marking::Marking;
use sesphr_engine::net::model::Net;
use sesphr_engine::ptnet::PtError;

use crate::host;

/// A loaded net, its coloured view, and the file it was read from.
pub struct Played<'a> {
    /// The coloured view of the net, which fires.
    pub net: &'a Net,
    loaded: &'a LoadedNet,
    file: &'a Path,
}

impl<'a> Played<'a> {
    /// The net `loaded` from `file`, played through its coloured view `net`
    /// (its [`LoadedNet::to_coloured`]).
    pub fn new(loaded: &'a LoadedNet, net: &'a Net, file: &'a Path) -> Self {
        Played { net, loaded, file }
    }

    /// `marking` place by place: a P/T net's places as token counts
    /// (`idle: 1`), a coloured net's as multisets (`idle: {1, 2}`).
    pub fn show(&self, marking: &Marking) -> String {
        match self.loaded {
            LoadedNet::PlaceTransition(_) => self.net.show_counts(marking),
            LoadedNet::Coloured(_) => self.net.show_marking(marking),
        }
    }

    /// The marking firing the enabled `binding` in `marking` leads to, or
    /// why it cannot be fired: an expression failing, a token outside its
    /// place's type, a P/T net's place outgrowing its counter.
    pub fn fire(&self, marking: &Marking, binding: &Binding) -> anyhow::Result<Marking> {
        let next = fire(self.net, marking, binding)?;
        self.check_counters(binding, &next)?;
        Ok(next)
    }

    /// Fires up to `max_steps` bindings chosen by `seed` as
    /// [`simulate_while`] does, stopping with an error where a P/T net's
    /// place outgrows its counter (before `on_step` sees that step).
    pub fn random_run(
        &self,
        max_steps: u64,
        seed: u64,
        mut on_step: impl FnMut(u64, &Binding, &Marking) -> ControlFlow<()>,
    ) -> anyhow::Result<Outcome> {
        let mut overflow = None;
        let outcome = simulate_while(
            self.net,
            max_steps,
            seed,
            |step, binding, marking| match self.check_counters(binding, marking) {
                Ok(()) => on_step(step, binding, marking),
                Err(e) => {
                    overflow = Some(e);
                    ControlFlow::Break(())
                }
            },
        );
        match overflow {
            Some(e) => Err(e),
            None => Ok(outcome?),
        }
    }

    /// Whether `marking`, reached by firing `binding`, fits the net's token
    /// counters ([`LoadedNet::check_counters`]).
    fn check_counters(&self, binding: &Binding, marking: &Marking) -> anyhow::Result<()> {
        self.loaded.check_counters(marking).map_err(|e| {
            let transition = &self.net.transitions[binding.transition].name;
            anyhow::Error::new(e).context(format!("in transition `{transition}`"))
        })
    }

    /// `error` of a run of the net, located in its file: a failing
    /// evaluation at its expression, a counter that overflowed at its place's
    /// declaration, quoted (see [`host::located`]).
    pub fn located(&self, error: anyhow::Error) -> anyhow::Error {
        let at = match (error.downcast_ref::<EvalError>(), error.downcast_ref()) {
            (Some(eval), _) => self.net.position_of_failure(eval),
            (None, Some(PtError::Overflow { place, .. })) => self.loaded.place_position(place),
            (None, _) => None,
        };
        host::located(error, at, self.file)
    }
}

/// `text` with each line indented by two spaces.
pub fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}
