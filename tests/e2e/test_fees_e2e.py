"""Fees: a centre's manager sets next month's lunch price; a price from a day lunches were
already charged at is refused in words, with nothing written. The front desk opens the
arrears list, goes to the client who owes most, sees the same amount owed on the client's
statement, takes the meal money and prints the receipt on A5: the PDF is in the exports
folder, says the amount in capital words and the receipt's number, and the statement now
owes that much less."""

import subprocess
from datetime import datetime, timedelta, timezone

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC

from conftest import cli, connect

DESK_PASSWORD = "desk-pass-1"
MANAGER_PASSWORD = "manager-pass-1"


def type_date(app, testid, day):
    """Types a date and waits for its calendar to fold away (it covers what is below)."""
    app.type(testid, day)
    app.keys(Keys.ENTER)
    app.wait.until(lambda d: not [p for p in d.find_elements(By.CSS_SELECTOR, ".el-picker-panel") if p.is_displayed()])


def first_of_next_month(today):
    return (today.replace(day=1) + timedelta(days=32)).replace(day=1)


def test_prices_arrears_statement_and_a_printed_receipt(launch, demo_db, export_dir):
    with connect(demo_db) as c:
        centre = c.execute("SELECT id FROM facilities WHERE kind = 'elder_centre' ORDER BY id LIMIT 1").fetchone()[0]
    cli(demo_db, "accounts", "add", "--username", "desk", "--display-name", "前台小周", "--role", "front_desk",
        "--facility", str(centre), stdin=DESK_PASSWORD + "\n")
    cli(demo_db, "accounts", "add", "--username", "zhuren", "--display-name", "主任老周", "--role", "facility_manager",
        "--facility", str(centre), stdin=MANAGER_PASSWORD + "\n")
    today = datetime.now(timezone(timedelta(hours=8))).date()

    app = launch(demo_db)
    app.sign_in("zhuren", MANAGER_PASSWORD)
    app.click("nav-fees")
    app.click("tab-prices")
    app.wait_inner_text("fee-list", "午餐")
    with connect(demo_db) as c:
        settings = c.execute("SELECT count(*) FROM fee_settings WHERE facility_id = ?", (centre,)).fetchone()[0]
        served_since = c.execute(
            "SELECT min(day) FROM bookings WHERE facility_id = ? AND meal = 'lunch' AND status = 'served' AND day >= ?",
            (centre, (today - timedelta(days=20)).isoformat())).fetchone()[0]
    assert served_since, "the demo centre served lunch in the last weeks"

    # From three weeks ago: lunches were charged at the old price since; refused.
    app.click("fee-add")
    app.click("fee-item")
    app.choose("午餐", exact=True)
    app.type("fee-value", "16.50")
    type_date(app, "fee-from", (today - timedelta(days=20)).isoformat())
    app.click("fee-save")
    app.wait.until(EC.visibility_of_element_located(
        (By.XPATH, f'//*[contains(@class, "el-alert--error")][contains(., "{served_since}")]')))
    with connect(demo_db) as c:
        assert c.execute("SELECT count(*) FROM fee_settings WHERE facility_id = ?", (centre,)).fetchone()[0] == settings

    nxt = first_of_next_month(today).isoformat()
    type_date(app, "fee-from", nxt)
    app.click("fee-save")
    app.wait_inner_text("fee-list", "待生效")
    assert "16.50" in app.inner_text(f"fee-meal.lunch-{nxt}")
    app.screenshot("prices")
    with connect(demo_db) as c:
        assert c.execute("SELECT value, set_by_name FROM fee_settings WHERE facility_id = ? AND item = 'meal.lunch' "
                         "AND from_day = ?", (centre, nxt)).fetchone() == (1650, "主任老周")

    app.click("sign-out")
    app.sign_in("desk", DESK_PASSWORD)
    app.click("nav-fees")
    listed = app.wait_inner_text("arrears-list", ".")
    app.screenshot("arrears")
    # Most owed first: the top row is the client to ask.
    with connect(demo_db) as c:
        rows = c.execute("SELECT id, name FROM clients WHERE facility_id = ?", (centre,)).fetchall()
    link = app.driver.find_element(By.CSS_SELECTOR, '[data-testid="arrears-list"] [data-testid^="arrear-client-"]')
    client = int(link.get_attribute("data-testid").rsplit("-", 1)[1])
    name = dict(rows)[client]
    assert name in listed
    owed_text = app.text_of(f"arrear-owed-client-{client}").strip()
    link.click()
    app.wait_text("person-title", name)
    # The statement of this month owes what the list said.
    assert app.wait_inner_text("statement-closing", owed_text) == owed_text
    owed_fen = round(float(owed_text) * 100)

    app.click("payment-new")
    app.type("payment-amount", "100")
    app.click("payment-save")
    app.el("receipt-dialog")
    app.click("receipt-print-a5")
    # The PDF is written whether or not this PC has a viewer to open it.
    app.wait.until(lambda d: list(export_dir.glob("*.pdf")))
    app.wait.until(EC.invisibility_of_element_located((By.CSS_SELECTOR, '[data-testid="receipt-dialog"]')))
    with connect(demo_db) as c:
        no = c.execute("SELECT receipt_year || '-01-' || printf('%06d', receipt_seq) FROM payments "
                       "WHERE received_by_name = '前台小周'").fetchone()[0]
        printed = c.execute("SELECT count(*) FROM audit_log WHERE entity = 'payment' AND action = 'export'").fetchone()[0]
    assert printed == 1
    pdf = next(export_dir.glob("*.pdf"))
    assert no in pdf.name
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "人民币壹佰元整" in text and no in text and name in text
    subprocess.run(["pdftoppm", "-r", "70", "-png", str(pdf), str(app_out(app, "receipt"))], check=True)

    # The statement now owes 100 yuan less.
    app.wait_inner_text("statement-closing", f"{abs(owed_fen - 10000) / 100:.2f}")
    app.screenshot("statement")


def app_out(app, label):
    from conftest import OUT
    OUT.mkdir(exist_ok=True)
    return OUT / f"{app.name}-{label}"
