//! The token game of `sesphr simulate --interactive`: the marking and its
//! enabled bindings are listed, and the player fires one by number, takes a
//! move back, asks for help or quits (docs/token-game.md tells players how).

use std::io::{BufRead, Write};

use sesphr_engine::coloured::fire::{Binding, enabled_bindings};
use sesphr_engine::net::marking::Marking;

use super::simulate_net::{Played, indent};
use crate::output::{counted, escape_untrusted, render_error};

/// What the game tells a player who asks for help.
const HELP: &str = "\
The marking lists each place that holds tokens, with its tokens: {1, 2} is
one token 1 and one token 2, 2'x two copies of x, {()} one plain token (a
P/T net shows a place's count of tokens instead).
Each numbered line is an enabled binding: a transition, with a value for
each of its variables (p=1), whose input places hold the tokens it takes
and whose guard holds. Firing it takes those tokens and puts its output
tokens; the new marking is shown, and the net's invariants and bounds
that it violates are named.
Type:
  a number         fire that binding
  undo (or back)   take the last move back
  help (h, ?)      show this
  q (quit, exit)   end the game (so does the end of the input, Ctrl-D)";

/// Standard input or output failed during the game: the terminal's fault,
/// not the net's.
#[derive(Debug, thiserror::Error)]
pub enum Terminal {
    /// Reading the player's answer failed.
    #[error("cannot read standard input: {0}")]
    Read(std::io::Error),
    /// Writing the game failed.
    #[error("cannot write standard output: {0}")]
    Write(std::io::Error),
}

/// What a line typed at the game's prompt asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    /// Fire the binding at this index of the list (numbered from 1 on screen).
    Fire(usize),
    /// Take the last move back.
    Undo,
    /// Explain the game.
    Help,
    /// End the game.
    Quit,
    /// Nothing the game understands.
    Unknown,
}

/// The answer `line` gives when `choices` bindings are listed; commands
/// are read in any case, surrounding blanks ignored.
fn answer(line: &str, choices: usize) -> Answer {
    let word = line.trim().to_lowercase();
    match word.as_str() {
        "q" | "quit" | "exit" => Answer::Quit,
        "h" | "help" | "?" => Answer::Help,
        "undo" | "back" => Answer::Undo,
        _ => match word.parse::<usize>() {
            Ok(n) if (1..=choices).contains(&n) => Answer::Fire(n - 1),
            _ => Answer::Unknown,
        },
    }
}

/// A line of the player's input.
enum Line {
    /// The input has ended.
    End,
    /// A line, without its line break.
    Text(String),
    /// A line that is not UTF-8.
    NotUtf8,
}

/// A game in progress: the marking, the markings before each move (for
/// `undo`), and where the game reads and writes.
struct Game<'a, 'n> {
    played: &'a Played<'n>,
    input: &'a mut dyn BufRead,
    output: &'a mut dyn Write,
    /// Whether each answer read is written back, for input that no
    /// terminal shows (a pipe, a file), so that the output reads as a dialogue.
    echo: bool,
    marking: Marking,
    earlier: Vec<Marking>,
}

/// Plays the token game of `played` on `input` and `output`, from the
/// initial marking until the player quits or the input ends; `echo` writes
/// each answer back (for input no terminal shows). An error of the net
/// (a guard failing while the bindings are listed) ends it.
pub fn token_game(
    played: &Played<'_>,
    input: &mut dyn BufRead,
    output: &mut dyn Write,
    echo: bool,
) -> anyhow::Result<()> {
    Game {
        played,
        input,
        output,
        echo,
        marking: played.net.initial.clone(),
        earlier: Vec::new(),
    }
    .play()
}

impl Game<'_, '_> {
    /// Shows each marking reached and acts on the answers, until the end.
    fn play(&mut self) -> anyhow::Result<()> {
        loop {
            self.show_marking()?;
            let mut bindings = Vec::new();
            enabled_bindings(self.played.net, &self.marking, &mut bindings)?;
            if !self.list(&bindings)? {
                return Ok(self.summary()?);
            }
            if !self.answer_until_moved(&bindings)? {
                return Ok(self.summary()?);
            }
        }
    }

    /// The marking with the number of moves that led to it, and the
    /// invariants and bounds it violates.
    fn show_marking(&mut self) -> Result<(), Terminal> {
        let shown = indent(&self.played.show(&self.marking));
        let moves = counted(self.earlier.len() as u64, "step", "steps");
        self.say(format_args!("\nmarking after {moves}:\n{shown}\n"))?;
        self.show_violations()
    }

    /// Names the invariants and bounds of the net the marking violates, and
    /// says which could not be evaluated there and why.
    fn show_violations(&mut self) -> Result<(), Terminal> {
        let mut violated = Vec::new();
        for property in &self.played.net.properties {
            match property.violated_in(&self.marking) {
                Ok(Some(true)) => {
                    violated.push(format!("{} ({})", property.name, property.kind.keyword()))
                }
                Ok(_) => {}
                Err(e) => {
                    let error = render_error(&self.played.located(e.into()));
                    self.say(format_args!("cannot evaluate: {error}\n"))?;
                }
            }
        }
        if violated.is_empty() {
            return Ok(());
        }
        let list = violated.join(", ");
        self.say(format_args!("this marking violates {list}\n"))
    }

    /// Lists the enabled bindings by number, or says that the marking is
    /// dead; whether the game goes on (a binding to fire, or a move to
    /// take back).
    fn list(&mut self, bindings: &[Binding]) -> Result<bool, Terminal> {
        if bindings.is_empty() {
            let back = match self.earlier.is_empty() {
                true => "",
                false => "; undo goes back a move",
            };
            self.say(format_args!("dead marking: no binding is enabled{back}.\n"))?;
            return Ok(!self.earlier.is_empty());
        }
        self.say(format_args!("enabled:\n"))?;
        for (i, binding) in bindings.iter().enumerate() {
            let shown = binding.show(self.played.net);
            self.say(format_args!("  [{}] {shown}\n", i + 1))?;
        }
        Ok(true)
    }

    /// Reads answers until one moves (fires a binding or takes a move
    /// back), and then says the game goes on; `false` when it ends.
    fn answer_until_moved(&mut self, bindings: &[Binding]) -> Result<bool, Terminal> {
        let what = what_to_type(bindings.len());
        loop {
            self.prompt(bindings.len())?;
            let line = match self.read_line()? {
                Line::End => {
                    self.say(format_args!("\n"))?;
                    return Ok(false);
                }
                Line::NotUtf8 => {
                    let why = "that line is not valid UTF-8 (standard input)";
                    self.say(format_args!("{why}; {what}\n"))?;
                    continue;
                }
                Line::Text(line) => line,
            };
            let moved = match answer(&line, bindings.len()) {
                Answer::Fire(i) => self.fire(&bindings[i])?,
                Answer::Undo => self.undo()?,
                Answer::Help => self.say(format_args!("{HELP}\n")).map(|()| false)?,
                Answer::Quit => return Ok(false),
                Answer::Unknown => self.say(format_args!("please {what}\n")).map(|()| false)?,
            };
            if moved {
                return Ok(true);
            }
        }
    }

    /// Asks which binding to fire (at a dead marking: whether to undo).
    fn prompt(&mut self, choices: usize) -> Result<(), Terminal> {
        match choices {
            0 => self.say(format_args!("undo, h for help, q to quit? ")),
            n => self.say(format_args!("fire which (1-{n}), h for help, q to quit? ")),
        }
    }

    /// The next line of input, written back when `echo` is on.
    fn read_line(&mut self) -> Result<Line, Terminal> {
        let mut bytes = Vec::new();
        if self
            .input
            .read_until(b'\n', &mut bytes)
            .map_err(Terminal::Read)?
            == 0
        {
            return Ok(Line::End);
        }
        while bytes.last().is_some_and(|&b| b == b'\n' || b == b'\r') {
            bytes.pop();
        }
        if self.echo {
            let shown = escape_untrusted(&String::from_utf8_lossy(&bytes));
            self.say(format_args!("{shown}\n"))?;
        }
        Ok(match String::from_utf8(bytes) {
            Ok(text) => Line::Text(text),
            Err(_) => Line::NotUtf8,
        })
    }

    /// Fires `binding`, saying so; whether it fired. A binding whose firing
    /// fails (a token outside its place's type, say) is a fault of the net:
    /// the error is shown with its line, and the marking stays as it was.
    fn fire(&mut self, binding: &Binding) -> Result<bool, Terminal> {
        let shown = binding.show(self.played.net).to_string();
        match self.played.fire(&self.marking, binding) {
            Ok(next) => {
                self.earlier
                    .push(std::mem::replace(&mut self.marking, next));
                self.say(format_args!("fired {shown}\n"))?;
                Ok(true)
            }
            Err(e) => {
                let error = render_error(&self.played.located(e));
                self.say(format_args!(
                    "cannot fire {shown}: {error}\nthe marking stays as it was.\n"
                ))?;
                Ok(false)
            }
        }
    }

    /// Takes the last move back, saying so; whether there was one.
    fn undo(&mut self) -> Result<bool, Terminal> {
        match self.earlier.pop() {
            Some(before) => {
                self.marking = before;
                self.say(format_args!("took the last move back\n"))?;
                Ok(true)
            }
            None => {
                self.say(format_args!(
                    "nothing to undo: this is the initial marking\n"
                ))?;
                Ok(false)
            }
        }
    }

    /// The game's last line: how many moves led to the marking shown last.
    fn summary(&mut self) -> Result<(), Terminal> {
        let moves = counted(self.earlier.len() as u64, "move", "moves");
        self.say(format_args!("{moves}; the last marking is above.\n"))
    }

    /// Writes `text` and flushes it (a prompt must show before the answer).
    fn say(&mut self, text: std::fmt::Arguments<'_>) -> Result<(), Terminal> {
        (self.output.write_fmt(text))
            .and_then(|()| self.output.flush())
            .map_err(Terminal::Write)
    }
}

/// What the player may type when `choices` bindings are listed.
fn what_to_type(choices: usize) -> String {
    match choices {
        0 => "type undo, or h for help".to_string(),
        n => format!("type a number from 1 to {n}, or h for help"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_read_in_any_case() {
        for quit in ["q", "Q", "quit", "QUIT", "exit", " Exit "] {
            assert_eq!(answer(quit, 2), Answer::Quit, "{quit}");
        }
        for help in ["h", "H", "help", "Help", "?"] {
            assert_eq!(answer(help, 2), Answer::Help, "{help}");
        }
        for undo in ["undo", "UNDO", "back", "Back"] {
            assert_eq!(answer(undo, 0), Answer::Undo, "{undo}");
        }
    }

    #[test]
    fn a_number_picks_a_listed_binding_only() {
        assert_eq!(answer("1", 2), Answer::Fire(0));
        assert_eq!(answer(" 2\r", 2), Answer::Fire(1));
        for other in ["0", "3", "-1", "", "x", "1.0"] {
            assert_eq!(answer(other, 2), Answer::Unknown, "{other}");
        }
        assert_eq!(answer("1", 0), Answer::Unknown);
    }
}
