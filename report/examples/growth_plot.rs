//! Draws the growth curve of a scale table as an SVG picture:
//!
//! ```sh
//! scripts/scale-table --growth --svg growth.svg          # measures, then draws
//! cargo run --release -p sesphr-report --example growth_plot -- growth.svg TABLE.md
//! ```
//!
//! The table is read from the file named second, or from standard input; it
//! is the Markdown `scripts/scale-table --growth` prints (text around it is
//! skipped). Exit 2, with the reason, on a table that cannot be read.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use sesphr_report::growth::{draw_growth, parse_growth_table};

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let Some(svg) = args.next().map(PathBuf::from) else {
        eprintln!("usage: growth_plot OUT.svg [TABLE.md]  (the table from standard input if none)");
        return ExitCode::from(2);
    };
    let (source, table) = match args.next().map(PathBuf::from) {
        Some(path) => (path.display().to_string(), std::fs::read_to_string(&path)),
        None => {
            let mut text = String::new();
            let read = std::io::stdin().read_to_string(&mut text).map(|_| text);
            ("standard input".to_string(), read)
        }
    };
    let drawn = table
        .map_err(|e| e.to_string())
        .and_then(|text| parse_growth_table(&text).map_err(|e| e.to_string()))
        .and_then(|runs| draw_growth(&runs, &svg).map_err(|e| e.to_string()));
    match drawn {
        Ok(()) => {
            eprintln!("wrote {}", svg.display());
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {source}: {message}");
            ExitCode::from(2)
        }
    }
}
