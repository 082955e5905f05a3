//! What the benchmark examples share.

use std::time::Duration;

use carecircle_core::Clock;

/// The benchmarks' clock: 29 November 2026, 10:00 in Wuhai, so every run measures the same
/// city on the same day.
#[allow(dead_code)]
pub fn clock() -> Clock {
    Clock::at_local(2026, 11, 29, 10, 0)
}

/// The `q` quantile (0.5 median, 0.95 p95) of times sorted ascending, nearest rank.
#[allow(dead_code)]
pub fn percentile(sorted: &[Duration], q: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}
