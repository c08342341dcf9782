//! The documentation shows what the program does, as it does it today.
//!
//! Every `console` block of the README and of `docs/` is a transcript: each
//! `$ sesphr ARGS` line is run from the repository's root and what it prints
//! (standard output, then standard error) must be the lines below it, up to
//! the next `$` line; below `$ cat FILE`, the lines of that file of the
//! repository. Timings and the thread count are the only parts left
//! free, and a line `...` stands for any number of lines. Blocks marked
//! `text` are illustrations (placeholders, files not in the repository) and
//! are not run.
//!
//! The README's set-up promises what its main job prints, and its table
//! "Verifying SeSPHR" an exit code for each command, and for some a number
//! of states: each is run as written. Every
//! other command these documents show (in `sh` blocks and in inline code)
//! names only options its subcommand has, and the parameters it sets and
//! properties it names on a net of the repository are that net's own. Every
//! relative link of these documents leads to a file of the repository and,
//! where it names one, to a heading of that file; and every path of the
//! repository they name in the text exists.

mod support;

use std::path::{Path, PathBuf};

use regex::Regex;
use support::{sesphr, stderr, stdout};

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// The Markdown files the transcripts are read from.
fn documents() -> Vec<PathBuf> {
    let mut files = vec![repo("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(repo("docs"))
        .expect("docs/")
        .map(|entry| entry.expect("docs/ entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    files
}

/// One command of a transcript (its words, the program first), where it is
/// written, and what it printed.
struct Transcript {
    place: String,
    words: Vec<String>,
    expected: Vec<String>,
}

/// The lines of Markdown `text` outside the fences themselves, each with
/// its number (from 1) and the info string of the fenced block it lies in
/// (`None` outside any).
fn fenced_lines(text: &str) -> Vec<(usize, Option<&str>, &str)> {
    let mut lines = Vec::new();
    let mut fence: Option<&str> = None;
    for (number, line) in text.lines().enumerate() {
        if let Some(info) = line.trim_start().strip_prefix("```") {
            fence = match fence {
                Some(_) => None,
                None => Some(info.trim()),
            };
            continue;
        }
        lines.push((number + 1, fence, line));
    }
    lines
}

/// The `$` commands of the `console` blocks of `text`.
fn transcripts(file: &Path, text: &str) -> Vec<Transcript> {
    let name = file.file_name().expect("file name").to_string_lossy();
    let mut found: Vec<Transcript> = Vec::new();
    for (number, fence, line) in fenced_lines(text) {
        if fence != Some("console") {
            continue;
        }
        if let Some(command) = line.strip_prefix("$ ") {
            let words: Vec<String> = command.split_whitespace().map(str::to_string).collect();
            let program = words.first().map(String::as_str);
            assert!(
                (program == Some("sesphr") || (program == Some("cat") && words.len() == 2))
                    && !command.contains(['\'', '"', '|', '>', '<']),
                "{name}:{number}: a transcript runs `sesphr` with plain arguments, or `cat FILE`: {line}"
            );
            found.push(Transcript {
                place: format!("{name}:{number}"),
                words,
                expected: Vec::new(),
            });
        } else {
            let last = found.last_mut().unwrap_or_else(|| {
                panic!("{name}:{}: a console block starts with a `$` line", number)
            });
            last.expected.push(line.to_string());
        }
    }
    found
}

/// What the transcript's command `words` prints, and the command as a line:
/// `cat FILE` the file's text, `sesphr ARGS` the program's standard output
/// and then its standard error.
fn run(words: &[String]) -> (String, String) {
    let command = words.join(" ");
    let printed = match words {
        [cat, file] if cat == "cat" => {
            std::fs::read_to_string(repo(file)).unwrap_or_else(|e| panic!("`{command}`: {e}"))
        }
        _ => {
            let args: Vec<&str> = words[1..].iter().map(String::as_str).collect();
            let out = sesphr(&args);
            format!("{}{}", stdout(&out), stderr(&out))
        }
    };
    (printed, command)
}

/// `text` with what varies from run to run replaced: timings and the
/// number of threads.
fn normalised(text: &str) -> String {
    let seconds = Regex::new(r"\b\d+\.\d+ s\b").expect("regex");
    let threads = Regex::new(r"\b\d+ thread\(s\)").expect("regex");
    let text = seconds.replace_all(text, "<time> s");
    threads.replace_all(&text, "<n> thread(s)").into_owned()
}

/// The `sesphr` commands of `text` outside transcripts, each with its
/// line: the lines of `sh` blocks that run it (continued over trailing
/// backslashes), and inline code that starts with it. Each is cut at the
/// first shell operator or comment, so only its own words remain.
fn shown_commands(text: &str) -> Vec<(usize, String)> {
    let inline = Regex::new(r"`sesphr ([^`]+)`").expect("regex");
    let mut found = Vec::new();
    let mut continued: Option<(usize, String)> = None;
    for (number, fence, line) in fenced_lines(text) {
        match fence {
            Some("sh" | "bash" | "shell") => {
                let line = line.trim();
                let command = match continued.take() {
                    Some((start, words)) => Some((start, format!("{words} {line}"))),
                    None => ["sesphr ", "cargo run --release -- "]
                        .iter()
                        .find_map(|program| line.strip_prefix(program))
                        .map(|args| (number, args.to_string())),
                };
                if let Some((start, words)) = command {
                    match words.strip_suffix('\\') {
                        Some(words) => continued = Some((start, words.trim_end().to_string())),
                        None => found.push((start, words)),
                    }
                }
            }
            Some(_) => {}
            None => found.extend((inline.captures_iter(line)).map(|c| (number, c[1].to_string()))),
        }
    }
    for (_, command) in &mut found {
        if let Some(end) = command.find(['|', '>', '#', ';', '&']) {
            command.truncate(end);
        }
    }
    found
}

/// Every command [`shown_commands`] finds in the documents, with where it
/// is written (`FILE:LINE`).
fn every_shown_command() -> Vec<(String, String)> {
    let mut all = Vec::new();
    for file in documents() {
        let text = std::fs::read_to_string(&file).expect("read the document");
        let name = file.file_name().expect("file name").to_string_lossy();
        for (line, command) in shown_commands(&text) {
            all.push((format!("{name}:{line}"), command));
        }
    }
    all
}

/// What `sesphr SUBCOMMAND --help` prints.
fn help_of(subcommand: &[&str]) -> String {
    let out = sesphr(&[subcommand, &["--help"]].concat());
    assert!(out.status.success(), "sesphr {subcommand:?} --help");
    stdout(&out)
}

/// The options a help text lists.
fn options_in(help: &str) -> Vec<String> {
    let option = Regex::new(r"--[a-z][a-z0-9-]*").expect("regex");
    (option.find_iter(help))
        .map(|m| m.as_str().to_string())
        .collect()
}

/// The subcommands a help text lists (its `Commands:` section).
fn subcommands_in(help: &str) -> Vec<String> {
    (help.lines())
        .skip_while(|line| *line != "Commands:")
        .skip(1)
        .take_while(|line| line.starts_with("  "))
        .filter_map(|line| line.split_whitespace().next().map(str::to_string))
        .collect()
}

#[test]
fn commands_in_the_documentation_name_only_options_they_have() {
    let option = Regex::new(r"^\[?(--[a-z][a-z0-9-]*)").expect("regex");
    // Help texts by subcommand, each asked for once.
    let mut helps: std::collections::HashMap<Vec<String>, String> = Default::default();
    let mut help = |words: &[&str]| -> String {
        let key: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        (helps.entry(key).or_insert_with(|| help_of(words))).clone()
    };
    let mut checked = 0;
    for (place, command) in every_shown_command() {
        let words: Vec<&str> = command.split_whitespace().collect();
        // The subcommand's words (`ledger verify` has two): as deep as
        // each level's help lists them; a placeholder (`sesphr ARGS`)
        // names none and is not checked.
        let mut depth = 0;
        let mut text = help(&[]);
        while let Some(word) = words.get(depth)
            && subcommands_in(&text).iter().any(|c| c == word)
        {
            depth += 1;
            text = help(&words[..depth]);
        }
        if depth == 0 {
            continue;
        }
        let subcommand = &words[..depth];
        let known = options_in(&text);
        for word in &words[depth..] {
            if let Some(flag) = option.captures(word) {
                assert!(
                    known.iter().any(|o| *o == flag[1]),
                    "{place}: `sesphr {}` has no option {} (in `{command}`)",
                    subcommand.join(" "),
                    &flag[1]
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "only {checked} options found");
}

#[test]
fn parameters_and_properties_in_the_documentation_are_the_nets_own() {
    // Each shown command that names a net file of the repository and
    // overrides its parameters or names properties: the net loads with
    // those values (each a parameter it declares, within its bounds), and
    // each property is one of the net's or a standard one.
    let identifier = |word: &str| word.chars().all(|c| c.is_ascii_lowercase() || c == '_');
    let mut checked = 0;
    for (place, command) in every_shown_command() {
        let words: Vec<&str> = command.split_whitespace().collect();
        let nets: Vec<&str> = (words.iter().copied())
            .filter(|w| w.ends_with(".yaml") && repo(w).is_file())
            .collect();
        // Values written out, not placeholders (`...`, `NAME`).
        let given = |option: &str| -> Vec<&str> {
            (words.windows(2))
                .filter(|pair| pair[0] == option)
                .map(|pair| pair[1])
                .collect()
        };
        let params: Vec<&str> = (given("--param").into_iter())
            .filter(|p| p.split_once('=').is_some_and(|(name, _)| identifier(name)))
            .collect();
        let properties: Vec<&str> = (given("--property").into_iter())
            .filter(|p| identifier(&p.replace('-', "_")))
            .collect();
        let [net] = nets[..] else { continue };
        if params.is_empty() && properties.is_empty() {
            continue;
        }
        let mut args = vec!["validate", "--json", net];
        for param in &params {
            args.extend(["--param", param]);
        }
        let out = sesphr(&args);
        assert!(
            out.status.success(),
            "{place}: `sesphr {command}`: {}",
            stderr(&out)
        );
        let summary: serde_json::Value =
            serde_json::from_str(&stdout(&out)).expect("validate --json");
        let own: Vec<&str> = (summary["property_list"].as_array().expect("property_list"))
            .iter()
            .filter_map(|p| p["name"].as_str())
            .chain(["deadlock-free", "one-safe"])
            .collect();
        for property in properties {
            assert!(
                own.contains(&property),
                "{place}: {net} has no property `{property}` (in `sesphr {command}`)"
            );
        }
        checked += 1;
    }
    assert!(
        checked >= 15,
        "only {checked} commands with parameters or properties found"
    );
}

/// Whether `actual` is `expected`, where an expected line `...` stands for
/// any number of actual lines.
fn matches(expected: &[String], actual: &[String]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((first, rest)) if first.trim() == "..." => {
            (0..=actual.len()).any(|skip| matches(rest, &actual[skip..]))
        }
        Some((first, rest)) => actual
            .split_first()
            .is_some_and(|(line, others)| line == first && matches(rest, others)),
    }
}

#[test]
fn transcripts_in_the_documentation_are_what_the_program_prints() {
    let mut checked = 0;
    let mut differences = Vec::new();
    for file in documents() {
        let text = std::fs::read_to_string(&file).expect("read a document");
        for transcript in transcripts(&file, &text) {
            let (printed, command) = run(&transcript.words);
            let actual: Vec<String> = normalised(&printed).lines().map(str::to_string).collect();
            let expected: Vec<String> = (transcript.expected.iter())
                .map(|line| normalised(line))
                .collect();
            if !matches(&expected, &actual) {
                differences.push(format!(
                    "{}: `{command}` printed\n{}\n(the document says\n{})",
                    transcript.place,
                    actual.join("\n"),
                    expected.join("\n")
                ));
            }
            checked += 1;
        }
    }
    assert!(differences.is_empty(), "{}", differences.join("\n\n"));
    // The README's and docs/checker.md's examples at least: a parse that
    // finds nothing proves nothing.
    assert!(checked >= 4, "only {checked} transcripts found");
}

/// One row of the README's table "Verifying SeSPHR".
struct Promise {
    args: Vec<String>,
    exit: i32,
    states: Option<u64>,
}

/// The rows of the table that follows `## Verifying SeSPHR` in the README.
fn promises(readme: &str) -> Vec<Promise> {
    let row = Regex::new(r"^\| `sesphr ([^`|]+)` \| (\d) \| (.*)\|$").expect("regex");
    let states = Regex::new(r"\(([\d,]+) states\)").expect("regex");
    let section = readme
        .split("\n## Verifying SeSPHR\n")
        .nth(1)
        .expect("the README's section \"Verifying SeSPHR\"");
    let table = section.split("\n#").next().unwrap_or(section);
    table
        .lines()
        .filter_map(|line| row.captures(line))
        .map(|row| Promise {
            args: row[1].split_whitespace().map(str::to_string).collect(),
            exit: row[2].parse().expect("exit code"),
            states: states
                .captures(&row[3])
                .map(|n| n[1].replace(',', "").parse().expect("a count")),
        })
        .collect()
}

#[test]
fn the_readme_commands_exit_as_it_says() {
    let readme = std::fs::read_to_string(repo("README.md")).expect("README.md");
    let promises = promises(&readme);
    assert!(promises.len() >= 10, "{} rows found", promises.len());
    for promise in promises {
        let args: Vec<&str> = promise.args.iter().map(String::as_str).collect();
        let out = sesphr(&args);
        let command = format!("sesphr {}", args.join(" "));
        assert_eq!(
            out.status.code(),
            Some(promise.exit),
            "`{command}`\n{}{}",
            stdout(&out),
            stderr(&out)
        );
        if let Some(states) = promise.states {
            let summary = format!("state space complete: {states} states,");
            assert!(
                stdout(&out).contains(&summary),
                "`{command}` does not say `{summary}`:\n{}",
                stdout(&out)
            );
        }
    }
}

#[test]
fn the_main_job_prints_what_the_readme_says() {
    // The set-up's first command: exit 0, the lines and states promised.
    let readme = std::fs::read_to_string(repo("README.md")).expect("README.md");
    // The sentence may be wrapped anywhere.
    let promise = Regex::new(
        r"exits\s+0\s+when\s+all\s+hold,\s+printing\s+(\d+)\s+lines:\s+([\d,]+)\s+states",
    )
    .expect("regex");
    let said = promise
        .captures(&readme)
        .expect("the README describes the main job's output");
    let out = sesphr(&["check", "nets/sesphr.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let printed = stdout(&out);
    assert_eq!(printed.lines().count().to_string(), said[1], "{printed}");
    let summary = format!("state space complete: {} states,", said[2].replace(',', ""));
    assert!(printed.contains(&summary), "no `{summary}`:\n{printed}");
}

/// The anchors of the headings of a Markdown `text`, as GitHub makes them:
/// lower case, spaces as hyphens, punctuation but `-` and `_` dropped, and
/// `-1`, `-2`, ... after a repeated one.
fn anchors(text: &str) -> Vec<String> {
    let (mut seen, mut bases): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
    let mut fence = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fence = !fence;
        }
        let heading = line.trim_start_matches('#');
        if fence || heading.len() == line.len() || !heading.starts_with(' ') {
            continue;
        }
        let anchor: String = (heading.trim().chars())
            .filter_map(|c| match c {
                ' ' => Some('-'),
                c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
                _ => None,
            })
            .flat_map(char::to_lowercase)
            .collect();
        let repeats = bases.iter().filter(|base| **base == anchor).count();
        seen.push(match repeats {
            0 => anchor.clone(),
            n => format!("{anchor}-{n}"),
        });
        bases.push(anchor);
    }
    seen
}

#[test]
fn links_in_the_documentation_resolve() {
    let link = Regex::new(r"\]\(([^)\s]+)\)").expect("regex");
    let mut broken = Vec::new();
    let mut checked = 0;
    for file in documents() {
        let text = std::fs::read_to_string(&file).expect("read a document");
        let dir = file.parent().expect("a folder");
        for captures in link.captures_iter(&text) {
            let target = &captures[1];
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            checked += 1;
            let (path, anchor) = target.split_once('#').unwrap_or((target, ""));
            let linked = if path.is_empty() {
                file.clone()
            } else {
                dir.join(path)
            };
            let name = file.file_name().expect("file name").to_string_lossy();
            if !linked.exists() {
                broken.push(format!("{name}: `{target}`: no such file"));
            } else if !anchor.is_empty() && linked.extension().is_some_and(|e| e == "md") {
                let linked_text = std::fs::read_to_string(&linked).expect("read a document");
                if !anchors(&linked_text).iter().any(|a| a == anchor) {
                    broken.push(format!("{name}: `{target}`: no such heading"));
                }
            }
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
    assert!(checked >= 20, "only {checked} links found");
}

/// The lines of the crate's doctest (model/src/lib.rs), trimmed.
fn crate_doctest_lines() -> Vec<String> {
    let text = std::fs::read_to_string(repo("model/src/lib.rs")).expect("model/src/lib.rs");
    (text.lines())
        .filter_map(|line| line.strip_prefix("//!"))
        .map(|line| line.trim().to_string())
        .collect()
}

#[test]
fn the_rust_snippet_of_the_crypto_document_is_the_crates_doctest() {
    // Markdown code is not compiled: each line of the snippet, its comment
    // aside, must be a line of the doctest it quotes, which is.
    let doctest = crate_doctest_lines();
    let text = std::fs::read_to_string(repo("docs/crypto.md")).expect("docs/crypto.md");
    let snippet: Vec<(usize, &str)> = (fenced_lines(&text).into_iter())
        .filter(|(_, fence, _)| *fence == Some("rust"))
        .map(|(number, _, line)| (number, line.split("//").next().unwrap_or("").trim()))
        .filter(|(_, code)| !code.is_empty())
        .collect();
    assert!(!snippet.is_empty(), "docs/crypto.md shows no Rust snippet");
    for (number, code) in snippet {
        assert!(
            doctest.iter().any(|line| line == code),
            "docs/crypto.md:{number}: `{code}` is no line of the doctest of model/src/lib.rs"
        );
    }
}

#[test]
fn paths_in_the_documentation_exist() {
    // Paths of the repository named in the text (`nets/...`, `engine/...`,
    // in code or prose), from the root or from docs/: each exists. Left
    // out: what runs write (`reports/`), patterns, placeholders in capitals
    // or ellipses, and one-letter names (`nets/x.yaml`).
    let path = Regex::new(
        r"(?:^|[^\w/.-])((?:nets|tests|docs|scripts|engine|model|src|report|distributed|schema|benches|\.ci)/[\w./-]*)",
    )
    .expect("regex");
    let placeholder = Regex::new(r"[A-Z]{3}|\*|\.\.\.|(^|/)\w(\.|/|$)").expect("regex");
    let mut missing = Vec::new();
    let mut checked = 0;
    for file in documents() {
        let text = std::fs::read_to_string(&file).expect("read a document");
        let name = file
            .file_name()
            .expect("file name")
            .to_string_lossy()
            .into_owned();
        for (number, line) in text.lines().enumerate() {
            for captures in path.captures_iter(line) {
                let named = captures[1].trim_end_matches(['.', ',', ':', ';']);
                if placeholder.is_match(named) {
                    continue;
                }
                checked += 1;
                if !repo(named).exists() && !repo("docs").join(named).exists() {
                    missing.push(format!("{name}:{}: `{named}`: no such path", number + 1));
                }
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
    assert!(checked >= 300, "only {checked} paths found");
}

#[test]
fn anchors_are_made_as_github_makes_them() {
    let text = "# Set-up: two commands\n## `--unfold` and the P/T route\n```\n# not a heading\n```\n\
                ### Notes\n### Notes on more\n### Notes\n#no-space\n";
    assert_eq!(
        anchors(text),
        [
            "set-up-two-commands",
            "--unfold-and-the-pt-route",
            "notes",
            "notes-on-more",
            "notes-1"
        ]
    );
}
