"""The registry: browse district → living circle → community, edit a facility, restart,
and find the change kept."""

import zipfile

from selenium.webdriver.common.by import By

from conftest import connect


def first_circle_and_centre(db):
    with connect(db) as c:
        circle_id, district_id = c.execute("SELECT id, district_id FROM living_circles ORDER BY id LIMIT 1").fetchone()
        centre_id, centre_name = c.execute(
            "SELECT f.id, f.name FROM facilities f JOIN communities co ON co.id = f.community_id "
            "WHERE co.circle_id = ? AND f.kind = 'elder_centre'", (circle_id,)).fetchone()
    return district_id, circle_id, centre_id, centre_name


def open_facility(app, district_id, circle_id, facility_id):
    app.click("nav-registry")
    app.click(f"tree-district-{district_id}")
    app.click(f"tree-circle-{circle_id}")
    app.click(f"facility-open-{facility_id}")


def test_browse_edit_restart_and_the_change_is_kept(launch, demo_db, export_dir):
    district_id, circle_id, centre_id, old_name = first_circle_and_centre(demo_db)
    app = launch(demo_db)
    app.sign_in()
    app.el("current-user")
    open_facility(app, district_id, circle_id, centre_id)
    assert app.wait_text("facility-title", old_name)
    app.screenshot("facility")

    # A tired clerk's mistakes: an empty name, then a negative capacity. Each is refused
    # with its reason, and nothing is saved.
    app.click("facility-edit")
    app.type("facility-name", "")
    app.click("facility-save")
    assert "请填写机构名称" in app.el("facility-error").text
    app.type("facility-name", "新华养老服务中心（示范）")
    app.type("facility-capacity", "-1")
    app.click("facility-save")
    assert app.wait_text("facility-error", "不能小于 0")
    app.screenshot("refused")
    with connect(demo_db) as c:
        assert c.execute("SELECT name FROM facilities WHERE id = ?", (centre_id,)).fetchone()[0] == old_name

    app.type("facility-capacity", "150")
    app.type("facility-phone", "0473-3981234")
    app.click("facility-save")
    assert app.wait_text("facility-title", "新华养老服务中心（示范）")
    app.quit()

    # Restart the app on the same database: the change is there.
    again = launch(demo_db)
    again.sign_in()
    again.el("current-user")
    open_facility(again, district_id, circle_id, centre_id)
    assert again.wait_text("facility-title", "新华养老服务中心（示范）")
    # The circle's list exports to Excel with the new name in it.
    again.click("nav-registry")
    again.click("registry-export")
    again.wait.until(lambda d: export_dir.exists() and any(export_dir.glob("机构名单_*.xlsx")))
    with zipfile.ZipFile(next(export_dir.glob("机构名单_*.xlsx"))) as z:
        assert "新华养老服务中心（示范）" in z.read("xl/sharedStrings.xml").decode("utf-8")
    open_facility(again, district_id, circle_id, centre_id)
    assert again.wait_text("facility-title", "新华养老服务中心（示范）")
    page = again.driver.find_element(By.TAG_NAME, "body").text
    assert "150" in page and "0473-3981234" in page
    with connect(demo_db) as c:
        who = c.execute("SELECT username FROM audit_log WHERE entity = 'facility' AND entity_id = ? AND action = 'update'",
                        (str(centre_id),)).fetchone()[0]
    assert who == "admin"


def test_the_next_person_at_the_pc_starts_from_the_whole_city_not_the_last_ones_choice(launch, demo_db):
    district_id, circle_id, _, _ = first_circle_and_centre(demo_db)
    with connect(demo_db) as c:
        circle_name = c.execute("SELECT name FROM living_circles WHERE id = ?", (circle_id,)).fetchone()[0]
    app = launch(demo_db)
    app.sign_in()
    app.click("nav-registry")
    app.click(f"tree-district-{district_id}")
    app.click(f"tree-circle-{circle_id}")
    assert app.wait_text("registry-heading", circle_name)
    app.click("sign-out")
    app.sign_in()
    app.click("nav-registry")
    assert app.wait_text("registry-heading", "机构管理")
    assert circle_name not in app.text_of("registry-heading")
