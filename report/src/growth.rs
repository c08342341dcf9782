//! The growth curve toward the largest SeSPHR configuration, drawn from the
//! table `scripts/scale-table --growth` prints: stored states (orbits where
//! the symmetry applies) against the dimension grown, on a log scale, one
//! series per dimension; a run its time limit stopped is drawn as a lower
//! bound. The table, not a new measurement, is the picture's source, so the
//! picture says exactly what the measured rows say.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::ReportError;
use crate::plot::{SIZE, draw_legend, ensure_font, number};

/// One row of the growth table: a configuration and what its run stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GrowthRun {
    /// Roles in play.
    pub roles: u32,
    /// Users of each role.
    pub users_per_role: u32,
    /// Partitions in play.
    pub partitions: u32,
    /// States stored (orbits under the symmetry), or stored before the stop.
    pub states: u64,
    /// Whether the run explored every state (a stopped run's count is a lower bound).
    pub complete: bool,
    /// Peak resident memory over the states stored, in bytes.
    pub bytes_per_state: u64,
}

/// A series of the picture: the runs that vary one dimension.
struct Series {
    label: &'static str,
    colour: RGBColor,
    /// The dimension's value of a run in the series, `None` for a run outside it.
    x_of: fn(&GrowthRun) -> Option<u32>,
}

const SERIES: [Series; 3] = [
    Series {
        label: "one user per role, one partition: roles 1-5",
        colour: RGBColor(31, 119, 180),
        x_of: |r| (r.users_per_role == 1 && r.partitions == 1).then_some(r.roles),
    },
    Series {
        label: "two users per role, one partition: roles 1-5",
        colour: RGBColor(255, 127, 14),
        x_of: |r| (r.users_per_role == 2 && r.partitions == 1).then_some(r.roles),
    },
    Series {
        label: "two roles, two users each: partitions 1-4",
        colour: RGBColor(44, 160, 44),
        x_of: |r| (r.roles == 2 && r.users_per_role == 2).then_some(r.partitions),
    },
];

/// Whether `run` is the largest target: five roles, two users each, four partitions.
fn is_target(run: &GrowthRun) -> bool {
    run.roles == 5 && run.users_per_role == 2 && run.partitions == 4
}

const TARGET_COLOUR: RGBColor = RGBColor(214, 39, 40);

/// Reads the runs of a scale table (Markdown, as `scripts/scale-table`
/// prints it); lines that are not rows of a run (text, the header, the
/// separator) are skipped. A run's parameters must name `roles`,
/// `users_per_role` and `partitions`.
pub fn parse_growth_table(text: &str) -> Result<Vec<GrowthRun>, ReportError> {
    let mut runs = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let bad = |message: String| ReportError::Table {
            line: index + 1,
            message,
        };
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // "| net | parameters | reduction | states | ..." splits into an empty
        // first cell, then the columns.
        if cells.len() < 10 || !cells[0].is_empty() || !cells[1].ends_with(".yaml") {
            continue;
        }
        let parameter = |name: &str| -> Result<u32, ReportError> {
            let value = cells[2]
                .split_whitespace()
                .find_map(|setting| setting.strip_prefix(name)?.strip_prefix('='))
                .ok_or_else(|| bad(format!("the parameters `{}` do not set {name}", cells[2])))?;
            value
                .parse()
                .map_err(|_| bad(format!("{name}={value} is not a count")))
        };
        let (complete, count) = match cells[4].strip_prefix('>') {
            Some(rest) => (false, rest.trim()),
            None => (true, cells[4]),
        };
        let states = count
            .replace(',', "")
            .parse()
            .map_err(|_| bad(format!("`{}` is not a state count", cells[4])))?;
        let bytes_per_state = cells[9]
            .parse()
            .map_err(|_| bad(format!("`{}` is not a byte count", cells[9])))?;
        runs.push(GrowthRun {
            roles: parameter("roles")?,
            users_per_role: parameter("users_per_role")?,
            partitions: parameter("partitions")?,
            states,
            complete,
            bytes_per_state,
        });
    }
    if runs.is_empty() {
        return Err(ReportError::EmptyTable);
    }
    Ok(runs)
}

/// Writes the growth curve of `runs` as an SVG file at `path`.
pub fn draw_growth(runs: &[GrowthRun], path: &Path) -> Result<(), ReportError> {
    ensure_font()?;
    let plot_error = |e: String| ReportError::Plot(format!("{}: {e}", path.display()));
    let root = SVGBackend::new(path, SIZE).into_drawing_area();
    chart(&root, runs).map_err(plot_error)?;
    root.present().map_err(|e| plot_error(e.to_string()))
}

/// The memory bound of the largest target, in bytes.
const MEMORY_BOUND: f64 = 16e9;

/// Runs with at least this many states stored say what a state costs at
/// scale (on small runs the process's own memory dominates).
const AT_SCALE: u64 = 1_000_000;

/// A series' runs in order of the dimension, as (x, run).
fn series_points<'r>(series: &Series, runs: &'r [GrowthRun]) -> Vec<(f64, &'r GrowthRun)> {
    let mut points: Vec<(f64, &GrowthRun)> = runs
        .iter()
        .filter_map(|run| Some((f64::from((series.x_of)(run)?), run)))
        .collect();
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    points
}

/// Where the series would go past its last complete run at that run's
/// growth factor: from the last complete point to each x of a later run.
fn extrapolation(points: &[(f64, &GrowthRun)]) -> Vec<(f64, f64)> {
    let complete: Vec<(f64, f64)> = points
        .iter()
        .filter(|(_, run)| run.complete)
        .map(|&(x, run)| (x, run.states as f64))
        .collect();
    let [.., (x0, y0), (x1, y1)] = complete[..] else {
        return Vec::new();
    };
    if x1 <= x0 {
        // The same configuration twice (a table of repeated runs): no step.
        return Vec::new();
    }
    let factor = (y1 / y0).powf(1.0 / (x1 - x0));
    let later = points.iter().map(|&(x, _)| x).filter(|&x| x > x1);
    std::iter::once((x1, y1))
        .chain(later.map(|x| (x, y1 * factor.powf(x - x1))))
        .collect()
}

fn chart<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    runs: &[GrowthRun],
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    root.fill(&WHITE).map_err(err)?;
    let all_points: Vec<_> = SERIES
        .iter()
        .map(|series| series_points(series, runs))
        .collect();
    let extrapolations: Vec<_> = all_points
        .iter()
        .map(|points| extrapolation(points))
        .collect();
    let memory_line = runs
        .iter()
        .filter(|run| run.states >= AT_SCALE)
        .map(|run| run.bytes_per_state)
        .min()
        .map(|bytes| (bytes, MEMORY_BOUND / bytes.max(1) as f64));
    let y_max = runs
        .iter()
        .map(|r| r.states as f64)
        .chain(extrapolations.iter().flatten().map(|&(_, y)| y))
        .chain(memory_line.map(|(_, states)| states))
        .fold(10.0, f64::max);
    let mut chart = ChartBuilder::on(root)
        .caption(
            "SeSPHR: states stored as the configuration grows",
            ("sans-serif", 24),
        )
        .margin(16)
        .x_label_area_size(52)
        .y_label_area_size(78)
        .build_cartesian_2d(0.7f64..5.3f64, (1f64..y_max * 100.0).log_scale())
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("roles, or partitions (each series says which)")
        .y_desc("states stored (orbits), log scale")
        .x_labels(5)
        .y_labels(8)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| number(*y))
        .label_style(("sans-serif", 15))
        .axis_desc_style(("sans-serif", 17))
        .draw()
        .map_err(err)?;
    for ((series, points), projected) in SERIES.iter().zip(&all_points).zip(&extrapolations) {
        if points.is_empty() {
            continue;
        }
        let colour = series.colour;
        chart
            .draw_series(LineSeries::new(
                points
                    .iter()
                    .filter(|(_, run)| run.complete)
                    .map(|&(x, run)| (x, run.states as f64)),
                colour.stroke_width(2),
            ))
            .map_err(err)?
            .label(series.label)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 24, y)], colour.stroke_width(2))
            });
        chart
            .draw_series(DashedLineSeries::new(
                projected.iter().copied(),
                6,
                5,
                colour.stroke_width(1),
            ))
            .map_err(err)?;
        chart
            .draw_series(points.iter().map(|&(x, run)| marker(x, run, colour)))
            .map_err(err)?;
    }
    if let Some(target) = runs.iter().find(|run| is_target(run)) {
        chart
            .draw_series([marker(5.0, target, TARGET_COLOUR)])
            .map_err(err)?
            .label("the target: five roles, two users each, four partitions")
            .legend(|(x, y)| TriangleMarker::new((x + 12, y), 6, TARGET_COLOUR.filled()));
    }
    if let Some((bytes, states)) = memory_line {
        chart
            .draw_series(DashedLineSeries::new(
                [(0.7, states), (5.3, states)],
                10,
                6,
                BLACK.stroke_width(1),
            ))
            .map_err(err)?;
        chart
            .draw_series([Text::new(
                format!(
                    "16 GB at {bytes} bytes a state (the fewest measured past {} states)",
                    number(AT_SCALE as f64)
                ),
                (0.8, states / 1.4),
                ("sans-serif", 14),
            )])
            .map_err(err)?;
    }
    chart
        .draw_series([Text::new(
            "dots: complete runs; triangles: stopped at the time limit, at least this many; \
             dashes: the last complete step's factor carried on",
            (0.8, y_max * 40.0),
            ("sans-serif", 14),
        )])
        .map_err(err)?;
    draw_legend(&mut chart, SeriesLabelPosition::LowerRight)
}

/// A complete run's point (a filled circle) or a stopped run's lower bound
/// (a filled triangle pointing up).
fn marker<DB: DrawingBackend>(
    x: f64,
    run: &GrowthRun,
    colour: RGBColor,
) -> DynElement<'static, DB, (f64, f64)> {
    let at = (x, run.states as f64);
    if run.complete {
        Circle::new(at, 4, colour.filled()).into_dyn()
    } else {
        TriangleMarker::new(at, 7, colour.filled()).into_dyn()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = "\
| net | parameters | reduction | states | stand for | time (s) | CPU (s) | peak RSS (MB) | bytes/state |
|---|---|---|---:|---:|---:|---:|---:|---:|
| nets/sesphr.yaml | roles=1 users_per_role=1 partitions=1 | none applies | 29 |  | 0.0 | 0.0 | 18 | 647733 |
| nets/sesphr.yaml | roles=2 users_per_role=2 partitions=1 | symmetry | 3,837 | 12,321 | 0.2 | 0.2 | 34 | 9232 |
| nets/sesphr.yaml | roles=2 users_per_role=2 partitions=3 | symmetry | > 12,883,034 | > 22,825,170 (expanded only) | 123.8 | 213.4 | 4216 | 343 |
| nets/sesphr.yaml | roles=5 users_per_role=2 partitions=4 | symmetry | > 9,798,924 | > 8,435,000 (expanded only) | 127.0 | 215.4 | 5973 | 639 |
";

    #[test]
    fn the_rows_of_runs_are_read_with_their_bounds() {
        let runs = parse_growth_table(&format!("Some text.\n\n{TABLE}\nMore text.\n")).unwrap();
        assert_eq!(runs.len(), 4);
        assert_eq!(
            runs[1],
            GrowthRun {
                roles: 2,
                users_per_role: 2,
                partitions: 1,
                states: 3_837,
                complete: true,
                bytes_per_state: 9232,
            }
        );
        assert_eq!((runs[2].states, runs[2].complete), (12_883_034, false));
        assert!(is_target(&runs[3]) && !runs[3].complete);
    }

    #[test]
    fn a_row_without_a_dimension_or_count_names_its_line() {
        let missing = "| nets/sesphr.yaml | roles=2 partitions=1 | none | 165 | | 0 | 0 | 1 | 1 |";
        let message = parse_growth_table(&format!("text\n{missing}\n"))
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("line 2") && message.contains("users_per_role"),
            "{message}"
        );
        let error = "| nets/sesphr.yaml | roles=2 users_per_role=1 partitions=1 | default | error: x | | | | | |";
        let message = parse_growth_table(error).unwrap_err().to_string();
        assert!(
            message.contains("line 1") && message.contains("error: x"),
            "{message}"
        );
        assert!(parse_growth_table("no table here").is_err());
    }

    #[test]
    fn a_series_is_carried_on_at_its_last_complete_factor() {
        let runs = parse_growth_table(TABLE).unwrap();
        // A series of partitions: two complete steps, then a stopped run.
        let series = |partitions: u32, states: u64, complete: bool| GrowthRun {
            partitions,
            states,
            complete,
            ..runs[1]
        };
        let line = [
            series(1, 100, true),
            series(2, 1_000, true),
            series(3, 50, false),
        ];
        let points: Vec<_> = line.iter().map(|r| (f64::from(r.partitions), r)).collect();
        let projected = extrapolation(&points);
        assert_eq!(projected.len(), 2);
        assert_eq!(projected[0], (2.0, 1_000.0));
        assert!((projected[1].1 - 10_000.0).abs() < 1e-6, "{projected:?}");
        // The same configuration twice gives no step to carry on.
        let twice = [
            series(2, 1_000, true),
            series(2, 1_000, true),
            series(3, 50, false),
        ];
        let points: Vec<_> = twice.iter().map(|r| (f64::from(r.partitions), r)).collect();
        assert!(extrapolation(&points).is_empty());
    }

    #[test]
    fn the_picture_has_every_series_and_the_target() {
        let dir = std::env::temp_dir().join(format!("sesphr-growth-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let svg = dir.join("growth.svg");
        draw_growth(&parse_growth_table(TABLE).unwrap(), &svg).unwrap();
        let text = std::fs::read_to_string(&svg).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        for label in SERIES.iter().map(|s| s.label) {
            assert!(text.contains(label), "{label} missing");
        }
        assert!(text.contains("the target: five roles"));
        // Two stopped runs: two triangles (polygons), besides the legend's.
        assert!(text.matches("<polygon").count() >= 2);
    }
}
