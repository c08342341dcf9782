//! A figure: our measurements along one axis, and the paper's values.

use std::time::Duration;

use sesphr_model::real::Samples;

/// One measured point: the parameter and the repeated timings.
#[derive(Debug, Clone)]
pub struct Point {
    /// The parameter (users, KiB, partitions).
    pub x: f64,
    /// The timings of the repetitions.
    pub samples: Samples,
}

impl Point {
    /// The median timing, in seconds.
    pub fn seconds(&self) -> f64 {
        self.samples.median().as_secs_f64()
    }
}

/// A figure of the report.
#[derive(Debug, Clone)]
pub struct Figure {
    /// File stem of its plots and its key in timings.csv.
    pub id: &'static str,
    /// Title shown on the plot.
    pub title: &'static str,
    /// Label of the x axis.
    pub x_label: &'static str,
    /// Unit of the parameter in timings.csv.
    pub x_unit: &'static str,
    /// What exactly is timed.
    pub measures: &'static str,
    /// Our points, in increasing x.
    pub points: Vec<Point>,
    /// The paper's (x, seconds) values (may be empty).
    pub paper: &'static [(f64, f64)],
}

impl Figure {
    /// A figure with no points yet.
    pub fn new(
        id: &'static str,
        title: &'static str,
        x_label: &'static str,
        x_unit: &'static str,
        measures: &'static str,
        paper: &'static [(f64, f64)],
    ) -> Figure {
        Figure {
            id,
            title,
            x_label,
            x_unit,
            measures,
            points: Vec::new(),
            paper,
        }
    }

    /// Adds a point from its repetitions.
    pub fn push(&mut self, x: f64, durations: impl IntoIterator<Item = Duration>) {
        let mut samples = Samples::default();
        durations.into_iter().for_each(|d| samples.push(d));
        self.points.push(Point { x, samples });
    }

    /// Our median at `x`, in seconds, if measured.
    pub fn ours_at(&self, x: f64) -> Option<f64> {
        self.points
            .iter()
            .find(|p| (p.x - x).abs() < 1e-9)
            .map(Point::seconds)
    }
}
