"""The home page of the day's work: a nurse lands on her open urgent readings (the same count on
the 健康 badge and in the window title) and reaches the alert list in one click; a front desk
sees the desk's day and no city figures; the city office sees which facilities have not made
last month's report."""


from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from conftest import cli, connect

NURSE_PASSWORD = "nurse-pass-1"
DESK_PASSWORD = "desk-pass-1"


def test_each_role_lands_on_its_work_of_the_day(launch, demo_db):
    with connect(demo_db) as c:
        centre = c.execute("SELECT id FROM facilities WHERE kind = 'elder_centre' ORDER BY id LIMIT 1").fetchone()[0]
        # At least one open urgent reading at the centre.
        c.execute("UPDATE alerts SET handled_at = NULL, handled_by = NULL, handled_note = NULL "
                  "WHERE id = (SELECT min(id) FROM alerts WHERE facility_id = ?)", (centre,))
        # Urgent readings and serious incidents not yet closed both wait on the nurses.
        open_alerts = c.execute(
            "SELECT (SELECT count(*) FROM alerts WHERE facility_id = ?1 AND handled_at IS NULL) + "
            "(SELECT count(*) FROM incidents WHERE facility_id = ?1 AND closed_at IS NULL "
            "AND (severity = 'serious' OR to_hospital = 1))", (centre,)).fetchone()[0]
        facilities = c.execute("SELECT count(*) FROM facilities").fetchone()[0]
    assert open_alerts > 0
    cli(demo_db, "accounts", "add", "--username", "nurse", "--display-name", "护士小高", "--role", "nurse",
        "--facility", str(centre), stdin=NURSE_PASSWORD + "\n")
    cli(demo_db, "accounts", "add", "--username", "desk", "--display-name", "前台小周", "--role", "front_desk",
        "--facility", str(centre), stdin=DESK_PASSWORD + "\n")

    app = launch(demo_db)
    app.sign_in("nurse", NURSE_PASSWORD)
    row = app.wait_text("today-nurse-openAlerts", str(open_alerts))
    assert "紧急读数和严重意外待处理" in row
    assert app.text_of("nav-health-alerts").strip() == str(open_alerts)
    app.wait.until(lambda d: f"（{open_alerts} 条紧急）" in d.title)
    assert not app.driver.find_elements(By.CSS_SELECTOR, '[data-testid="home-city"]'), "no city figures for a nurse"
    assert not app.driver.find_elements(By.CSS_SELECTOR, '[data-testid="today-desk"]')
    app.screenshot("nurse-home")
    app.click("today-nurse-openAlerts")
    app.wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, '[data-testid="alert-list"]')))
    assert "tab=alerts" in app.driver.current_url

    app.click("sign-out")
    app.sign_in("desk", DESK_PASSWORD)
    app.click("nav-home")
    app.wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, '[data-testid="today-desk"]')))
    assert not app.driver.find_elements(By.CSS_SELECTOR, '[data-testid="today-nurse"]')
    assert not app.driver.find_elements(By.CSS_SELECTOR, '[data-testid="home-city"]')
    assert not app.driver.find_elements(By.CSS_SELECTOR, '[data-testid="nav-health-alerts"]')
    app.screenshot("desk-home")

    app.click("sign-out")
    app.sign_in()
    header = app.wait_text("today-reports", "个机构未生成")
    assert f"{facilities} / {facilities}" in header, header
    app.screenshot("city-home")
