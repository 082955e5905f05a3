"""Rosters: a centre manager imports a GBK CSV. The preview lists every row with its errors,
nothing is written until they confirm, then only the valid rows are; the list then exports
to an .xlsx that reads back with Chinese intact."""

import zipfile

from conftest import cli, connect

PASSWORD = "manager-pass-1"


def resident_id(first17):
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights)) % 11]


def count_clients(db):
    with connect(db) as c:
        return c.execute("SELECT count(*) FROM clients").fetchone()[0]


def test_import_a_gbk_roster_with_a_preview_then_export(launch, demo_db, tmp_path, export_dir):
    with connect(demo_db) as c:
        centre, community = c.execute(
            "SELECT f.id, co.name FROM facilities f JOIN communities co ON co.id = f.community_id "
            "WHERE f.kind = 'elder_centre' ORDER BY f.id LIMIT 1").fetchone()
    cli(demo_db, "accounts", "add", "--username", "mgr", "--display-name", "站长老王", "--role", "facility_manager",
        "--facility", str(centre), stdin=PASSWORD + "\n")
    good = resident_id("15030219470101977")
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    roster = tmp_path / "名单.csv"
    roster.write_bytes((
        "姓名*,身份证号,民族*,社区*,饮食需求\n"
        f"阿拉坦仓,{good},蒙古族,{community},清真、低盐\n"
        f"错号码,{bad},汉族,{community},\n"
    ).encode("gbk"))
    before = count_clients(demo_db)

    app = launch(demo_db)
    app.sign_in("mgr", PASSWORD)
    app.click("nav-people")
    app.click("people-tab-client")
    app.click("roster-import-clients")
    app.el("roster-import-dialog")
    # A file input takes a path, as a person choosing the file would.
    app.driver.find_element("css selector", '[data-testid="roster-import-file"]').send_keys(str(roster))
    summary = app.wait_inner_text("roster-preview-summary", "有错误 1 行")
    assert "可导入 1 行" in summary and "有错误 1 行" in summary, summary
    assert "校验位" in app.inner_text("roster-row-3")
    app.screenshot("preview")
    assert count_clients(demo_db) == before, "a preview writes nothing"

    app.click("roster-commit")
    app.wait.until(lambda d: count_clients(demo_db) == before + 1)
    with connect(demo_db) as c:
        name, diet = c.execute("SELECT name, diet_needs FROM clients WHERE id_number = ?", (good,)).fetchone()
    assert (name, diet) == ("阿拉坦仓", '["low_salt","halal"]')

    app.click("roster-export-clients")
    app.wait.until(lambda d: export_dir.exists() and any(export_dir.glob("*.xlsx")))
    exported = next(export_dir.glob("*.xlsx"))
    assert exported.name.startswith("服务对象名单_")
    with zipfile.ZipFile(exported) as z:
        strings = z.read("xl/sharedStrings.xml").decode("utf-8")
    assert "阿拉坦仓" in strings and "身份证号" in strings
    assert good not in strings and good[:6] + "*" * 12 in strings, "a plain export masks ID numbers"
    app.screenshot("exported")

    # Full numbers only with a reason, which the log keeps with each person revealed.
    exported.unlink()
    app.click("roster-export-full-clients")
    app.click("roster-export-full-confirm")
    app.wait_inner_text("roster-reveal-reason-item", "请填写导出完整身份证号的事由")
    assert not any(export_dir.glob("*.xlsx"))
    app.type("roster-reveal-reason", "民政局年度核对")
    app.screenshot("reveal-reason")
    app.click("roster-export-full-confirm")
    app.wait.until(lambda d: any(export_dir.glob("*.xlsx")))
    with zipfile.ZipFile(next(export_dir.glob("*.xlsx"))) as z:
        strings = z.read("xl/sharedStrings.xml").decode("utf-8")
    assert good in strings
    with connect(demo_db) as c:
        revealed = c.execute("SELECT count(*) FROM audit_log WHERE action = 'reveal_id' AND entity = 'client' "
                             "AND json_extract(after_json, '$.reason') = '民政局年度核对'").fetchone()[0]
        with_numbers = c.execute("SELECT count(*) FROM clients WHERE facility_id = ? AND id_number IS NOT NULL "
                                 "AND status IN ('active', 'suspended')", (centre,)).fetchone()[0]
    assert revealed == with_numbers
