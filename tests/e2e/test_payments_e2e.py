"""Payments: the front desk takes a client's meal money on the client's page. An amount with
three decimals is refused in the form with nothing written; 360.50 paid by WeChat gets
the next receipt of this PC's series for the year (PC 1: it has not joined the hub; the
demo's year of payments came before), then the next payment the next number. A manager voids the first receipt with a reason: it stays on the list under its
number, struck through, and the void is on the audit log."""

from datetime import datetime, timedelta, timezone

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from conftest import cli, connect

DESK_PASSWORD = "desk-pass-1"
MANAGER_PASSWORD = "manager-pass-1"


def test_the_desk_takes_meal_money_and_a_manager_voids_a_wrong_receipt(launch, demo_db):
    with connect(demo_db) as c:
        centre = c.execute("SELECT id FROM facilities WHERE kind = 'elder_centre' ORDER BY id LIMIT 1").fetchone()[0]
        client, name = c.execute(
            "SELECT id, name FROM clients WHERE facility_id = ? AND status = 'active' ORDER BY name_key, id LIMIT 1",
            (centre,)).fetchone()
    cli(demo_db, "accounts", "add", "--username", "desk", "--display-name", "前台小周", "--role", "front_desk",
        "--facility", str(centre), stdin=DESK_PASSWORD + "\n")
    cli(demo_db, "accounts", "add", "--username", "zhuren", "--display-name", "主任老周", "--role", "facility_manager",
        "--facility", str(centre), stdin=MANAGER_PASSWORD + "\n")
    year = datetime.now(timezone(timedelta(hours=8))).year
    with connect(demo_db) as c:
        last = c.execute("SELECT coalesce(max(receipt_seq), 0) FROM payments WHERE facility_id = ? AND receipt_year = ? "
                         "AND receipt_pc = 1", (centre, year)).fetchone()[0]
        before = c.execute("SELECT count(*) FROM payments").fetchone()[0]

    app = launch(demo_db)
    app.sign_in("desk", DESK_PASSWORD)
    app.click("nav-people")
    app.click(f"people-open-client-{client}")
    app.wait_text("person-title", name)
    app.click("payment-new")
    # The payer is the client unless someone else pays; three decimals is no amount.
    assert app.el("payment-payer").get_attribute("value") == name
    app.type("payment-amount", "360.505")
    app.click("payment-save")
    app.wait.until(EC.visibility_of_element_located(
        (By.XPATH, '//*[@data-testid="payment-form"]//*[contains(@class, "el-form-item__error")][contains(., "两位小数")]')))
    with connect(demo_db) as c:
        assert c.execute("SELECT count(*) FROM payments").fetchone()[0] == before

    app.type("payment-amount", "360.50")
    app.type("payment-note", "12月餐费")
    app.driver.find_element(By.XPATH, '//*[@data-testid="payment-method"]//label[contains(., "微信")]').click()
    app.type("payment-payer", "女儿 王丽")
    app.screenshot("payment-form")
    app.click("payment-save")
    first_no = f"{year}-01-{last + 1:06d}"
    # The receipt is offered for printing at once; this desk prints later.
    app.click("receipt-later")
    listed = app.wait_inner_text("payment-list", first_no)
    assert "360.50" in listed and "微信" in listed and "12月餐费" in listed

    app.click("payment-new")
    app.type("payment-amount", "15")
    app.click("payment-save")
    app.click("receipt-later")
    app.wait_inner_text("payment-list", f"{year}-01-{last + 2:06d}")
    # The desk takes money; voiding is a manager's.
    assert not app.driver.find_elements(By.CSS_SELECTOR, '[data-testid^="payment-void-"]')
    with connect(demo_db) as c:
        rows = c.execute("SELECT id, receipt_seq, amount_fen, method, payer_name, received_by_name FROM payments "
                         "WHERE id > (SELECT max(id) FROM payments) - 2 ORDER BY id").fetchall()
    assert [r[1:] for r in rows] == [(last + 1, 36050, "wechat", "女儿 王丽", "前台小周"),
                                     (last + 2, 1500, "cash", name, "前台小周")]

    app.click("sign-out")
    app.sign_in("zhuren", MANAGER_PASSWORD)
    app.click("nav-people")
    app.click(f"people-open-client-{client}")
    app.wait_text("person-title", name)
    app.click(f"payment-void-{rows[0][0]}")
    app.click("payment-void-confirm")
    app.wait.until(EC.visibility_of_element_located(
        (By.XPATH, '//*[contains(@class, "el-alert--error")][contains(., "作废原因")]')))
    app.type("payment-void-reason", "金额开错")
    app.click("payment-void-confirm")
    app.wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, '[data-testid="payment-list"] .void'))
    listed = app.inner_text("payment-list")
    assert first_no in listed and "已作废" in listed
    app.screenshot("voided")
    with connect(demo_db) as c:
        assert c.execute("SELECT void_reason, voided_by_name FROM payments WHERE id = ?",
                         (rows[0][0],)).fetchone() == ("金额开错", "主任老周")
        assert c.execute("SELECT count(*) FROM audit_log WHERE entity = 'payment' AND action = 'void'").fetchone()[0] == 1
