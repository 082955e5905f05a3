"""First run and sign-in, as a new city administrator and a tired clerk would do them."""

import sqlite3


def test_first_run_creates_the_administrator(launch, empty_db):
    app = launch(empty_db)
    # The app made the database file, and says where.
    assert str(empty_db) in app.text_of("setup-db-created")
    # Nothing in it yet: the demo city is offered, ticked.
    assert "还没有机构数据" in app.text_of("setup-holds")
    assert app.el("setup-demo").find_element("css selector", "input").is_selected()
    app.type("setup-username", "admin")
    app.type("setup-display-name", "乌海市管理员")
    app.type("setup-password", "admin-pass-1")
    app.type("setup-password2", "admin-pass-2")
    app.click("setup-submit")
    # Mismatched passwords are caught before anything is written.
    assert "不一致" in app.el("setup-error").text
    with sqlite3.connect(empty_db) as c:
        assert c.execute("SELECT count(*) FROM accounts").fetchone()[0] == 0
    app.type("setup-password2", "admin-pass-1")
    app.click("setup-demo")  # untick the demo city: this test wants an empty registry
    app.click("setup-submit")
    assert app.wait_text("current-user", "乌海市管理员")
    app.screenshot("signed-in")
    with sqlite3.connect(empty_db) as c:
        role, hashed = c.execute("SELECT role, password_hash FROM accounts").fetchone()
    assert role == "city_admin" and hashed.startswith("$argon2id$")


def test_the_first_run_says_the_demo_city_is_there_when_run_sh_loaded_it(launch, tmp_path):
    # scripts/run.sh loads the demo city with the CLI before the app's first start.
    from conftest import cli
    db = tmp_path / "carecircle.db"
    cli(db, "seed-demo")
    app = launch(db)
    holds = app.text_of("setup-holds")
    assert "已有演示数据" in holds and "14" in holds and "83" in holds, holds
    # Nothing to tick: it is there already.
    assert not app.driver.find_elements("css selector", '[data-testid="setup-demo"]')
    app.screenshot("first-run")
    app.type("setup-username", "admin")
    app.type("setup-display-name", "乌海市管理员")
    app.type("setup-password", "admin-pass-1")
    app.type("setup-password2", "admin-pass-1")
    app.click("setup-submit")
    assert app.wait_text("current-user", "乌海市管理员")
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT count(*) FROM facilities").fetchone()[0] == 113


def test_a_wrong_password_is_refused_and_the_right_one_lets_in(launch, demo_db):
    app = launch(demo_db)
    summary = app.el("city-summary").text
    assert "14" in summary and "83" in summary, summary
    app.sign_in(password="wrong-password")
    assert "用户名或密码不正确" in app.el("signin-error").text
    app.screenshot("refused")
    app.sign_in()
    assert app.wait_text("current-user", "市管理员")


def test_the_language_switches_to_english_and_errors_follow(launch, demo_db):
    app = launch(demo_db)
    app.click("lang-switch")
    app.sign_in(password="wrong-password")
    assert "Wrong username or password" in app.el("signin-error").text


def test_a_clerk_locked_out_by_wrong_passwords_is_told_until_when_and_a_manager_unlocks(launch, demo_db):
    from conftest import cli
    with sqlite3.connect(demo_db) as c:
        centre = c.execute("SELECT id FROM facilities WHERE kind = 'elder_centre' ORDER BY id LIMIT 1").fetchone()[0]
    cli(demo_db, "accounts", "add", "--username", "qiantai", "--display-name", "前台小王", "--role", "front_desk",
        "--facility", str(centre), stdin="desk-pass-1\n")
    cli(demo_db, "accounts", "add", "--username", "zhanzhang", "--display-name", "站长", "--role", "facility_manager",
        "--facility", str(centre), stdin="manager-pass-1\n")
    app = launch(demo_db)
    def failures():
        with sqlite3.connect(demo_db) as c:
            return c.execute("SELECT count(*) FROM audit_log WHERE action = 'sign_in_failed'").fetchone()[0]

    for n in range(1, 6):
        app.sign_in("qiantai", "wrong-password")
        # One attempt at a time, as a clerk types them.
        app.wait.until(lambda d: failures() == n)
    assert "不正确" in app.text_of("signin-error")
    # Locked: even the right password is refused, and the message says until when.
    app.sign_in("qiantai", "desk-pass-1")
    app.wait_text("signin-error", "锁定至")
    app.screenshot("locked")
    with sqlite3.connect(demo_db) as c:
        desk = c.execute("SELECT id FROM accounts WHERE username = 'qiantai'").fetchone()[0]

    app.sign_in("zhanzhang", "manager-pass-1")
    app.wait_text("current-user", "站长")
    app.click("nav-accounts")
    app.el(f"account-locked-{desk}")
    assert "1" in app.text_of("accounts-locked")
    app.screenshot("accounts-locked")
    app.click(f"account-unlock-{desk}")
    app.wait.until(lambda d: not d.find_elements("css selector", f'[data-testid="account-unlock-{desk}"]'))
    app.click("sign-out")
    app.sign_in("qiantai", "desk-pass-1")
    app.wait_text("current-user", "前台小王")
