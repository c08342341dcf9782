//! Timing samples: counts, totals, means and percentiles.

use std::time::Duration;

/// The durations of repeated events (one firing, one call).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Samples {
    durations: Vec<Duration>,
}

impl Samples {
    /// Adds one event.
    pub fn push(&mut self, duration: Duration) {
        self.durations.push(duration);
    }

    /// Adds every event of `other`.
    pub fn extend(&mut self, other: &Samples) {
        self.durations.extend_from_slice(&other.durations);
    }

    /// How many events.
    pub fn count(&self) -> usize {
        self.durations.len()
    }

    /// Their total duration.
    pub fn total(&self) -> Duration {
        self.durations.iter().sum()
    }

    /// Their mean duration (zero when there is none).
    pub fn mean(&self) -> Duration {
        match u32::try_from(self.durations.len()) {
            Ok(n) if n > 0 => self.total() / n,
            _ => Duration::ZERO,
        }
    }

    /// The `q`-quantile (0 to 1) by the nearest-rank method (zero when empty).
    pub fn quantile(&self, q: f64) -> Duration {
        let mut sorted = self.durations.clone();
        sorted.sort_unstable();
        let n = sorted.len();
        if n == 0 {
            return Duration::ZERO;
        }
        let rank = (q.clamp(0.0, 1.0) * n as f64).ceil() as usize;
        sorted[rank.clamp(1, n) - 1]
    }

    /// The median.
    pub fn median(&self) -> Duration {
        self.quantile(0.5)
    }

    /// The 95th percentile.
    pub fn p95(&self) -> Duration {
        self.quantile(0.95)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_quantiles() {
        let mut s = Samples::default();
        assert_eq!(s.p95(), Duration::ZERO);
        assert_eq!(s.mean(), Duration::ZERO);
        for ms in (1..=20).rev() {
            s.push(Duration::from_millis(ms));
        }
        assert_eq!(s.count(), 20);
        assert_eq!(s.total(), Duration::from_millis(210));
        assert_eq!(s.mean(), Duration::from_micros(10_500));
        assert_eq!(s.p95(), Duration::from_millis(19));
        assert_eq!(s.median(), Duration::from_millis(10));
        assert_eq!(s.quantile(1.0), Duration::from_millis(20));
    }
}
