//! Puts the figures into documents: a facility's monthly report (elder or childcare) and
//! the city's, with every word from the i18n catalogue's `report` section.

use crate::domain::incident::IncidentKind;
use crate::domain::month::Month;
use crate::i18n::{fill, lookup, Locale};
use crate::services::meals::subsidy::Tally;

use super::document::*;
use super::figures::{ChildFigures, ElderFigures, FacilityMonth, FacilityPlace, Figures, IncidentFigures, SIGNS};
use crate::services::fees::months::{MonthMoney, PurposeMonth};

/// Words of the reader's language.
#[derive(Clone, Copy)]
pub struct Words(pub Locale);

impl Words {
    /// `report.{key}`.
    pub fn get(self, key: &str) -> String {
        self.other(&format!("report.{key}"))
    }

    /// A word another screen already has, e.g. `meals.meals.lunch`. A missing key shows as
    /// itself, which the tests look for: never a blank cell.
    pub fn other(self, key: &str) -> String {
        lookup(self.0, key).map(str::to_string).unwrap_or_else(|| key.to_string())
    }

    pub(crate) fn with(self, key: &str, params: &[(&str, String)]) -> String {
        fill(&self.get(key), params)
    }

    fn month(self, month: Month) -> String {
        self.with("month", &[("year", month.year().to_string()), ("month", month.number().to_string())])
    }

    fn col(self, key: &str, weight: f32, align: Align) -> Column {
        Column { label: self.get(key), weight, align }
    }

    fn num(self, key: &str) -> Column {
        self.col(key, 1.0, Align::Right)
    }

    fn fact(self, key: &str, value: impl Into<Cell>) -> Fact {
        Fact { label: self.get(key), value: value.into() }
    }
}

/// Who asked, and when: the line under the title; and the last day counted (today, in the
/// current month).
pub struct Signed<'a> {
    pub by: &'a str,
    pub at: &'a str,
    pub made_at: chrono::DateTime<chrono::Utc>,
    pub through: chrono::NaiveDate,
}

fn share(part: i64, whole: i64) -> Cell {
    Cell::Share((whole > 0).then(|| part as f64 / whole as f64))
}

fn hours(minutes: i64) -> Cell {
    Cell::Decimal(minutes as f64 / 60.0, 1)
}

fn document(w: Words, title: String, header_left: String, month: Month, signed: &Signed, paper: Paper) -> Document {
    // A month not over yet says so at the top of every page and under the title.
    let partial = signed.through < month.last();
    let through = || signed.through.format("%Y-%m-%d").to_string();
    let header_right = if partial {
        w.with("month_partial", &[("month", w.month(month)), ("day", through())])
    } else {
        w.month(month)
    };
    let blocks =
        if partial { vec![Block::Paragraph(w.with("partial_note", &[("day", through())]))] } else { Vec::new() };
    Document {
        title,
        paper,
        header_left,
        header_right,
        page_label: w.get("page"),
        generated: w.with("generated", &[("at", signed.at.to_string()), ("by", signed.by.to_string())]),
        made_at: signed.made_at,
        blocks,
    }
}

fn signatures(w: Words) -> Block {
    Block::Signatures(vec![w.get("sign.preparer"), w.get("sign.manager"), w.get("sign.date")])
}

fn day_labels(month: Month) -> Vec<String> {
    month.days().map(|d| d.format("%-d").to_string()).collect()
}

/// A living circle's name without the "一刻钟生活圈" every one of them ends in, for a chart's
/// crowded axis.
fn short_circle(name: &str) -> String {
    name.strip_suffix("一刻钟生活圈").filter(|s| !s.is_empty()).unwrap_or(name).to_string()
}

/// One facility's monthly report.
pub fn facility_report(w: Words, fm: &FacilityMonth, month: Month, signed: &Signed) -> Document {
    let p = &fm.place;
    let title = w.with("title.facility", &[("facility", p.name.clone()), ("month", w.month(month))]);
    let header = format!("{} · {} · {}", p.district, p.circle, p.name);
    let mut doc = document(w, title, header, month, signed, Paper::Portrait);
    match &fm.figures {
        Figures::Elder(f) => elder_blocks(w, f, month, &mut doc.blocks),
        Figures::Child(f) => child_blocks(w, f, month, &mut doc.blocks),
    }
    // Both kinds end with their fees.
    doc.blocks.push(money_note(w, month, signed));
    doc.blocks.push(signatures(w));
    doc
}

fn elder_blocks(w: Words, f: &ElderFigures, month: Month, out: &mut Vec<Block>) {
    let open = f.attendance.open_days();
    out.push(Block::Heading(w.get("elder.clients")));
    out.push(Block::Facts(vec![
        w.fact("registered", f.roll.registered),
        w.fact("new", f.roll.new),
        w.fact("left", f.roll.left),
        w.fact("served", f.served),
        w.fact("attendance.person_days", f.attendance.person_days),
        w.fact("attendance.people", f.attendance.people),
        w.fact("attendance.open_days", open),
        w.fact(
            "attendance.daily_average",
            if open > 0 { Cell::Decimal(f.attendance.person_days as f64 / open as f64, 1) } else { Cell::Share(None) },
        ),
    ]));
    out.push(Block::Chart(Chart {
        kind: ChartKind::Bar,
        title: w.get("chart.daily_attendance"),
        labels: day_labels(month),
        series: vec![Series {
            name: w.get("attendance.person_days"),
            values: f.attendance.daily.iter().map(|&n| n as f64).collect(),
        }],
        unit: w.get("unit.person_times"),
    }));

    out.push(Block::Heading(w.get("elder.meals")));
    let tally_row = |label: String, t: &Tally| Row {
        kind: RowKind::Normal,
        cells: vec![label.into(), t.booked.into(), t.served.into(), t.cancelled.into()],
    };
    let mut rows: Vec<Row> = f
        .meals
        .by_meal
        .iter()
        .map(|m| tally_row(w.other(&format!("meals.meals.{}", m.meal.as_str())), &m.counts))
        .collect();
    rows.extend(
        f.meals.by_mode.iter().map(|m| tally_row(w.other(&format!("meals.modes.{}", m.mode.as_str())), &m.counts)),
    );
    rows.extend(
        f.meals.by_diet.iter().map(|d| tally_row(w.other(&format!("dietNeeds.{}", d.need.as_str())), &d.counts)),
    );
    // The total first, then the same meals counted three ways, each under its own heading.
    let group =
        |key: &str| Row { kind: RowKind::Group, cells: vec![w.get(key).into(), Cell::Empty, Cell::Empty, Cell::Empty] };
    let diets_from = f.meals.by_meal.len() + f.meals.by_mode.len();
    let modes_from = f.meals.by_meal.len();
    rows.insert(diets_from, group("meals_by.diet"));
    rows.insert(modes_from, group("meals_by.mode"));
    rows.insert(0, group("meals_by.meal"));
    rows.insert(0, Row { kind: RowKind::Total, ..tally_row(w.get("total"), &f.meals.all) });
    out.push(Block::Table(Table {
        sheet: w.get("sheet.meals"),
        columns: vec![
            w.col("meals_what", 2.0, Align::Left),
            w.num("booked"),
            w.num("meals_served"),
            w.num("cancelled"),
        ],
        rows,
        one_line: false,
    }));
    let mut subsidy: Vec<Row> = f
        .meals
        .by_category
        .iter()
        .map(|c| Row {
            kind: RowKind::Normal,
            cells: vec![
                w.other(&format!("meals.month.categories.{}", c.category.as_str())).into(),
                c.meals.into(),
                Cell::Fen(c.fen),
            ],
        })
        .collect();
    subsidy.push(Row {
        kind: RowKind::Total,
        cells: vec![
            w.get("total").into(),
            f.meals.by_category.iter().map(|c| c.meals).sum::<i64>().into(),
            Cell::Fen(f.meals.subsidy_fen),
        ],
    });
    out.push(Block::Table(Table {
        sheet: w.get("sheet.subsidy"),
        columns: vec![w.col("subsidy_category", 2.0, Align::Left), w.num("meals_served"), w.num("subsidy_yuan")],
        rows: subsidy,
        one_line: false,
    }));
    out.push(Block::Facts(vec![
        w.fact("substitutions", f.substitutions),
        w.fact("subsidy_total", Cell::Fen(f.meals.subsidy_fen)),
    ]));

    let v = &f.visits;
    out.push(Block::Heading(w.get("elder.visits")));
    out.push(Block::Facts(vec![
        w.fact("visits.planned", v.planned),
        w.fact("visits.done", v.done),
        w.fact("visits.missed", v.missed),
        w.fact("visits.refused", v.refused),
        w.fact("visits.unrecorded", v.unrecorded),
        w.fact("visits.cancelled", v.cancelled),
        w.fact("visits.rate", share(v.done, v.planned)),
        w.fact("visits.hours", hours(v.minutes_done)),
        w.fact("visits.made_up", v.made_up),
    ]));
    if !v.reasons.is_empty() {
        out.push(Block::Table(Table {
            sheet: w.get("sheet.reasons"),
            columns: vec![
                w.col("visits.outcome", 1.0, Align::Left),
                w.col("visits.reason", 2.0, Align::Left),
                w.num("count"),
            ],
            rows: v
                .reasons
                .iter()
                .map(|(status, reason, n)| Row {
                    kind: RowKind::Normal,
                    cells: vec![
                        w.other(&format!("visits.status.{status}")).into(),
                        w.other(&format!("visits.reasons.{reason}")).into(),
                        (*n).into(),
                    ],
                })
                .collect(),
            one_line: false,
        }));
    }

    let h = &f.health;
    out.push(Block::Heading(w.get("elder.health")));
    out.push(Block::Facts(vec![
        w.fact("health.checkups", h.checkups),
        w.fact("health.clients_checked", h.clients_checked),
        w.fact("health.abnormal", h.abnormal),
        w.fact("health.urgent", h.urgent),
        w.fact("health.abnormal_rate", share(h.abnormal, h.checkups)),
        w.fact("health.follow_ups_due", h.follow_ups_due),
        w.fact("health.follow_ups_done", h.follow_ups_done),
        w.fact("health.follow_ups_overdue", h.follow_ups_overdue),
    ]));

    let cap = &f.capability;
    let assessed: i64 = cap.levels.iter().sum();
    let registered = assessed + cap.not_assessed;
    out.push(Block::Heading(w.get("elder.capability")));
    let mut rows: Vec<Row> = ["intact", "mild", "moderate", "severe", "total"]
        .iter()
        .zip(cap.levels)
        .enumerate()
        .map(|(i, (key, n))| Row {
            kind: RowKind::Normal,
            cells: vec![
                w.with("level", &[("n", i.to_string()), ("name", w.other(&format!("assessment.levels.{key}")))]).into(),
                n.into(),
                share(n, registered),
            ],
        })
        .collect();
    rows.push(Row {
        kind: RowKind::Normal,
        cells: vec![w.get("not_assessed").into(), cap.not_assessed.into(), share(cap.not_assessed, registered)],
    });
    rows.push(Row {
        kind: RowKind::Total,
        cells: vec![w.get("registered").into(), registered.into(), share(registered, registered)],
    });
    out.push(Block::Table(Table {
        sheet: w.get("sheet.capability"),
        columns: vec![w.col("level_column", 2.0, Align::Left), w.num("people"), w.num("share")],
        rows,
        one_line: false,
    }));
    out.push(Block::Facts(vec![w.fact("assessed_in_month", cap.assessed_in_month)]));
    incident_blocks(w, "elder.incidents", &f.incidents, out);
    money_blocks(w, "money.elder_heading", &f.money, out);
}

/// The month's fees: by item what the people were charged, credited and paid and what the
/// city pays, then who owes at the end. The same figures as the statements and the ledger
/// (services::fees::months).
fn money_blocks(w: Words, heading: &str, m: &MonthMoney, out: &mut Vec<Block>) {
    out.push(Block::Heading(w.get(heading)));
    if m.by_purpose.is_empty() {
        out.push(Block::Paragraph(w.get("money.none")));
    } else {
        let row = |kind, label: String, p: &PurposeMonth| Row {
            kind,
            cells: vec![
                label.into(),
                Cell::Fen(p.charged_fen),
                Cell::Fen(p.credited_fen),
                Cell::Fen(p.city_fen),
                Cell::Fen(p.paid_fen),
            ],
        };
        let mut rows: Vec<Row> = m
            .by_purpose
            .iter()
            .map(|p| row(RowKind::Normal, w.other(&format!("payments.purposes.{}", p.purpose)), p))
            .collect();
        rows.push(row(RowKind::Total, w.get("total"), &m.total()));
        out.push(Block::Table(Table {
            sheet: w.get("sheet.money"),
            columns: vec![
                w.col("money.purpose", 2.0, Align::Left),
                w.num("money.charged"),
                w.num("money.credited"),
                w.num("money.city"),
                w.num("money.paid"),
            ],
            rows,
            one_line: false,
        }));
    }
    out.push(Block::Facts(vec![
        w.fact("money.owing", m.owing),
        w.fact("money.owed", Cell::Fen(m.owed_fen)),
        w.fact("money.in_hand", Cell::Fen(m.in_hand_fen)),
    ]));
}

/// What the fees' figures count: own shares, receipts net of voids, and each person's
/// balance at the month's end, or on the report's last day while the month is not over.
fn money_note(w: Words, month: Month, signed: &Signed) -> Block {
    if signed.through < month.last() {
        Block::Paragraph(w.with("money.note_partial", &[("day", signed.through.format("%Y-%m-%d").to_string())]))
    } else {
        Block::Paragraph(w.get("money.note"))
    }
}

/// The month's incidents: how many, how serious, and by kind (the kinds that happened).
fn incident_blocks(w: Words, heading: &str, f: &IncidentFigures, out: &mut Vec<Block>) {
    out.push(Block::Heading(w.get(heading)));
    out.push(Block::Facts(vec![
        w.fact("incidents.total", f.total()),
        w.fact("incidents.serious", f.serious),
        w.fact("incidents.to_hospital", f.to_hospital),
        w.fact("incidents.open", f.open),
    ]));
    if f.total() > 0 {
        out.push(Block::Table(Table {
            sheet: w.get("sheet.incidents"),
            columns: vec![w.col("incidents.kind", 2.0, Align::Left), w.num("count")],
            rows: kind_rows(w, |i| vec![f.by_kind[i]]),
            one_line: false,
        }));
    }
}

/// A row per kind of incident that happened: its name, then `counts(i)` for the kind at `i`
/// in `IncidentKind::ALL`.
fn kind_rows(w: Words, counts: impl Fn(usize) -> Vec<i64>) -> Vec<Row> {
    IncidentKind::ALL
        .iter()
        .enumerate()
        .filter_map(|(i, kind)| {
            let n = counts(i);
            (n.iter().sum::<i64>() > 0).then(|| Row {
                kind: RowKind::Normal,
                cells: std::iter::once(w.other(&format!("incidents.kinds.{kind}")).into())
                    .chain(n.into_iter().map(Cell::from))
                    .collect(),
            })
        })
        .collect()
}

fn child_blocks(w: Words, f: &ChildFigures, month: Month, out: &mut Vec<Block>) {
    let open = f.attendance.open_days();
    out.push(Block::Heading(w.get("child.children")));
    out.push(Block::Facts(vec![
        w.fact("child.enrolled", f.roll.registered),
        w.fact("child.new", f.roll.new),
        w.fact("child.left", f.roll.left),
        w.fact("child.attendance", f.attendance.person_days),
        w.fact("child.open_days", open),
        w.fact("attendance.rate", share(f.attendance.person_days, f.roll.registered * open)),
    ]));
    out.push(Block::Chart(Chart {
        kind: ChartKind::Bar,
        title: w.get("chart.child_daily_attendance"),
        labels: day_labels(month),
        series: vec![Series {
            name: w.get("child.attendance"),
            values: f.attendance.daily.iter().map(|&n| n as f64).collect(),
        }],
        unit: w.get("unit.person_times"),
    }));

    let c = &f.checks;
    out.push(Block::Heading(w.get("child.checks")));
    out.push(Block::Facts(vec![
        w.fact("child.morning", c.morning),
        w.fact("child.noon", c.noon),
        w.fact("child.with_signs", c.with_signs),
        w.fact("child.observed", c.observed),
        w.fact("child.isolated", c.isolated),
        w.fact("child.sent_home", c.sent_home),
    ]));
    let checks = c.morning + c.noon;
    out.push(Block::Table(Table {
        sheet: w.get("sheet.signs"),
        columns: vec![w.col("child.sign", 2.0, Align::Left), w.num("count"), w.num("child.share_of_checks")],
        rows: SIGNS
            .iter()
            .zip(c.signs)
            .map(|(sign, n)| Row {
                kind: RowKind::Normal,
                cells: vec![w.other(&format!("child_health.signs.{sign}")).into(), n.into(), share(n, checks)],
            })
            .collect(),
        one_line: false,
    }));

    let g = &f.growth;
    out.push(Block::Heading(w.get("child.growth")));
    out.push(Block::Facts(vec![
        w.fact("child.measured_in_month", g.measured_in_month),
        w.fact("child.with_measurement", g.with_measurement),
        w.fact("child.below_minus_2sd", g.below_minus_2sd),
        w.fact("child.below_share", share(g.below_minus_2sd, g.with_measurement)),
        w.fact("child.above_plus_2sd", g.above_plus_2sd),
        w.fact("child.above_share", share(g.above_plus_2sd, g.with_measurement)),
    ]));

    out.push(Block::Heading(w.get("child.meals")));
    out.push(Block::Facts(vec![
        w.fact("child.samples_kept", f.samples_kept),
        w.fact("child.samples_missing", f.samples_missing),
        w.fact("child.allergy_substitutions", f.allergy_substitutions),
    ]));
    incident_blocks(w, "child.incidents", &f.incidents, out);
    money_blocks(w, "money.child_heading", &f.money, out);
}

/// The columns of the city's elder table and one facility's (or a total's) cells.
fn elder_columns(w: Words) -> Vec<Column> {
    let mut cols = vec![w.col("facility", 3.2, Align::Left)];
    for key in [
        "registered",
        "new",
        "left",
        "served",
        "attendance.person_days",
        "meals_served",
        "subsidy_yuan",
        "visits.planned",
        "visits.done",
        "visits.missed",
        "visits.refused",
        "health.checkups",
        "health.abnormal",
        "health.urgent",
        "health.follow_ups_due",
        "health.follow_ups_done",
        "health.follow_ups_overdue",
        "disabled_2_4",
        "incidents",
    ] {
        cols.push(Column { weight: if key == "subsidy_yuan" { 1.4 } else { 1.0 }, ..w.num(&format!("short.{key}")) });
    }
    cols
}

fn elder_cells(f: &ElderFigures) -> Vec<Cell> {
    let v = &f.visits;
    let h = &f.health;
    vec![
        f.roll.registered.into(),
        f.roll.new.into(),
        f.roll.left.into(),
        f.served.into(),
        f.attendance.person_days.into(),
        f.meals.all.served.into(),
        Cell::Fen(f.meals.subsidy_fen),
        v.planned.into(),
        v.done.into(),
        v.missed.into(),
        v.refused.into(),
        h.checkups.into(),
        h.abnormal.into(),
        h.urgent.into(),
        h.follow_ups_due.into(),
        h.follow_ups_done.into(),
        h.follow_ups_overdue.into(),
        f.capability.levels[2..].iter().sum::<i64>().into(),
        f.incidents.total().into(),
    ]
}

fn child_columns(w: Words) -> Vec<Column> {
    let mut cols = vec![w.col("facility", 3.2, Align::Left)];
    for key in [
        "child.enrolled",
        "child.new",
        "child.left",
        "child.attendance",
        "child.morning",
        "child.with_signs",
        "child.sent_home",
        "child.with_measurement",
        "child.below_minus_2sd",
        "child.below_share",
        "child.measured_in_month",
        "child.samples_kept",
        "child.samples_missing",
        "child.allergy_substitutions",
        "incidents",
    ] {
        cols.push(w.num(&format!("short.{key}")));
    }
    cols
}

fn child_cells(f: &ChildFigures) -> Vec<Cell> {
    vec![
        f.roll.registered.into(),
        f.roll.new.into(),
        f.roll.left.into(),
        f.attendance.person_days.into(),
        f.checks.morning.into(),
        f.checks.with_signs.into(),
        f.checks.sent_home.into(),
        f.growth.with_measurement.into(),
        f.growth.below_minus_2sd.into(),
        share(f.growth.below_minus_2sd, f.growth.with_measurement),
        f.growth.measured_in_month.into(),
        f.samples_kept.into(),
        f.samples_missing.into(),
        f.allergy_substitutions.into(),
        f.incidents.total().into(),
    ]
}

/// Adds cells column by column: counts and money add up; a share is recomputed by the
/// caller from its parts (`fix_shares`).
fn add_cells(sum: &mut [Cell], cells: &[Cell]) {
    for (s, c) in sum.iter_mut().zip(cells) {
        *s = match (&*s, c) {
            (Cell::Int(a), Cell::Int(b)) => Cell::Int(a + b),
            (Cell::Fen(a), Cell::Fen(b)) => Cell::Fen(a + b),
            (Cell::Empty, other) => other.clone(),
            (keep, _) => keep.clone(),
        };
    }
}

/// A table of facilities grouped by district and living circle, with a subtotal after each
/// circle and district and the city's total at the end. `shares` recomputes a total row's
/// share columns from its summed counts.
fn grouped_table(
    w: Words,
    sheet: String,
    columns: Vec<Column>,
    facilities: &[(&FacilityPlace, Vec<Cell>)],
    shares: &dyn Fn(&mut [Cell]),
) -> Table {
    let width = columns.len() - 1;
    let total_row = |label: String, sum: &[Cell]| {
        let mut cells = vec![Cell::Text(label)];
        cells.extend(sum.iter().cloned());
        shares(&mut cells[1..]);
        Row { kind: RowKind::Total, cells }
    };
    let group_row = |label: String| Row {
        kind: RowKind::Group,
        cells: std::iter::once(Cell::Text(label)).chain(std::iter::repeat_n(Cell::Empty, width)).collect(),
    };
    let mut rows = Vec::new();
    let mut city = vec![Cell::Empty; width];
    let mut i = 0;
    while i < facilities.len() {
        let district = facilities[i].0.district_id;
        rows.push(group_row(facilities[i].0.district.clone()));
        let mut district_sum = vec![Cell::Empty; width];
        while i < facilities.len() && facilities[i].0.district_id == district {
            let circle = facilities[i].0.circle_id;
            let circle_name = facilities[i].0.circle.clone();
            rows.push(group_row(format!("  {circle_name}")));
            let mut circle_sum = vec![Cell::Empty; width];
            while i < facilities.len() && facilities[i].0.circle_id == circle {
                let (place, cells) = &facilities[i];
                rows.push(Row {
                    kind: RowKind::Normal,
                    cells: std::iter::once(Cell::Text(place.name.clone())).chain(cells.iter().cloned()).collect(),
                });
                add_cells(&mut circle_sum, cells);
                i += 1;
            }
            rows.push(total_row(w.with("subtotal", &[("name", circle_name)]), &circle_sum));
            add_cells(&mut district_sum, &circle_sum);
        }
        rows.push(total_row(w.with("subtotal", &[("name", facilities[i - 1].0.district.clone())]), &district_sum));
        add_cells(&mut city, &district_sum);
    }
    rows.push(total_row(w.get("city_total"), &city));
    Table { sheet, columns, rows, one_line: true }
}

/// The whole city's monthly report: summary, charts, and a row per facility.
pub fn city_report(w: Words, all: &[FacilityMonth], month: Month, signed: &Signed) -> Document {
    let title = w.with("title.city", &[("month", w.month(month))]);
    let mut doc = document(w, title, w.get("city"), month, signed, Paper::Landscape);
    let elder: Vec<(&FacilityPlace, &ElderFigures)> = all
        .iter()
        .filter_map(|fm| match &fm.figures {
            Figures::Elder(f) => Some((&fm.place, &**f)),
            Figures::Child(_) => None,
        })
        .collect();
    let child: Vec<(&FacilityPlace, &ChildFigures)> = all
        .iter()
        .filter_map(|fm| match &fm.figures {
            Figures::Child(f) => Some((&fm.place, &**f)),
            Figures::Elder(_) => None,
        })
        .collect();
    let sum = |f: &dyn Fn(&ElderFigures) -> i64| elder.iter().map(|(_, e)| f(e)).sum::<i64>();
    let csum = |f: &dyn Fn(&ChildFigures) -> i64| child.iter().map(|(_, c)| f(c)).sum::<i64>();
    let (checkups, abnormal) = (sum(&|e| e.health.checkups), sum(&|e| e.health.abnormal));
    let (planned, done) = (sum(&|e| e.visits.planned), sum(&|e| e.visits.done));
    doc.blocks.push(Block::Heading(w.get("city_section.summary")));
    doc.blocks.push(Block::Facts(vec![
        w.fact("city_section.elder_facilities", elder.len() as i64),
        w.fact("city_section.childcare_units", child.len() as i64),
        w.fact("registered", sum(&|e| e.roll.registered)),
        w.fact("served", sum(&|e| e.served)),
        w.fact("attendance.person_days", sum(&|e| e.attendance.person_days)),
        w.fact("meals_served", sum(&|e| e.meals.all.served)),
        w.fact("subsidy_total", Cell::Fen(sum(&|e| e.meals.subsidy_fen))),
        w.fact("city_section.visits_done", done),
        w.fact("visits.rate", share(done, planned)),
        w.fact("health.checkups", checkups),
        w.fact("city_section.abnormal_rate", share(abnormal, checkups)),
        w.fact("city_section.follow_ups_overdue", sum(&|e| e.health.follow_ups_overdue)),
        w.fact("child.enrolled", csum(&|c| c.roll.registered)),
        w.fact("city_section.child_attendance", csum(&|c| c.attendance.person_days)),
        w.fact("city_section.child_signs", csum(&|c| c.checks.with_signs)),
        w.fact("child.below_share", share(csum(&|c| c.growth.below_minus_2sd), csum(&|c| c.growth.with_measurement))),
        w.fact("incidents.total", sum(&|e| e.incidents.total()) + csum(&|c| c.incidents.total())),
        w.fact("incidents.serious", sum(&|e| e.incidents.serious) + csum(&|c| c.incidents.serious)),
        w.fact("city_section.paid", Cell::Fen(all.iter().map(|fm| money_of(fm).total().paid_fen).sum())),
        w.fact("city_section.owed", Cell::Fen(all.iter().map(|fm| money_of(fm).owed_fen).sum())),
    ]));

    let days = month.days().count();
    let daily = |rows: &mut dyn Iterator<Item = &Vec<i64>>| {
        let mut out = vec![0.0; days];
        for d in rows {
            for (o, n) in out.iter_mut().zip(d) {
                *o += *n as f64;
            }
        }
        out
    };
    doc.blocks.push(Block::Chart(Chart {
        kind: ChartKind::Line,
        title: w.get("chart.city_daily_attendance"),
        labels: day_labels(month),
        series: vec![
            Series { name: w.get("chart.elder"), values: daily(&mut elder.iter().map(|(_, e)| &e.attendance.daily)) },
            Series {
                name: w.get("chart.children"),
                values: daily(&mut child.iter().map(|(_, c)| &c.attendance.daily)),
            },
        ],
        unit: w.get("unit.person_times"),
    }));
    // The abnormal share of checkups in each living circle, in the city's order.
    let mut circles: Vec<(i64, String, i64, i64)> = Vec::new();
    for (place, e) in &elder {
        match circles.iter_mut().find(|c| c.0 == place.circle_id) {
            Some(c) => {
                c.2 += e.health.abnormal;
                c.3 += e.health.checkups;
            }
            None => circles.push((place.circle_id, place.circle.clone(), e.health.abnormal, e.health.checkups)),
        }
    }
    doc.blocks.push(Block::Chart(Chart {
        kind: ChartKind::Bar,
        title: w.get("chart.abnormal_by_circle"),
        labels: circles.iter().map(|c| short_circle(&c.1)).collect(),
        series: vec![Series {
            name: w.get("health.abnormal_rate"),
            values: circles.iter().map(|c| if c.3 > 0 { c.2 as f64 * 100.0 / c.3 as f64 } else { 0.0 }).collect(),
        }],
        unit: "%".to_string(),
    }));

    doc.blocks.push(Block::Heading(w.get("city_section.elder_table")));
    let rows: Vec<(&FacilityPlace, Vec<Cell>)> = elder.iter().map(|(p, e)| (*p, elder_cells(e))).collect();
    doc.blocks.push(Block::Table(grouped_table(w, w.get("sheet.city_elder"), elder_columns(w), &rows, &|_| {})));
    doc.blocks.push(Block::Heading(w.get("city_section.child_table")));
    let rows: Vec<(&FacilityPlace, Vec<Cell>)> = child.iter().map(|(p, c)| (*p, child_cells(c))).collect();
    doc.blocks.push(Block::Table(grouped_table(w, w.get("sheet.city_child"), child_columns(w), &rows, &|cells| {
        // Shares of a total row are recomputed from its parts, never added up.
        let int = |c: &Cell| if let Cell::Int(n) = c { *n } else { 0 };
        cells[9] = share(int(&cells[8]), int(&cells[7]));
    })));
    doc.blocks.push(Block::Heading(w.get("city_section.incidents")));
    let elder_kinds = |i: usize| elder.iter().map(|(_, e)| e.incidents.by_kind[i]).sum::<i64>();
    let child_kinds = |i: usize| child.iter().map(|(_, c)| c.incidents.by_kind[i]).sum::<i64>();
    let mut rows = kind_rows(w, |i| vec![elder_kinds(i), child_kinds(i), elder_kinds(i) + child_kinds(i)]);
    let (elder_all, child_all) = (sum(&|e| e.incidents.total()), csum(&|c| c.incidents.total()));
    rows.push(Row {
        kind: RowKind::Total,
        cells: vec![w.get("city_total").into(), elder_all.into(), child_all.into(), (elder_all + child_all).into()],
    });
    doc.blocks.push(Block::Table(Table {
        sheet: w.get("sheet.incidents"),
        columns: vec![
            w.col("incidents.kind", 2.0, Align::Left),
            w.num("chart.elder"),
            w.num("chart.children"),
            w.num("incidents.total"),
        ],
        rows,
        one_line: false,
    }));
    doc.blocks.push(Block::Heading(w.get("city_section.money")));
    let rows: Vec<(&FacilityPlace, Vec<Cell>)> = all.iter().map(|fm| (&fm.place, money_cells(money_of(fm)))).collect();
    let mut columns = vec![w.col("facility", 3.2, Align::Left)];
    columns.extend(
        ["money.charged", "money.credited", "money.city", "money.paid", "money.owing", "money.owed"]
            .map(|key| w.num(key)),
    );
    doc.blocks.push(Block::Table(grouped_table(w, w.get("sheet.city_money"), columns, &rows, &|_| {})));
    doc.blocks.push(money_note(w, month, signed));
    doc.blocks.push(signatures(w));
    doc
}

fn money_of(fm: &FacilityMonth) -> &MonthMoney {
    match &fm.figures {
        Figures::Elder(f) => &f.money,
        Figures::Child(f) => &f.money,
    }
}

/// A facility's row of the city's fees table.
fn money_cells(m: &MonthMoney) -> Vec<Cell> {
    let t = m.total();
    vec![
        Cell::Fen(t.charged_fen),
        Cell::Fen(t.credited_fen),
        Cell::Fen(t.city_fen),
        Cell::Fen(t.paid_fen),
        Cell::Int(m.owing),
        Cell::Fen(m.owed_fen),
    ]
}
