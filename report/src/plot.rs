//! Plots of a figure, ours beside the paper's, as SVG and PNG (log-log axes).
//!
//! Text is drawn with DejaVu Sans, shipped in `report/fonts/` and compiled in,
//! so the PNGs have their labels without any system font library.

use std::path::Path;
use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

use crate::ReportError;
use crate::figure::Figure;

/// DejaVu Sans (Bitstream Vera licence, see `report/fonts/DejaVuSans-LICENSE.txt`).
const FONT: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");

/// The legend of our series.
pub const OURS: &str = "this implementation (median)";
/// The legend of the paper's series.
pub const PAPER: &str = "paper, as reported (i7-2600, Java/JPBC)";

/// The size of every figure, in pixels.
pub(crate) const SIZE: (u32, u32) = (900, 560);
const OUR_COLOUR: RGBColor = RGBColor(31, 119, 180);
const PAPER_COLOUR: RGBColor = RGBColor(214, 39, 40);

/// Registers the shipped font as plotters' "sans-serif" (once).
pub(crate) fn ensure_font() -> Result<(), ReportError> {
    static FONT_REGISTERED: OnceLock<bool> = OnceLock::new();
    let registered = FONT_REGISTERED
        .get_or_init(|| register_font("sans-serif", FontStyle::Normal, FONT).is_ok());
    if *registered {
        Ok(())
    } else {
        Err(ReportError::Plot("the shipped font cannot be read".into()))
    }
}

/// Writes `figure` as `DIR/<id>.svg` and `DIR/<id>.png`.
pub fn draw(figure: &Figure, dir: &Path) -> Result<(), ReportError> {
    ensure_font()?;
    let svg = dir.join(format!("{}.svg", figure.id));
    let png = dir.join(format!("{}.png", figure.id));
    let plot_error = |e: String| ReportError::Plot(format!("{}: {e}", figure.id));
    {
        let root = SVGBackend::new(&svg, SIZE).into_drawing_area();
        chart(&root, figure).map_err(plot_error)?;
        root.present().map_err(|e| plot_error(e.to_string()))?;
    }
    {
        let root = BitMapBackend::new(&png, SIZE).into_drawing_area();
        chart(&root, figure).map_err(plot_error)?;
        root.present().map_err(|e| plot_error(e.to_string()))?;
    }
    Ok(())
}

fn chart<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, figure: &Figure) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    root.fill(&WHITE).map_err(err)?;
    let ours: Vec<(f64, f64)> = figure.points.iter().map(|p| (p.x, p.seconds())).collect();
    let all = ours.iter().chain(figure.paper.iter());
    let (mut x_min, mut x_max, mut y_min, mut y_max) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for &(x, y) in all {
        x_min = x_min.min(x);
        x_max = x_max.max(x);
        y_min = y_min.min(y.max(1e-7));
        y_max = y_max.max(y);
    }
    if x_min > x_max {
        return Err("no points to plot".into());
    }
    let x_range = (x_min / 1.3)..(x_max * 1.3);
    let y_range = (y_min / 2.0)..(y_max * 2.0);
    let mut chart = ChartBuilder::on(root)
        .caption(figure.title, ("sans-serif", 26))
        .margin(16)
        .x_label_area_size(52)
        .y_label_area_size(78)
        .build_cartesian_2d(x_range.log_scale(), y_range.log_scale())
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(figure.x_label)
        .y_desc("time (s), log scale")
        .x_labels(6)
        .y_labels(6)
        .x_label_formatter(&|x| number(*x))
        .y_label_formatter(&|y| number(*y))
        .label_style(("sans-serif", 15))
        .axis_desc_style(("sans-serif", 17))
        .draw()
        .map_err(err)?;
    chart
        .draw_series(LineSeries::new(
            ours.iter().copied(),
            OUR_COLOUR.stroke_width(2),
        ))
        .map_err(err)?
        .label(OURS)
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], OUR_COLOUR.stroke_width(2)));
    chart
        .draw_series(ours.iter().map(|&p| Circle::new(p, 4, OUR_COLOUR.filled())))
        .map_err(err)?;
    if !figure.paper.is_empty() {
        chart
            .draw_series(LineSeries::new(
                figure.paper.iter().copied(),
                PAPER_COLOUR.stroke_width(2),
            ))
            .map_err(err)?
            .label(PAPER)
            .legend(|(x, y)| {
                PathElement::new(vec![(x, y), (x + 24, y)], PAPER_COLOUR.stroke_width(2))
            });
        chart
            .draw_series(
                figure
                    .paper
                    .iter()
                    .map(|&p| TriangleMarker::new(p, 6, PAPER_COLOUR.filled())),
            )
            .map_err(err)?;
    }
    draw_legend(&mut chart, SeriesLabelPosition::UpperLeft)
}

/// Draws the series' labels at `position`, in the figures' one style.
pub(crate) fn draw_legend<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
) -> Result<(), String> {
    chart
        .configure_series_labels()
        .position(position)
        .label_font(("sans-serif", 15))
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .draw()
        .map_err(|e| e.to_string())
}

/// A short axis label: 0.001, 0.25, 10, 2048, 1e5.
pub(crate) fn number(v: f64) -> String {
    if v >= 1_000_000.0 || (v > 0.0 && v < 0.0001) {
        format!("{v:.0e}")
    } else if v >= 10.0 {
        format!("{v:.0}")
    } else {
        let text = format!("{v:.4}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn texts(svg: &str) -> Vec<String> {
        let doc = match roxmltree::Document::parse(svg) {
            Ok(doc) => doc,
            Err(e) => panic!("{e}"),
        };
        doc.descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text().map(|t| t.trim().to_string()))
            .collect()
    }

    #[test]
    fn plots_carry_both_series_and_axis_labels() {
        let dir = std::env::temp_dir().join(format!("sesphr-plot-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        let mut with_paper = Figure::new(
            "with",
            "With paper",
            "users",
            "users",
            "t",
            crate::paper::KEY_GENERATION,
        );
        let mut without = Figure::new(
            "without",
            "Without paper",
            "partitions",
            "partitions",
            "t",
            &[],
        );
        for (i, x) in [10.0, 100.0, 1000.0].into_iter().enumerate() {
            with_paper.push(x, [Duration::from_millis(1 + i as u64 * 10)]);
            without.push(x, [Duration::from_millis(2 + i as u64)]);
        }
        for figure in [&with_paper, &without] {
            if let Err(e) = draw(figure, &dir) {
                panic!("{e}");
            }
        }
        let with_texts = texts(&std::fs::read_to_string(dir.join("with.svg")).unwrap_or_default());
        for needle in ["With paper", OURS, PAPER, "users", "time (s), log scale"] {
            assert!(
                with_texts.iter().any(|t| t == needle),
                "{needle}: {with_texts:?}"
            );
        }
        let without_texts =
            texts(&std::fs::read_to_string(dir.join("without.svg")).unwrap_or_default());
        assert!(without_texts.iter().any(|t| t == OURS));
        assert!(!without_texts.iter().any(|t| t == PAPER));
        let png = std::fs::read(dir.join("with.png")).unwrap_or_default();
        assert!(png.starts_with(b"\x89PNG"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn axis_numbers_are_short() {
        assert_eq!(number(0.25), "0.25");
        assert_eq!(number(1.0), "1");
        assert_eq!(number(2048.0), "2048");
        assert_eq!(number(5_000_000.0), "5e6");
        assert_eq!(number(0.00001), "1e-5");
    }
}
