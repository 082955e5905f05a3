"""The city's settlement: a centre's manager opens last month's draft sheet, signs it off,
and prints it as a PDF to sign (its total is the sum the database holds). The city office
then finds the sheet at its own facility picker, rejects a line (not without a reason),
approves the rest and locks the month; the manager sees it locked."""

import subprocess
from datetime import datetime, timedelta, timezone

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from conftest import cli, connect

MANAGER_PASSWORD = "manager-pass-1"


def last_month(today):
    first = today.replace(day=1) - timedelta(days=1)
    return f"{first.year}-{first.month:02d}"


def test_a_manager_signs_off_and_the_city_office_decides_and_locks(launch, demo_db, export_dir):
    month = last_month(datetime.now(timezone(timedelta(hours=8))).date())
    with connect(demo_db) as c:
        # The demo leaves last month's sheet to the manager at half the centres.
        centre, name = c.execute(
            "SELECT f.id, f.name FROM facilities f WHERE f.kind = 'elder_centre' AND NOT EXISTS "
            "(SELECT 1 FROM settlements s WHERE s.facility_id = f.id AND s.month = ?) ORDER BY f.id LIMIT 1",
            (month,)).fetchone()
    cli(demo_db, "accounts", "add", "--username", "zhuren", "--display-name", "主任老周", "--role", "facility_manager",
        "--facility", str(centre), stdin=MANAGER_PASSWORD + "\n")

    app = launch(demo_db)
    app.sign_in("zhuren", MANAGER_PASSWORD)
    app.click("nav-fees")
    app.click("tab-settlement")
    app.wait_text("settlement-status", "草稿")
    draft_total = app.text_of("settlement-total")
    app.click("settlement-sign")
    app.wait_text("settlement-status", "已签字")
    assert app.text_of("settlement-total") == draft_total
    app.screenshot("signed")
    with connect(demo_db) as c:
        sid, status, by = c.execute("SELECT id, status, signed_by_name FROM settlements WHERE facility_id = ? AND month = ?",
                                    (centre, month)).fetchone()
        lines, total = c.execute("SELECT count(*), sum(amount_fen) FROM settlement_lines WHERE settlement_id = ?",
                                 (sid,)).fetchone()
        first_line = c.execute("SELECT min(id) FROM settlement_lines WHERE settlement_id = ?", (sid,)).fetchone()[0]
    assert (status, by) == ("signed", "主任老周") and lines > 0
    assert draft_total == f"{total / 100:.2f}"

    app.click("settlement-pdf")
    app.wait.until(lambda d: list(export_dir.glob("*.pdf")))
    pdf = next(export_dir.glob("*.pdf"))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "政府购买服务结算单" in text and name in text and f"{total / 100:.2f}" in text
    # The manager signs; deciding is the city office's.
    assert not app.driver.find_elements(By.CSS_SELECTOR, '[data-testid="settlement-approve-all"]')

    app.click("sign-out")
    app.sign_in()
    app.click("nav-fees")
    app.click("fees-facility")
    app.keys(name)
    app.choose(name)
    app.click("tab-settlement")
    app.wait_text("settlement-status", "已签字")
    app.click(f"line-reject-{first_line}")
    app.click("line-reject-confirm")
    app.wait.until(EC.visibility_of_element_located(
        (By.XPATH, '//*[contains(@class, "el-alert--error")][contains(., "原因")]')))
    app.type("line-reject-reason", "服务记录缺少签字")
    app.click("line-reject-confirm")
    app.wait_inner_text("settlement-lines", "服务记录缺少签字")
    app.click("settlement-approve-all")
    app.wait.until(lambda d: not d.find_elements(By.CSS_SELECTOR, '[data-testid="settlement-approve-all"]'))
    app.click("settlement-lock")
    app.wait_text("settlement-status", "已锁定")
    app.screenshot("locked")
    with connect(demo_db) as c:
        assert c.execute("SELECT status, locked_by_name FROM settlements WHERE id = ?", (sid,)).fetchone()[0] == "locked"
        decided = dict(c.execute("SELECT decision, count(*) FROM settlement_lines WHERE settlement_id = ? GROUP BY 1",
                                 (sid,)).fetchall())
    assert decided == {"rejected": 1, "approved": lines - 1}
