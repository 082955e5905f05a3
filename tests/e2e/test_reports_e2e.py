"""Monthly reports: the city office makes last month's city PDF, which opens with its subset
font and every facility; a facility manager makes her own facility's Excel workbook; a nurse
has no reports screen."""

import subprocess
import zipfile
from datetime import date

from selenium.webdriver.common.by import By

from conftest import cli, connect

MANAGER_PASSWORD = "manager-pass-1"
NURSE_PASSWORD = "nurse-pass-1"


def last_month():
    first = date.today().replace(day=1)
    year, month = (first.year, first.month - 1) if first.month > 1 else (first.year - 1, 12)
    return f"{year:04d}-{month:02d}"


def test_city_pdf_facility_workbook_and_no_screen_for_nurses(launch, demo_db, export_dir):
    with connect(demo_db) as c:
        centre, centre_name = c.execute(
            "SELECT id, name FROM facilities WHERE kind = 'elder_centre' ORDER BY id LIMIT 1").fetchone()
        names = [r[0] for r in c.execute("SELECT name FROM facilities")]
    cli(demo_db, "accounts", "add", "--username", "manager", "--display-name", "站长老王", "--role", "facility_manager",
        "--facility", str(centre), stdin=MANAGER_PASSWORD + "\n")
    cli(demo_db, "accounts", "add", "--username", "nurse", "--display-name", "护士小张", "--role", "nurse",
        "--facility", str(centre), stdin=NURSE_PASSWORD + "\n")
    month = last_month()

    app = launch(demo_db)
    app.sign_in()
    app.click("nav-reports")
    month_input = app.el("report-month").find_element(By.TAG_NAME, "input")
    assert month_input.get_attribute("value") == month, "last month is the default"
    city = app.driver.find_element(By.CSS_SELECTOR, '[data-testid="report-city"]')
    assert "is-checked" in city.get_attribute("class"), "the city office starts at the whole city"
    app.screenshot("reports-page")
    app.click("report-pdf")
    app.wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, '[data-testid="report-saved"]'))
    app.screenshot("city-made")
    pdfs = list(export_dir.glob(f"乌海市_{month}_月报_*.pdf"))
    assert len(pdfs) == 1, list(export_dir.iterdir())
    saved_text = app.inner_text("report-saved")
    assert str(pdfs[0]) in saved_text, "the screen says where the file is"
    assert app.el("report-open").is_displayed() and app.el("report-reveal").is_displayed(), "one click to open it"
    fonts = subprocess.run(["pdffonts", str(pdfs[0])], capture_output=True, text=True, check=True).stdout
    assert "+" in fonts.splitlines()[2] and " yes yes " in fonts.splitlines()[2], fonts
    text = subprocess.run(["pdftotext", "-layout", str(pdfs[0]), "-"], capture_output=True, text=True, check=True).stdout
    missing = [n for n in names if n not in text]
    assert not missing, missing
    # Away and back: the list of files made still says where they are.
    app.click("nav-home")
    app.click("nav-reports")
    app.wait_inner_text("report-saved", str(pdfs[0]))
    app.click("sign-out")

    app.sign_in("manager", MANAGER_PASSWORD)
    app.click("nav-reports")
    app.wait_inner_text("report-facility", centre_name)
    assert not app.driver.find_elements(By.CSS_SELECTOR, '[data-testid="report-saved"]'), "another person's files are not listed"
    assert not app.driver.find_elements(By.CSS_SELECTOR, '[data-testid="report-city"]'), "the city is the office's"
    app.click("report-xlsx")
    app.wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, '[data-testid="report-saved"]'))
    books = list(export_dir.glob(f"{centre_name}_{month}_月报_*.xlsx"))
    assert len(books) == 1, list(export_dir.iterdir())
    with zipfile.ZipFile(books[0]) as z:
        workbook = z.read("xl/workbook.xml").decode()
    for sheet in ["概要", "助餐", "补贴", "能力等级"]:
        assert f'name="{sheet}"' in workbook, workbook
    app.screenshot("facility-made")
    app.click("sign-out")

    app.sign_in("nurse", NURSE_PASSWORD)
    app.wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, '[data-testid="nav-people"]'))
    assert not app.driver.find_elements(By.CSS_SELECTOR, '[data-testid="nav-reports"]')
