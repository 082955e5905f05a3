"""A database made before encryption. A nurse signs in first: nothing changes (the recovery key
is for those who answer for the database). Then the city office signs in: the app backs it
up, encrypts it and its backups, and shows the recovery key once; every row is still there,
read now only with the key. The nurse, signing in again while the app is open, gets a seal
of her own in the key file."""

import sqlite3
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from conftest import cli, connect

NURSE_PASSWORD = "nurse-pass-1"


def is_plain(db):
    return Path(db).read_bytes()[:16] == b"SQLite format 3\x00"


def test_the_first_manager_sign_in_encrypts_a_database_from_before_encryption(launch, tmp_path):
    db = tmp_path / "carecircle.db"
    # An empty SQLite file filled by seed-demo stays as one made before encryption.
    sqlite3.connect(db).close()
    cli(db, "seed-demo", "--display-name", "市管理员")
    with sqlite3.connect(db) as c:
        centre = c.execute("SELECT id FROM facilities WHERE kind = 'elder_centre' ORDER BY id LIMIT 1").fetchone()[0]
    cli(db, "accounts", "add", "--username", "nurse", "--display-name", "护士小高", "--role", "nurse",
        "--facility", str(centre), stdin=NURSE_PASSWORD + "\n")
    with sqlite3.connect(db) as c:
        before = [c.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("clients", "visits", "audit_log")]
    assert is_plain(db) and not Path(f"{db}.keys").exists()

    app = launch(db)
    app.sign_in("nurse", NURSE_PASSWORD)
    app.el("sign-out")
    assert is_plain(db), "a nurse's sign-in encrypts nothing"
    app.click("sign-out")

    # The sign-in page warns that a manager's sign-in will take a while.
    assert app.wait_text("signin-plain", "加密")
    app.screenshot("plain-warning")
    app.sign_in()
    # Backing up, exporting and checking the whole demo city twice over (the database and its
    # daily backup): some ten seconds here, more on a loaded machine, with the button spinning.
    key = app.wait_text("signin-recovery-key", "-", seconds=120)
    assert len(key.replace("-", "").replace("\n", "")) == 64
    app.screenshot("recovery-key")
    assert not is_plain(db) and Path(f"{db}.keys").exists()
    with pytest.raises(sqlite3.DatabaseError):
        with sqlite3.connect(db) as c:
            c.execute("SELECT count(*) FROM clients").fetchone()
    backups = list((tmp_path / "backups").glob("*.db"))
    assert any(b.name.startswith("pre-encryption-") for b in backups), backups
    for backup in backups:
        assert not is_plain(backup) and Path(f"{backup}.keys").exists(), backup
    with connect(db) as c:
        after = [c.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("clients", "visits", "audit_log")]
        logged = c.execute("SELECT count(*) FROM audit_log WHERE action = 'encrypt' AND username = 'admin'").fetchone()[0]
    assert after[:2] == before[:2] and after[2] > before[2] and logged == 1
    app.click("signin-recovery-done")
    app.el("sign-out")
    # The accounts page names the nurse: her password does not open the key file yet.
    with connect(db) as c:
        nurse_id = c.execute("SELECT id FROM accounts WHERE username = 'nurse'").fetchone()[0]
    app.click("nav-accounts")
    assert app.wait_text(f"account-no-seal-{nurse_id}", "重置密码")
    app.screenshot("accounts-no-seal")

    # The nurse signs in while the app has the database open: her password now opens it too.
    app.click("sign-out")
    app.el("signin-username")
    assert not app.driver.find_elements(By.CSS_SELECTOR, '[data-testid="signin-plain"]')
    app.sign_in("nurse", NURSE_PASSWORD)
    app.el("sign-out")
    assert '"account:nurse"' in Path(f"{db}.keys").read_text()
