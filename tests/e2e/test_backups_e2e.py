"""Backups: the app's first start of the day backs the database up and a manager sees when;
the city office backs up by hand, a clerk's mistake is made, and the backup restored brings
the data back, with the replaced database kept aside."""

from pathlib import Path

from selenium.common.exceptions import ElementClickInterceptedException, ElementNotInteractableException
from selenium.webdriver.common.by import By

from conftest import connect


def test_the_day_s_backup_is_shown_and_a_restore_brings_the_data_back(launch, demo_db):
    with connect(demo_db) as c:
        client, name = c.execute("SELECT id, name FROM clients ORDER BY id LIMIT 1").fetchone()
    app = launch(demo_db)
    app.sign_in()

    # Home: the day's automatic backup (made in the background at start, at the lowest CPU
    # priority: on a busy machine it takes a while) is shown once it is made.
    def shown(driver):
        text = app.text_of("home-backup")
        if "每日自动" in text:
            return text
        try:
            app.driver.find_element(By.XPATH, '//button[normalize-space()="刷新"]').click()
        except (ElementNotInteractableException, ElementClickInterceptedException):
            pass  # the page is still loading what the last click asked for
        return False

    app.waiting(120, poll=2).until(shown)
    app.screenshot("home-backup")
    backups = Path(demo_db).parent / "backups"
    assert [p.name for p in backups.glob("daily-*.db")], list(backups.iterdir())

    app.click("nav-backups")
    app.wait_inner_text("backups-list", "每日自动")
    # A checked copy of the city's whole database (140 MB): some seconds, more on a busy PC.
    app.click("backup-now")
    app.wait_inner_text("backups-list", "手动", seconds=120)
    manual = sorted(backups.glob("manual-*.db"))[-1].name

    # A mistake after the backup, then the backup restored.
    with connect(demo_db) as c:
        c.execute("UPDATE clients SET name = '误改的名字' WHERE id = ?", (client,))
    app.click(f"backup-restore-{manual}")
    app.driver.find_element(By.XPATH, '//div[contains(@class, "el-message-box")]//button[normalize-space()="恢复"]').click()
    # The restore first keeps a checked copy of what it replaces, then copies the backup in.
    app.wait_inner_text("backups-list", "恢复前", seconds=180)
    app.screenshot("restored")
    with connect(demo_db) as c:
        assert c.execute("SELECT name FROM clients WHERE id = ?", (client,)).fetchone()[0] == name
        assert c.execute("SELECT count(*) FROM audit_log WHERE action = 'restore'").fetchone()[0] == 1
    aside = sorted(backups.glob("before-restore-*.db"))[-1]
    with connect(aside) as c:
        assert c.execute("SELECT name FROM clients WHERE id = ?", (client,)).fetchone()[0] == "误改的名字"
