"""A centre with two PCs kept in step through the city hub (docs/sync.md): one PC joins
with the CLI, the other through the app's 数据同步 page with the connection the city office
issued; a check-in at the first PC's desk then shows on the second PC's board, by the
app's own background sync, with nobody touching the second PC."""

import glob
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from conftest import CLI, ADMIN_PASSWORD, cli, connect, free_port

DESK_PASSWORD = "desk-pass-1"
BOSS_PASSWORD = "boss-pass-1"
OWNER = "carecircle"


class Hub:
    """A throw-away PostgreSQL cluster (Debian's server) in a temporary folder on a free port,
    its socket in that folder, as the postgres user when the tests run as root; removed after."""

    def __init__(self):
        versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
        if not versions:
            pytest.fail("PostgreSQL's server (Debian's postgresql package) must be installed")
        self.bin = Path(versions[-1]).parent
        # /tmp itself, not pytest's folder: the postgres user must be able to reach it.
        self.dir = Path(tempfile.mkdtemp(prefix="carecircle-hub-"))
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            subprocess.run(["chown", "-R", "postgres:postgres", str(self.dir)], check=True)
        self.run("initdb", "-D", str(self.dir / "data"), "-U", OWNER, "--auth=trust", "-E", "UTF8", "--no-locale")
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=''"
        self.run("pg_ctl", "-D", str(self.dir / "data"), "-o", options, "-l", str(self.dir / "server.log"), "-w", "start")

    def run(self, tool, *args):
        command = [str(self.bin / tool), *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        out = subprocess.run(command, cwd=self.dir, capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, f"{tool}: {out.stdout}{out.stderr}"

    def url(self, user, password=None):
        url = f"host={self.dir} port={self.port} user={user} dbname=postgres"
        return f"{url} password={password}" if password else url

    def enrol(self, facility_id):
        """The city office enrols a PC of the facility (None: its own PC): its role, and the
        connection to hand over."""
        whose = ["--city"] if facility_id is None else ["--facility", str(facility_id)]
        out = subprocess.run([CLI, "hub", "enrol", "--url", self.url(OWNER), *whose],
                             input="pc-pass-1\n", capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        role = json.loads(out.stdout)["role"]
        return self.url(role, "pc-pass-1")

    def stop(self):
        try:
            self.run("pg_ctl", "-D", str(self.dir / "data"), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def hub():
    cluster = Hub()
    subprocess.run([CLI, "hub", "migrate", "--url", cluster.url(OWNER)], check=True, capture_output=True, timeout=60)
    yield cluster
    cluster.stop()


def checked_in(db, client_id):
    with connect(db) as c:
        return c.execute("SELECT count(*) FROM attendance WHERE person_kind = 'client' AND person_id = ? AND out_at IS NULL",
                         (client_id,)).fetchone()[0]


def keep_files(db, folder):
    """Copies the database's files (main, write-ahead log, shared memory, key file) into
    `folder`, as they are now."""
    folder.mkdir()
    for suffix in ("", "-wal", "-shm", ".keys"):
        if Path(f"{db}{suffix}").exists():
            shutil.copyfile(f"{db}{suffix}", folder / f"carecircle.db{suffix}")
    return folder


def attendance_story(db, client_id):
    """What a PC holds of the client's attendance and its sync state, for a failure's message."""
    with connect(db) as c:
        rows = c.execute("SELECT id, hex(uid), in_at, out_at, in_by FROM attendance WHERE person_kind = 'client' "
                         "AND person_id = ? ORDER BY id", (client_id,)).fetchall()
        state = c.execute("SELECT pc, acked_seq, last_pulled FROM sync_state").fetchall()
        outbox = c.execute("SELECT count(*), min(seq), max(seq) FROM sync_outbox").fetchall()
        newest = c.execute("SELECT id, hex(uid), person_kind, person_id, in_at, out_at FROM attendance "
                           "ORDER BY id DESC LIMIT 3").fetchall()
    return f"rows {rows}; sync_state {state}; outbox {outbox}; newest attendance {newest}"


def first_centre(db):
    with connect(db) as c:
        return c.execute("SELECT id FROM facilities WHERE kind = 'elder_centre' ORDER BY id LIMIT 1").fetchone()[0]


def second_pc_of(centre_id, pc_a, tmp_path):
    """The centre's manager `boss` and desk clerk `desk`, then the centre's second PC as a
    copy of the first, its records given their hub ids before the copy so that both hold
    them as the same records. Returns the second PC's database."""
    cli(pc_a, "accounts", "add", "--username", "desk", "--display-name", "前台小赵", "--role", "front_desk",
        "--facility", str(centre_id), stdin=DESK_PASSWORD + "\n")
    cli(pc_a, "accounts", "add", "--username", "boss", "--display-name", "王站长", "--role", "facility_manager",
        "--facility", str(centre_id), stdin=BOSS_PASSWORD + "\n")
    cli(pc_a, "sync", "prepare")
    pc_b = tmp_path / "pc-b" / "carecircle.db"
    pc_b.parent.mkdir()
    for suffix in ("", "-wal", ".keys"):
        if Path(f"{pc_a}{suffix}").exists():
            shutil.copyfile(f"{pc_a}{suffix}", f"{pc_b}{suffix}")
    return pc_b


def test_a_check_in_at_one_pc_shows_on_the_other_pcs_board(launch, demo_db, hub, tmp_path):
    centre_id = first_centre(demo_db)
    with connect(demo_db) as c:
        client_id, name, id_number = c.execute(
            "SELECT id, name, id_number FROM clients WHERE facility_id = ? AND status = 'active' AND id_number IS NOT NULL "
            "AND id NOT IN (SELECT person_id FROM attendance WHERE person_kind = 'client' AND out_at IS NULL) "
            "ORDER BY id LIMIT 1", (centre_id,)).fetchone()
    pc_a, pc_b = demo_db, second_pc_of(centre_id, demo_db, tmp_path)

    # PC A joins with the CLI.
    cli(pc_a, "sync", "join", "--url", hub.enrol(centre_id))
    cli(pc_a, "sync", "now")

    # PC B's manager joins on the 数据同步 page: an empty connection is refused in words first.
    # (One app at a time: WebKitWebDriver sessions on one machine reach the first app
    # running, so the two PCs take turns at the screen.)
    b = launch(pc_b)
    b.sign_in("boss", BOSS_PASSWORD)
    b.click("nav-sync")
    b.click("sync-join-submit")
    b.wait_text("sync-page-error", "连接信息")
    b.type("sync-join-hub", hub.enrol(centre_id))
    b.click("sync-join-submit")
    # Joining sends all the PC holds (some 12,000 records): give a slow machine its time.
    b.wait_text("sync-facts", f":{hub.port}/postgres", seconds=120)
    assert "pc-pass-1" not in b.inner_text("sync-facts"), "the password is shown nowhere"
    b.wait_text("sync-line-text", "已同步")
    b.screenshot("joined")
    b.quit()
    assert checked_in(pc_b, client_id) == 0

    # PC A's desk checks the client in; the app sends it on its own (every 15 s).
    a = launch(pc_a)
    a.sign_in("desk", DESK_PASSWORD)
    a.el("desk-board")
    a.type("desk-search", id_number)
    a.wait.until(lambda d: "selected" in a.el(f"desk-hit-client-{client_id}").get_attribute("class"))
    a.keys(Keys.F2)
    a.wait_text("desk-board", name)
    a.el("sync-line-pending")
    WebDriverWait(a.driver, 60).until(lambda d: not d.find_elements(By.CSS_SELECTOR, '[data-testid="sync-line-pending"]'))
    a.screenshot("sent")
    a.quit()
    # The files as the app left them, before anything else opens them: if the check-in is
    # missing below, they show whether it ever reached PC A's write-ahead log.
    left = keep_files(pc_a, tmp_path / "pc-a-as-left")
    # What the status line said is what the PC holds: synced, nothing waiting.
    status = json.loads(cli(pc_a, "sync", "status"))
    assert status["last_sync_at"] and status["pending"] == 0 and status["last_error"] is None, status
    assert checked_in(pc_a, client_id) == 1, f"{attendance_story(pc_a, client_id)}; as the app left it: {left}"

    # At PC B nobody presses anything: the desk's board shows the check-in once the app's
    # background sync has brought it.
    b = launch(pc_b)
    b.sign_in("desk", DESK_PASSWORD)
    b.el("desk-board")
    b.wait_text("desk-board", name, seconds=90)
    b.wait_text("sync-line-text", "已同步")
    b.screenshot("board")
    b.quit()
    assert checked_in(pc_b, client_id) == 1, attendance_story(pc_b, client_id)


@pytest.fixture
def sync_by_hand(monkeypatch):
    """The apps sync only when "sync now" is pressed (CARECIRCLE_SYNC_SECONDS=0), so the test
    decides which PC hears of which change when. Requested before `launch`, whose
    tauri-driver hands its environment to the app."""
    monkeypatch.setenv("CARECIRCLE_SYNC_SECONDS", "0")


def allergies(db, client_id):
    with connect(db) as c:
        return json.loads(c.execute("SELECT allergies FROM clients WHERE id = ?", (client_id,)).fetchone()[0])


def edit_allergy(app, client_id, allergy):
    # The first sign-in after launch opens the whole database: on the debug build, with the
    # other worker's app busy on the same two cores, it once took over the usual 20 s.
    app.el("current-user", seconds=90)
    app.driver.execute_script(f"location.hash = '#/people/client/{client_id}'")
    app.click("client-edit")
    app.type("client-allergies", allergy, clear=False)
    app.keys(Keys.ENTER)
    app.click("client-save")
    app.wait_text("client-allergies-view", allergy)


def sync_now(app):
    app.click("sync-line")
    app.click("sync-now")
    app.wait_text("sync-line-text", "已同步", seconds=60)


def test_an_allergy_changed_at_two_pcs_waits_for_a_manager_who_keeps_one(sync_by_hand, launch, demo_db, hub, tmp_path):
    centre_id = first_centre(demo_db)
    with connect(demo_db) as c:
        client_id, name = c.execute(
            "SELECT id, name FROM clients WHERE facility_id = ? AND status = 'active' AND allergies = '[]' ORDER BY id LIMIT 1",
            (centre_id,)).fetchone()
    pc_a, pc_b = demo_db, second_pc_of(centre_id, demo_db, tmp_path)
    for pc in (pc_a, pc_b):
        cli(pc, "sync", "join", "--url", hub.enrol(centre_id))
        cli(pc, "sync", "now")
    cli(pc_a, "sync", "now")

    # Offline from each other, the nurse station (B) records a penicillin allergy and the
    # front office (A) a sulfa one, for the same client. A sends first.
    b = launch(pc_b)
    b.sign_in("boss", BOSS_PASSWORD)
    edit_allergy(b, client_id, "青霉素")
    b.quit()
    a = launch(pc_a)
    a.sign_in("boss", BOSS_PASSWORD)
    edit_allergy(a, client_id, "磺胺")
    sync_now(a)
    a.quit()

    # B's sync brings A's change: an allergy is not overwritten by whichever came later; B
    # keeps its own value and the status line says a manager must look.
    b = launch(pc_b)
    b.sign_in("boss", BOSS_PASSWORD)
    sync_now(b)
    b.wait_text("sync-line-conflicts", "1")
    b.click("sync-open-page")
    b.wait_text("sync-conflicts", name)
    table = b.inner_text("sync-conflicts")
    assert "过敏" in table and "青霉素" in table and "磺胺" in table, table
    b.screenshot("conflict")
    conflict = b.driver.find_element(By.CSS_SELECTOR, '[data-testid^="sync-keep-remote-"]').get_attribute("data-testid")
    # The manager checks with the family: it is sulfa. Her pick goes to every PC.
    b.click(conflict)
    b.wait_text("sync-conflicts", "没有待处理的冲突")
    b.click("sync-page-now")
    WebDriverWait(b.driver, 30).until(lambda d: not d.find_elements(By.CSS_SELECTOR, '[data-testid="sync-line-conflicts"]'))
    b.screenshot("settled")
    b.quit()

    cli(pc_a, "sync", "now")
    assert allergies(pc_a, client_id) == allergies(pc_b, client_id) == ["磺胺"]
    with connect(pc_b) as c:
        kept = c.execute("SELECT kept, resolved_by FROM sync_conflicts").fetchall()
        audited = c.execute("SELECT count(*) FROM audit_log WHERE action = 'resolve_conflict'").fetchone()[0]
    assert kept == [("remote", "boss")] and audited == 1
    assert json.loads(cli(pc_a, "sync", "status"))["conflicts"] == 0, "A's own conflict closed with the pick"

    # The audit log came along: A's audit page shows who settled the conflict, and on which
    # PC (the centre's name and the start of B's id), among A's own entries.
    pc_b_id = json.loads(cli(pc_b, "sync", "status"))["pc"]
    with connect(pc_a) as c:
        centre_name = c.execute("SELECT name FROM facilities WHERE id = ?", (centre_id,)).fetchone()[0]
        entry = c.execute("SELECT entry_id FROM audit_remote WHERE pc = ? AND action = 'resolve_conflict'",
                          (pc_b_id,)).fetchone()[0]
    a = launch(pc_a)
    a.sign_in("boss", BOSS_PASSWORD)
    a.click("nav-audit")
    row = f"{pc_b_id[:8]}-{entry}"
    a.wait_text(f"audit-action-{row}", "处理同步冲突")
    assert a.inner_text(f"audit-source-{row}") == f"{centre_name} · {pc_b_id[:8]}"
    a.el("audit-synced-hint")
    a.screenshot("audit")
    a.quit()


def test_the_city_office_reads_a_facilitys_records_and_is_not_offered_to_change_them(launch, demo_db, hub):
    """Joined to the hub, the city office's PC keeps a read-only copy of the facilities'
    records (docs/sync.md, "Recording changes"): a client's page shows no edit button there,
    while the facility record and the accounts stay the city office's to change."""
    centre_id = first_centre(demo_db)
    with connect(demo_db) as c:
        client_id, name = c.execute(
            "SELECT id, name FROM clients WHERE facility_id = ? AND status = 'active' ORDER BY id LIMIT 1",
            (centre_id,)).fetchone()
    cli(demo_db, "sync", "join", "--url", hub.enrol(None))
    app = launch(demo_db)
    app.sign_in()
    app.el("nav-people")
    app.driver.execute_script("window.location.hash = arguments[0]", f"#/people/client/{client_id}")
    app.wait_text("person-title", name)
    assert not app.driver.find_elements(By.CSS_SELECTOR, '[data-testid="client-edit"]')
    app.screenshot("client-read-only")
    app.click("nav-accounts")
    app.el("account-new")
    app.quit()

