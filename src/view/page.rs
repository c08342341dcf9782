//! The HTML page: one self-contained file (style, script, drawings and data
//! inline; nothing is fetched when it is opened).

use anyhow::{Result, bail};
use serde::Serialize;

use super::picture::{Picture, PlaceInfo};
use super::svg::escape;
use super::trace::{Change, NamedTrace, render_multiset, text_items};

/// The page's style.
const CSS: &str = include_str!("assets/view.css");
/// The page's script (the trace stepper).
const JS: &str = include_str!("assets/view.js");

/// The reachability graph's part of the page.
pub enum Reachability {
    /// Drawn: the SVG, its number of states and of deadlocks.
    Drawn {
        /// The drawing.
        svg: String,
        /// Reachable states.
        states: usize,
        /// States without successors.
        deadlocks: usize,
    },
    /// Not drawn, and why.
    Omitted(String),
}

/// What the script reads: places and traces with names resolved to indices.
#[derive(Serialize)]
struct Data<'a> {
    places: &'a [PlaceInfo],
    traces: Vec<PageTrace>,
}

/// A trace resolved against the net and replayed from its initial marking
/// (made by [`bind`]).
#[derive(Serialize)]
pub struct PageTrace {
    title: String,
    steps: Vec<PageStep>,
}

#[derive(Serialize)]
struct PageStep {
    /// The firing transition's index.
    t: usize,
    transition: String,
    binding: String,
    changes: Vec<PageChange>,
}

#[derive(Serialize)]
struct PageChange {
    /// The place's index.
    p: usize,
    after: String,
    tokens: u64,
}

/// Resolves the traces' transition and place names against the net, and
/// replays each trace from the net's initial marking to know every changed
/// place's marking after each step. A name the net lacks means the trace is
/// of another net, which is an error.
pub fn bind(picture: &Picture, traces: &[NamedTrace]) -> Result<Vec<PageTrace>> {
    let mut bound = Vec::with_capacity(traces.len());
    for trace in traces {
        let mut marking: Vec<Vec<(String, u64)>> = picture
            .places
            .iter()
            .map(|p| text_items(&p.initial))
            .collect();
        let mut steps = Vec::with_capacity(trace.steps.len());
        for (i, step) in trace.steps.iter().enumerate() {
            let Some(t) = picture.transition(&step.transition) else {
                bail!(
                    "trace `{}`, step {}: the net {} has no transition `{}` (is the trace of another net?)",
                    trace.title,
                    i + 1,
                    picture.name,
                    step.transition
                );
            };
            let mut changes = Vec::with_capacity(step.changes.len());
            for c in &step.changes {
                let Some(p) = picture.place(&c.place) else {
                    bail!(
                        "trace `{}`, step {}: the net {} has no place `{}` (is the trace of another net?)",
                        trace.title,
                        i + 1,
                        picture.name,
                        c.place
                    );
                };
                let (after, tokens) = match &c.change {
                    Change::After { text, tokens } => {
                        marking[p] = text_items(text);
                        (text.clone(), *tokens)
                    }
                    Change::Delta { removed, added } => {
                        apply(&mut marking[p], removed, added);
                        let tokens = marking[p].iter().map(|(_, n)| n).sum();
                        (render_multiset(&marking[p]), tokens)
                    }
                };
                changes.push(PageChange { p, after, tokens });
            }
            steps.push(PageStep {
                t,
                transition: step.transition.clone(),
                binding: step.binding.clone(),
                changes,
            });
        }
        bound.push(PageTrace {
            title: trace.title.clone(),
            steps,
        });
    }
    Ok(bound)
}

/// Takes the `removed` tokens from a place's items and adds the `added` ones.
fn apply(items: &mut Vec<(String, u64)>, removed: &[(String, u64)], added: &[(String, u64)]) {
    for (value, n) in removed {
        if let Some(item) = items.iter_mut().find(|(v, _)| v == value) {
            item.1 = item.1.saturating_sub(*n);
        }
    }
    items.retain(|(_, n)| *n > 0);
    for (value, n) in added {
        match items.iter_mut().find(|(v, _)| v == value) {
            Some(item) => item.1 += n,
            None => items.push((value.clone(), *n)),
        }
    }
}

/// The page for `picture` drawn as `net_svg` (laid out by `layout_by`), with
/// its traces (bound to it by [`bind`]) and reachability graph.
pub fn render(
    picture: &Picture,
    net_svg: &str,
    layout_by: &str,
    traces: Vec<PageTrace>,
    reachability: &Reachability,
) -> Result<String> {
    let data = Data {
        places: &picture.places,
        traces,
    };
    // `</` would end the script element early.
    let json = serde_json::to_string(&data)?.replace("</", "<\\/");
    let name = escape(&picture.name);
    let description = picture
        .description
        .as_deref()
        .map(|d| format!("<p>{}</p>", escape(d)))
        .unwrap_or_default();
    let reach = match reachability {
        Reachability::Drawn {
            svg,
            states,
            deadlocks,
        } => format!(
            "<h2>Reachability graph: {states} states, {deadlocks} deadlock(s)</h2>\n\
             <p class=\"legend\">s0 (thick border) is the initial marking; red states have no \
             enabled transition (deadlocks). Hover a state for its marking, an arc for its \
             transition.</p>\n<div class=\"figure\">{svg}</div>"
        ),
        Reachability::Omitted(why) => format!(
            "<h2>Reachability graph</h2>\n<p class=\"note\">{}</p>",
            escape(why)
        ),
    };
    Ok(format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{name}: sesphr view</title>\n<style>\n{CSS}</style>\n</head>\n<body data-step=\"0\">\n\
         <header><h1>{name}</h1>{description}</header>\n<main>\n\
         <div class=\"figure\" id=\"net-figure\">{net_svg}</div>\n\
         <aside>\n<h2>Trace</h2>\n<select id=\"trace-select\" aria-label=\"trace\"></select>\n\
         <div class=\"controls\"><button id=\"prev\" type=\"button\">\u{2190} previous</button>\
         <button id=\"next\" type=\"button\">next \u{2192}</button><span id=\"step-counter\"></span></div>\n\
         <div id=\"step-text\"></div>\n\
         <div class=\"controls\">zoom <button id=\"zoom-out\" type=\"button\">\u{2212}</button>\
         <button id=\"zoom-in\" type=\"button\">+</button><button id=\"zoom-fit\" type=\"button\">fit</button></div>\n<h2>Marking</h2>\n<table id=\"marking\"></table>\n\
         <p class=\"legend\">Circles are places (green badge: tokens; hover for the marking), \
         boxes are transitions (hover for the guard). The firing transition is orange, the places \
         it changes are yellow. Layout: {}.</p>\n</aside>\n</main>\n<section>\n{reach}\n</section>\n\
         <script type=\"application/json\" id=\"view-data\">{json}</script>\n\
         <script>\n{JS}</script>\n</body>\n</html>\n",
        escape(layout_by)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::picture::TransitionInfo;
    use crate::view::trace::{PlaceChange, TraceStep};

    fn picture() -> Picture {
        Picture {
            name: "n</script>".into(),
            description: None,
            places: vec![PlaceInfo {
                name: "a".into(),
                ty: String::new(),
                initial: "{</script>}".into(),
                tokens: 1,
            }],
            transitions: vec![TransitionInfo {
                name: "t".into(),
                guard: None,
            }],
            arcs: Vec::new(),
        }
    }

    fn trace(transition: &str, place: &str) -> NamedTrace {
        NamedTrace {
            title: "x".into(),
            violation: true,
            steps: vec![TraceStep {
                transition: transition.into(),
                binding: String::new(),
                changes: vec![PlaceChange {
                    place: place.into(),
                    change: Change::After {
                        text: "{}".into(),
                        tokens: 0,
                    },
                }],
            }],
        }
    }

    #[test]
    fn the_page_is_self_contained_and_its_data_cannot_close_the_script() {
        let traces = bind(&picture(), &[trace("t", "a")]).unwrap();
        let page = render(
            &picture(),
            "<svg></svg>",
            "x",
            traces,
            &Reachability::Omitted("big".into()),
        )
        .unwrap();
        assert!(
            !page.contains("src=") && !page.contains("href="),
            "nothing fetched"
        );
        assert_eq!(
            page.matches("</script>").count(),
            2,
            "only the two script ends"
        );
        assert!(page.contains("\"t\":0"));
    }

    #[test]
    fn removed_and_added_tokens_are_replayed_from_the_initial_marking() {
        let mut items = text_items("{1, 2'x}");
        apply(
            &mut items,
            &[("x".into(), 1), ("1".into(), 1)],
            &[("(a, b)".into(), 1)],
        );
        assert_eq!(render_multiset(&items), "{x, (a, b)}");
    }

    #[test]
    fn a_trace_of_another_net_is_refused() {
        let err = bind(&picture(), &[trace("u", "a")])
            .err()
            .expect("an unknown transition");
        assert!(err.to_string().contains("no transition `u`"), "{err}");
        let err = bind(&picture(), &[trace("t", "b")])
            .err()
            .expect("an unknown place");
        assert!(err.to_string().contains("no place `b`"), "{err}");
    }
}
