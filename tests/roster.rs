//! Rosters: the template, importing with a row-by-row preview that writes nothing, the
//! confirmed import in one transaction, GBK CSV, scope, and exports that read back.

use crate::common;

use carecircle_core::domain::resident_id::check_char;
use carecircle_core::roster::{self, table, RosterKind};
use carecircle_core::{CoreError, Db, Locale, Role};
use rust_xlsxwriter::{Format, Workbook};

fn id_number(area: &str, birth: &str, seq: &str) -> String {
    let mut s = format!("{area}{birth}{seq}");
    s.push(check_char(s.as_bytes()));
    s
}

/// A workbook with the given header and rows; a cell starting with '#' is written as a number.
fn xlsx(headers: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let text = Format::new().set_num_format("@");
    for (i, h) in headers.iter().enumerate() {
        sheet.write_string(0, i as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (i, v) in row.iter().enumerate() {
            let (r, i) = (r as u32 + 1, i as u16);
            match v.strip_prefix('#') {
                Some(n) => sheet.write_number(r, i, n.parse::<f64>().unwrap()).unwrap(),
                None => sheet.write_string_with_format(r, i, v, &text).unwrap(),
            };
        }
    }
    book.save_to_buffer().unwrap()
}

fn facility_and_community(db: &Db) -> (i64, String, String) {
    db.read(|c| {
        Ok(c.query_row(
            "SELECT f.id, f.name, co.name FROM facilities f JOIN communities co ON co.id = f.community_id
             WHERE f.kind = 'elder_centre' ORDER BY f.id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?)
    })
    .unwrap()
}

const CLIENT_HEADERS: &[&str] = &[
    "姓名*",
    "身份证号",
    "性别",
    "出生日期",
    "民族*",
    "电话",
    "所属机构",
    "社区*",
    "饮食需求",
    "紧急联系人",
    "联系人关系",
    "联系人电话",
];

fn client_row(name: &str, id: &str, community: &str, diet: &str) -> Vec<String> {
    [name, id, "", "", "汉族", "13947301234", "", community, diet, "李强", "儿子", "13904730000"]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

#[test]
fn a_client_roster_is_previewed_row_by_row_and_only_valid_rows_are_imported_on_confirm() {
    let (t, admin) = common::seeded();
    let (facility, _, community) = facility_and_community(&t.db);
    let existing: (String, String) =
        t.db.read(|c| {
            Ok(c.query_row("SELECT id_number, name FROM clients WHERE id_number IS NOT NULL LIMIT 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?)
        })
        .unwrap();
    let good1 = id_number("150302", "19520314", "001");
    let good2 = id_number("150303", "19480101", "002");
    let bad_check = format!("{}{}", &good1[..17], if good1.ends_with('0') { '1' } else { '0' });
    let rows = vec![
        client_row("乌日娜", &good1, &community, "低盐、清真"),
        client_row("张三", &bad_check, &community, ""),
        client_row("李四", &id_number("150302", "19500505", "011"), "不存在社区", ""),
        client_row("王五", &existing.0, &community, ""),
        client_row("赵六", &good1, &community, ""),
        client_row("钱七", &format!("#{}", &good2[..17]), &community, ""),
        client_row("孙八", &good2, &community, "辣"),
        client_row("示例：张桂兰", &good2, &community, ""),
    ];
    let file = xlsx(CLIENT_HEADERS, &rows);
    let before = common::count(&t.db, "SELECT count(*) FROM clients");
    let today = common::today();
    let report =
        roster::preview(&t.db, &admin, RosterKind::Clients, Some(facility), "名单.xlsx", &file, today, Locale::ZhCn)
            .unwrap();
    assert_eq!(report.total_rows, 7, "the example row is skipped");
    assert_eq!(report.valid_rows, 1);
    let codes: Vec<Vec<&str>> =
        report.rows.iter().map(|r| r.errors.iter().map(|e| e.code.as_str()).collect()).collect();
    assert_eq!(
        codes,
        vec![
            vec![],
            vec!["id.check_char"],
            vec!["import.community_unknown"],
            vec!["person.id_taken"],
            vec!["import.duplicate_in_file"],
            vec!["import.id_as_number"],
            vec!["import.value_unknown"],
        ]
    );
    assert_eq!(report.rows[1].errors[0].column, "身份证号");
    assert_eq!(report.rows[1].row, 3, "row numbers as Excel shows them");
    assert!(report.rows[3].errors[0].message.contains(&existing.1), "names who has the number");
    assert!(report.rows[4].errors[0].message.contains('2'), "points at the first row with the number");
    assert!(report.rows[6].errors[0].message.contains("辣"));
    assert_eq!(common::count(&t.db, "SELECT count(*) FROM clients"), before, "a preview writes nothing");

    let done =
        roster::commit(&t.db, &admin, RosterKind::Clients, Some(facility), "名单.xlsx", &file, today, Locale::ZhCn)
            .unwrap();
    assert!(done.committed);
    assert_eq!(done.imported, 1);
    assert_eq!(common::count(&t.db, "SELECT count(*) FROM clients"), before + 1);
    let diet: String =
        t.db.read(|c| Ok(c.query_row("SELECT diet_needs FROM clients WHERE id_number = ?1", [&good1], |r| r.get(0))?))
            .unwrap();
    assert_eq!(diet, r#"["low_salt","halal"]"#);
    assert_eq!(common::count(&t.db, "SELECT count(*) FROM audit_log WHERE action = 'import'"), 1);
    let contacts = format!(
        "SELECT count(*) FROM client_contacts cc JOIN clients c ON c.id = cc.client_id WHERE c.id_number = '{good1}'"
    );
    assert_eq!(common::count(&t.db, &contacts), 1);
}

#[test]
fn english_messages_for_an_english_user() {
    let (t, admin) = common::seeded();
    let (facility, _, _) = facility_and_community(&t.db);
    let file = xlsx(CLIENT_HEADERS, &[client_row("Anna", "", "nowhere", "")]);
    let report = roster::preview(
        &t.db,
        &admin,
        RosterKind::Clients,
        Some(facility),
        "a.xlsx",
        &file,
        common::today(),
        Locale::En,
    )
    .unwrap();
    let messages: Vec<&str> = report.rows[0].errors.iter().map(|e| e.message.as_str()).collect();
    assert!(messages.iter().any(|m| m.contains("no community called")), "{messages:?}");
}

#[test]
fn a_gbk_csv_of_children_imports_with_guardians() {
    let (t, admin) = common::seeded();
    let (unit, unit_name, class): (i64, String, String) =
        t.db.read(|c| {
            Ok(c.query_row(
                "SELECT f.id, f.name, k.name FROM facilities f JOIN child_classes k ON k.facility_id = f.id
                 WHERE f.kind = 'childcare' ORDER BY f.id, k.id LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?)
        })
        .unwrap();
    let csv = format!(
        "姓名*,性别,出生日期,民族*,所属机构,班级,入托日期*,过敏,监护人姓名*,监护人关系*,监护人电话*,接送人姓名,接送人关系,接送人电话\n\
         其木格,女,2023/6/1,蒙古族,{unit_name},{class},2025-09-01,鸡蛋、花生,斯琴,母亲,13804731111,巴特尔,祖父,13904732222\n\
         没监护人,男,2023-01-01,汉族,{unit_name},,2025-09-01,,,,,,,\n"
    );
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&csv);
    assert!(!unmappable);
    let report =
        roster::commit(&t.db, &admin, RosterKind::Children, None, "幼儿.csv", &gbk, common::today(), Locale::ZhCn)
            .unwrap();
    assert_eq!((report.total_rows, report.imported), (2, 1));
    assert_eq!(report.rows[1].errors[0].column, "监护人姓名");
    let (id, allergies): (i64, String) =
        t.db.read(|c| {
            Ok(c.query_row(
                "SELECT id, allergies FROM children WHERE name = '其木格' AND facility_id = ?1",
                [unit],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?)
        })
        .unwrap();
    assert_eq!(allergies, r#"["鸡蛋","花生"]"#);
    assert_eq!(
        common::count(&t.db, &format!("SELECT count(*) FROM child_contacts WHERE child_id = {id} AND may_pick_up = 1")),
        2
    );
    // The same file again: the child has no ID number, but the same name and birth date at
    // the same unit is caught as a repeat, and nothing is imported twice.
    let again =
        roster::commit(&t.db, &admin, RosterKind::Children, None, "幼儿.csv", &gbk, common::today(), Locale::ZhCn)
            .unwrap();
    assert_eq!(again.imported, 0);
    assert_eq!(again.rows[0].errors[0].code, "import.possible_duplicate");
}

#[test]
fn staff_rosters_need_a_manager_and_scope_is_enforced() {
    let (t, admin) = common::seeded();
    let (a, b) = common::two_elder_facilities(&t.db);
    let b_name: String =
        t.db.read(|c| Ok(c.query_row("SELECT name FROM facilities WHERE id = ?1", [b], |r| r.get(0))?)).unwrap();
    let csv = format!("姓名*,性别*,岗位*,所属机构,资质,工作日\n王丽,女,护士,,护士执业证,一至五\n刘强,男,护理员,{b_name},,周六、周日\n");
    let desk = common::account(&t.db, &admin, "desk", Role::FrontDesk, Some(a));
    let refused = roster::preview(
        &t.db,
        &desk,
        RosterKind::Staff,
        Some(a),
        "s.csv",
        csv.as_bytes(),
        common::today(),
        Locale::ZhCn,
    );
    assert!(matches!(refused, Err(CoreError::Forbidden)));
    let manager = common::account(&t.db, &admin, "mgr", Role::FacilityManager, Some(a));
    let report = roster::commit(
        &t.db,
        &manager,
        RosterKind::Staff,
        Some(a),
        "s.csv",
        csv.as_bytes(),
        common::today(),
        Locale::ZhCn,
    )
    .unwrap();
    assert_eq!(report.imported, 1);
    assert_eq!(report.rows[1].errors[0].code, "import.facility_out_of_scope");
    let days: i64 =
        t.db.read(|c| {
            Ok(c.query_row("SELECT work_days FROM staff WHERE name = '王丽' AND facility_id = ?1", [a], |r| {
                r.get(0)
            })?)
        })
        .unwrap();
    assert_eq!(days, 31, "一至五 is Monday to Friday");
}

#[test]
fn bad_files_get_a_clear_refusal() {
    let (t, admin) = common::seeded();
    let code = |name: &str, bytes: &[u8]| match roster::preview(
        &t.db,
        &admin,
        RosterKind::Clients,
        None,
        name,
        bytes,
        common::today(),
        Locale::ZhCn,
    ) {
        Err(CoreError::Invalid(v)) => v.code,
        other => panic!("expected a refusal, got {other:?}"),
    };
    assert_eq!(code("a.xlsx", b"PK\x03\x04 broken"), "import.unreadable");
    assert_eq!(code("a.csv", "姓名,民族\n张三,汉族\n".as_bytes()), "import.column_missing");
    assert_eq!(code("a.docx", b"x"), "import.format_unknown");
}

#[test]
fn the_template_reads_back_as_its_own_columns_and_imports_nothing() {
    let (t, admin) = common::seeded();
    for kind in [RosterKind::Clients, RosterKind::Children, RosterKind::Staff] {
        let bytes = roster::template(kind).unwrap();
        let table = table::read("模板.xlsx", &bytes).unwrap();
        let expected: Vec<&str> = kind.columns().iter().map(|c| c.header).collect();
        assert_eq!(table.headers, expected, "{kind:?}");
        let report =
            roster::preview(&t.db, &admin, kind, None, "模板.xlsx", &bytes, common::today(), Locale::ZhCn).unwrap();
        assert_eq!(report.total_rows, 0, "the example row is never imported ({kind:?})");
    }
}

#[test]
fn exports_read_back_with_ids_masked_for_the_front_desk() {
    let (t, admin) = common::seeded();
    let (a, _) = common::two_elder_facilities(&t.db);
    let dir = tempfile::tempdir().unwrap();
    let desk = common::account(&t.db, &admin, "desk", Role::FrontDesk, Some(a));
    let path = dir.path().join("服务对象.xlsx");
    let report = roster::export(&t.db, &desk, RosterKind::Clients, None, false, None, &path).unwrap();
    let active = common::count(
        &t.db,
        &format!("SELECT count(*) FROM clients WHERE facility_id = {a} AND status IN ('active', 'suspended')"),
    );
    assert_eq!(report.rows as i64, active);
    let table = table::read("x.xlsx", &std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(table.rows.len() as i64, active);
    assert_eq!(table.headers[0], "姓名");
    let id_col = table.column("身份证号").unwrap();
    let masked = |table: &table::Table| {
        table.rows.iter().all(|(_, r)| r[id_col].text.is_empty() || r[id_col].text.ends_with("************"))
    };
    assert!(masked(&table));
    assert!(!dir.path().join("服务对象.xlsx.part").exists());
    // A nurse may see one number at a time, and a manager's export is masked too, unless
    // the manager gives a reason: then the file has the full numbers, and each person in it
    // with a number gets an entry on the log naming the reason.
    let nurse = common::account(&t.db, &admin, "nurse", Role::Nurse, Some(a));
    roster::export(&t.db, &nurse, RosterKind::Clients, None, false, None, &path).unwrap();
    assert!(masked(&table::read("x.xlsx", &std::fs::read(&path).unwrap()).unwrap()));
    assert!(matches!(
        roster::export(&t.db, &nurse, RosterKind::Clients, None, false, Some("民政局核对"), &path),
        Err(CoreError::Forbidden)
    ));
    let manager = common::account(&t.db, &admin, "mgr", Role::FacilityManager, Some(a));
    roster::export(&t.db, &manager, RosterKind::Clients, None, false, None, &path).unwrap();
    assert!(masked(&table::read("x.xlsx", &std::fs::read(&path).unwrap()).unwrap()));
    let refused = roster::export(&t.db, &manager, RosterKind::Clients, None, false, Some("  "), &path);
    assert_eq!(common::code(refused.unwrap_err()), "roster.reveal_reason_required");
    let reveals_before = common::count(&t.db, "SELECT count(*) FROM audit_log WHERE action = 'reveal_id'");
    roster::export(&t.db, &manager, RosterKind::Clients, None, false, Some("民政局年度核对"), &path).unwrap();
    let table = table::read("x.xlsx", &std::fs::read(&path).unwrap()).unwrap();
    let full = table.rows.iter().filter(|(_, r)| r[id_col].text.len() == 18 && !r[id_col].text.contains('*')).count();
    assert!(full > 0);
    let reveals = common::count(
        &t.db,
        &format!(
            "SELECT count(*) FROM audit_log WHERE action = 'reveal_id' AND entity = 'client' AND facility_id = {a}
               AND json_extract(after_json, '$.reason') = '民政局年度核对'"
        ),
    );
    assert_eq!(reveals, full as i64, "one entry per person revealed");
    assert_eq!(
        common::count(&t.db, "SELECT count(*) FROM audit_log WHERE action = 'reveal_id'") - reveals_before,
        full as i64
    );
    assert_eq!(common::count(&t.db, "SELECT count(*) FROM audit_log WHERE action = 'export'"), 4);
    // Scope: the desk cannot export another facility, nor its manager reveal it.
    let (_, b) = common::two_elder_facilities(&t.db);
    assert!(matches!(
        roster::export(&t.db, &desk, RosterKind::Clients, Some(b), false, None, &path),
        Err(CoreError::Forbidden)
    ));
    assert!(matches!(
        roster::export(&t.db, &manager, RosterKind::Clients, Some(b), false, Some("核对"), &path),
        Err(CoreError::Forbidden)
    ));
}

#[test]
fn the_facility_list_and_the_days_board_export_too() {
    use carecircle_core::domain::person::PersonKind;
    use carecircle_core::services::{frontdesk, registry};
    let (t, admin) = common::seeded();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("机构.xlsx");
    let report = registry::export_facilities(&t.db, &admin, &Default::default(), &path).unwrap();
    assert_eq!(report.rows, 113);
    let table = table::read("x.xlsx", &std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(table.headers[0], "名称");
    assert!(table.rows.iter().any(|(_, r)| r[1].text == "托幼一体化服务机构"));
    assert!(table.rows.iter().any(|(_, r)| r[7].text == "医养康护餐乐"));

    let (centre, _) = common::two_elder_facilities(&t.db);
    let client: i64 =
        t.db.read(|c| {
            Ok(c.query_row(
                "SELECT id FROM clients WHERE facility_id = ?1 AND status = 'active' LIMIT 1",
                [centre],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    let now: chrono::DateTime<chrono::Utc> = "2026-11-29T01:05:00Z".parse().unwrap();
    frontdesk::check_in(&t.db, &admin, PersonKind::Client, client, now).unwrap();
    let path = dir.path().join("签到.xlsx");
    let report = frontdesk::export_board(&t.db, &admin, centre, carecircle_core::clock::local_day(now), &path).unwrap();
    assert_eq!(report.rows, 1);
    let table = table::read("x.xlsx", &std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(table.rows[0].1[3].text, "09:05", "check-in time in Wuhai time");
    assert_eq!(common::count(&t.db, "SELECT count(*) FROM audit_log WHERE action = 'export'"), 2);
}
