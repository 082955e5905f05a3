"""A PC whose clock is set to another time zone still counts Wuhai's days: the screens take
"today" and "this week" from the core (UTC+8), not from the webview's zone. UTC-12 is chosen
because its date differs from Wuhai's twenty hours a day."""

from datetime import datetime, timedelta, timezone

import pytest

from conftest import cli, connect

MANAGER_PASSWORD = "manager-pass-1"


@pytest.fixture
def app_zone():
    return "Etc/GMT+12"  # POSIX sign: this is UTC-12


def wuhai_today():
    return datetime.now(timezone(timedelta(hours=8))).date()


def test_the_week_and_the_kitchen_day_are_wuhai_s_on_a_pc_in_another_zone(launch, demo_db):
    with connect(demo_db) as c:
        centre = c.execute("SELECT id FROM facilities WHERE kind = 'elder_centre' ORDER BY id LIMIT 1").fetchone()[0]
    cli(demo_db, "accounts", "add", "--username", "manager", "--display-name", "站长", "--role", "facility_manager",
        "--facility", str(centre), stdin=MANAGER_PASSWORD + "\n")
    app = launch(demo_db)
    app.sign_in("manager", MANAGER_PASSWORD)
    today = wuhai_today()
    monday = today - timedelta(days=today.weekday())

    app.click("nav-visits")
    app.wait_text("week-label", monday.isoformat())
    # The meals page's kitchen sheet opens on today's meals.
    app.click("nav-meals")
    app.click("tab-kitchen")
    day = app.el("kitchen-day").get_attribute("value")
    # Near midnight the day may turn between the two readings.
    assert day in {today.isoformat(), wuhai_today().isoformat()}, day
    app.screenshot("kitchen-in-utc-minus-12")
