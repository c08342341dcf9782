//! The HTML page: one self-contained file (style, script, drawings and data
//! inline; nothing is fetched when it is opened).

use anyhow::Result;
use serde::Serialize;

use super::picture::{Picture, PlaceInfo};
use super::replay::PageTrace;
use super::svg::escape;

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

/// The page for `picture` drawn as `net_svg` (laid out by `layout_by`), with
/// its traces (replayed on it by [`super::replay::replay`]) and reachability graph.
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
    let json = script_json(&serde_json::to_string(&data)?);
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

/// JSON made safe inside a `<script>` element: every `<`, `>` and `&` and
/// the line separators U+2028 and U+2029 written as `\uXXXX` escapes (the
/// same string to a JSON reader), so no `</script`, `<!--` or `<script` in
/// a name can end or change the element.
fn script_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::picture::TransitionInfo;

    fn picture() -> Picture {
        Picture {
            name: "n</script>".into(),
            description: None,
            places: vec![PlaceInfo {
                name: "a<!--<script>\u{2028}&>".into(),
                ty: String::new(),
                initial: "{</script>}".into(),
                tokens: 1,
            }],
            transitions: vec![TransitionInfo {
                name: "t\u{2028}&>".into(),
                guard: None,
            }],
            arcs: Vec::new(),
        }
    }

    #[test]
    fn the_page_is_self_contained_and_its_data_cannot_close_the_script() {
        let page = render(
            &picture(),
            "<svg></svg>",
            "x",
            Vec::new(),
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
        let start = page.find("id=\"view-data\">").unwrap();
        let data = &page[start + 15..];
        let data = &data[..data.find("</script>").unwrap()];
        assert!(
            !data.contains('<') && !data.contains('>') && !data.contains('&'),
            "{data}"
        );
        assert!(!data.contains('\u{2028}'), "{data}");
        let back: serde_json::Value = serde_json::from_str(data).unwrap();
        assert_eq!(back["places"][0]["name"], "a<!--<script>\u{2028}&>");
    }
}
