//! The layout computed by Graphviz's `dot`, when it is installed.
//!
//! The graph goes to `dot -Tplain` with fixed node sizes and no labels (the
//! page draws its own); the node centres and edge splines come back in
//! points, origin bottom left, which are turned into SVG coordinates. A
//! `dot` that runs longer than [`DOT_TIMEOUT`] is killed.

use std::io::{Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::layout::{Graph, Layout};

/// Pixels per inch, the unit of `dot -Tplain`.
const PX: f64 = 72.0;
/// Margin around the drawing.
const MARGIN: f64 = 20.0;

/// The DOT text for `graph`; `round[i]` draws node `i` as a circle (else a box).
pub fn to_dot(graph: &Graph, round: &[bool]) -> String {
    let mut dot = String::from(
        "digraph g {\n  rankdir=LR; nodesep=0.4; ranksep=0.8;\n  node [fixedsize=true, label=\"\"];\n",
    );
    for (i, &(w, h)) in graph.sizes.iter().enumerate() {
        let shape = if round.get(i).copied().unwrap_or(false) {
            "circle"
        } else {
            "box"
        };
        dot += &format!(
            "  n{i} [shape={shape}, width={:.3}, height={:.3}];\n",
            w / PX,
            h / PX
        );
    }
    for &(a, b) in &graph.edges {
        dot += &format!("  n{a} -> n{b};\n");
    }
    dot.push_str("}\n");
    dot
}

/// How long `dot` may run before the built-in layout is used instead.
pub const DOT_TIMEOUT: Duration = Duration::from_secs(30);

/// Set once `dot` was killed for its time: the next drawings do not wait again.
static DOT_TIMED_OUT: AtomicBool = AtomicBool::new(false);

/// Runs `dot -Tplain` on `graph`; `None` when dot is missing, fails or
/// takes longer than [`DOT_TIMEOUT`] (it is then killed, not run again by
/// this process, and the caller uses the built-in layout).
pub fn layout(graph: &Graph, round: &[bool]) -> Option<Layout> {
    if DOT_TIMED_OUT.load(Ordering::Relaxed) {
        return None;
    }
    let mut child = Command::new("dot")
        .arg("-Tplain")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    // Written and read on their own threads, so that a `dot` that neither
    // reads nor writes cannot block this one past the deadline.
    let mut stdin = child.stdin.take()?;
    let text = to_dot(graph, round);
    std::thread::spawn(move || stdin.write_all(text.as_bytes()));
    let mut stdout = child.stdout.take()?;
    let reader = std::thread::spawn(move || {
        let mut out = String::new();
        stdout.read_to_string(&mut out).map(|_| out)
    });
    match finished_within(&mut child, DOT_TIMEOUT)? {
        Waited::Succeeded => {}
        Waited::Failed => return None,
        Waited::TimedOut => {
            DOT_TIMED_OUT.store(true, Ordering::Relaxed);
            return None;
        }
    }
    let plain = reader.join().ok()?.ok()?;
    parse_plain(&plain, graph)
}

/// How a program waited for ended.
#[derive(Debug, PartialEq)]
enum Waited {
    /// It exited with success.
    Succeeded,
    /// It exited with failure.
    Failed,
    /// It ran out of time and was killed.
    TimedOut,
}

/// Waits for `child` at most `limit`, killing it then (`None`: it could not
/// be waited for).
fn finished_within(child: &mut Child, limit: Duration) -> Option<Waited> {
    let deadline = Instant::now() + limit;
    loop {
        let waited = child.try_wait();
        if waited.is_err() {
            let _ = child.kill();
            let _ = child.wait();
        }
        if let Some(status) = waited.ok()? {
            return Some(if status.success() {
                Waited::Succeeded
            } else {
                Waited::Failed
            });
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Some(Waited::TimedOut);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// An edge of `dot -Tplain` output: tail, head, B-spline control points.
type Spline = (usize, usize, Vec<(f64, f64)>);

/// Reads `dot -Tplain` output for `graph` (nodes `n0`, `n1`, ...; edges in
/// the order given, matched by their endpoints).
pub fn parse_plain(text: &str, graph: &Graph) -> Option<Layout> {
    let mut height = None;
    let mut size = (0.0, 0.0);
    let mut centres = vec![None; graph.sizes.len()];
    let mut splines: Vec<Spline> = Vec::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        let num = |i: usize| f.get(i).and_then(|s| s.parse::<f64>().ok());
        let node = |i: usize| {
            f.get(i)
                .and_then(|s| s.trim_matches('"').strip_prefix('n'))
                .and_then(|s| s.parse::<usize>().ok())
        };
        match f.first().copied() {
            Some("graph") => {
                let (w, h) = (num(2)?, num(3)?);
                height = Some(h);
                size = (w * PX + 2.0 * MARGIN, h * PX + 2.0 * MARGIN);
            }
            Some("node") => {
                let i = node(1)?;
                let h = height?;
                *centres.get_mut(i)? = Some(point(num(2)?, num(3)?, h));
            }
            Some("edge") => {
                let (a, b, n) = (node(1)?, node(2)?, num(3)? as usize);
                let h = height?;
                let points = (0..n)
                    .map(|k| Some(point(num(4 + 2 * k)?, num(5 + 2 * k)?, h)))
                    .collect::<Option<Vec<_>>>()?;
                splines.push((a, b, points));
            }
            _ => {}
        }
    }
    let centres = centres.into_iter().collect::<Option<Vec<_>>>()?;
    let mut paths = Vec::with_capacity(graph.edges.len());
    let mut label_at = Vec::with_capacity(graph.edges.len());
    for &(a, b) in &graph.edges {
        let k = splines.iter().position(|(x, y, _)| (*x, *y) == (a, b))?;
        let (_, _, points) = splines.swap_remove(k);
        if points.len() < 4 || (points.len() - 1) % 3 != 0 {
            return None;
        }
        let mut d = format!("M{:.1},{:.1}", points[0].0, points[0].1);
        for c in points[1..].chunks(3) {
            d += &format!(
                " C{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}",
                c[0].0, c[0].1, c[1].0, c[1].1, c[2].0, c[2].1
            );
        }
        label_at.push(points[points.len() / 2]);
        paths.push(d);
    }
    Some(Layout {
        size,
        centres,
        paths,
        label_at,
    })
}

/// A point of `dot -Tplain` (inches, y up) in page pixels (y down, with margin).
fn point(x: f64, y: f64, height: f64) -> (f64, f64) {
    (x * PX + MARGIN, (height - y) * PX + MARGIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph() -> Graph {
        Graph {
            sizes: vec![(36.0, 36.0), (60.0, 30.0)],
            edges: vec![(0, 1), (1, 0)],
            starts: vec![0],
        }
    }

    #[test]
    fn plain_output_becomes_centres_and_bezier_paths() {
        let plain = "graph 1 2 1\n\
                     node n0 0.5 0.5 0.5 0.5 \"\" solid circle black lightgrey\n\
                     node n1 1.5 0.5 0.83 0.42 \"\" solid box black lightgrey\n\
                     edge n0 n1 4 0.75 0.5 1 0.5 1 0.5 1.1 0.5 solid black\n\
                     edge n1 n0 4 1.1 0.6 1 0.7 1 0.7 0.75 0.6 solid black\n\
                     stop\n";
        let l = parse_plain(plain, &graph()).expect("parsed");
        assert_eq!(l.centres, vec![(56.0, 56.0), (128.0, 56.0)]);
        assert_eq!(l.size, (184.0, 112.0));
        assert!(l.paths[0].starts_with("M74.0,56.0 C92.0,56.0"));
        assert!(l.paths[1].starts_with("M99.2,48.8"));
    }

    #[test]
    fn a_program_past_its_time_is_killed() {
        let started = Instant::now();
        let mut slow = Command::new("sleep").arg("10").spawn().unwrap();
        assert_eq!(
            finished_within(&mut slow, Duration::from_millis(100)),
            Some(Waited::TimedOut)
        );
        assert!(started.elapsed() < Duration::from_secs(5));
        let mut quick = Command::new("true").spawn().unwrap();
        assert_eq!(
            finished_within(&mut quick, Duration::from_secs(10)),
            Some(Waited::Succeeded)
        );
    }

    #[test]
    fn truncated_output_is_refused() {
        assert!(parse_plain("graph 1 2 1\nnode n0 0.5 0.5 0.5 0.5\n", &graph()).is_none());
    }

    #[test]
    fn dot_layout_matches_the_graph_when_dot_is_installed() {
        // Skipped where Graphviz is absent: the built-in layout is used there.
        if Command::new("dot").arg("-V").output().is_err() {
            eprintln!("dot not installed: Graphviz layout not exercised");
            return;
        }
        let l = layout(&graph(), &[true, false]).expect("dot lays the graph out");
        assert_eq!(l.centres.len(), 2);
        assert_eq!(l.paths.len(), 2);
        assert!(l.centres[0].0 < l.centres[1].0, "rankdir=LR");
    }
}
