"""Retake the README's screenshots: `make screenshots`.

Serves the app with the demo data on a throwaway SQLite file, logs in as the
demo user in headless Chromium (Debian's chromium and chromium-driver) and
saves each page below as docs/screenshots/<name>.png: most on a 1280 px
screen, one on a 390 px phone and one in the dark colour scheme.
"""

from __future__ import annotations

import socket
import tempfile
import threading
from pathlib import Path

import flask_migrate
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select
from werkzeug.serving import make_server

from meetup import create_app
from meetup.demo import DEMO_LOGIN_EMAIL, DEMO_PASSWORD, seed_demo
from meetup.extensions import db
from meetup.models import Event, Series

OUT = Path(__file__).resolve().parent / "screenshots"


def main() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    workdir = Path(tempfile.mkdtemp(prefix="meetup-screens-"))
    app = create_app(
        {
            "SECRET_KEY": "screenshots",
            "DATABASE_URL": f"sqlite:///{workdir / 'demo.sqlite3'}",
            "BASE_URL": f"http://127.0.0.1:{port}",
            "RATELIMIT_STORAGE_URL": "memory://",
        }
    )
    with app.app_context():
        flask_migrate.upgrade()
        seed_demo()
        db.session.commit()
        full = db.session.scalar(select(Event.slug).where(Event.capacity == 2))
        careers = db.session.scalar(
            select(Event.slug).where(Event.title == "Climate tech careers night")
        )
        series = db.session.scalar(select(Series.slug).order_by(Series.id))
        breakfast = db.session.scalar(
            select(Event.slug).where(Event.title == "Engineering leadership breakfast")
        )
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                 "--window-size=1280,900"):  # fmt: skip
        options.add_argument(flag)
    browser = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
    base = f"http://127.0.0.1:{port}"

    def shoot(path: str, name: str, height: int = 900, width: int = 1280) -> None:
        browser.set_window_size(width, height)
        browser.get(base + path)
        browser.save_screenshot(str(OUT / f"{name}.png"))

    def scheme(name: str) -> None:
        browser.execute_cdp_cmd(
            "Emulation.setEmulatedMedia",
            {"features": [{"name": "prefers-color-scheme", "value": name}]},
        )

    try:
        shoot("/events", "events")
        browser.get(f"{base}/login")
        browser.find_element(By.NAME, "email").send_keys(DEMO_LOGIN_EMAIL)
        browser.find_element(By.NAME, "password").send_keys(DEMO_PASSWORD)
        browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
        WebDriverWait(browser, 10).until(lambda b: "/login" not in b.current_url)
        shoot(f"/events/{full}", "event", height=1250)
        shoot("/my/events", "my-events")
        shoot(f"/events/{careers}/people", "people")
        shoot("/connections", "network")
        shoot("/communities/paris-ux-nights", "community", height=1200)
        shoot(f"/series/{series}", "series", height=1350)
        # The series form's schedule, its preview filled as the host types the first date.
        browser.set_window_size(1280, 1100)
        browser.get(f"{base}/series/new")
        browser.execute_script(
            """const form = document.getElementById("series-form");
            form.title.value = "Product breakfast";
            form.starts_at.value = "2027-03-04T08:30";
            form.ends_at.value = "2027-03-04T10:00";
            form.starts_at.dispatchEvent(new Event("input", {bubbles: true}));"""
        )
        WebDriverWait(browser, 10).until(
            lambda b: "2027" in b.find_element(By.ID, "series-preview").text
        )
        browser.execute_script(
            'document.querySelector(".series-preview").scrollIntoView({block: "end"})'
        )
        browser.save_screenshot(str(OUT / "series-form.png"))
        requests = "/communities/climate-tech-stockholm/manage/members?tab=requests"
        shoot(requests, "community-requests")
        # The hosts' list at the door: the table scrolls in its box, names kept in view.
        shoot(f"/events/{breakfast}/replies", "replies-phone", height=1300, width=390)
        scheme("dark")
        shoot(f"/events/{breakfast}/dashboard", "dashboard-dark", height=1000)
        scheme("light")
    finally:
        browser.quit()
        server.shutdown()
    print(f"saved to {OUT}")


if __name__ == "__main__":
    main()
