"""The front desk of a childcare unit: find a child by pinyin initials, check in with the
keyboard, refuse a stranger at pick-up (logged), hand the child to a guardian."""


from pypinyin import Style, lazy_pinyin
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from conftest import cli, connect

DESK_PASSWORD = "desk-pass-1"
HIT_ROWS = '[data-testid^="desk-hit-client-"], [data-testid^="desk-hit-child-"], [data-testid^="desk-hit-staff-"]'


def initials(name):
    return "".join(lazy_pinyin(name, style=Style.FIRST_LETTER)).lower()


def two_children_with_the_same_initials(db):
    """A childcare unit and pinyin initials that two of its enrolled children share, so that
    the clerk has to pick the right one from the results."""
    with connect(db) as c:
        for (facility_id,) in c.execute("SELECT id FROM facilities WHERE kind = 'childcare' ORDER BY id").fetchall():
            by_initials = {}
            for name, in c.execute("SELECT name FROM children WHERE facility_id = ? AND left_on IS NULL", (facility_id,)):
                by_initials.setdefault(initials(name), set()).add(name)
            shared = sorted(i for i, names in by_initials.items() if len(names) >= 2)
            if shared:
                return facility_id, shared[0]
    raise AssertionError("the demo city has no two children with the same initials")


def contacts_of(db, child_id):
    with connect(db) as c:
        name = c.execute("SELECT name FROM children WHERE id = ?", (child_id,)).fetchone()[0]
        contacts = c.execute("SELECT id, name, is_guardian, may_pick_up, id_tail FROM child_contacts WHERE child_id = ? AND active = 1 "
                             "ORDER BY position", (child_id,)).fetchall()
    return name, contacts


def hit_ids(app):
    return [r.get_attribute("data-testid") for r in app.driver.find_elements(By.CSS_SELECTOR, HIT_ROWS)]


def board_present(app):
    return app.text_of("desk-board-present")


def find_and_select(app, text, kind, person_id):
    """Types into the desk's search and moves the selection onto the person with the arrow keys."""
    app.type("desk-search", text)
    app.wait.until(lambda d: app.el("desk-hits").get_attribute("data-results-for") == text)
    row = app.el(f"desk-hit-{kind}-{person_id}")
    for _ in range(hit_ids(app).index(f"desk-hit-{kind}-{person_id}")):
        app.keys(Keys.ARROW_DOWN)
    app.wait.until(lambda d: "selected" in row.get_attribute("class"))
    return row


def test_check_in_refuse_a_stranger_and_hand_over_to_a_guardian(launch, demo_db):
    facility_id, typed = two_children_with_the_same_initials(demo_db)
    cli(demo_db, "accounts", "add", "--username", "desk", "--display-name", "前台小李", "--role", "front_desk",
        "--facility", str(facility_id), stdin=DESK_PASSWORD + "\n")

    app = launch(demo_db)
    app.sign_in("desk", DESK_PASSWORD)
    # A front-desk account lands on the desk, ready to type.
    app.el("desk-board")
    app.wait.until(lambda d: app.focused_testid() == "desk-search")
    assert "F2" in app.text_of("desk-keys") and "F3" in app.text_of("desk-keys")
    assert board_present(app) == "0"

    # The initials match two children or more: the clerk picks the second one with ↓.
    app.type("desk-search", typed)
    app.wait.until(lambda d: app.el("desk-hits").get_attribute("data-results-for") == typed)
    children = [i for i in hit_ids(app) if i.startswith("desk-hit-child-")]
    assert len(children) >= 2, children
    child_id = int(children[1].rsplit("-", 1)[1])
    child_name, contacts = contacts_of(demo_db, child_id)
    guardian_id, guardian_name, tail = next((cid, name, tail) for cid, name, is_guardian, may, tail in contacts
                                            if is_guardian and may and tail)
    assert initials(child_name) == typed
    row = find_and_select(app, typed, "child", child_id)
    assert hit_ids(app).index(f"desk-hit-child-{child_id}") >= 1
    assert child_name in row.text
    app.screenshot("found")
    app.keys(Keys.ENTER)
    app.wait.until(lambda d: board_present(app) == "1")
    assert child_name in app.wait_inner_text("desk-board", child_name)
    # The box is cleared for the next person.
    app.wait.until(lambda d: app.el("desk-search").get_attribute("value") == "")
    app.screenshot("checked-in")

    # Someone not on the list comes for the child: refused, logged, the child stays in.
    row = find_and_select(app, typed, "child", child_id)
    app.wait.until(lambda d: "已签到" in row.text)
    app.keys(Keys.F3)
    app.el("pickup-dialog")
    app.el(f"pickup-contact-{guardian_id}")
    # The tails on file are the desk's question, not shown to it.
    assert tail not in app.text_of("pickup-dialog")
    app.click("pickup-other")
    app.type("pickup-other-name", "陌生人赵某", clear=False)
    app.click("pickup-confirm")
    assert "不能接走孩子" in app.text_of("pickup-error")
    app.screenshot("refused")
    with connect(demo_db) as c:
        assert c.execute("SELECT count(*) FROM attendance WHERE person_kind = 'child' AND person_id = ? AND out_at IS NULL",
                         (child_id,)).fetchone()[0] == 1
        refused = c.execute("SELECT username, after_json FROM audit_log WHERE action = 'pickup_refused' AND entity = 'child' "
                            "AND entity_id = ?", (str(child_id),)).fetchall()
    assert len(refused) == 1 and refused[0][0] == "desk" and "陌生人赵某" in refused[0][1]

    # The guardian comes; the clerk types the last four from her card. A slip of the finger
    # is a refusal on the log; the right four let the child go.
    app.click(f"pickup-contact-{guardian_id}")
    app.wait.until(lambda d: not d.find_elements(By.CSS_SELECTOR, '[data-testid="pickup-error"]'))
    assert not app.el("pickup-confirm").is_enabled(), "no hand-over before the tail is typed"
    wrong = "0000" if tail != "0000" else "1111"
    app.type("pickup-id-tail", wrong)
    app.click("pickup-confirm")
    assert "不符" in app.text_of("pickup-error")
    app.screenshot("tail-mismatch")
    app.type("pickup-id-tail", tail.lower())
    app.screenshot("tail-typed")
    app.keys(Keys.ENTER)
    app.wait.until(lambda d: board_present(app) == "0")
    assert app.text_of("desk-board-left") == "1"
    board = app.wait_inner_text("desk-board", guardian_name)
    assert child_name in board
    app.screenshot("picked-up")
    with connect(demo_db) as c:
        out_at, picked_up_by, picked_up_name = c.execute(
            "SELECT out_at, picked_up_by, picked_up_name FROM attendance WHERE person_kind = 'child' AND person_id = ?",
            (child_id,)).fetchone()
    assert out_at and picked_up_by == guardian_id and picked_up_name == guardian_name


def test_a_client_found_by_id_number_checks_in_with_f2_and_out_with_f3(launch, demo_db):
    with connect(demo_db) as c:
        centre_id = c.execute("SELECT id FROM facilities WHERE kind = 'elder_centre' ORDER BY id LIMIT 1").fetchone()[0]
        client_id, name, id_number = c.execute(
            "SELECT id, name, id_number FROM clients WHERE facility_id = ? AND status = 'active' AND id_number IS NOT NULL "
            "ORDER BY id LIMIT 1", (centre_id,)).fetchone()
    cli(demo_db, "accounts", "add", "--username", "desk", "--display-name", "前台小赵", "--role", "front_desk",
        "--facility", str(centre_id), stdin=DESK_PASSWORD + "\n")
    app = launch(demo_db)
    app.sign_in("desk", DESK_PASSWORD)
    app.el("desk-board")

    find_and_select(app, id_number, "client", client_id)
    app.keys(Keys.F2)
    app.wait.until(lambda d: board_present(app) == "1")
    assert "在站" in app.text_of("desk-board")

    # A tired clerk presses Enter again: that must not check the client out.
    row = find_and_select(app, id_number, "client", client_id)
    app.wait.until(lambda d: "已签到" in row.text)
    app.keys(Keys.ENTER)
    assert "按 F3" in app.inner_text("desk-error")
    assert board_present(app) == "1"

    # A client goes home without a pick-up check: F3 checks them out at once.
    app.keys(Keys.F3)
    app.wait.until(lambda d: app.text_of("desk-board-left") == "1")
    assert board_present(app) == "0" and name in app.inner_text("desk-board")

    # Esc clears the box.
    app.type("desk-search", name)
    app.el(f"desk-hit-client-{client_id}")
    app.keys(Keys.ESCAPE)
    app.wait.until(lambda d: app.el("desk-search").get_attribute("value") == "")
    with connect(demo_db) as c:
        assert c.execute("SELECT count(*) FROM attendance WHERE person_kind = 'client' AND person_id = ? AND out_at IS NOT NULL",
                         (client_id,)).fetchone()[0] == 1


def test_a_suspended_client_is_flagged_before_check_in(launch, demo_db):
    """The 签到 button of a suspended client is off and says why, before anyone presses it; F2
    says so too and checks nobody in."""
    with connect(demo_db) as c:
        centre_id = c.execute("SELECT id FROM facilities WHERE kind = 'elder_centre' ORDER BY id LIMIT 1").fetchone()[0]
        client_id, id_number = c.execute(
            "SELECT id, id_number FROM clients WHERE facility_id = ? AND status = 'active' AND id_number IS NOT NULL "
            "ORDER BY id LIMIT 1", (centre_id,)).fetchone()
        c.execute("UPDATE clients SET status = 'suspended', status_since = '2026-01-01' WHERE id = ?", (client_id,))
    cli(demo_db, "accounts", "add", "--username", "desk", "--display-name", "前台小赵", "--role", "front_desk",
        "--facility", str(centre_id), stdin=DESK_PASSWORD + "\n")
    app = launch(demo_db)
    app.sign_in("desk", DESK_PASSWORD)
    app.el("desk-board")
    row = find_and_select(app, id_number, "client", client_id)
    app.wait.until(lambda d: "暂停服务" in row.text)
    assert not app.el(f"desk-checkin-client-{client_id}").is_enabled()
    app.keys(Keys.F2)
    app.wait.until(lambda d: "暂停服务" in app.inner_text("desk-error"))
    app.screenshot("suspended")
    with connect(demo_db) as c:
        assert c.execute("SELECT count(*) FROM attendance WHERE person_kind = 'client' AND person_id = ?",
                         (client_id,)).fetchone()[0] == 0


def test_the_desk_on_a_small_screen(launch, demo_db):
    """1024 × 680, as on many facility PCs: the menu starts folded to its icons (and unfolds and
    folds again), and a common surname shows at least six results without scrolling."""
    with connect(demo_db) as c:
        centre_id = c.execute("SELECT id FROM facilities WHERE kind = 'elder_centre' ORDER BY id LIMIT 1").fetchone()[0]
        surname = c.execute("SELECT substr(name, 1, 1) AS s FROM clients WHERE facility_id = ? GROUP BY s "
                            "ORDER BY count(*) DESC LIMIT 1", (centre_id,)).fetchone()[0]
    cli(demo_db, "accounts", "add", "--username", "desk", "--display-name", "前台小赵", "--role", "front_desk",
        "--facility", str(centre_id), stdin=DESK_PASSWORD + "\n")
    app = launch(demo_db)
    app.driver.set_window_size(1024, 680)
    app.sign_in("desk", DESK_PASSWORD)
    app.el("desk-board")
    aside = app.driver.find_element(By.CSS_SELECTOR, ".aside")
    app.wait.until(lambda d: aside.size["width"] <= 64)
    app.click("menu-fold")
    app.wait.until(lambda d: aside.size["width"] >= 180)
    app.click("menu-fold")
    app.wait.until(lambda d: aside.size["width"] <= 64)
    app.type("desk-search", surname)
    app.wait.until(lambda d: app.el("desk-hits").get_attribute("data-results-for") == surname)
    hits = app.el("desk-hits")
    bottom = hits.location["y"] + hits.size["height"]
    shown = [r for r in app.driver.find_elements(By.CSS_SELECTOR, HIT_ROWS) if r.location["y"] + r.size["height"] <= bottom]
    app.screenshot("small-screen")
    assert len(shown) >= 6, len(shown)
