//! The kitchen's count sheet for one meal of one facility: how many portions of each dish,
//! in which diet variant, to eat in or to deliver; the delivery list by address; and the
//! bookings the kitchen must not simply plate. Printable as .xlsx.
//!
//! Decisions worth knowing:
//! - Every booking not cancelled counts (served ones too: the sheet is also the meal's
//!   record). A substitute counts as its own dish, never as the dish it replaces.
//! - A portion's variant is how the kitchen prepares it for the client — the low-salt,
//!   soft and minced needs the dish does not meet as it is (`domain::meals::variant`), e.g.
//!   low-salt + soft. The empty set is the standard portion. So per dish the variants add up to the total,
//!   and dine-in + delivery = total; `by_need` counts the portions needing each adaptation
//!   (a low-salt, soft portion counts under both).
//! - A plate that now clashes with the client's allergy (the menu changed after booking and
//!   no substitute was chosen) is not counted: it is listed under `blocked` for the desk to
//!   choose a substitute. Diet warnings nobody confirmed (materialized bookings) are listed
//!   under `unconfirmed`, for whoever serves.
//! - Reading the sheet is `Action::ServeMeals` at the facility (everyone who works there);
//!   the delivery list shows names, phones and addresses because the delivery needs them.
//!   The export is audited.

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;
use rust_xlsxwriter::{Color, Format, Workbook, Worksheet, XlsxError};
use serde::Serialize;
use ts_rs::TS;

use super::meal_dishes;
use super::plates::{plates, DishCache, Plate};
use crate::domain::account::{Action, Actor};
use crate::domain::meals::{Clash, EaterFacts, Meal, MealMode};
use crate::domain::person::DietNeed;
use crate::error::{CoreError, Result};
use crate::roster::{vocab, ExportReport};
use crate::services::audit::{AuditAction, AuditEntity, Entry};
use crate::store::read;
use crate::store::Db;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct MenuDish {
    pub dish_id: i64,
    pub name: String,
}

/// Portions of one dish prepared one way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct VariantCount {
    /// The diets the portion is adapted to; empty = the standard portion.
    pub needs: Vec<DietNeed>,
    pub total: u32,
    pub dine_in: u32,
    pub delivery: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct NeedCount {
    pub need: DietNeed,
    pub portions: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct DishCount {
    pub dish_id: i64,
    pub name: String,
    /// False for a dish served only as someone's substitute.
    pub on_menu: bool,
    pub total: u32,
    pub dine_in: u32,
    pub delivery: u32,
    /// Standard first; they add up to `total`.
    pub variants: Vec<VariantCount>,
    pub by_need: Vec<NeedCount>,
}

/// A plate the kitchen must not simply serve: an allergy clash (blocked) or a diet warning
/// nobody confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SheetWarning {
    pub booking_id: i64,
    pub client_id: i64,
    pub client_name: String,
    pub dish_id: i64,
    pub dish_name: String,
    pub clash: Clash,
}

/// A dish as one client gets it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct PlateLine {
    pub dish_id: i64,
    pub dish_name: String,
    /// The menu dish this one replaces, if it is a substitute.
    pub instead_of: Option<String>,
    /// The variant: diets the dish is adapted to for this client.
    pub needs: Vec<DietNeed>,
    /// Not to be served: clashes with the client's allergy.
    pub blocked: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct DeliveryStop {
    pub booking_id: i64,
    pub client_id: i64,
    pub client_name: String,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub community_name: String,
    pub plates: Vec<PlateLine>,
    pub diet_needs: Vec<DietNeed>,
    pub allergies: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct KitchenSheet {
    pub facility_id: i64,
    pub facility_name: String,
    #[ts(type = "string")]
    pub day: NaiveDate,
    pub meal: Meal,
    /// The published menu's dishes, in order; empty when no menu is published.
    pub menu: Vec<MenuDish>,
    /// Bookings not cancelled.
    pub bookings: u32,
    pub dine_in: u32,
    pub delivery: u32,
    pub dishes: Vec<DishCount>,
    pub blocked: Vec<SheetWarning>,
    pub unconfirmed: Vec<SheetWarning>,
    /// By address (those without one last), then name.
    pub deliveries: Vec<DeliveryStop>,
}

struct SheetBooking {
    id: i64,
    client_id: i64,
    client_name: String,
    mode: MealMode,
    diet_confirmed: bool,
    served: bool,
    phone: Option<String>,
    address: Option<String>,
    community_name: String,
    eater: EaterFacts,
}

impl DishCount {
    fn new(dish_id: i64, name: &str, on_menu: bool) -> DishCount {
        DishCount {
            dish_id,
            name: name.to_string(),
            on_menu,
            total: 0,
            dine_in: 0,
            delivery: 0,
            variants: Vec::new(),
            by_need: Vec::new(),
        }
    }

    fn add(&mut self, plate: &Plate, mode: MealMode) {
        let needs = plate.diet_needs();
        let (dine_in, delivery) = if mode == MealMode::Delivery { (0, 1) } else { (1, 0) };
        self.total += 1;
        self.dine_in += dine_in;
        self.delivery += delivery;
        match self.variants.iter_mut().find(|v| v.needs == needs) {
            Some(v) => {
                v.total += 1;
                v.dine_in += dine_in;
                v.delivery += delivery;
            }
            None => self.variants.push(VariantCount { needs: needs.clone(), total: 1, dine_in, delivery }),
        }
        for need in needs {
            match self.by_need.iter_mut().find(|n| n.need == need) {
                Some(n) => n.portions += 1,
                None => self.by_need.push(NeedCount { need, portions: 1 }),
            }
        }
    }
}

fn warning(b: &SheetBooking, p: &Plate, clash: &Clash) -> SheetWarning {
    SheetWarning {
        booking_id: b.id,
        client_id: b.client_id,
        client_name: b.client_name.clone(),
        dish_id: p.dish_id,
        dish_name: p.dish_name.clone(),
        clash: clash.clone(),
    }
}

/// The count sheet of one meal (see the module's notes).
pub fn kitchen_sheet(db: &Db, actor: &Actor, facility_id: i64, day: NaiveDate, meal: Meal) -> Result<KitchenSheet> {
    actor.require_at(Action::ServeMeals, facility_id)?;
    db.read(|c| {
        let facility_name: String = c
            .prepare_cached("SELECT name FROM facilities WHERE id = ?1")?
            .query_row([facility_id], |r| r.get(0))
            .map_err(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => {
                    CoreError::NotFound { entity: AuditEntity::Facility, id: facility_id.to_string() }
                }
                other => other.into(),
            })?;
        let menu = meal_dishes(c, facility_id, day, meal)?;
        let args = rusqlite::params![facility_id, day.to_string(), meal.as_str()];
        let bookings: Vec<SheetBooking> = c
            .prepare_cached(
                "SELECT b.id, b.client_id, b.mode, b.status, b.diet_confirmed_by IS NOT NULL, cl.name, cl.phone,
                        cl.address, co.name, cl.allergies, cl.diet_needs
                 FROM bookings b JOIN clients cl ON cl.id = b.client_id JOIN communities co ON co.id = cl.community_id
                 WHERE b.facility_id = ?1 AND b.day = ?2 AND b.meal = ?3 AND b.status != 'cancelled'
                 ORDER BY cl.name_key, b.id",
            )?
            .query_map(args, |r| {
                Ok(SheetBooking {
                    id: r.get(0)?,
                    client_id: r.get(1)?,
                    mode: r.get::<_, MealMode>(2)?,
                    served: r.get::<_, String>(3)? == "served",
                    diet_confirmed: r.get(4)?,
                    client_name: r.get(5)?,
                    phone: r.get(6)?,
                    address: r.get(7)?,
                    community_name: r.get(8)?,
                    // As `client_eater` reads it, for every booking in one query.
                    eater: EaterFacts {
                        allergies: read::json(r, 9)?,
                        diet_needs: read::json(r, 10)?,
                        age_months: None,
                    },
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut substitutes: HashMap<i64, HashMap<i64, i64>> = HashMap::new();
        let mut rows = c.prepare_cached(
            "SELECT s.booking_id, s.dish_id, s.substitute_dish_id
             FROM booking_substitutions s JOIN bookings b ON b.id = s.booking_id
             WHERE b.facility_id = ?1 AND b.day = ?2 AND b.meal = ?3 AND b.status != 'cancelled'",
        )?;
        let mut rows = rows.query(args)?;
        while let Some(r) = rows.next()? {
            substitutes.entry(r.get(0)?).or_default().insert(r.get(1)?, r.get(2)?);
        }

        let mut sheet = KitchenSheet {
            facility_id,
            facility_name,
            day,
            meal,
            menu: menu.iter().map(|(id, d)| MenuDish { dish_id: *id, name: d.name.clone() }).collect(),
            bookings: bookings.len() as u32,
            dine_in: 0,
            delivery: 0,
            dishes: menu.iter().map(|(id, d)| DishCount::new(*id, &d.name, true)).collect(),
            blocked: Vec::new(),
            unconfirmed: Vec::new(),
            deliveries: Vec::new(),
        };
        let mut dishes = DishCache::default();
        let none = HashMap::new();
        for b in &bookings {
            match b.mode {
                MealMode::DineIn => sheet.dine_in += 1,
                MealMode::Delivery => sheet.delivery += 1,
            }
            let subs = substitutes.get(&b.id).unwrap_or(&none);
            let plates = plates(c, &mut dishes, &menu, &b.eater, subs)?;
            for p in &plates {
                if let Some(clash) = p.refusal() {
                    sheet.blocked.push(warning(b, p, clash));
                    continue;
                }
                if !b.diet_confirmed && !b.served {
                    for clash in p.clashes.iter().filter(|c| matches!(c, Clash::Diet { .. })) {
                        sheet.unconfirmed.push(warning(b, p, clash));
                    }
                }
                let count = match sheet.dishes.iter().position(|d| d.dish_id == p.dish_id) {
                    Some(i) => &mut sheet.dishes[i],
                    None => {
                        sheet.dishes.push(DishCount::new(p.dish_id, &p.dish_name, false));
                        sheet.dishes.last_mut().expect("just pushed")
                    }
                };
                count.add(p, b.mode);
            }
            if b.mode == MealMode::Delivery {
                sheet.deliveries.push(DeliveryStop {
                    booking_id: b.id,
                    client_id: b.client_id,
                    client_name: b.client_name.clone(),
                    phone: b.phone.clone(),
                    address: b.address.clone(),
                    community_name: b.community_name.clone(),
                    plates: plates
                        .iter()
                        .map(|p| PlateLine {
                            dish_id: p.dish_id,
                            dish_name: p.dish_name.clone(),
                            instead_of: p.is_substitute().then(|| p.menu_dish_name.clone()),
                            needs: p.diet_needs(),
                            blocked: p.refusal().is_some(),
                        })
                        .collect(),
                    diet_needs: b.eater.diet_needs.clone(),
                    allergies: b.eater.allergies.clone(),
                });
            }
        }
        // The menu's dishes keep the menu's order; substitutes follow, by name.
        let menu_len = sheet.menu.len();
        sheet.dishes[menu_len..].sort_by(|a, b| a.name.cmp(&b.name));
        for d in &mut sheet.dishes {
            d.variants.sort_by(|a, b| (a.needs.len(), &a.needs).cmp(&(b.needs.len(), &b.needs)));
            d.by_need.sort_by_key(|n| n.need);
        }
        // Bookings were read by name: a stable sort keeps that order within an address.
        sheet.deliveries.sort_by(|a, b| match (&a.address, &b.address) {
            (Some(x), Some(y)) => x.cmp(y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        });
        Ok(sheet)
    })
}

// ---------------------------------------------------------------------------------------
// Export.

pub fn meal_label(meal: Meal) -> &'static str {
    match meal {
        Meal::Breakfast => "早餐",
        Meal::Lunch => "午餐",
        Meal::Dinner => "晚餐",
    }
}

fn needs_label(needs: &[DietNeed]) -> String {
    if needs.is_empty() {
        return "标准".into();
    }
    needs.iter().map(|n| vocab::label(vocab::DIETS, *n)).collect::<Vec<_>>().join("+")
}

fn clash_label(clash: &Clash) -> String {
    match clash {
        Clash::Allergy { allergy } => format!("过敏：{allergy}（需替代菜品，不可供应）"),
        Clash::Diet { need } => format!("不符合{}饮食，待确认", vocab::label(vocab::DIETS, *need)),
        Clash::InfantSaltSugar => "含添加盐或糖".into(),
    }
}

fn count_rows(sheet: &KitchenSheet) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for d in &sheet.dishes {
        let name = if d.on_menu { d.name.clone() } else { format!("{}（替代）", d.name) };
        rows.push(vec![name, "合计".into(), d.total.to_string(), d.dine_in.to_string(), d.delivery.to_string()]);
        for v in &d.variants {
            rows.push(vec![
                String::new(),
                needs_label(&v.needs),
                v.total.to_string(),
                v.dine_in.to_string(),
                v.delivery.to_string(),
            ]);
        }
    }
    rows.push(vec![
        "预订人数".into(),
        String::new(),
        sheet.bookings.to_string(),
        sheet.dine_in.to_string(),
        sheet.delivery.to_string(),
    ]);
    rows
}

fn delivery_rows(sheet: &KitchenSheet) -> Vec<Vec<String>> {
    sheet
        .deliveries
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let plates: Vec<String> = s
                .plates
                .iter()
                .map(|p| {
                    let mut text = p.dish_name.clone();
                    if let Some(menu) = &p.instead_of {
                        text.push_str(&format!("（代{menu}）"));
                    }
                    if !p.needs.is_empty() {
                        text.push_str(&format!("[{}]", needs_label(&p.needs)));
                    }
                    if p.blocked {
                        text.push_str("【过敏，勿送】");
                    }
                    text
                })
                .collect();
            vec![
                (i + 1).to_string(),
                s.client_name.clone(),
                s.phone.clone().unwrap_or_default(),
                s.address.clone().unwrap_or_default(),
                s.community_name.clone(),
                plates.join("、"),
                s.diet_needs.iter().map(|n| vocab::label(vocab::DIETS, *n)).collect::<Vec<_>>().join("、"),
                s.allergies.join("、"),
            ]
        })
        .collect()
}

fn warning_rows(sheet: &KitchenSheet) -> Vec<Vec<String>> {
    sheet
        .blocked
        .iter()
        .chain(&sheet.unconfirmed)
        .map(|w| vec![w.client_name.clone(), w.dish_name.clone(), clash_label(&w.clash)])
        .collect()
}

fn xlsx_error(e: XlsxError) -> CoreError {
    CoreError::Io(std::io::Error::other(e.to_string()))
}

/// One printable sheet: a bold header row repeated on every page, text cells, landscape,
/// one page wide, the title in the page header.
fn add_sheet(
    book: &mut Workbook,
    name: &str,
    title: &str,
    headers: &[(&str, f64)],
    rows: &[Vec<String>],
) -> std::result::Result<(), XlsxError> {
    let sheet: &mut Worksheet = book.add_worksheet();
    sheet.set_name(name)?;
    let bold = Format::new().set_bold().set_background_color(Color::RGB(0xE3F0EA)).set_font_name("微软雅黑");
    for (i, (header, width)) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, i as u16, *header, &bold)?;
        sheet.set_column_width(i as u16, *width)?;
    }
    for (i, row) in rows.iter().enumerate() {
        for (j, value) in row.iter().enumerate() {
            sheet.write_string((i + 1) as u32, j as u16, value)?;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.set_landscape();
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(0, 0)?;
    sheet.set_header(format!("&C{}", title.replace('&', "&&")));
    Ok(())
}

/// Writes the count sheet, the delivery list and the warnings as one printable .xlsx at
/// `path`. Audited.
pub fn export_kitchen_sheet(
    db: &Db,
    actor: &Actor,
    facility_id: i64,
    day: NaiveDate,
    meal: Meal,
    path: &Path,
) -> Result<ExportReport> {
    let sheet = kitchen_sheet(db, actor, facility_id, day, meal)?;
    let title = format!("{} {} {} 备餐单", sheet.facility_name, sheet.day, meal_label(meal));
    let counts = count_rows(&sheet);
    let deliveries = delivery_rows(&sheet);
    let warnings = warning_rows(&sheet);
    let mut book = Workbook::new();
    let write = |book: &mut Workbook| -> std::result::Result<(), XlsxError> {
        add_sheet(
            book,
            "份数",
            &title,
            &[("菜品", 24.0), ("做法", 18.0), ("份数", 8.0), ("堂食", 8.0), ("送餐", 8.0)],
            &counts,
        )?;
        add_sheet(
            book,
            "送餐名单",
            &title,
            &[
                ("序号", 6.0),
                ("姓名", 10.0),
                ("电话", 14.0),
                ("地址", 30.0),
                ("社区", 12.0),
                ("菜品", 40.0),
                ("饮食要求", 14.0),
                ("过敏", 12.0),
            ],
            &deliveries,
        )?;
        add_sheet(book, "提醒", &title, &[("姓名", 10.0), ("菜品", 20.0), ("提醒", 40.0)], &warnings)
    };
    write(&mut book).map_err(xlsx_error)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let partial = path.with_extension("xlsx.part");
    book.save(&partial).map_err(xlsx_error)?;
    std::fs::rename(&partial, path)?;
    let rows = counts.len() + deliveries.len() + warnings.len();
    db.write(|c| {
        Entry::new(AuditAction::Export, AuditEntity::KitchenSheet, path.display())
            .facility(Some(facility_id))
            .after(&serde_json::json!({ "day": day, "meal": meal.as_str(), "bookings": sheet.bookings, "rows": rows }))
            .write(c, actor)
    })?;
    Ok(ExportReport { path: path.display().to_string(), rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_are_labelled_in_the_kitchens_words() {
        assert_eq!(needs_label(&[]), "标准");
        assert_eq!(needs_label(&[DietNeed::LowSalt, DietNeed::Soft]), "低盐+软食");
    }
}
