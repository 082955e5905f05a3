"""Incidents: a centre's manager reports a fall from the Health page's incident book. An
empty form is refused with nothing written. The fall is reported without the family told;
closing it is refused in words until the report is completed with when, whom and how the
daughter was told; then the manager closes it with a review, and the book shows it closed.
A serious fall with a hospital transfer sits on the alerts tab until it is closed."""

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC

from conftest import cli, connect

MANAGER_PASSWORD = "manager-pass-1"


def a_centre_client_and_its_manager(demo_db):
    with connect(demo_db) as c:
        centre = c.execute("SELECT id FROM facilities WHERE kind = 'elder_centre' ORDER BY id LIMIT 1").fetchone()[0]
        client, name = c.execute(
            "SELECT id, name FROM clients WHERE facility_id = ? AND status = 'active' "
            "AND id NOT IN (SELECT person_id FROM incidents WHERE person_kind = 'client') ORDER BY name_key, id LIMIT 1",
            (centre,)).fetchone()
    cli(demo_db, "accounts", "add", "--username", "zhuren", "--display-name", "主任老周", "--role", "facility_manager",
        "--facility", str(centre), stdin=MANAGER_PASSWORD + "\n")
    return centre, client, name


def pick_person(app, name):
    app.click("incident-person")
    app.keys(name)
    app.choose(name, exact=True)


def test_a_fall_is_reported_completed_with_the_family_told_and_closed(launch, demo_db):
    centre, client, name = a_centre_client_and_its_manager(demo_db)
    app = launch(demo_db)
    app.sign_in("zhuren", MANAGER_PASSWORD)
    app.click("nav-health")
    app.click("tab-incidents")
    app.el("incident-list")
    with connect(demo_db) as c:
        before = c.execute("SELECT count(*) FROM incidents").fetchone()[0]

    # An empty form: refused, and nothing written.
    app.click("incident-new")
    app.click("incident-save")
    app.wait.until(EC.visibility_of_element_located(
        (By.XPATH, '//*[contains(@class, "incident-dialog")]//*[contains(@class, "el-alert")][contains(., "查找")]')))
    pick_person(app, name)
    app.click("incident-save")
    app.wait.until(EC.visibility_of_element_located(
        (By.XPATH, '//*[contains(@class, "incident-dialog")]//*[contains(@class, "el-alert")][contains(., "地点")]')))
    with connect(demo_db) as c:
        assert c.execute("SELECT count(*) FROM incidents").fetchone()[0] == before

    app.type("incident-place", "餐厅")
    app.type("incident-what", "起身取餐时滑倒，右膝着地")
    app.driver.find_element(By.XPATH, '//*[@data-testid="incident-severity"]//label[contains(., "轻微伤")]').click()
    app.type("incident-injury", "右膝擦伤约 2 厘米")
    app.type("incident-action", "扶起，消毒包扎，护士评估")
    app.screenshot("report-form")
    app.click("incident-save")
    app.wait_inner_text("incident-list", name)
    listed = row_of(app, "incident-list", name)
    assert "跌倒" in listed and "待结案" in listed and "轻微伤" in listed, listed
    with connect(demo_db) as c:
        row = c.execute("SELECT kind, severity, place, reported_by_name, family_told_at, closed_at FROM incidents "
                        "WHERE person_kind = 'client' AND person_id = ?", (client,)).fetchone()
    assert row == ("fall", "minor", "餐厅", "主任老周", None, None)

    # Closing before the family is told: said in the dialog, and refused if tried.
    with connect(demo_db) as c:
        report = c.execute("SELECT id FROM incidents WHERE person_id = ?", (client,)).fetchone()[0]
    app.click(f"incident-close-{report}")
    app.wait.until(EC.visibility_of_element_located((By.XPATH, '//*[contains(@class, "el-alert")][contains(., "尚未记录通知家属")]')))
    app.type("incident-review", "地面湿滑")
    app.click("incident-close-confirm")
    app.wait.until(EC.visibility_of_element_located(
        (By.XPATH, '//*[contains(@class, "el-alert--error")][contains(., "尚未通知家属，不能结案")]')))
    app.click("incident-close-cancel")
    # The review typed is there to lose: the app asks first.
    unsaved = '//div[contains(@class, "cc-unsaved-confirm")]'
    app.wait.until(EC.element_to_be_clickable((By.XPATH, f'{unsaved}//button[normalize-space() = "放弃更改并离开"]'))).click()
    app.wait.until(lambda d: not [e for e in d.find_elements(By.CSS_SELECTOR, '[data-testid="incident-review"]')
                                  if e.is_displayed()])

    # The daughter was told by phone at once; the report is completed.
    app.click(f"incident-complete-{report}")
    with connect(demo_db) as c:
        occurred = c.execute("SELECT occurred_at FROM incidents WHERE person_id = ?", (client,)).fetchone()[0]
    app.type("incident-told-at", told_at(occurred))
    app.keys(Keys.ENTER)
    app.type("incident-told-who", "女儿 王丽")
    app.click("incident-told-how")
    app.choose("电话", exact=True)
    app.click("incident-save")
    app.wait.until(lambda d: told(demo_db, client) is not None)
    assert told(demo_db, client)[1:] == ("女儿 王丽", "电话")

    app.click(f"incident-close-{report}")
    app.type("incident-review", "地面湿滑：餐厅加铺防滑垫，取餐时护理员陪同")
    app.click("incident-close-confirm")
    app.wait.until(lambda d: "已结案" in row_of(app, "incident-list", name))
    app.screenshot("closed")
    with connect(demo_db) as c:
        closed = c.execute("SELECT closed_by_name, review_note FROM incidents WHERE person_id = ?", (client,)).fetchone()
        actions = [r[0] for r in c.execute(
            "SELECT action FROM audit_log WHERE entity = 'incident' AND entity_id = ? ORDER BY id",
            (str(report),)).fetchall()]
    assert closed == ("主任老周", "地面湿滑：餐厅加铺防滑垫，取餐时护理员陪同")
    assert actions == ["create", "update", "review"]
    # Nothing left to do on a closed report.
    assert not app.driver.find_elements(By.CSS_SELECTOR, f'[data-testid="incident-close-{report}"]')


def test_a_serious_fall_sits_with_the_alerts_until_closed(launch, demo_db):
    centre, client, name = a_centre_client_and_its_manager(demo_db)
    app = launch(demo_db)
    app.sign_in("zhuren", MANAGER_PASSWORD)
    # Reported from the client's own page, where the front desk would report it too.
    app.click("nav-people")
    app.click(f"people-open-client-{client}")
    app.wait_text("person-title", name)
    app.click("person-incident-new")
    app.type("incident-place", "卫生间")
    app.type("incident-what", "夜间如厕时跌倒，诉左髋疼痛")
    app.driver.find_element(By.XPATH, '//*[@data-testid="incident-severity"]//label[contains(., "严重伤害")]').click()
    app.type("incident-injury", "左髋疼痛，不能站立")
    app.type("incident-action", "原地制动，拨打 120")
    app.click("incident-hospital-switch")
    app.type("incident-hospital", "乌海市人民医院")
    app.click("incident-save")
    app.wait_inner_text("person-incident-list", "严重伤害")

    app.click("nav-health")
    app.wait_inner_text("serious-incidents", name)
    serious = row_of(app, "serious-incidents", name)
    assert "跌倒" in serious and "左髋疼痛" in serious, serious
    app.screenshot("serious-on-alerts")
    with connect(demo_db) as c:
        assert c.execute("SELECT to_hospital, hospital FROM incidents WHERE person_id = ?",
                         (client,)).fetchone() == (1, "乌海市人民医院")


def row_of(app, testid, name):
    """The text of the table row that names `name` (the demo's own reports are listed too)."""
    return app.driver.execute_script(
        "return [...document.querySelectorAll(`[data-testid=\"${arguments[0]}\"] tr`)]"
        ".map(r => r.innerText).find(t => t.includes(arguments[1])) || ''", testid, name)


def told(db, client):
    with connect(db) as c:
        row = c.execute("SELECT family_told_at, family_told_who, family_told_how FROM incidents WHERE person_id = ?",
                        (client,)).fetchone()
    return row if row and row[0] else None


def told_at(occurred_utc):
    """The minute of the fall (a later one could be in the future), in Wuhai's wall time as
    the form takes it."""
    from datetime import datetime, timedelta
    at = datetime.strptime(occurred_utc, "%Y-%m-%dT%H:%M:%SZ") + timedelta(hours=8)
    return at.strftime("%Y-%m-%d %H:%M")
