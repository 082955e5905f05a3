"""Childcare health: the health worker records a class's morning check on one screen. One
child has 38.2 °C: sending her home without the guardian told is refused (naming her) and
nothing is written; with the guardian told, the whole class is saved in one step."""

import sqlite3
import time
from datetime import datetime, timedelta, timezone

from selenium.webdriver.common.by import By

from conftest import cli

NURSE_PASSWORD = "nurse-pass-1"
BEIJING = timezone(timedelta(hours=8))


def a_class_checked_in_today(db):
    """A class of a childcare unit whose enrolled children the desk checked in this morning."""
    today = datetime.now(BEIJING).date().isoformat()
    with sqlite3.connect(db) as c:
        unit, class_name, class_id = c.execute(
            "SELECT k.facility_id, k.name, k.id FROM child_classes k JOIN children ch ON ch.class_id = k.id "
            "WHERE ch.left_on IS NULL AND ch.enrolled_on <= ? GROUP BY k.id HAVING count(*) >= 3 "
            "ORDER BY k.facility_id, k.id LIMIT 1", (today,)).fetchone()
        children = c.execute(
            "SELECT id, name FROM children WHERE class_id = ? AND left_on IS NULL AND enrolled_on <= ? ORDER BY name_key, id",
            (class_id, today)).fetchall()
        # Nothing already on today's sheet (the demo's own history ends yesterday).
        c.execute("DELETE FROM child_checks WHERE facility_id = ? AND day = ?", (unit, today))
        for child_id, _ in children:
            c.execute("INSERT INTO attendance (facility_id, person_kind, person_id, day, in_at, in_by) "
                      "VALUES (?, 'child', ?, ?, ?, 0)",
                      (unit, child_id, today, datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")))
    return unit, class_name, children, today


def test_health_worker_records_a_class_morning_check_with_one_feverish_child(launch, demo_db):
    unit, class_name, children, today = a_class_checked_in_today(demo_db)
    cli(demo_db, "accounts", "add", "--username", "baojian", "--display-name", "保健员小李", "--role", "nurse",
        "--facility", str(unit), stdin=NURSE_PASSWORD + "\n")
    (sick_id, sick_name), (well_id, _) = children[0], children[1]

    app = launch(demo_db)
    app.sign_in("baojian", NURSE_PASSWORD)
    app.click("nav-health")
    app.el("check-sheet")
    app.driver.find_element(By.XPATH, '//*[@data-testid="check-session"]//label[normalize-space() = "晨检"]').click()
    app.click("check-class")
    app.choose(class_name, exact=True)
    app.el(f"check-row-{sick_id}")
    assert f"保存本班检查（{len(children)} 人）" in app.text_of("check-save")

    app.type(f"check-temp-{sick_id}", "38.2")
    app.type(f"check-temp-{well_id}", "36.5")
    # Fever suggests watching her; the health worker decides to send her home.
    app.click(f"check-action-{sick_id}")
    app.choose("通知家长接回", exact=True)
    app.click("check-save")
    message = app.wait_text("check-error", sick_name)
    assert "通知监护人" in message
    with sqlite3.connect(demo_db) as c:
        assert c.execute("SELECT count(*) FROM child_checks WHERE facility_id = ? AND day = ?", (unit, today)).fetchone()[0] == 0

    app.click(f"check-told-{sick_id}")
    app.screenshot("class-sheet")
    app.click("check-save")
    app.wait_text("check-count", f"已检 {len(children)}")
    app.screenshot("class-saved")

    with sqlite3.connect(demo_db) as c:
        rows = c.execute("SELECT child_id, session, temperature, fever, action, guardian_told_at IS NOT NULL, checked_by_name "
                         "FROM child_checks WHERE facility_id = ? AND day = ? ORDER BY child_id", (unit, today)).fetchall()
    assert len(rows) == len(children)
    by_child = {r[0]: r[1:] for r in rows}
    assert by_child[sick_id] == ("morning", 38.2, 1, "send_home", 1, "保健员小李")
    assert by_child[well_id] == ("morning", 36.5, 0, "none", 0, "保健员小李")
    assert all(r[2] == 0 and r[3] == "none" for child, r in by_child.items() if child != sick_id)

    # From the sheet to the child's page: a measurement, read against the WHO standards.
    app.click(f"check-open-{sick_id}")
    app.wait_text("person-title", sick_name)
    app.click("growth-new")
    app.type("growth-weight", "11.6")
    app.type("growth-height", "86.0")
    app.click("growth-save")
    listed = app.wait_inner_text("growth-list", "11.6")
    assert "年龄别体重" in listed
    assert app.text_of("growth-z-header").startswith("Z 评分")  # not a bare "Z"
    app.el("growth-chart")
    app.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", app.el("growth-chart"))
    time.sleep(1)  # the chart draws itself in over a moment
    app.screenshot("growth-chart")
    with sqlite3.connect(demo_db) as c:
        weight, zscores = c.execute("SELECT weight_kg, zscores_json FROM growth_measurements WHERE child_id = ? "
                                    "ORDER BY id DESC LIMIT 1", (sick_id,)).fetchone()
    assert weight == 11.6 and "weight_for_age" in zscores
