"""Childcare health: the health worker records a class's morning check on one screen. One
child has 38.2 °C: sending her home without the guardian told is refused (naming her) and
nothing is written; with the guardian told, the children she checked are saved, and the rest
only once she marks them well. The sheet is worked from the keyboard like a spreadsheet, fits
the window, and a high fever merely observed is refused next to the child's row."""

import time
from datetime import datetime, timedelta, timezone

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from conftest import cli, connect

NURSE_PASSWORD = "nurse-pass-1"
BEIJING = timezone(timedelta(hours=8))


def a_class_checked_in_today(db):
    """A class of a childcare unit whose enrolled children the desk checked in this morning."""
    today = datetime.now(BEIJING).date().isoformat()
    with connect(db) as c:
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
    # Nobody has been looked at yet: nothing to save.
    assert "保存已检查的 0 人" in app.text_of("check-save")
    assert not app.el("check-save").is_enabled()

    app.type(f"check-temp-{sick_id}", "38.2")
    app.type(f"check-temp-{well_id}", "36.5")
    # Fever suggests watching her; the health worker decides to send her home.
    app.click(f"check-action-{sick_id}")
    app.choose("通知家长接回", exact=True)
    app.click("check-save")
    message = app.wait_text("check-error", sick_name)
    assert "通知监护人" in message
    with connect(demo_db) as c:
        assert c.execute("SELECT count(*) FROM child_checks WHERE facility_id = ? AND day = ?", (unit, today)).fetchone()[0] == 0

    app.click(f"check-told-{sick_id}")
    # Only the two children she looked at are saved; the others are not "checked, well".
    assert "保存已检查的 2 人" in app.text_of("check-save")
    app.screenshot("class-sheet")
    app.click("check-save")
    app.wait_text("check-count", "已检 2")
    with connect(demo_db) as c:
        saved = c.execute("SELECT child_id FROM child_checks WHERE facility_id = ? AND day = ?", (unit, today)).fetchall()
    assert sorted(r[0] for r in saved) == sorted([sick_id, well_id])

    # One child ticked well by hand, then the rest in one step that says how many it marks.
    third_id = children[2][0]
    app.click(f"check-well-{third_id}")
    assert "保存已检查的 1 人" in app.text_of("check-save")
    rest = len(children) - 3
    assert f"其余 {rest} 人未见异常" in app.text_of("check-mark-well")
    app.click("check-mark-well")
    assert f"保存已检查的 {rest + 1} 人" in app.text_of("check-save")
    app.click("check-save")
    app.wait_text("check-count", f"已检 {len(children)}")
    app.screenshot("class-saved")

    with connect(demo_db) as c:
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
    with connect(demo_db) as c:
        weight, zscores = c.execute("SELECT weight_kg, zscores_json FROM growth_measurements WHERE child_id = ? "
                                    "ORDER BY id DESC LIMIT 1", (sick_id,)).fetchone()
    assert weight == 11.6 and "weight_for_age" in zscores


def test_the_sheet_is_worked_from_the_keyboard(launch, demo_db):
    unit, class_name, children, today = a_class_checked_in_today(demo_db)
    cli(demo_db, "accounts", "add", "--username", "baojian", "--display-name", "保健员小李", "--role", "nurse",
        "--facility", str(unit), stdin=NURSE_PASSWORD + "\n")
    (first, _), (second, _), (third, _) = children[:3]

    app = launch(demo_db)
    app.sign_in("baojian", NURSE_PASSWORD)
    app.click("nav-health")
    app.el("check-sheet")
    app.click("check-class")
    app.choose(class_name, exact=True)
    app.el(f"check-row-{first}")

    # Enter in a temperature goes down the column, as in a spreadsheet.
    app.type(f"check-temp-{first}", "36.6")
    app.keys(Keys.ENTER)
    assert app.focused_testid() == f"check-temp-{second}"
    app.keys("38.1", Keys.ENTER)
    assert app.focused_testid() == f"check-temp-{third}"
    app.keys(Keys.SHIFT, Keys.ENTER)
    assert app.focused_testid() == f"check-temp-{second}"

    # Tab reaches the signs (one stop for the six); arrows move among them, Space ticks one.
    app.keys(Keys.TAB)
    assert app.focused_testid() == f"check-poor_spirits-{second}"
    app.keys(Keys.ARROW_RIGHT)
    assert app.focused_testid() == f"check-red_throat-{second}"
    app.keys(Keys.SPACE)
    assert app.el(f"check-red_throat-{second}").get_attribute("aria-checked") == "true"
    # One more Tab leaves the signs for the next field: the six are a single stop.
    app.keys(Keys.TAB)
    assert app.focused_testid() == f"check-unsafe-{second}"
    assert "留园观察" in app.inner_text(f"check-action-{second}")
    assert "保存已检查的 2 人" in app.text_of("check-save")
    app.screenshot("keyboard")
    app.click("check-save")
    app.wait_text("check-count", "已检 2")
    with connect(demo_db) as c:
        rows = dict(c.execute("SELECT child_id, red_throat FROM child_checks WHERE facility_id = ? AND day = ?",
                              (unit, today)).fetchall())
    assert rows == {first: 0, second: 1}


def test_the_sheet_fits_the_window_and_a_high_fever_is_refused_at_its_row(launch, demo_db):
    unit, class_name, children, today = a_class_checked_in_today(demo_db)
    cli(demo_db, "accounts", "add", "--username", "baojian", "--display-name", "保健员小李", "--role", "nurse",
        "--facility", str(unit), stdin=NURSE_PASSWORD + "\n")
    hot_id, hot_name = children[0]

    app = launch(demo_db)
    app.sign_in("baojian", NURSE_PASSWORD)
    app.click("nav-health")
    app.click("check-class")
    app.choose(class_name, exact=True)
    app.el(f"check-row-{hot_id}")

    def overflow():
        """How far the sheet reaches past its box, and past the window, in pixels."""
        return app.driver.execute_script("""
            const sheet = document.querySelector('[data-testid="check-sheet"]')
            const last = [...sheet.querySelectorAll('[data-testid^="check-status-"]')].pop()
            return [sheet.scrollWidth - sheet.clientWidth,
                    last.getBoundingClientRect().right - document.documentElement.clientWidth]""")

    for width in (1280, 1024):
        app.driver.set_window_size(width, 800)
        app.wait.until(lambda d: d.execute_script("return window.innerWidth") <= width)
        time.sleep(0.5)
        assert app.driver.execute_script("return window.innerWidth") <= width
        inside, past_window = overflow()
        assert inside <= 0 and past_window <= 0, f"at {width} px the sheet overflows by {inside} / {past_window} px"
        app.screenshot(f"width-{width}")
    app.driver.set_window_size(1280, 800)

    # 39.6 °C merely observed: the core refuses a high fever, and says so at her row.
    app.type(f"check-temp-{hot_id}", "39.6")
    app.keys(Keys.ENTER)
    assert "留园观察" in app.inner_text(f"check-action-{hot_id}")
    app.click("check-save")
    message = app.wait_text(f"check-row-error-{hot_id}", "高热")
    assert hot_name in message and "39.6" in message
    time.sleep(0.3)
    app.screenshot("high-fever")
    with connect(demo_db) as c:
        assert c.execute("SELECT count(*) FROM child_checks WHERE facility_id = ? AND day = ?", (unit, today)).fetchone()[0] == 0
    # Isolating her (guardian told) is accepted, and the row's message goes.
    app.click(f"check-action-{hot_id}")
    app.choose("隔离", exact=True)
    assert not app.driver.find_elements(By.CSS_SELECTOR, f'[data-testid="check-row-error-{hot_id}"]')
    app.click(f"check-told-{hot_id}")
    app.click("check-save")
    app.wait_text("check-count", "已检 1")
