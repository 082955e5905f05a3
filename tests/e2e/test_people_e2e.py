"""People: a nurse registers an elderly client. A mistyped ID number is refused at the field
with nothing written; the corrected one is saved and shows masked, revealed on request;
then a capability assessment gives the level, adjusted for a diagnosed dementia."""

import time

from selenium.common.exceptions import ElementClickInterceptedException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC

from conftest import cli, connect

NURSE_PASSWORD = "nurse-pass-1"
NAME = "乌云其木格"
ASSESSMENT_ITEMS = [
    "eating", "grooming", "bathing", "dressing_upper", "dressing_lower", "urinary_continence", "bowel_continence",
    "toileting", "bed_positioning", "bed_chair_transfer", "walking", "stairs", "time_orientation", "place_orientation",
    "person_orientation", "memory", "comprehension", "expression", "aggression", "depression", "consciousness",
    "vision", "hearing", "daily_affairs", "transport", "social_interaction",
]


def resident_id(first17):
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights)) % 11]


def clients_named(db, name):
    with connect(db) as c:
        return c.execute("SELECT id, id_number, ethnicity, allergies FROM clients WHERE name = ?", (name,)).fetchall()


def test_register_a_client_refuse_a_wrong_id_then_assess(launch, demo_db):
    with connect(demo_db) as c:
        centre_id = c.execute("SELECT id FROM facilities WHERE kind = 'elder_centre' ORDER BY id LIMIT 1").fetchone()[0]
    cli(demo_db, "accounts", "add", "--username", "nurse", "--display-name", "护士小高", "--role", "nurse",
        "--facility", str(centre_id), stdin=NURSE_PASSWORD + "\n")
    good = resident_id("15030219480612246")  # born 1948-06-12, 17th digit even: a woman
    bad = good[:17] + ("0" if good[17] != "0" else "1")

    app = launch(demo_db)
    app.sign_in("nurse", NURSE_PASSWORD)
    app.click("nav-people")
    app.el("people-tab-client")
    assert "共" in app.wait_text("people-total", "人")
    app.screenshot("list")

    app.click("client-new")
    app.type("client-name", NAME)
    app.type("client-id-number", bad)
    # The check character is caught as it is typed...
    assert "校验位不对" in app.text_of("client-id-hint")
    app.click("client-ethnicity")
    app.keys("蒙古")
    app.wait.until(EC.visibility_of_element_located(
        (By.XPATH, '//li[contains(@class, "el-select-dropdown__item")][normalize-space() = "蒙古族"]')))
    app.keys(Keys.ENTER)
    app.type("client-allergies", "青霉素")
    app.keys(Keys.ENTER)
    # She consents to the processing of her health data: without it, no assessment.
    app.click("client-consent")
    app.click("client-save")
    # ...and refused by Rust on save, at the field, with nothing written.
    assert "校验位不对" in app.field_error("client-id-number")
    assert "校验位不对" in app.text_of("client-error")
    assert clients_named(demo_db, NAME) == []
    app.screenshot("refused")

    app.type("client-id-number", good)
    assert "1948-06-12" in app.wait_text("client-id-hint", "女")
    app.click("client-save")
    assert app.wait_text("person-title", NAME)
    masked = good[:6] + "*" * 12
    assert app.wait_text("id-number", masked) == masked
    [(client_id, stored_id, ethnicity, allergies)] = clients_named(demo_db, NAME)
    assert stored_id == good and ethnicity == "蒙古族" and "青霉素" in allergies
    assert "青霉素" in app.text_of("client-allergies-view")
    app.screenshot("record")

    # A nurse may see the full number for a moment; the look is audited.
    app.click("id-reveal")
    assert app.wait_text("id-number", good) == good
    with connect(demo_db) as c:
        assert c.execute("SELECT count(*) FROM audit_log WHERE action = 'reveal_id' AND entity = 'client' AND entity_id = ?",
                         (str(client_id),)).fetchone()[0] == 1

    # Capability assessment: every item at its best, but a diagnosed dementia → one level worse.
    app.click("assessment-new")
    for key in ASSESSMENT_ITEMS:
        app.el(f"assessment-{key}-0")
        options = app.driver.find_elements(By.CSS_SELECTOR, f'[data-testid^="assessment-{key}-"]')
        app.click(options[-1].get_attribute("data-testid"))
    assert app.wait_text("assessment-total", "90")
    app.click("assessment-dementia")
    app.screenshot("assessment")
    app.click("assessment-save")
    result = app.wait_text("assessment-result", "轻度失能")
    assert "提高一级" in result and "能力完好" in result
    app.screenshot("assessment-result")
    app.click("assessment-done")
    assert "轻度失能" in app.wait_text("client-care-level", "轻度失能")
    with connect(demo_db) as c:
        assert c.execute("SELECT total, level FROM assessments WHERE client_id = ?", (client_id,)).fetchone() == (90, 1)


def error_under(app, testid):
    """The message under the form item holding `testid`, or '' when there is none."""
    xpath = (f'//*[@data-testid="{testid}"]/ancestor::div[contains(concat(" ", @class, " "), " el-form-item ")][1]'
             '//div[contains(@class, "el-form-item__error")]')
    return " ".join(e.text for e in app.driver.find_elements(By.XPATH, xpath) if e.is_displayed())


def test_a_save_shows_every_missing_field_and_a_typed_id_clears_sex_and_birth(launch, demo_db):
    with connect(demo_db) as c:
        centre_id = c.execute("SELECT id FROM facilities WHERE kind = 'elder_centre' ORDER BY id LIMIT 1").fetchone()[0]
    cli(demo_db, "accounts", "add", "--username", "nurse", "--display-name", "护士小高", "--role", "nurse",
        "--facility", str(centre_id), stdin=NURSE_PASSWORD + "\n")
    app = launch(demo_db)
    app.sign_in("nurse", NURSE_PASSWORD)
    app.click("nav-people")
    app.click("client-new")

    # Nothing typed: name, sex and birth date are all pointed at in one go.
    app.click("client-save")
    assert "请填写姓名" in app.field_error("client-name")
    assert "请选择性别" in app.field_error("client-sex")
    assert "请填写出生日期" in app.field_error("client-birth-date")
    alert = app.text_of("client-error")
    assert "请填写姓名" in alert and "请选择性别" in alert and "请填写出生日期" in alert
    app.screenshot("all-missing")

    # A valid ID number gives sex and birth date: their errors go, the name's stays.
    app.type("client-id-number", resident_id("15030219480612246"))
    app.wait_text("client-id-hint", "女")
    app.wait.until(lambda d: error_under(app, "client-sex") == "" and error_under(app, "client-birth-date") == "")
    assert "请填写姓名" in error_under(app, "client-name")
    app.screenshot("id-typed")

    app.type("client-name", NAME)
    assert error_under(app, "client-name") == ""
    app.click("client-save")
    assert app.wait_text("person-title", NAME)
    assert len(clients_named(demo_db, NAME)) == 1


def listed_clients(app):
    """The client ids the table shows, top to bottom."""
    return app.driver.execute_script(
        "return [...document.querySelectorAll('[data-testid^=\"people-open-client-\"]')]"
        ".map(a => Number(a.dataset.testid.split('-').pop()))")


def click_header(app, label):
    """Clicks a column's header as soon as the list's loading mask no longer covers it."""
    def clicked(driver):
        try:
            driver.find_element(By.XPATH, f'//th[.//div[normalize-space()="{label}"]]').click()
            return True
        except (ElementClickInterceptedException, StaleElementReferenceException):
            return False

    app.wait.until(clicked)


def total_shown(app):
    return int("".join(ch for ch in app.text_of("people-total") if ch.isdigit()))


def test_search_narrows_the_list_and_a_header_sorts_it(launch, demo_db):
    with connect(demo_db) as c:
        current = "status IN ('active', 'suspended')"
        everyone = c.execute(f"SELECT count(*) FROM clients WHERE {current}").fetchone()[0]
        named_li_xiu = c.execute(f"SELECT count(*) FROM clients WHERE {current} AND name LIKE '%李秀%'").fetchone()[0]
        oldest = [r[0] for r in c.execute(
            f"SELECT id FROM clients WHERE {current} ORDER BY birth_date, name_key, id LIMIT 3")]
        youngest = [r[0] for r in c.execute(
            f"SELECT id FROM clients WHERE {current} ORDER BY birth_date DESC, name_key, id LIMIT 3")]
        li_xiu_feng = {r[0] for r in c.execute(f"SELECT id FROM clients WHERE {current} AND name = '李秀峰'")}
    assert 0 < named_li_xiu < 50 and li_xiu_feng

    app = launch(demo_db)
    app.sign_in()
    app.click("nav-people")
    app.el("people-tab-client")
    app.wait.until(lambda d: total_shown(app) == everyone)

    # Part of a name: the list narrows to the people whose name holds it, across every facility.
    app.type("people-search", "李秀")
    app.wait.until(lambda d: total_shown(app) == named_li_xiu)
    app.wait.until(lambda d: len(listed_clients(app)) == named_li_xiu)
    time.sleep(0.5)
    app.screenshot("search-name")
    # Pinyin initials find 李秀峰 too, as at the front desk.
    app.type("people-search", "lxf")
    app.wait.until(lambda d: li_xiu_feng <= set(listed_clients(app)) and total_shown(app) < everyone)

    # Cleared: everyone again. Then the 性别/年龄 header sorts the whole list by age, not just the page.
    app.type("people-search", "")
    app.wait.until(lambda d: total_shown(app) == everyone)
    click_header(app, "性别/年龄")
    app.wait.until(lambda d: listed_clients(app)[:3] == youngest)
    click_header(app, "性别/年龄")
    app.wait.until(lambda d: listed_clients(app)[:3] == oldest)
    time.sleep(0.5)
    app.screenshot("sorted-oldest-first")

    # A state: only the suspended.
    app.click("people-status")
    app.choose("暂停", exact=False)
    with connect(demo_db) as c:
        suspended = c.execute("SELECT count(*) FROM clients WHERE status = 'suspended'").fetchone()[0]
    assert 0 < suspended < everyone
    app.wait.until(lambda d: total_shown(app) == suspended)
    app.wait.until(lambda d: len(listed_clients(app)) == min(suspended, 50))
