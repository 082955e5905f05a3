"""Care plans, leave and the account's staff record, as tired staff would use them.

A nurse plans a home bath for a client: an empty title and a window too short for the visit
are refused next to their fields ("9点" reads as 09:00), the fixed item is saved and counted
against the hours the client's level suggests; the home location pasted longitude-first is
put right, a mistyped one refused. A manager records a staff member's leave (one ending
before it starts is refused), removes it, and links a caregiver's account to her record."""

from datetime import date, timedelta

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC

from conftest import cli, connect

NURSE_PASSWORD = "nurse-pass-1"
MANAGER_PASSWORD = "manager-pass-1"
CARER_PASSWORD = "carer-pass-1"


def type_date(app, testid, day):
    """Types a date and waits for its calendar to fold away (it covers the field below)."""
    app.type(testid, day.isoformat())
    app.keys(Keys.ENTER)
    app.wait.until(lambda d: not [p for p in d.find_elements(By.CSS_SELECTOR, ".el-picker-panel") if p.is_displayed()])


def elder_centre_and_client(db):
    with connect(db) as c:
        centre = c.execute("SELECT id FROM facilities WHERE kind = 'elder_centre' ORDER BY id LIMIT 1").fetchone()[0]
        client, name = c.execute(
            "SELECT id, name FROM clients WHERE facility_id = ? AND status = 'active' ORDER BY name_key, id LIMIT 1",
            (centre,)).fetchone()
    return centre, client, name


def test_a_nurse_plans_a_home_bath_and_marks_where_the_client_lives(launch, demo_db):
    centre, client, name = elder_centre_and_client(demo_db)
    cli(demo_db, "accounts", "add", "--username", "nurse", "--display-name", "护士小高", "--role", "nurse",
        "--facility", str(centre), stdin=NURSE_PASSWORD + "\n")

    app = launch(demo_db)
    app.sign_in("nurse", NURSE_PASSWORD)
    app.click("nav-people")
    app.click(f"people-open-client-{client}")
    app.wait_text("person-title", name)

    app.click("careplan-add")
    # Saved with nothing typed: the title is what is missing, said under it.
    app.click("planitem-save")
    assert "服务内容" in app.field_error("planitem-title")
    app.type("planitem-title", "上门助浴")
    app.click("planitem-day-2")
    app.click("planitem-day-4")
    app.type("planitem-duration", "60")
    # "9点" to "9点半" reads as 09:00–09:30: no room for an hour's visit.
    app.type("planitem-window-start", "9点")
    app.type("planitem-window-end", "9点半")
    app.click("planitem-save")
    assert "时间段太短" in app.field_error("planitem-window-end")
    assert app.el("planitem-window-start").get_attribute("value") == "09:00"
    app.screenshot("plan-item-refused")
    app.type("planitem-window-end", "11:30")
    app.click("planitem-save")
    app.wait.until(lambda d: any("上门助浴" in r.text for r in d.find_elements(By.CSS_SELECTOR, '[data-testid="careplan-row"]')))
    app.driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", app.el("careplan"))
    app.screenshot("care-plan")

    with connect(demo_db) as c:
        row = c.execute("SELECT visits_per_week, duration_min, preferred_days, window_start, window_end, place "
                        "FROM care_plan_items WHERE client_id = ? AND title = '上门助浴'", (client,)).fetchone()
    assert row == (1, 60, 0b1010, 540, 690, "home")

    # A map picker copies longitude first: put right. A lost digit lands outside China: refused.
    app.click("home-location-edit")
    app.type("home-location-input", "3.9655, 106.7940")
    app.click("home-location-save")
    assert "不在国内范围内" in app.field_error("home-location-input")
    app.type("home-location-input", "106.7940，39.6550")
    app.click("home-location-save")
    assert app.wait_text("home-location-value", "39.6550, 106.7940")
    with connect(demo_db) as c:
        assert c.execute("SELECT home_lat, home_lon FROM clients WHERE id = ?", (client,)).fetchone() == (39.655, 106.794)


def test_a_manager_records_leave_and_links_a_caregiver_to_her_record(launch, demo_db):
    centre, _, _ = elder_centre_and_client(demo_db)
    with connect(demo_db) as c:
        staff, staff_name = c.execute(
            "SELECT id, name FROM staff WHERE facility_id = ? AND job = 'caregiver' AND active = 1 "
            "AND name NOT IN (SELECT name FROM staff WHERE facility_id = ? GROUP BY name HAVING count(*) > 1) "
            "ORDER BY id LIMIT 1", (centre, centre)).fetchone()
        leave_before = c.execute("SELECT count(*) FROM staff_leave WHERE staff_id = ?", (staff,)).fetchone()[0]
    cli(demo_db, "accounts", "add", "--username", "manager", "--display-name", "站长老常", "--role", "facility_manager",
        "--facility", str(centre), stdin=MANAGER_PASSWORD + "\n")
    cli(demo_db, "accounts", "add", "--username", "carer", "--display-name", "护理员小李", "--role", "caregiver",
        "--facility", str(centre), stdin=CARER_PASSWORD + "\n")
    start = date.today() + timedelta(days=400)

    app = launch(demo_db)
    app.sign_in("manager", MANAGER_PASSWORD)
    app.click("nav-people")
    app.click("people-tab-staff")
    app.click(f"people-open-staff-{staff}")
    app.wait_text("person-title", staff_name)

    # The last day typed before the first: refused under the last day, nothing written.
    app.click("leave-add")
    type_date(app, "leave-from", start)
    type_date(app, "leave-to", start - timedelta(days=3))
    app.type("leave-reason", "病假")
    app.click("leave-save")
    assert "不能早于开始日期" in app.field_error("leave-to")
    app.screenshot("leave-refused")
    type_date(app, "leave-to", start + timedelta(days=2))
    app.click("leave-save")
    app.wait_inner_text("leave-list", start.isoformat())
    app.screenshot("leave")
    with connect(demo_db) as c:
        assert c.execute("SELECT count(*) FROM staff_leave WHERE staff_id = ?", (staff,)).fetchone()[0] == leave_before + 1

    # Newest first: the one just added heads the list; removing it asks first.
    app.click("leave-remove")
    app.wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, ".el-message-box__btns .el-button--primary"))).click()
    app.wait.until(lambda d: start.isoformat() not in app.inner_text("leave-list"))
    with connect(demo_db) as c:
        assert c.execute("SELECT count(*) FROM staff_leave WHERE staff_id = ?", (staff,)).fetchone()[0] == leave_before

    app.click("nav-accounts")
    app.click("account-staff-carer")
    app.choose(f"{staff_name} · 护理员", exact=True)
    app.wait.until(lambda d: "已将" in d.find_element(By.CSS_SELECTOR, ".el-message").text)
    app.screenshot("account-linked")
    with connect(demo_db) as c:
        assert c.execute("SELECT staff_id FROM accounts WHERE username = 'carer'").fetchone()[0] == staff
