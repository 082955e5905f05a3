"""A person's data and a person who moves. A manager gives a client a copy of everything
held about them (PIPL Art. 45): a PDF and a workbook in the Downloads folder, with the
export on the audit log. The city office moves a client to another centre: the form warns
what the move does, and after the save the plan goes on at the new centre while the old
centre's visits and meals end."""

import subprocess

from conftest import cli, connect

MANAGER_PASSWORD = "manager-pass-1"


def a_client_with_a_history(db):
    with connect(db) as c:
        return c.execute(
            """SELECT cl.id, cl.name, cl.facility_id FROM clients cl
                WHERE cl.status = 'active'
                  AND EXISTS (SELECT 1 FROM checkups k WHERE k.client_id = cl.id)
                  AND EXISTS (SELECT 1 FROM care_plan_items p WHERE p.client_id = cl.id AND p.ends_on IS NULL)
                  AND EXISTS (SELECT 1 FROM standing_orders o WHERE o.client_id = cl.id AND o.stopped_on IS NULL)
                ORDER BY cl.id LIMIT 1""").fetchone()


def open_client(app, client_id, name):
    """Opens the client's page by its address, once the sign-in has landed on its first page
    (the landing would otherwise take the place of the address typed meanwhile)."""
    app.el("nav-people")
    app.wait.until(lambda d: d.current_url.endswith("#/") or "#/desk" in d.current_url)
    app.driver.execute_script("window.location.hash = arguments[0]", f"#/people/client/{client_id}")
    assert app.wait_text("person-title", name)


def test_a_manager_gives_a_client_a_copy_of_their_data(launch, demo_db, export_dir):
    client_id, name, facility_id = a_client_with_a_history(demo_db)
    cli(demo_db, "accounts", "add", "--username", "manager", "--display-name", "站长老李", "--role", "facility_manager",
        "--facility", str(facility_id), stdin=MANAGER_PASSWORD + "\n")

    app = launch(demo_db)
    app.sign_in("manager", MANAGER_PASSWORD)
    open_client(app, client_id, name)
    app.click("person-data-export")
    done = app.wait_text("person-data-done", ".pdf")
    app.screenshot("copy-made")
    pdfs = list(export_dir.glob("*.pdf"))
    books = list(export_dir.glob("*.xlsx"))
    assert len(pdfs) == 1 and len(books) == 1, (pdfs, books)
    assert str(pdfs[0]) in done and str(books[0]) in done
    # The file name says whose copy by kind and number, never by name.
    assert name not in pdfs[0].name and str(client_id) in pdfs[0].name
    text = subprocess.run(["pdftotext", str(pdfs[0]), "-"], capture_output=True, check=True, text=True).stdout
    flat = "".join(text.split())
    assert f"{name}个人信息副本" in flat and "健康检查" in flat and "查看与修改记录" in flat
    assert books[0].read_bytes()[:2] == b"PK"
    with connect(demo_db) as c:
        logged = c.execute(
            "SELECT count(*) FROM audit_log WHERE action = 'export' AND entity = 'client' AND entity_id = ?"
            " AND username = 'manager'", (str(client_id),)).fetchone()[0]
    assert logged == 1


def test_the_city_office_moves_a_client_and_the_form_says_what_follows(launch, demo_db):
    client_id, name, old = a_client_with_a_history(demo_db)
    with connect(demo_db) as c:
        new, new_name = c.execute(
            "SELECT id, name FROM facilities WHERE kind = 'elder_centre' AND id != ? ORDER BY id LIMIT 1",
            (old,)).fetchone()

    app = launch(demo_db)
    app.sign_in()
    open_client(app, client_id, name)
    app.click("client-edit")
    app.click("client-facility")
    app.keys(new_name)
    app.choose(new_name)
    assert "原机构今天起的探访取消" in app.wait_text("client-move-notice", "转至新机构")
    app.screenshot("move-notice")
    app.click("client-save")
    app.wait.until(lambda d: not d.find_elements("css selector", '[data-testid="client-save"]'))
    with connect(demo_db) as c:
        assert c.execute("SELECT facility_id FROM clients WHERE id = ?", (client_id,)).fetchone()[0] == new
        running_at_old = c.execute(
            "SELECT count(*) FROM care_plan_items WHERE client_id = ? AND facility_id = ? AND ends_on IS NULL",
            (client_id, old)).fetchone()[0]
        continued = c.execute(
            "SELECT count(*) FROM care_plan_items WHERE client_id = ? AND facility_id = ? AND ends_on IS NULL",
            (client_id, new)).fetchone()[0]
        orders = c.execute(
            "SELECT count(*) FROM standing_orders WHERE client_id = ? AND stopped_on IS NULL", (client_id,)).fetchone()[0]
        moves = c.execute(
            "SELECT count(*) FROM audit_log WHERE action = 'transfer' AND entity_id = ?", (str(client_id),)).fetchone()[0]
    assert (running_at_old, orders, moves) == (0, 0, 1) and continued > 0
    app.screenshot("moved")
