//! Charts drawn as vectors: grouped bars or lines over categories, a value axis with 4–6
//! "nice" ticks (0, 5, 10… or 0 %, 20 %…), light grid lines, a legend when there is more than
//! one series, and category labels that are thinned (31 days → every 2nd or 5th) or wrapped
//! and shortened (long place names) so they never collide. A chart is never split across
//! pages.
//!
//! Values are drawn as given, in the unit named by [`Chart::unit`]: for "%", pass percentage
//! points (85.3), not fractions. Empty or all-zero data draws the axes on a 0..1 scale.

use super::flow::Flow;
use super::text::{fit_line, measure, wrap};
use super::{palette, Canvas, Colour, TextStyle, MIN_SIZE};
use crate::report::document::{Chart, ChartKind};

/// Height of a chart block, title and labels included.
pub const HEIGHT: f32 = 200.0;
const GAP_AFTER: f32 = 12.0;
const TITLE: TextStyle = TextStyle::new(10.5, palette::TEXT).bold();
const AXIS: TextStyle = TextStyle::new(7.0, palette::MUTED);
const LEGEND: TextStyle = TextStyle::new(8.0, palette::TEXT);
const CATEGORY: TextStyle = TextStyle::new(7.0, palette::MUTED);
const TITLE_H: f32 = 16.0;
const LEGEND_H: f32 = 13.0;
/// Room above the plot for the unit label, and below it for two lines of category labels.
const UNIT_H: f32 = 16.0;
const CATEGORY_H: f32 = 22.0;
const SWATCH: f32 = 7.0;
/// Share of a category's width taken by its bars.
const BAR_GROUP: f32 = 0.7;

pub(super) fn draw(flow: &mut Flow, chart: &Chart) {
    flow.ensure(HEIGHT);
    let (x, y, w) = (flow.geom.left, flow.y, flow.geom.content_width());
    draw_chart(flow.canvas(), chart, x, y, w, HEIGHT);
    flow.y += HEIGHT + GAP_AFTER;
}

/// The value axis: from `min` to `max` in steps of `step`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    pub min: f64,
    pub max: f64,
    pub step: f64,
}

impl Scale {
    /// A scale covering `values` and 0, with 4–6 round ticks (3 when whole numbers need a
    /// step of at least 1). No finite data, or all zero, gives 0..1.
    pub fn nice<'a>(values: impl IntoIterator<Item = &'a f64>) -> Scale {
        let finite: Vec<f64> = values.into_iter().copied().filter(|v| v.is_finite()).collect();
        let lo = finite.iter().copied().fold(0.0, f64::min);
        let hi = finite.iter().copied().fold(0.0, f64::max);
        if hi - lo <= f64::EPSILON * hi.abs().max(1.0) {
            return Scale { min: 0.0, max: 1.0, step: 0.2 };
        }
        let whole = finite.iter().all(|v| v.fract() == 0.0);
        let magnitude = 10f64.powf(((hi - lo) / 5.0).log10().floor());
        let step = [1.0, 2.0, 2.5, 5.0, 10.0, 20.0]
            .iter()
            .map(|m| m * magnitude)
            .filter(|s| !whole || (*s >= 1.0 - 1e-9 && is_whole(*s)))
            .find(|s| (hi / s).ceil() - (lo / s).floor() <= 5.0)
            .unwrap_or(magnitude * 20.0);
        Scale { min: (lo / step).floor() * step, max: (hi / step).ceil() * step, step }
    }

    pub fn ticks(&self) -> Vec<f64> {
        let count = ((self.max - self.min) / self.step).round() as usize;
        (0..=count).map(|i| self.min + i as f64 * self.step).collect()
    }

    /// The y of `value` in a plot from `top` to `bottom`.
    fn y_of(&self, value: f64, top: f32, bottom: f32) -> f32 {
        let t = ((value - self.min) / (self.max - self.min)) as f32;
        bottom - t.clamp(0.0, 1.0) * (bottom - top)
    }

    /// A tick's label with as many decimals as the step needs, and "%" for percentages.
    fn label(&self, value: f64, unit: &str) -> String {
        let decimals = (0..=4).find(|d| is_whole(self.step * 10f64.powi(*d))).unwrap_or(4) as usize;
        let number = format!("{:.*}", decimals, if value.abs() < self.step / 1e6 { 0.0 } else { value });
        if unit.trim() == "%" {
            format!("{number}%")
        } else {
            number
        }
    }
}

fn is_whole(v: f64) -> bool {
    (v - v.round()).abs() < 1e-6
}

/// Where the parts of a chart go.
struct Frame {
    left: f32,
    right: f32,
    top: f32,
    bottom: f32,
}

/// Draws `chart` in the box (`x`, `y`, `w`, `h`) (top-left corner, width, height).
pub fn draw_chart(canvas: &mut impl Canvas, chart: &Chart, x: f32, y: f32, w: f32, h: f32) {
    let (title, size) = fit_line(&chart.title, TITLE, MIN_SIZE, w);
    canvas.text(x, y + 11.0, &title, TITLE.sized(size));
    let mut header = TITLE_H;
    if chart.series.len() > 1 {
        let beside_title = measure(&title, TITLE.sized(size)) + 16.0 + legend_width(chart) <= w;
        let legend_y = if beside_title { y + 11.0 } else { y + TITLE_H + 9.0 };
        header += if beside_title { 0.0 } else { LEGEND_H };
        legend(canvas, chart, x, legend_y, w);
    }

    let scale = Scale::nice(chart.series.iter().flat_map(|s| &s.values));
    let tick_labels: Vec<(f64, String)> = scale.ticks().into_iter().map(|v| (v, scale.label(v, &chart.unit))).collect();
    let tick_w = tick_labels.iter().map(|(_, l)| measure(l, AXIS)).fold(0.0, f32::max);
    let frame =
        Frame { left: x + tick_w + 6.0, right: x + w - 4.0, top: y + header + UNIT_H, bottom: y + h - CATEGORY_H };

    if chart.unit.trim() != "%" {
        let (unit, size) = fit_line(&chart.unit, AXIS, MIN_SIZE, w / 3.0);
        canvas.text(x, frame.top - 8.0, &unit, AXIS.sized(size));
    }
    for (value, label) in &tick_labels {
        let ty = scale.y_of(*value, frame.top, frame.bottom);
        canvas.line(frame.left, ty, frame.right, ty, 0.4, palette::GRID);
        canvas.text(frame.left - 4.0 - measure(label, AXIS), ty + 2.5, label, AXIS);
    }

    let categories = category_count(chart);
    match chart.kind {
        ChartKind::Bar => bars(canvas, chart, &scale, &frame, categories),
        ChartKind::Line => lines(canvas, chart, &scale, &frame, categories),
    }
    let zero = scale.y_of(0.0, frame.top, frame.bottom);
    canvas.line(frame.left, frame.top, frame.left, frame.bottom, 0.7, palette::RULE);
    canvas.line(frame.left, zero, frame.right, zero, 0.7, palette::RULE);
    category_labels(canvas, chart, &frame, categories, (x, x + w));
}

/// Categories: one per label, or per value when the labels are missing.
fn category_count(chart: &Chart) -> usize {
    chart.series.iter().map(|s| s.values.len()).chain(std::iter::once(chart.labels.len())).max().unwrap_or(0)
}

fn series_colour(i: usize) -> Colour {
    palette::SERIES[i % palette::SERIES.len()]
}

fn legend_items(chart: &Chart) -> impl Iterator<Item = (usize, String, f32)> + '_ {
    chart.series.iter().enumerate().map(|(i, s)| {
        let (name, size) = fit_line(&s.name, LEGEND, MIN_SIZE, 120.0);
        let w = SWATCH + 3.0 + measure(&name, LEGEND.sized(size));
        (i, name, w)
    })
}

fn legend_width(chart: &Chart) -> f32 {
    legend_items(chart).map(|(_, _, w)| w + 10.0).sum::<f32>() - 10.0
}

/// Legend items right-aligned on the baseline `y`, wrapping onto no second line: names are
/// shortened to fit instead.
fn legend(canvas: &mut impl Canvas, chart: &Chart, x: f32, y: f32, w: f32) {
    let total = legend_width(chart);
    let scale = if total > w { w / total } else { 1.0 };
    let mut cx = x + w - total.min(w);
    for (i, name, item_w) in legend_items(chart) {
        let room = item_w * scale - SWATCH - 3.0;
        let (name, size) = fit_line(&name, LEGEND, MIN_SIZE, room.max(0.0));
        canvas.rect(cx, y - SWATCH, SWATCH, SWATCH, Some(series_colour(i)), None);
        canvas.text(cx + SWATCH + 3.0, y, &name, LEGEND.sized(size));
        cx += (item_w + 10.0) * scale;
    }
}

fn bars(canvas: &mut impl Canvas, chart: &Chart, scale: &Scale, f: &Frame, n: usize) {
    if n == 0 || chart.series.is_empty() {
        return;
    }
    let slot = (f.right - f.left) / n as f32;
    let bar_w = slot * BAR_GROUP / chart.series.len() as f32;
    let zero = scale.y_of(0.0, f.top, f.bottom);
    for (j, series) in chart.series.iter().enumerate() {
        for (i, v) in series.values.iter().enumerate().filter(|(_, v)| v.is_finite()) {
            let bx = f.left + i as f32 * slot + slot * (1.0 - BAR_GROUP) / 2.0 + j as f32 * bar_w;
            let vy = scale.y_of(*v, f.top, f.bottom);
            let (top, height) = (vy.min(zero), (vy - zero).abs());
            if height > 0.0 {
                canvas.rect(bx, top, bar_w, height, Some(series_colour(j)), None);
            }
        }
    }
}

fn lines(canvas: &mut impl Canvas, chart: &Chart, scale: &Scale, f: &Frame, n: usize) {
    if n == 0 {
        return;
    }
    let slot = (f.right - f.left) / n as f32;
    let marker = if n <= 40 { 2.8 } else { 0.0 };
    for (j, series) in chart.series.iter().enumerate() {
        let colour = series_colour(j);
        let point = |i: usize, v: f64| (f.left + (i as f32 + 0.5) * slot, scale.y_of(v, f.top, f.bottom));
        // A missing (non-finite) value breaks the line rather than dropping to zero.
        let mut run = Vec::new();
        for (i, v) in series.values.iter().enumerate() {
            if v.is_finite() {
                run.push(point(i, *v));
            } else {
                line_run(canvas, &std::mem::take(&mut run), colour, marker);
            }
        }
        line_run(canvas, &run, colour, marker);
    }
}

/// One unbroken stretch of a line series, with a small square on each point.
fn line_run(canvas: &mut impl Canvas, points: &[(f32, f32)], colour: Colour, marker: f32) {
    canvas.polyline(points, 1.4, colour);
    if marker > 0.0 {
        for (px, py) in points {
            canvas.rect(px - marker / 2.0, py - marker / 2.0, marker, marker, Some(colour), None);
        }
    }
}

/// How category labels are shown.
#[derive(Debug, Clone, Copy, PartialEq)]
enum LabelMode {
    /// Every label on one line.
    All,
    /// Every `k`-th label (short labels like days of a month).
    Every(usize),
    /// Every label on up to two lines, shortened if need be (names of places).
    Wrapped,
}

fn label_mode(labels: &[String], slot: f32) -> LabelMode {
    let widest = labels.iter().map(|l| measure(l, CATEGORY)).fold(0.0, f32::max);
    if widest <= slot - 2.0 {
        return LabelMode::All;
    }
    let short = labels.iter().all(|l| l.chars().count() <= 6);
    if short && labels.len() > 12 {
        let k = [2, 3, 5, 10, 15, 20, 25, 50, 100, 200, 500].into_iter().find(|k| widest <= slot * *k as f32 - 2.0);
        return LabelMode::Every(k.unwrap_or(labels.len()));
    }
    LabelMode::Wrapped
}

fn category_labels(canvas: &mut impl Canvas, chart: &Chart, f: &Frame, n: usize, bounds: (f32, f32)) {
    if n == 0 || chart.labels.is_empty() {
        return;
    }
    let slot = (f.right - f.left) / n as f32;
    let mode = label_mode(&chart.labels, slot);
    for (i, label) in chart.labels.iter().enumerate() {
        let centre = f.left + (i as f32 + 0.5) * slot;
        let lines: Vec<(String, f32)> = match mode {
            LabelMode::All => vec![(label.clone(), CATEGORY.size)],
            LabelMode::Every(k) if i % k == 0 => vec![(label.clone(), CATEGORY.size)],
            LabelMode::Every(_) => continue,
            LabelMode::Wrapped => wrapped_label(label, slot - 2.0),
        };
        for (row, (text, size)) in lines.iter().enumerate() {
            let w = measure(text, CATEGORY.sized(*size));
            let x = (centre - w / 2.0).clamp(bounds.0, (bounds.1 - w).max(bounds.0));
            canvas.text(x, f.bottom + 10.0 + row as f32 * 8.5, text, CATEGORY.sized(*size));
        }
    }
}

/// A label on at most two lines of `width`, the second shortened with "…" if need be.
fn wrapped_label(label: &str, width: f32) -> Vec<(String, f32)> {
    let mut lines = wrap(label, CATEGORY, width);
    if lines.len() > 2 {
        let rest = lines.split_off(1).concat();
        lines.push(rest);
    }
    lines.iter().map(|l| fit_line(l, CATEGORY, MIN_SIZE, width)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::document::Series;
    use crate::report::layout::{DrawOp, RecordingCanvas};

    fn chart(kind: ChartKind, labels: Vec<String>, series: Vec<Series>, unit: &str) -> Chart {
        Chart { kind, title: "每日服务人次".into(), labels, series, unit: unit.into() }
    }

    fn days(n: usize) -> Vec<String> {
        (1..=n).map(|d| d.to_string()).collect()
    }

    fn texts(c: &RecordingCanvas) -> Vec<(f32, f32, String, TextStyle)> {
        crate::report::layout::placed_texts(&c.ops)
    }

    #[test]
    fn scales_have_four_to_six_round_ticks() {
        for (hi, expect_max) in [(31.0, 40.0), (10.0, 10.0), (87.5, 100.0), (101.0, 125.0), (0.87, 1.0), (7.0, 8.0)] {
            let s = Scale::nice(&[0.0, hi]);
            let n = s.ticks().len();
            assert!((4..=6).contains(&n), "{hi}: {s:?} has {n} ticks");
            assert_eq!(s.max, expect_max, "{hi}: {s:?}");
            assert_eq!(s.min, 0.0);
        }
        // Whole numbers never get a fractional step.
        let s = Scale::nice(&[0.0, 2.0]);
        assert!(s.step >= 1.0 && s.ticks().len() >= 3, "{s:?}");
        // Negative values extend the axis below zero.
        let s = Scale::nice(&[-3.5, 12.0]);
        assert!(s.min <= -3.5 && s.max >= 12.0 && s.ticks().contains(&0.0), "{s:?}");
    }

    #[test]
    fn empty_or_zero_data_gets_a_zero_to_one_axis() {
        assert_eq!(Scale::nice(&[]), Scale { min: 0.0, max: 1.0, step: 0.2 });
        assert_eq!(Scale::nice(&[0.0, 0.0]), Scale { min: 0.0, max: 1.0, step: 0.2 });
        assert_eq!(Scale::nice(&[f64::NAN, f64::INFINITY]), Scale { min: 0.0, max: 1.0, step: 0.2 });
        for kind in [ChartKind::Bar, ChartKind::Line] {
            for c in [chart(kind, vec![], vec![], "人次"), chart(kind, days(31), vec![], "人次")] {
                let mut canvas = RecordingCanvas::default();
                draw_chart(&mut canvas, &c, 40.0, 100.0, 500.0, HEIGHT);
                let labels: Vec<String> = texts(&canvas).into_iter().map(|t| t.2).collect();
                assert!(labels.contains(&"0.0".to_string()) && labels.contains(&"1.0".to_string()), "{labels:?}");
                assert!(canvas.ops.iter().all(|op| match op {
                    DrawOp::Text { x, y, .. } => x.is_finite() && y.is_finite(),
                    DrawOp::Line { x1, y1, x2, y2, .. } => [x1, y1, x2, y2].iter().all(|v| v.is_finite()),
                    DrawOp::Rect { x, y, w, h, .. } => [x, y, w, h].iter().all(|v| v.is_finite()),
                    DrawOp::Polyline { points, .. } => points.iter().all(|p| p.0.is_finite() && p.1.is_finite()),
                }));
            }
        }
    }

    #[test]
    fn percent_ticks_carry_the_sign() {
        let s = Scale::nice(&[0.0, 87.0]);
        assert_eq!(s.label(20.0, "%"), "20%");
        assert_eq!(s.label(20.0, "人次"), "20");
        assert_eq!(Scale::nice(&[0.0, 0.9]).label(0.2, "%"), "0.2%");
    }

    /// The category labels (below the plot) as (left, right) spans.
    fn category_spans(canvas: &RecordingCanvas, below: f32) -> Vec<(f32, f32, String)> {
        texts(canvas)
            .into_iter()
            .filter(|t| t.1 > below + 6.0)
            .map(|(x, _, text, style)| (x, x + measure(&text, style), text))
            .collect()
    }

    #[test]
    fn thirty_one_days_are_thinned_on_a_narrow_chart_and_never_overlap() {
        let values: Vec<f64> = (0..31).map(|d| (d * 7 % 23) as f64).collect();
        let c = chart(ChartKind::Bar, days(31), vec![Series { name: "人次".into(), values }], "人次");
        let mut canvas = RecordingCanvas::default();
        draw_chart(&mut canvas, &c, 0.0, 0.0, 220.0, HEIGHT);
        let spans = category_spans(&canvas, HEIGHT - CATEGORY_H);
        assert!(spans.len() < 31 && spans.len() >= 5, "{spans:?}");
        assert_eq!(spans[0].2, "1");
        for pair in spans.windows(2) {
            assert!(pair[0].1 <= pair[1].0, "labels overlap: {pair:?}");
        }
        let bars = canvas.ops.iter().filter(|op| matches!(op, DrawOp::Rect { .. })).count();
        let non_zero = c.series[0].values.iter().filter(|v| **v != 0.0).count();
        assert_eq!(bars, non_zero, "one bar per non-zero day");
    }

    #[test]
    fn long_category_names_are_all_shown_within_their_slot() {
        let names: Vec<String> = (0..14).map(|i| format!("海勃湾区千里山镇第{i}生活圈服务站")).collect();
        let series = vec![
            Series { name: "入住率".into(), values: (0..14).map(|i| 60.0 + i as f64 * 2.5).collect() },
            Series { name: "满意度".into(), values: (0..14).map(|i| 95.0 - i as f64).collect() },
        ];
        let c = chart(ChartKind::Line, names, series, "%");
        let (x, w) = (40.0, 515.0);
        let mut canvas = RecordingCanvas::default();
        draw_chart(&mut canvas, &c, x, 100.0, w, HEIGHT);
        let spans = category_spans(&canvas, 100.0 + HEIGHT - CATEGORY_H);
        let first_lines: Vec<_> = spans.iter().filter(|s| s.2.starts_with("海")).collect();
        assert_eq!(first_lines.len(), 14, "{spans:?}");
        for s in &spans {
            assert!(s.0 >= x && s.1 <= x + w, "{s:?} outside the chart");
        }
        // Two series: a legend with both names, and two polylines.
        let all: Vec<String> = texts(&canvas).into_iter().map(|t| t.2).collect();
        assert!(all.contains(&"入住率".to_string()) && all.contains(&"满意度".to_string()));
        let polylines = canvas.ops.iter().filter(|op| matches!(op, DrawOp::Polyline { .. })).count();
        assert_eq!(polylines, 2);
    }

    #[test]
    fn a_missing_value_breaks_the_line() {
        let values = vec![1.0, 2.0, f64::NAN, 3.0, 4.0];
        let c = chart(ChartKind::Line, days(5), vec![Series { name: "x".into(), values }], "人");
        let mut canvas = RecordingCanvas::default();
        draw_chart(&mut canvas, &c, 0.0, 0.0, 400.0, HEIGHT);
        let polylines: Vec<usize> = canvas
            .ops
            .iter()
            .filter_map(|op| match op {
                DrawOp::Polyline { points, .. } => Some(points.len()),
                _ => None,
            })
            .collect();
        assert_eq!(polylines, vec![2, 2]);
    }
}
