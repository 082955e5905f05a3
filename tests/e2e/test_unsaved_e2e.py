"""Unsaved forms: a nurse half-way through a registration who clicks another menu entry,
signs out or closes the window is asked first; staying keeps what she typed, leaving
discards it. A form with nothing changed (or just saved) lets her go without a word."""

import ctypes
import subprocess

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from conftest import cli, connect

NURSE_PASSWORD = "nurse-pass-1"
CONFIRM = '//div[contains(@class, "cc-unsaved-confirm")]'


def nurse_of_the_first_centre(db):
    with connect(db) as c:
        centre, client = c.execute(
            "SELECT f.id, c.id FROM facilities f JOIN clients c ON c.facility_id = f.id "
            "WHERE f.kind = 'elder_centre' AND c.status = 'active' ORDER BY f.id, c.id LIMIT 1").fetchone()
    cli(db, "accounts", "add", "--username", "nurse", "--display-name", "护士小高", "--role", "nurse",
        "--facility", str(centre), stdin=NURSE_PASSWORD + "\n")
    return client


def confirm_box(app):
    return app.wait.until(EC.visibility_of_element_located((By.XPATH, CONFIRM)))


def no_confirm_box(app):
    return not [e for e in app.driver.find_elements(By.XPATH, CONFIRM) if e.is_displayed()]


def answer(app, label):
    """Clicks the confirm box's button that reads `label`, then waits for the box to go."""
    confirm_box(app)
    app.wait.until(EC.element_to_be_clickable(
        (By.XPATH, f'{CONFIRM}//button[normalize-space() = "{label}"]'))).click()
    app.wait.until(lambda d: no_confirm_box(app))


def route(app):
    return app.driver.execute_script("return location.hash")


def value_of(app, testid):
    return app.el(testid).get_attribute("value")


def ask_window_to_close():
    """What the window manager sends when the window's close button is pressed:
    WM_DELETE_WINDOW to the app's top-level window."""
    ids = subprocess.run(["xdotool", "search", "--name", "CareCircle"], capture_output=True, text=True).stdout.split()
    assert ids, "the app's window is on the display"
    x11 = ctypes.cdll.LoadLibrary("libX11.so.6")
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XInternAtom.restype = ctypes.c_ulong
    x11.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    x11.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long, ctypes.c_void_p]
    x11.XFlush.argtypes = x11.XCloseDisplay.argtypes = [ctypes.c_void_p]

    class ClientMessage(ctypes.Structure):
        _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong), ("send_event", ctypes.c_int),
                    ("display", ctypes.c_void_p), ("window", ctypes.c_ulong), ("message_type", ctypes.c_ulong),
                    ("format", ctypes.c_int), ("data", ctypes.c_long * 5), ("pad", ctypes.c_long * 12)]

    display = x11.XOpenDisplay(None)
    try:
        for window in ids:
            event = ClientMessage(type=33, send_event=1, display=display, window=int(window), format=32,
                                  message_type=x11.XInternAtom(display, b"WM_PROTOCOLS", 0))
            event.data[0] = x11.XInternAtom(display, b"WM_DELETE_WINDOW", 0)
            x11.XSendEvent(display, int(window), 0, 0, ctypes.byref(event))
        x11.XFlush(display)
    finally:
        x11.XCloseDisplay(display)


def window_gone(app):
    try:
        app.driver.execute_script("return 1")
        return False
    except WebDriverException:
        return True


def window_open():
    return bool(subprocess.run(["xdotool", "search", "--name", "CareCircle"], capture_output=True, text=True).stdout.split())


def test_a_half_filled_registration_asks_before_the_menu_or_sign_out_takes_it_away(launch, demo_db):
    nurse_of_the_first_centre(demo_db)
    app = launch(demo_db)
    app.sign_in("nurse", NURSE_PASSWORD)
    app.click("nav-people")
    app.click("client-new")
    app.type("client-name", "敖登格日乐")
    app.type("client-phone", "13904731234")

    # Another menu entry: asked; staying keeps every character typed.
    app.click("nav-meals")
    assert "离开此页将丢失未保存的更改" in confirm_box(app).text
    app.screenshot("asked")
    answer(app, "继续编辑")
    assert route(app) == "#/people/client/new"
    assert value_of(app, "client-name") == "敖登格日乐"
    assert value_of(app, "client-phone") == "13904731234"

    # Signing out asks too; staying keeps her signed in with the form.
    app.click("sign-out")
    confirm_box(app)
    answer(app, "继续编辑")
    assert app.text_of("current-user") == "护士小高"
    assert value_of(app, "client-name") == "敖登格日乐"

    # Leaving discards: the meals page, and a fresh registration is empty.
    app.click("nav-meals")
    answer(app, "放弃更改并离开")
    app.wait.until(lambda d: route(app) == "#/meals")
    app.click("nav-people")
    app.click("client-new")
    assert value_of(app, "client-name") == ""

    # Typed and taken back is no change: the menu leaves at once.
    app.type("client-name", "敖")
    app.type("client-name", "")
    app.click("nav-home")
    app.wait.until(lambda d: route(app) == "#/")
    assert no_confirm_box(app)

    # Signing out from a dirty form, this time leaving: asked once, then the sign-in page.
    app.click("nav-people")
    app.click("client-new")
    app.type("client-name", "敖登")
    app.click("sign-out")
    answer(app, "放弃更改并离开")
    app.el("signin-username")
    assert no_confirm_box(app)


def test_an_edit_asks_before_cancel_and_is_clean_once_saved(launch, demo_db):
    client = nurse_of_the_first_centre(demo_db)
    app = launch(demo_db)
    app.sign_in("nurse", NURSE_PASSWORD)
    app.el("current-user")  # signed in and landed: the record's address is not redirected away
    app.driver.execute_script(f"location.hash = '#/people/client/{client}'")
    app.click("client-edit")
    app.type("client-notes", "周三上午复诊")

    # Cancel throws the edit away: asked first.
    app.click("client-cancel")
    answer(app, "继续编辑")
    assert value_of(app, "client-notes") == "周三上午复诊"

    # Saved, the record is clean: the menu leaves without a word.
    app.click("client-save")
    app.el("client-edit")  # back to the record: the save went through
    app.click("nav-home")
    app.wait.until(lambda d: route(app) == "#/")
    assert no_confirm_box(app)
    with connect(demo_db) as c:
        assert c.execute("SELECT notes FROM clients WHERE id = ?", (client,)).fetchone()[0] == "周三上午复诊"


def test_closing_the_window_with_a_dirty_form_asks_and_a_clean_one_closes(launch, demo_db):
    nurse_of_the_first_centre(demo_db)
    app = launch(demo_db)
    app.sign_in("nurse", NURSE_PASSWORD)
    app.click("nav-people")
    app.click("client-new")
    app.type("client-name", "敖登格日乐")

    ask_window_to_close()
    confirm_box(app)
    app.screenshot("close-asked")
    answer(app, "继续编辑")
    assert window_open()
    assert value_of(app, "client-name") == "敖登格日乐"

    # Nothing unsaved: the window closes when asked. (Asked of this app's own window through
    # WebDriver's eyes: another app's window named CareCircle on the display, say one a slow
    # machine has not finished closing, must not count.)
    app.type("client-name", "")
    app.wait.until(lambda d: value_of(app, "client-name") == "")
    ask_window_to_close()
    app.wait.until(lambda d: window_gone(app))
