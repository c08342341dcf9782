//! End-to-end tests of every `sesphr` subcommand on every example net.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// An example net and what `validate` must say about it.
struct Example {
    file: &'static str,
    name: &'static str,
    places: &'static [&'static str],
    transitions: &'static [&'static str],
    properties: usize,
    tokens: u64,
    params: &'static str,
    /// The properties as `validate` lists them: a line a kind.
    property_lines: &'static str,
}

const EXAMPLES: [Example; 6] = [
    Example {
        file: "mutex.yaml",
        name: "mutex",
        places: &["idle", "waiting", "critical", "lock"],
        transitions: &["request", "enter", "leave"],
        properties: 6,
        tokens: 3,
        params: "procs=2",
        property_lines: "invariant: mutual_exclusion, lock_or_holder\nreachable: first_can_enter, last_can_enter\ndeadlock-free: no_deadlock\nbound: lock_is_safe",
    },
    Example {
        file: "philosophers.yaml",
        name: "philosophers",
        places: &["thinking", "eating", "forks"],
        transitions: &["take_forks", "put_forks"],
        properties: 5,
        tokens: 10,
        params: "n=5",
        property_lines: "invariant: no_two_neighbours_eat, forks_conserved\nreachable: someone_eats, two_eat_at_once\ndeadlock-free: no_deadlock",
    },
    Example {
        file: "philosophers-deadlock.yaml",
        name: "philosophers-deadlock",
        places: &["thinking", "has_left", "eating", "forks"],
        transitions: &["take_left", "take_right", "put_forks"],
        properties: 2,
        tokens: 6,
        params: "n=3",
        property_lines: "invariant: no_two_neighbours_eat\ndeadlock-free: no_deadlock",
    },
    Example {
        file: "producer-consumer.yaml",
        name: "producer-consumer",
        places: &["next", "buffer", "free", "last"],
        transitions: &["produce", "consume"],
        properties: 4,
        tokens: 5,
        params: "capacity=3",
        property_lines: "bound: buffer_bound\ninvariant: slots_conserved\nreachable: buffer_fills\ndeadlock-free: no_deadlock",
    },
    Example {
        file: "bank.yaml",
        name: "bank",
        places: &["balance", "in_flight", "accounts"],
        transitions: &["send", "receive"],
        properties: 5,
        tokens: 6,
        params: "coins=4",
        property_lines: "invariant: coins_conserved, one_balance_each, no_self_transfer\nreachable: carol_gets_all\ndeadlock-free: no_deadlock",
    },
    Example {
        file: "counter.yaml",
        name: "counter",
        places: &["value"],
        transitions: &["step"],
        properties: 3,
        tokens: 1,
        params: "n=1000 (0 to 100000000)",
        property_lines: "invariant: within_range\nreachable: reaches_n\ndeadlock-free: stops_only_at_n",
    },
];

fn path(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("nets/examples")
        .join(file)
}

fn sesphr(args: &[&str], net: &Path) -> Output {
    sesphr_with_input(args, net, None)
}

fn sesphr_with_input(args: &[&str], net: &Path, input: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sesphr"))
        .arg(args[0])
        .arg(net)
        .args(&args[1..])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the sesphr binary runs");
    let mut stdin = child.stdin.take().expect("piped stdin");
    if let Some(text) = input {
        stdin.write_all(text).expect("input written");
    }
    drop(stdin);
    child.wait_with_output().expect("the program ends")
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}, stderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).expect("UTF-8 output")
}

// ---- validate ----------------------------------------------------------------

#[test]
fn validate_accepts_every_example_with_a_summary() {
    for ex in &EXAMPLES {
        let net = path(ex.file);
        let text = stdout(&sesphr(&["validate"], &net));
        // `1 place`, `2 places`.
        let counted = |n: u64, one: &str, many: &str| match n {
            1 => format!("1 {one}"),
            n => format!("{n} {many}"),
        };
        let summary = format!(
            "{}: valid net `{}`: {}, {}, {}, {}\nparameters: {}\n{}\n",
            net.display(),
            ex.name,
            counted(ex.places.len() as u64, "place", "places"),
            counted(ex.transitions.len() as u64, "transition", "transitions"),
            counted(ex.properties as u64, "property", "properties"),
            counted(ex.tokens, "initial token", "initial tokens"),
            ex.params,
            ex.property_lines
        );
        assert_eq!(text, summary);
    }
}

#[test]
fn validate_applies_parameter_overrides() {
    let net = path("philosophers.yaml");
    let text = stdout(&sesphr(&["validate", "--param", "n=12"], &net));
    assert!(
        text.contains("24 initial tokens") && text.contains("\nparameters: n=12\n"),
        "{text}"
    );
    // Declared bounds follow a parameter's value.
    let sesphr_net = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("nets/sesphr.yaml");
    let text = stdout(&sesphr(&["validate", "--param", "roles=3"], &sesphr_net));
    assert!(
        text.contains("partitions=1 (1 to 4), patients=1 (at least 1),")
            && text.contains(" roles=3 (1 to 5), ")
            && text.contains(" key_mode=delegated, "),
        "{text}"
    );
}

// ---- simulate ----------------------------------------------------------------

/// The steps of a simulation's output: `(number, transition name)`.
fn steps(text: &str) -> Vec<(u64, String)> {
    text.lines()
        .filter_map(|l| {
            let mut words = l.split_whitespace();
            let n = words.next()?.parse().ok()?;
            Some((n, words.next()?.to_string()))
        })
        .collect()
}

#[test]
fn simulate_with_a_seed_prints_the_same_run_twice() {
    for ex in &EXAMPLES {
        let net = path(ex.file);
        let args = ["simulate", "--steps", "25", "--seed", "42"];
        let first = stdout(&sesphr(&args, &net));
        assert_eq!(first, stdout(&sesphr(&args, &net)), "{}", ex.file);
        assert!(
            first.starts_with(&format!("net `{}`, seed 42, at most 25 steps\n", ex.name)),
            "{first}"
        );
        let run = steps(&first);
        assert!(!run.is_empty(), "{first}");
        for (i, (n, transition)) in run.iter().enumerate() {
            assert_eq!(*n, i as u64 + 1, "{first}");
            assert!(ex.transitions.contains(&transition.as_str()), "{first}");
        }
        let stop = if run.len() == 25 {
            "stopped: step limit reached after 25 steps\n"
        } else {
            "stopped: dead marking after"
        };
        assert!(first.contains(stop), "{first}");
        assert!(first.contains("final marking:\n"), "{first}");
    }
}

#[test]
fn live_examples_run_to_the_step_limit_and_seeds_matter() {
    for file in [
        "mutex.yaml",
        "philosophers.yaml",
        "producer-consumer.yaml",
        "bank.yaml",
    ] {
        let net = path(file);
        let runs: HashSet<String> = (1..=6)
            .map(|seed| {
                let seed = seed.to_string();
                let text = stdout(&sesphr(
                    &["simulate", "--steps", "40", "--seed", &seed],
                    &net,
                ));
                assert!(
                    text.contains("stopped: step limit reached after 40 steps"),
                    "{file} is deadlock-free: {text}"
                );
                assert_eq!(steps(&text).len(), 40);
                text.lines().skip(1).collect::<Vec<_>>().join("\n")
            })
            .collect();
        assert!(runs.len() > 1, "{file}: six seeds gave one run");
    }
}

#[test]
fn philosophers_deadlock_reaches_a_dead_marking_for_some_seed() {
    let net = path("philosophers-deadlock.yaml");
    let dead = (1..=40).find_map(|seed| {
        let seed = seed.to_string();
        let text = stdout(&sesphr(
            &["simulate", "--steps", "200", "--seed", &seed],
            &net,
        ));
        text.contains("stopped: dead marking after").then_some(text)
    });
    let text = dead.expect("some seed of 40 deadlocks within 200 steps");
    // The dead marking: every philosopher holds its left fork.
    assert!(
        text.ends_with("final marking:\n  has_left: {1, 2, 3}\n"),
        "{text}"
    );
}

#[test]
fn simulate_reports_a_run_time_error_with_the_transition() {
    let dir = std::env::temp_dir().join(format!("sesphr-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let net = dir.join("overflow.yaml");
    std::fs::write(
        &net,
        "types:\n  Slot: { range: [1, 3] }\nplaces:\n  at: { type: Slot, init: [\"1\"] }\ntransitions:\n  advance:\n    in: { at: [i] }\n    out: { at: [\"i + 1\"] }\n",
    )
    .expect("written");
    let out = sesphr(&["simulate", "--steps", "10"], &net);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("transition `advance` puts `4` in place `at`, outside its type Slot"),
        "{stderr}"
    );
    // At the output arc's item that put it, quoted.
    assert!(stderr.contains("overflow.yaml:8:18: "), "{stderr}");
    assert!(
        stderr.contains("8 |     out: { at: [\"i + 1\"] }"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).expect("cleaned up");
}

// ---- simulate --interactive ------------------------------------------------------

/// What the token game of the net at `net` prints for the bytes `input`.
fn play_bytes(net: &Path, input: &[u8]) -> String {
    let out = sesphr_with_input(&["simulate", "--interactive"], net, Some(input));
    stdout(&out)
}

/// What the token game of the example `file` prints for `input`.
fn play(file: &str, input: &str) -> String {
    play_bytes(&path(file), input.as_bytes())
}

/// A scratch directory for nets a test writes, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("sesphr-cli-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        Scratch(dir)
    }

    /// Writes `text` to the file `name` of the directory; its path.
    fn file(&self, name: &str, text: &str) -> PathBuf {
        let file = self.0.join(name);
        std::fs::write(&file, text).expect("written");
        file
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn the_token_game_fires_the_binding_picked_by_number() {
    let text = play("mutex.yaml", "2\nq\n");
    assert!(text.starts_with("\nmarking after 0 steps:\n  idle: {1, 2}\n  lock: {()}\nenabled:\n  [1] request (p=1)\n  [2] request (p=2)\n"), "{text}");
    // Piped answers are written back after the prompt, like typed ones.
    assert!(
        text.contains("fire which (1-2), h for help, q to quit? 2\nfired request (p=2)\n"),
        "{text}"
    );
    assert!(
        text.contains("marking after 1 step:\n  idle: {1}\n  waiting: {2}\n  lock: {()}\n"),
        "{text}"
    );
    // `q` quits at the second prompt: nothing more is fired, and the last
    // line says how far the game went.
    assert_eq!(text.matches("fired").count(), 1, "{text}");
    assert!(
        text.ends_with("q to quit? q\n1 move; the last marking is above.\n"),
        "{text}"
    );
}

#[test]
fn the_token_game_reprompts_after_a_bad_answer() {
    let text = play("mutex.yaml", "x\n0\n3\n\n1\nquit\n");
    assert_eq!(
        text.matches("please type a number from 1 to 2, or h for help\n")
            .count(),
        4,
        "{text}"
    );
    assert!(text.contains("fired request (p=1)\n"), "{text}");
    assert_eq!(text.matches("fired").count(), 1, "{text}");
}

#[test]
fn the_token_game_ends_at_the_end_of_input() {
    for ex in &EXAMPLES {
        let text = play(ex.file, "");
        assert!(text.contains("enabled:\n  [1] "), "{text}");
        // The last line ends the prompt's line, then says where the game stopped.
        assert!(
            text.ends_with("q to quit? \n0 moves; the last marking is above.\n"),
            "{text}"
        );
        assert!(!text.contains("fired"), "{text}");
        // Two steps, then the input ends.
        let text = play(ex.file, "1\n1\n");
        assert_eq!(text.matches("fired").count(), 2, "{}: {text}", ex.file);
        assert!(
            text.ends_with("\n2 moves; the last marking is above.\n"),
            "{text}"
        );
    }
}

#[test]
fn the_token_game_says_when_the_marking_is_dead() {
    // Each philosopher in turn takes the left fork: nobody can go on.
    let text = play("philosophers-deadlock.yaml", "1\n1\n1\n");
    assert!(text.contains("fired take_left (p=1)\n"), "{text}");
    assert!(text.contains("fired take_left (p=3)\n"), "{text}");
    assert!(
        text.ends_with("marking after 3 steps:\n  has_left: {1, 2, 3}\ndead marking: no binding is enabled; undo goes back a move.\nundo, h for help, q to quit? \n3 moves; the last marking is above.\n"),
        "{text}"
    );
    // From the dead marking a move is taken back; a number is no answer there.
    let text = play("philosophers-deadlock.yaml", "1\n1\n1\n1\nundo\nq\n");
    assert!(
        text.contains("undo, h for help, q to quit? 1\nplease type undo, or h for help\n"),
        "{text}"
    );
    assert!(
        text.contains("took the last move back\n\nmarking after 2 steps:\n  thinking: {3}\n  has_left: {1, 2}\n"),
        "{text}"
    );
    assert!(
        text.ends_with("2 moves; the last marking is above.\n"),
        "{text}"
    );
}

#[test]
fn the_token_game_takes_moves_back() {
    let text = play("mutex.yaml", "2\nBACK\nundo\n1\nq\n");
    let markings: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("marking after"))
        .collect();
    assert_eq!(
        markings,
        [
            "marking after 0 steps:",
            "marking after 1 step:",
            "marking after 0 steps:",
            "marking after 1 step:"
        ],
        "{text}"
    );
    assert_eq!(
        text.matches("took the last move back\n").count(),
        1,
        "{text}"
    );
    // Nothing is left to take back at the initial marking: the game asks again.
    assert!(
        text.contains("q to quit? undo\nnothing to undo: this is the initial marking\nfire which (1-2), h for help, q to quit? 1\nfired request (p=1)\n"),
        "{text}"
    );
    assert!(
        text.ends_with("  idle: {2}\n  waiting: {1}\n  lock: {()}\nenabled:\n  [1] request (p=2)\n  [2] enter (p=1)\nfire which (1-2), h for help, q to quit? q\n1 move; the last marking is above.\n"),
        "{text}"
    );
}

#[test]
fn the_token_game_explains_itself_and_reads_commands_in_any_case() {
    for help in ["help", "HELP", "h", "?"] {
        let text = play("mutex.yaml", &format!("{help}\nq\n"));
        for words in [
            "Each numbered line is an enabled binding",
            "undo (or back)   take the last move back",
        ] {
            assert!(text.contains(words), "{help}: {text}");
        }
        assert!(!text.contains("please type"), "{help}: {text}");
    }
    for quit in ["q", "Q", "quit", "QUIT", "exit", "Exit"] {
        let text = play("mutex.yaml", &format!("{quit}\n1\n"));
        assert!(!text.contains("fired"), "{quit}: {text}");
        assert!(
            text.ends_with(&format!(
                "q to quit? {quit}\n0 moves; the last marking is above.\n"
            )),
            "{quit}: {text}"
        );
    }
}

#[test]
fn the_token_game_refuses_a_line_that_is_not_utf8_and_goes_on() {
    let out = sesphr_with_input(
        &["simulate", "--interactive"],
        &path("mutex.yaml"),
        Some(b"\xff\n1\nq\n"),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.is_empty(), "{stderr}");
    let text = stdout(&out);
    assert!(
        text.contains("that line is not valid UTF-8 (standard input); type a number from 1 to 2, or h for help\n"),
        "{text}"
    );
    assert!(!text.contains("mutex.yaml"), "{text}");
    assert!(text.contains("fired request (p=1)\n"), "{text}");
}

#[test]
fn the_token_game_shows_a_failed_firing_and_keeps_the_marking() {
    let dir = Scratch::new("outrange");
    let net = dir.file(
        "outrange.yaml",
        "types:\n  N: { range: [0, 3] }\nplaces:\n  P: { type: N, init: [\"0\"] }\ntransitions:\n  inc:\n    in: { P: [x] }\n    out: { P: [\"x + 1\"] }\n",
    );
    // The binding x=3 is enabled; its firing puts 4, outside the type.
    let text = play_bytes(&net, b"1\n1\n1\n1\n1\nundo\nq\n");
    assert!(text.contains("  [1] inc (x=3)\n"), "{text}");
    let failure = format!(
        "cannot fire inc (x=3): {}:8:17: transition `inc` puts `4` in place `P`, outside its type N\n",
        net.display()
    );
    assert_eq!(text.matches(&failure).count(), 2, "{text}");
    assert!(text.contains("8 |     out: { P: [\"x + 1\"] }\n"), "{text}");
    assert!(
        text.contains("the marking stays as it was.\nfire which (1-1), h for help, q to quit? 1\n"),
        "{text}"
    );
    assert!(!text.contains("marking after 4 steps"), "{text}");
    assert!(
        text.ends_with("marking after 2 steps:\n  P: {2}\nenabled:\n  [1] inc (x=2)\nfire which (1-1), h for help, q to quit? q\n2 moves; the last marking is above.\n"),
        "{text}"
    );
    // A random run stops there, as before, with exit 2.
    let out = sesphr(&["simulate"], &net);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_token_game_names_the_invariants_and_bounds_a_marking_violates() {
    // The example mutex with `enter` no longer taking the lock.
    let mutex = std::fs::read_to_string(path("mutex.yaml")).expect("read");
    let taking = "in:  { waiting: [\"p\"], lock: [\"()\"] }";
    assert!(mutex.contains(taking), "{mutex}");
    let dir = Scratch::new("no-lock");
    let net = dir.file(
        "no-lock.yaml",
        &mutex.replace(taking, "in:  { waiting: [\"p\"] }"),
    );
    // Both request, both enter, the first leaves (and puts a second lock).
    let text = play_bytes(&net, b"1\n1\n1\n1\n1\n");
    let reports: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("this marking violates"))
        .collect();
    assert_eq!(
        reports,
        [
            "this marking violates lock_or_holder (invariant)",
            "this marking violates mutual_exclusion (invariant), lock_or_holder (invariant)",
            "this marking violates lock_or_holder (invariant), lock_is_safe (bound)"
        ],
        "{text}"
    );
    assert!(
        text.contains("  critical: {1, 2}\n  lock: {()}\nthis marking violates mutual_exclusion (invariant), lock_or_holder (invariant)\nenabled:\n"),
        "{text}"
    );
    // The example itself violates none.
    let text = play("mutex.yaml", "1\n1\n2\n1\n");
    assert!(!text.contains("violates"), "{text}");
}

#[test]
fn the_token_game_shows_a_property_that_fails_to_evaluate_and_goes_on() {
    let net = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/division-by-zero.yaml");
    let text = play_bytes(&net, b"1\nq\n");
    let failure = format!(
        "cannot evaluate: {}:15:21: in property `positive`: division by zero\n",
        net.display()
    );
    // In the initial marking and in the one the move leads to.
    assert_eq!(text.matches(&failure).count(), 2, "{text}");
    assert!(text.contains("fired noop (x=1)\n"), "{text}");
    assert!(
        text.ends_with("1 move; the last marking is above.\n"),
        "{text}"
    );
}

/// The token game's transcript in docs/token-game.md is what the game
/// prints for the answers written in it (the documentation tests run no
/// transcript that reads standard input).
#[test]
fn the_token_game_prints_the_transcript_of_its_documentation() {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/token-game.md"))
            .expect("read");
    let command = "```text\n$ sesphr simulate nets/examples/mutex.yaml --interactive\n";
    let start = doc.find(command).expect("the transcript") + command.len();
    let transcript = &doc[start..start + doc[start..].find("```").expect("its end")];
    let answers: String = (transcript.lines())
        .filter_map(|line| line.split_once("q to quit? "))
        .map(|(_, answer)| format!("{answer}\n"))
        .collect();
    assert!(answers.contains("undo\n"), "{answers}");
    assert_eq!(play("mutex.yaml", &answers), transcript);
}

#[test]
fn a_pt_net_shows_its_places_as_token_counts() {
    let net = Path::new(env!("CARGO_MANIFEST_DIR")).join("nets/pnml/mutex.pnml");
    let text = play_bytes(&net, b"1\n");
    assert!(
        text.starts_with("\nmarking after 0 steps:\n  idle_a: 1\n  idle_b: 1\n  lock: 1\nenabled:\n  [1] enter_a\n  [2] enter_b\n"),
        "{text}"
    );
    assert!(
        text.contains("marking after 1 step:\n  idle_b: 1\n  in_a: 1\n  cs: 1\n"),
        "{text}"
    );
    let text = stdout(&sesphr(&["simulate", "--max-steps", "2"], &net));
    assert!(text.contains("final marking:\n  idle_a: 1\n"), "{text}");
    assert!(!text.contains("()"), "{text}");
}

// ---- graph -------------------------------------------------------------------------

/// The node ids, node labels and edges of a DOT text, checking the framing.
fn parse_dot(text: &str) -> (HashSet<String>, Vec<String>, Vec<(String, String)>) {
    let mut lines = text.lines();
    let first = lines.next().expect("a first line");
    assert!(
        first.starts_with("digraph \"") && first.ends_with("\" {"),
        "{text}"
    );
    assert!(text.ends_with("}\n"), "{text}");
    let mut nodes = HashSet::new();
    let mut labels = Vec::new();
    let mut edges = Vec::new();
    for line in lines {
        let line = line.trim();
        if line == "}" || line == "rankdir=LR;" {
            continue;
        }
        assert!(line.ends_with("];"), "unterminated statement `{line}`");
        let label = line
            .split_once("label=\"")
            .and_then(|(_, rest)| rest.strip_suffix("\"];"))
            .unwrap_or_else(|| panic!("no label in `{line}`"));
        assert!(
            !label.replace("\\\"", "").contains('"'),
            "unescaped quote in `{line}`"
        );
        let head = line.split_once(" [").expect("attributes").0;
        match head.split_once(" -> ") {
            Some((a, b)) => edges.push((a.to_string(), b.to_string())),
            None => {
                assert!(nodes.insert(head.to_string()), "node {head} declared twice");
                labels.push(label.to_string());
            }
        }
    }
    (nodes, labels, edges)
}

#[test]
fn graph_prints_well_formed_dot_with_every_place_and_transition() {
    for ex in &EXAMPLES {
        let text = stdout(&sesphr(&["graph", "--format", "dot"], &path(ex.file)));
        let (nodes, labels, edges) = parse_dot(&text);
        assert_eq!(
            nodes.len(),
            ex.places.len() + ex.transitions.len(),
            "{text}"
        );
        for (a, b) in &edges {
            assert!(
                nodes.contains(a) && nodes.contains(b),
                "edge {a} -> {b} of undeclared nodes"
            );
        }
        for name in ex.places.iter().chain(ex.transitions) {
            assert!(
                labels
                    .iter()
                    .any(|l| l == name || l.starts_with(&format!("{name}\\n"))),
                "{name} has no node:\n{text}"
            );
        }
        // Every transition has an arc; the net is bipartite.
        assert!(edges.len() >= ex.transitions.len(), "{text}");
        assert!(text.contains(&format!("digraph \"{}\" {{", ex.name)));
    }
    // The default format is DOT.
    let net = path("mutex.yaml");
    assert_eq!(
        stdout(&sesphr(&["graph"], &net)),
        stdout(&sesphr(&["graph", "--format", "dot"], &net))
    );
}

#[test]
fn graph_shows_arc_inscriptions_and_guards() {
    let text = stdout(&sesphr(&["graph"], &path("philosophers.yaml")));
    assert!(text.contains("[label=\"p, p % n + 1\"]"), "{text}");
    // Long inscriptions and guards are shortened; their whole text is the tooltip.
    let sesphr_net = Path::new(env!("CARGO_MANIFEST_DIR")).join("nets/sesphr.yaml");
    let text = stdout(&sesphr(&["graph"], &sesphr_net));
    let labels: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split_once("label=\"").map(|(_, rest)| rest))
        .collect();
    assert!(labels.len() > 50, "{text}");
    for label in &labels {
        let shown = label.trim_end_matches("\"];");
        for line in shown.split("\\n") {
            assert!(line.chars().count() <= 42, "`{line}` is too long");
        }
    }
    assert!(text.contains("labeltooltip=\"(cloud, learn(kc, "), "{text}");
    let text = stdout(&sesphr(&["graph"], &path("philosophers.yaml")));
    // Places show their token count, not their marking, which is a tooltip.
    assert!(
        text.contains("tooltip=\"{1, 2, 3, 4, 5}\", label=\"thinking\\n: Phil\\n(5 tokens)\"]"),
        "{text}"
    );
    let text = stdout(&sesphr(&["graph"], &path("producer-consumer.yaml")));
    assert!(
        text.contains("[label=\"(i + 1) % (capacity + 1)\"]"),
        "{text}"
    );
}

// ---- bad input -----------------------------------------------------------------

#[test]
fn every_subcommand_refuses_a_missing_net_with_exit_code_2() {
    let missing = path("no-such-net.yaml");
    for args in [
        &["validate"][..],
        &["simulate", "--steps", "3"],
        &["simulate", "--interactive"],
        &["graph"],
    ] {
        let out = sesphr(args, &missing);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(&missing.display().to_string()), "{stderr}");
    }
}

#[test]
fn usage_errors_exit_with_code_2() {
    let net = path("mutex.yaml");
    for args in [
        &["simulate", "--interactive", "--seed", "3"][..],
        &["graph", "--format", "svg"],
        &["validate", "--param", "procs"],
        &["simulate", "--steps", "many"],
        // Flags that do not apply are refused, not ignored.
        &["graph", "--max-states", "5"],
        &["smt", "--depth", "2", "--solver", "z3"],
    ] {
        let out = sesphr(args, &net);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

/// With `--json`, a command line that is refused is reported on standard
/// output too, as the `{file, error}` of bad input (clap's message stays on
/// standard error).
#[test]
fn usage_errors_under_json_print_the_error_json() {
    let net = path("mutex.yaml");
    for (args, message) in [
        (&["check", "--json", "--full"][..], "cannot be used with"),
        (
            &["check", "--json", "--bogus"],
            "unexpected argument '--bogus'",
        ),
        (&["check", "--json", "--seed", "3"], "--seed only applies"),
        (
            &["validate", "--param", "procs", "--json"],
            "is not NAME=VALUE",
        ),
    ] {
        let out = sesphr(args, &net);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        let value: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: no JSON on stdout ({e})"));
        assert!(value.is_object(), "{value}");
        assert_eq!(
            value["valid"],
            if args[0] == "validate" {
                false.into()
            } else {
                serde_json::Value::Null
            }
        );
        assert_eq!(value["file"], net.display().to_string(), "{value}");
        let error = value["error"].as_str().expect("a message");
        assert!(error.contains(message), "{args:?}: {error}");
    }
}

/// Every command's `--help` ends with what its exit codes mean.
#[test]
fn every_help_lists_the_exit_codes() {
    let commands: &[&[&str]] = &[
        &[],
        &["validate"],
        &["simulate"],
        &["check"],
        &["mutate"],
        &["mcc"],
        &["smt"],
        &["graph"],
        &["demo"],
        &["ledger", "verify"],
        &["ledger", "show"],
        &["ledger", "head"],
        &["ledger", "prove"],
        &["ledger", "check-proof"],
        &["audit"],
        &["schema"],
        &["view"],
        &["report"],
    ];
    for command in commands {
        let out = Command::new(env!("CARGO_BIN_EXE_sesphr"))
            .args(*command)
            .arg("--help")
            .output()
            .expect("run sesphr");
        let help = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{command:?}");
        assert!(help.contains("Exit codes: 0 "), "{command:?}: {help}");
    }
}

/// Regression: `sesphr simulate NET --steps 100000 | head -1` panicked with
/// "failed printing to stdout: Broken pipe" when `head` closed the pipe.
#[test]
fn a_reader_that_stops_early_does_not_make_the_program_panic() {
    use std::io::{BufRead, BufReader};
    // 20 000 philosophers: the DOT text (their initial marking) outgrows a pipe's buffer.
    for args in [
        &["simulate", "--steps", "1000000"][..],
        &["graph", "--param", "n=20000"],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_sesphr"))
            .arg(args[0])
            .arg(path("philosophers.yaml"))
            .args(&args[1..])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the sesphr binary runs");
        let mut first = String::new();
        BufReader::new(child.stdout.take().expect("piped stdout"))
            .read_line(&mut first)
            .expect("one line");
        // The reader is dropped here: the pipe is closed.
        let out = child.wait_with_output().expect("the program ends");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!first.is_empty());
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
    }
}

/// A check with no property at all (none declared, none asked for) says so
/// on standard error, exit code unchanged; asked for one, it does not.
#[test]
fn a_check_of_no_property_says_so() {
    let net = Path::new(env!("CARGO_MANIFEST_DIR")).join("nets/pnml/mutex-broken.pnml");
    let out = sesphr(&["check"], &net);
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("declares no property and none was asked for")
            && stderr.contains("--property deadlock-free"),
        "{stderr}"
    );
    let out = sesphr(&["check", "--json"], &net);
    assert_eq!(out.status.code(), Some(0));
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON only");
    assert_eq!(value["properties"], serde_json::json!([]));
    let out = sesphr(&["check", "--property", "one-safe"], &net);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The bounded and random engines say so too (walks decide nothing: 3).
    for (engine, code) in [
        (["--engine", "smt", "--depth", "2"], 0),
        (["--engine", "random", "--walks", "5"], 3),
    ] {
        let out = sesphr(&[&["check"][..], &engine[..]].concat(), &net);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{engine:?}: {stderr}");
        assert!(
            stderr.contains("declares no property and none was asked for"),
            "{engine:?}: {stderr}"
        );
    }
}
