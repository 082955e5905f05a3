"""First run and sign-in, as a new city administrator and a tired clerk would do them."""

import sqlite3


def test_first_run_creates_the_administrator(launch, empty_db):
    app = launch(empty_db)
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
