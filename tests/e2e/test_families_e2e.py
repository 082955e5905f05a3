"""Families: the desk of a centre opens 收费 › 家庭结算, where the demo's couples are listed.
A new family saved with no name is refused in words and nothing is written; named, with its
payer, it is saved; two clients found by name join it, and one already in a demo family is
refused with that family's name. The family's statement of the month lists both with their
total, and prints as a PDF that carries the family, the payer, both names and the amount
due shown on screen. On a member's page, the statement says which family pays."""

import subprocess

from selenium.common.exceptions import ElementClickInterceptedException, ElementNotInteractableException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from conftest import cli, connect

DESK_PASSWORD = "desk-pass-1"


def close_dialog(app):
    """Closes the open dialog by its corner button and waits for it to fold away."""
    def closed(driver):
        shown = [b for b in driver.find_elements(By.CSS_SELECTOR, ".el-dialog__headerbtn") if b.is_displayed()]
        if shown:
            try:
                shown[0].click()
            except (ElementNotInteractableException, ElementClickInterceptedException):
                pass  # still growing into place or folding away: look again
            return False
        return True
    app.wait.until(closed)


def test_a_family_is_made_filled_and_its_statement_printed(launch, demo_db, export_dir):
    with connect(demo_db) as c:
        centre = c.execute("SELECT id FROM facilities WHERE kind = 'elder_centre' ORDER BY id LIMIT 1").fetchone()[0]
        demo_families = c.execute("SELECT count(*) FROM families WHERE facility_id = ?", (centre,)).fetchone()[0]
        taken = c.execute(
            "SELECT c.name, f.name FROM family_members m JOIN families f ON f.id = m.family_id "
            "JOIN clients c ON c.id = m.person_id WHERE f.facility_id = ? AND m.person_kind = 'client' "
            "AND (SELECT count(*) FROM clients d WHERE d.name = c.name) = 1 ORDER BY m.id LIMIT 1",
            (centre,)).fetchone()
        # Two active clients of the centre who eat its meals, in no family, each the only one
        # of their name.
        free = c.execute(
            "SELECT id, name FROM clients c WHERE facility_id = ? AND status = 'active' "
            "AND EXISTS (SELECT 1 FROM bookings b WHERE b.client_id = c.id AND b.status = 'served') "
            "AND NOT EXISTS (SELECT 1 FROM family_members m WHERE m.person_kind = 'client' AND m.person_id = c.id) "
            "AND (SELECT count(*) FROM clients d WHERE d.name = c.name) = 1 ORDER BY id LIMIT 2",
            (centre,)).fetchall()
    assert demo_families > 0 and taken, "the demo has couples at the centre"
    assert len(free) == 2
    cli(demo_db, "accounts", "add", "--username", "desk", "--display-name", "前台小周", "--role", "front_desk",
        "--facility", str(centre), stdin=DESK_PASSWORD + "\n")

    app = launch(demo_db)
    app.sign_in("desk", DESK_PASSWORD)
    app.click("nav-fees")
    app.click("tab-families")
    app.wait_inner_text("family-list", taken[1])

    # Saved with no name: refused in words, nothing written.
    app.click("family-add")
    app.type("family-payer", "李明")
    app.click("family-save")
    assert "家庭名称" in app.field_error("family-name")
    with connect(demo_db) as c:
        assert c.execute("SELECT count(*) FROM families").fetchone()[0] >= demo_families
        assert c.execute("SELECT count(*) FROM families WHERE payer_name = '李明'").fetchone()[0] == 0

    app.type("family-name", "李明家")
    app.type("family-phone", "138 0000 1234")
    app.click("family-save")
    app.wait_inner_text("family-list", "李明家")
    with connect(demo_db) as c:
        family, phone = c.execute("SELECT id, payer_phone FROM families WHERE name = '李明家'").fetchone()
    assert phone == "13800001234"

    def add(name):
        app.click(f"family-add-member-{family}")
        app.click("family-person")
        app.keys(name)
        app.choose(name, exact=True)
        app.click("family-person-add")

    for client, name in free:
        add(name)
        app.el(f"family-member-client-{client}")
    # Someone already in a demo family: refused, with that family's name.
    add(taken[0])
    app.wait.until(EC.visibility_of_element_located(
        (By.XPATH, f'//*[contains(@class, "el-alert--error")][contains(., "{taken[1]}")]')))
    with connect(demo_db) as c:
        assert c.execute("SELECT count(*) FROM family_members WHERE family_id = ?", (family,)).fetchone()[0] == 2
    close_dialog(app)
    app.screenshot("families")

    # The statement of the month: both members and their total; printed with the same sum.
    app.click(f"family-statement-{family}")
    shown = app.wait_inner_text("family-statement", free[1][1])
    assert free[0][1] in shown and "合计" in shown
    closing = app.wait_inner_text("family-closing", "￥").split("￥")[1].strip()
    assert closing != "0.00", "two clients who eat the centre's meals owe or have paid ahead"
    app.screenshot("family-statement")
    app.click("family-print")
    app.wait.until(lambda d: list(export_dir.glob("*.pdf")))
    pdf = next(export_dir.glob("*.pdf"))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for expected in ("李明家", "李明（13800001234）", free[0][1], free[1][1], closing):
        assert expected in text, expected
    # The file is written, then the export's audit entry: the test may look in between.
    def exports_logged(driver):
        with connect(demo_db) as c:
            return c.execute("SELECT count(*) FROM audit_log WHERE entity = 'family' AND action = 'export' "
                             "AND entity_id = ?", (str(family),)).fetchone()[0]
    app.wait.until(exports_logged)
    assert exports_logged(None) == 1

    # On a member's page, the statement names the family that pays.
    close_dialog(app)
    app.click(f"family-member-client-{free[0][0]}")
    app.wait_text("person-title", free[0][1])
    assert "李明家" in app.wait_inner_text("statement-family", "李明家")
    app.wait_inner_text("statement-purposes", "项目")
    app.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", app.el("statement-family"))
    app.screenshot("member")
