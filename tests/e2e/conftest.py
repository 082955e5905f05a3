"""End-to-end fixtures: the real CareCircle binary, driven through tauri-driver and
WebKitWebDriver under Xvfb (scripts/test.sh starts Xvfb). Each test gets its own database
and its own data folders, so runs never touch the user's files or each other."""

import contextlib
import datetime
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import sqlcipher3
from argon2.low_level import Type, hash_secret_raw
from nacl.bindings import crypto_aead_xchacha20poly1305_ietf_decrypt
from urllib3.exceptions import MaxRetryError, ProtocolError
from selenium import webdriver
from selenium.common.exceptions import (ElementClickInterceptedException, ElementNotInteractableException,
                                        NoSuchElementException, StaleElementReferenceException, TimeoutException)
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.common.options import ArgOptions
from selenium.webdriver.remote.client_config import ClientConfig
from selenium.webdriver.remote.file_detector import UselessFileDetector
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

# Wuhai keeps China Standard Time, and so do its facility PCs. The app counts days in UTC+8
# by the core's clock whatever the machine's zone (test_clock_e2e.py runs it in another);
# these tests compute their expected days with Python's local date, so they run in the
# city's zone, as on a facility PC.
os.environ["TZ"] = "Asia/Shanghai"
time.tzset()

APP = os.environ.get("CARECIRCLE_APP", "target/debug/carecircle")
CLI = os.environ.get("CARECIRCLE_CLI", "target/debug/carecircle-cli")
OUT = Path(__file__).parent / "out"
ADMIN_PASSWORD = "admin-pass-1"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"tauri-driver did not open port {port}")


@pytest.fixture(scope="session", autouse=True)
def own_display():
    """Under pytest-xdist (scripts/test.sh runs two workers), each worker starts an X display
    of its own, so the windows a test finds by title (xdotool) and the focus it relies on
    are its own worker's."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        yield
        return
    read_end, write_end = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                              pass_fds=(write_end,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_end)
    with os.fdopen(read_end) as told:
        number = told.readline().strip()
    if not number:
        raise RuntimeError("Xvfb did not start")
    os.environ["DISPLAY"] = f":{number}"
    try:
        yield
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


@pytest.fixture
def export_dir(tmp_path):
    """Where the app saves exports and templates during the test (CARECIRCLE_EXPORT_DIR)."""
    return tmp_path / "exports"


@pytest.fixture
def app_zone():
    """The time zone the app (and its webview) runs in; a test module may override it."""
    return "Asia/Shanghai"


@pytest.fixture
def driver_url(export_dir, app_zone):
    """A tauri-driver per test, with its own HOME: WebKit's caches and local storage (where the
    language choice is remembered) stay in a temp folder and never leak from one test to the next."""
    home = tempfile.mkdtemp(prefix="carecircle-e2e-home-")
    port, native = free_port(), free_port()
    env = dict(os.environ, HOME=home, XDG_DATA_HOME=f"{home}/data", XDG_CACHE_HOME=f"{home}/cache",
               XDG_CONFIG_HOME=f"{home}/config", CARECIRCLE_EXPORT_DIR=str(export_dir), TZ=app_zone)
    proc = subprocess.Popen(["tauri-driver", "--port", str(port), "--native-port", str(native)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port)
        # tauri-driver listens before the WebKitWebDriver it starts does; a session asked
        # for in between is dropped. Wait for both.
        wait_for_port(native)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(home, ignore_errors=True)


def cli(db, *args, stdin=None, user="admin", password=ADMIN_PASSWORD):
    """Runs carecircle-cli on `db`, signed in as `user` (the demo city's administrator)."""
    env = {**os.environ, "CARECIRCLE_PASSWORD": password}
    out = subprocess.run([CLI, "--db", str(db), "--user", user, *args], input=stdin, capture_output=True, text=True,
                         timeout=300, env=env)
    assert out.returncode == 0, out.stderr
    return out.stdout


_KEYS = {}


def db_key(db, user="admin", password=ADMIN_PASSWORD):
    """The raw key of the encrypted database `db`, unsealed from its key file as the app does
    (docs/security.md): argon2id of the password, then XChaCha20-Poly1305 with the seal's
    holder as associated data. Cached by the key file's text (copies of a database share it)."""
    text = Path(f"{db}.keys").read_text()
    if (text, user) not in _KEYS:
        holder = f"account:{user}"
        seal = next(s for s in json.loads(text)["seals"] if s["holder"] == holder)
        kek = hash_secret_raw(password.encode(), bytes.fromhex(seal["salt"]), time_cost=2, memory_cost=19456,
                              parallelism=1, hash_len=32, type=Type.ID)
        _KEYS[(text, user)] = crypto_aead_xchacha20poly1305_ietf_decrypt(
            bytes.fromhex(seal["sealed"]), holder.encode(), bytes.fromhex(seal["nonce"]), kek).hex()
    return _KEYS[(text, user)]


@contextlib.contextmanager
def connect(db):
    """Opens a test's database to check what the app wrote, as Python's sqlite3 would: with
    its key when it is encrypted (SQLCipher, through sqlcipher3), as it is when it is not.
    `with connect(db) as c:` commits what it wrote and closes the connection: the test
    process holds no database open while the apps and the CLI use it."""
    conn = sqlcipher3.connect(str(db))
    try:
        if Path(f"{db}.keys").exists():
            conn.execute(f"PRAGMA key = \"x'{db_key(db)}'\"")
        with conn:
            yield conn
    finally:
        conn.close()


@pytest.fixture
def empty_db(tmp_path):
    return tmp_path / "carecircle.db"


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory):
    """The demo city with a city administrator `admin`, seeded once per run (seeding takes
    seconds, and most tests start from it) and again if Wuhai's day turns meanwhile, since
    the demo's history ends on the day it is seeded.

    It is encrypted, as every new installation's is (`seed-demo` on a new file): the tests
    check what the app wrote by reading it with its key (`connect`). test_encryption_e2e.py
    covers a database from before encryption."""
    made = {}

    def template():
        today = datetime.date.today().isoformat()
        if today not in made:
            db = tmp_path_factory.mktemp(f"demo-{today}") / "carecircle.db"
            cli(db, "seed-demo", "--display-name", "市管理员")
            made[today] = db
        return made[today]

    return template


@pytest.fixture
def demo_db(tmp_path, demo_template):
    """A copy of the demo city of its own for the test (see `demo_template`)."""
    template = demo_template()
    db = tmp_path / "carecircle.db"
    for suffix in ("", "-wal", ".keys"):
        if Path(f"{template}{suffix}").exists():
            shutil.copyfile(f"{template}{suffix}", f"{db}{suffix}")
    return db


class App:
    """One running CareCircle window and helpers that act as a user would."""

    def __init__(self, url, db, name):
        options = ArgOptions()
        options.set_capability("browserName", "wry")
        options.set_capability("tauri:options", {"application": str(Path(APP).resolve()), "args": ["--db", str(db)]})
        self.name = name
        self.db = str(db)
        # Any single WebDriver call that takes longer than this has hung: fail the test, not CI.
        config = ClientConfig(remote_server_addr=url, timeout=120)
        self.driver = self._session(url, options, config)
        if not self._on_own_database():
            # A session asked for while another app still ran reached that app (see
            # `wait_until_gone`): end it, let that app end, and ask again.
            wrong = self._database()
            self.driver.quit()
            self._wait_for_others()
            self.driver = self._session(url, options, config)
            assert self._on_own_database(), f"the session reached the app on {wrong}, then on {self._database()}"
        # The app runs on this machine: a file input takes a local path as typed, with no
        # upload through the Selenium Grid endpoint (which WebKitWebDriver does not have).
        self.driver.file_detector = UselessFileDetector()
        # The page re-renders while a condition is polled: an element gone stale is polled again.
        self.wait = self.waiting(20)

    def waiting(self, seconds, poll=0.5):
        """A wait of `seconds` on this window (None: the usual one), polling every `poll`
        seconds, that polls again an element gone stale."""
        if seconds is None:
            return self.wait
        return WebDriverWait(self.driver, seconds, poll_frequency=poll,
                             ignored_exceptions=[StaleElementReferenceException])

    @staticmethod
    def _session(url, options, config, attempts=3):
        """A new session; a connection dropped while the drivers start up is retried."""
        for attempt in range(attempts):
            try:
                return webdriver.Remote(command_executor=url, options=options, client_config=config)
            except (ProtocolError, ConnectionError, MaxRetryError):
                if attempt == attempts - 1:
                    raise
                time.sleep(2)

    def _database(self):
        """The database the app this session drives has open, by the app's own word."""
        return self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "window.__TAURI_INTERNALS__.invoke('app_info').then(i => done(i.db_path), e => done(String(e)))")

    def _on_own_database(self):
        return Path(self._database()).resolve() == Path(self.db).resolve()

    def _wait_for_others(self, seconds=100):
        """Waits until no app runs on another database than this one."""
        deadline = time.time() + seconds
        while time.time() < deadline and any(db != self.db.encode() for db in running_apps()):
            time.sleep(0.2)

    def el(self, testid, seconds=None):
        """The element once visible; `seconds` for a step known to take longer than the usual
        wait."""
        wait = self.waiting(seconds)
        return wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, f'[data-testid="{testid}"]')))

    def click(self, testid):
        """Clicks as soon as the element stands still and nothing covers it (a loading mask
        may for a moment). A dialog grows into place: a click aimed at a button while it
        moves lands beside it, on nothing, as a person's would not."""
        locator = (By.CSS_SELECTOR, f'[data-testid="{testid}"]')

        def clicked(driver):
            try:
                element = driver.find_element(*locator)
                if not self._still(element):
                    return False
                element.click()
                return True
            except (ElementClickInterceptedException, ElementNotInteractableException, NoSuchElementException,
                    StaleElementReferenceException):
                return False

        self.wait.until(clicked)

    def _still(self, element):
        """Whether the element is where it was a frame ago (no transition moves it)."""
        return self.driver.execute_async_script(
            "const [el, done] = [arguments[0], arguments[arguments.length - 1]];"
            "const box = () => JSON.stringify(el.getBoundingClientRect());"
            "const before = box();"
            "requestAnimationFrame(() => requestAnimationFrame(() => done(el.isConnected && box() === before)))",
            element)

    def type(self, testid, text, clear=True):
        field = self.el(testid)
        if clear:
            # Select-all and delete, as a person would: clear() does not fire Vue's input event.
            field.click()
            field.send_keys(Keys.CONTROL + "a")
            field.send_keys(Keys.DELETE)
        if text:
            field.send_keys(text)

    def text_of(self, testid):
        return self.el(testid).text

    def wait_text(self, testid, fragment, seconds=None):
        """Waits for `fragment` in the element's text; `seconds` for a step known to take
        longer than the usual wait (encrypting a whole database)."""
        wait = self.waiting(seconds)
        try:
            wait.until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, f'[data-testid="{testid}"]'), fragment))
        except TimeoutException:
            # Say what the window showed instead: a bare timeout tells the next reader nothing.
            shown = self.driver.execute_script("return document.body.innerText")[:600]
            self.screenshot(f"timeout-{testid}")
            raise TimeoutException(f"{fragment!r} never appeared in {testid!r}; the window showed: {shown!r}")
        return self.text_of(testid)

    def sign_in(self, username="admin", password=ADMIN_PASSWORD):
        # A new sign-in form puts the cursor in the user name on its next frame; type after
        # that frame, as a person looking at the screen would.
        self.el("signin-username")
        self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "requestAnimationFrame(() => requestAnimationFrame(() => done(true)))")
        self.type("signin-username", username)
        self.type("signin-password", password)
        self.click("signin-submit")

    def inner_text(self, testid):
        """The rendered text of an element, by the page's own reckoning. WebKitWebDriver's
        element text leaves out some table cells that are plainly on screen."""
        self.el(testid)
        return self.driver.execute_script(
            "return document.querySelector(arguments[0]).innerText", f'[data-testid="{testid}"]')

    def wait_inner_text(self, testid, fragment, seconds=None):
        """Waits for `fragment` in the element's rendered text; `seconds` as for `el`."""
        wait = self.waiting(seconds)
        wait.until(lambda d: fragment in self.inner_text(testid))
        return self.inner_text(testid)

    def choose(self, text, exact=False):
        """Clicks the visible option of the open select that reads `text` (or, unless `exact`,
        contains it), then waits for the list to fold away: while it fades it covers what
        lies under it."""
        match = f'normalize-space() = "{text}"' if exact else f'contains(normalize-space(), "{text}")'
        xpath = f'//li[contains(@class, "el-select-dropdown__item")][{match}]'

        def pick(driver):
            for option in driver.find_elements(By.XPATH, xpath):
                # A long list scrolls: an option below its fold counts as hidden until a
                # person would have scrolled to it.
                driver.execute_script("arguments[0].scrollIntoView({block: 'nearest'})", option)
                if option.is_displayed():
                    option.click()
                    return True
            return False

        self.wait.until(pick)
        self.wait.until(
            lambda d: not [e for e in d.find_elements(By.CSS_SELECTOR, ".el-select-dropdown__item") if e.is_displayed()])

    def field_error(self, testid):
        """The message Element Plus shows under the form item that holds `testid`."""
        xpath = (f'//*[@data-testid="{testid}"]/ancestor::div[contains(concat(" ", @class, " "), " el-form-item ")][1]'
                 '//div[contains(@class, "el-form-item__error")]')
        return self.wait.until(EC.visibility_of_element_located((By.XPATH, xpath))).text

    def focused_testid(self):
        return self.driver.switch_to.active_element.get_attribute("data-testid")

    def keys(self, *keys):
        """Keys pressed wherever the focus is, as a person at the keyboard would."""
        self.driver.switch_to.active_element.send_keys(*keys)

    def screenshot(self, label):
        OUT.mkdir(exist_ok=True)
        self.driver.save_screenshot(str(OUT / f"{self.name}-{label}.png"))

    def quit(self):
        try:
            self.screenshot("last")
        finally:
            self.driver.quit()
            self.wait_until_gone()

    def wait_until_gone(self, seconds=100):
        """Waits for this app's process to end: at exit the app waits up to 30 s for a sync
        under way and 60 s for the day's backup (at the lowest priority, slow on a busy
        machine). The session ends before the app does, and a WebDriver session asked for
        while an app still runs reaches that app (it opens a window of its own, on the old
        app's database): the next app launched on another database would not be the one
        driven."""
        deadline = time.time() + seconds
        while time.time() < deadline:
            if self.db.encode() not in running_apps():
                return
            time.sleep(0.2)
        raise RuntimeError(f"the app on {self.db} did not end within {seconds} s")


def running_apps():
    """The databases of the CareCircle apps running on this machine (the argument after
    `--db` of each process of the app's binary)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if any(a.endswith(b"carecircle") for a in args) and b"--db" in args[:-1]:
            found.append(args[args.index(b"--db") + 1])
    return found


@pytest.fixture
def launch(driver_url, request):
    """launch(db) starts the app on db; every app started is closed after the test."""
    apps = []

    def start(db):
        app = App(driver_url, db, f"{request.node.name}-{len(apps)}")
        apps.append(app)
        return app

    yield start
    for app in apps:
        try:
            app.quit()
        except Exception:
            pass
