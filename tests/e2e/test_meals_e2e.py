"""Meals: a manager builds next week's menu from the dish library and publishes it."""

import sqlite3
from datetime import date, timedelta

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC

from conftest import cli

MANAGER_PASSWORD = "manager-pass-1"


def no_open_dropdown(driver):
    return not [e for e in driver.find_elements(By.CSS_SELECTOR, ".el-select-dropdown__item") if e.is_displayed()]


def add_dish(app, name, ingredients, sugar=False):
    app.click("dish-new")
    app.type("dish-name", name)
    app.type("dish-ingredients", ingredients)
    if sugar:
        app.click("dish-sugar")
    app.type("dish-price", "8")
    app.click("dish-save")
    app.wait_inner_text("dish-list", name)


def test_manager_builds_and_publishes_next_week_s_menu(launch, demo_db):
    with sqlite3.connect(demo_db) as c:
        centre = c.execute("SELECT id FROM facilities WHERE kind = 'elder_centre' ORDER BY id LIMIT 1").fetchone()[0]
    cli(demo_db, "accounts", "add", "--username", "manager", "--display-name", "站长老王", "--role", "facility_manager",
        "--facility", str(centre), stdin=MANAGER_PASSWORD + "\n")
    today = date.today()
    monday = today - timedelta(days=today.weekday()) + timedelta(days=7)

    app = launch(demo_db)
    app.sign_in("manager", MANAGER_PASSWORD)
    app.click("nav-meals")
    app.click("tab-dishes")
    add_dish(app, "红烧肉", "五花肉、冰糖、酱油", sugar=True)
    add_dish(app, "清炒时蔬", "油菜、蒜")
    add_dish(app, "小米粥", "小米")

    app.click("tab-menu")
    app.click("menu-next")
    app.wait_text("menu-week", monday.isoformat())
    app.click(f"menu-cell-{monday.isoformat()}-lunch")
    app.el("menu-dishes").click()
    for name in ["红烧肉", "清炒时蔬"]:
        app.wait.until(EC.element_to_be_clickable(
            (By.XPATH, f'//li[contains(@class, "el-select-dropdown__item")][normalize-space() = "{name}"]'))).click()
    app.keys(Keys.ESCAPE)
    app.click("menu-meal-save")
    app.wait_inner_text(f"menu-cell-{monday.isoformat()}-lunch", "红烧肉")
    app.click("menu-publish")
    app.wait_text("menu-status", "已发布")
    app.screenshot("week-menu")

    with sqlite3.connect(demo_db) as c:
        status, items = c.execute(
            "SELECT m.status, group_concat(d.name, '、') FROM menus m JOIN menu_items i ON i.menu_id = m.id "
            "JOIN dishes d ON d.id = i.dish_id WHERE m.facility_id = ? AND m.week_start = ? AND i.meal = 'lunch'",
            (centre, monday.isoformat())).fetchone()
    assert status == "published"
    assert set(items.split("、")) == {"红烧肉", "清炒时蔬"}
