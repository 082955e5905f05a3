//! What the benchmark examples share.

use std::time::Duration;

/// The `q` quantile (0.5 median, 0.95 p95) of times sorted ascending, nearest rank.
pub fn percentile(sorted: &[Duration], q: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}
