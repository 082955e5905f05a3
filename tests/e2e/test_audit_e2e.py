"""The audit log in words: a city administrator reads who did what — each action and the kind
of record in Chinese, the person by the name people know them by (their username small
beside it), and the system's own work as 系统 — never a bare code such as `export`."""

import re
import time

from conftest import cli, connect

CODE = re.compile(r"[a-z]+(_[a-z]+)*")


def test_the_audit_log_speaks_words(launch, demo_db, tmp_path):
    # Work done at the command line, which signs in as the administrator: an export, the
    # monthly report, a subsidy rate.
    cli(demo_db, "export", "clients", "--out", str(tmp_path / "clients.xlsx"))
    cli(demo_db, "report", "--month", "2026-10", "--out", str(tmp_path / "report.xlsx"))
    cli(demo_db, "subsidy", "set", "--category", "aged_80", "--fen", "350")

    app = launch(demo_db)
    app.sign_in()
    app.wait_text("current-user", "市管理员")
    app.click("nav-audit")
    app.el("audit-table")
    with connect(demo_db) as c:
        rows = c.execute("SELECT id, action, entity, account_id FROM audit_log ORDER BY id DESC LIMIT 200").fetchall()
    assert {"export", "set", "sign_in", "seed_demo"} <= {r[1] for r in rows}, rows
    assert all(r[3] != 0 for r in rows if r[1] in ("export", "set")), "the CLI's work is the administrator's"
    app.wait_inner_text("audit-table", "市管理员")

    shown = {}
    for row_id, action, entity, account_id in rows:
        action_text = app.text_of(f"audit-action-{row_id}")
        entity_text = app.text_of(f"audit-entity-{row_id}")
        who = app.text_of(f"audit-who-{row_id}")
        assert not CODE.fullmatch(action_text), f"{action} is shown as a bare code"
        assert not CODE.fullmatch(entity_text), f"{entity} is shown as a bare code"
        shown[(action, entity)] = (action_text, entity_text, who)
        if account_id == 0:
            assert who == "系统", f"entry {row_id} is the system's work"

    assert shown[("export", "clients")][:2] == ("导出", "服务对象名册")
    assert shown[("export", "monthly_report")][:2] == ("导出", "月报")
    assert shown[("set", "subsidy_rate")][:2] == ("设置", "餐费补贴标准")
    # The administrator by name, the username small beside it.
    assert shown[("sign_in", "account")] == ("登录", "账号", "市管理员")
    assert "admin" in app.inner_text("audit-table").split("市管理员", 1)[1].split("\n", 1)[0], (
        "the username follows the display name")
    time.sleep(0.5)
    app.screenshot("audit")


def test_the_city_office_checks_the_log_and_sees_where_it_was_changed(launch, demo_db):
    app = launch(demo_db)
    app.sign_in()
    app.wait_text("current-user", "市管理员")
    app.click("nav-audit")
    app.el("audit-table")
    app.click("audit-verify")
    assert app.wait_text("audit-chain", "审计日志完整")
    app.screenshot("chain-intact")

    # Someone with the file (and its key) rewrites an entry behind the app's back.
    with connect(demo_db) as c:
        c.executescript("DROP TRIGGER audit_log_no_update;"
                        "UPDATE audit_log SET username = 'someone' WHERE id = 3;")
    app.click("audit-verify")
    assert app.wait_text("audit-chain", "审计日志在第 3 条")
    app.screenshot("chain-broken")
