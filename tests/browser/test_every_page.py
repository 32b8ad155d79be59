"""Every kind of page, as a visitor, a member, an attendee and a host of the
demo world see it: on a 390 px phone and a 1280 px screen, in the light and
the dark scheme.

Pages are found, never listed: from the home page (its menus are on every
page) and the links in the mail the demo queued, following same-origin links
with GET only (no button is ever pressed). Every page found is fetched to find
more links; one URL per endpoint and persona is opened in Chromium and must
fit the width, break no serious or critical axe-core rule, log no console
error, and have a title and exactly one h1. Downloads (anything that is not
HTML: .ics, .csv, .vcf, JSON) are skipped by their content type, so a new
page joins by being linked.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from meetup.demo import DEMO_LOGIN_EMAIL, DEMO_PASSWORD
from meetup.extensions import db
from meetup.mail.compose import render_bodies
from meetup.models import OutboxMessage

AXE = Path(__file__).parent / "js" / "node_modules" / "axe-core" / "axe.min.js"
PHONE, DESKTOP = 390, 1280
# Who looks: nobody logged in, then demo people by what they do in the demo
# world (Emil mostly invests, Fatima goes to events, Ada hosts the most).
PERSONAS = {
    "visitor": None,
    "member": "emil@example.org",
    "attendee": "fatima@example.org",
    "host": DEMO_LOGIN_EMAIL,
}
BLOCKING = ("serious", "critical")
# The rules whose outcome can change with the width or the colour scheme (the
# document is the same, only its layout and colours differ): after a full pass
# on the phone in the light scheme, these run again on the wide screen and in
# the dark. About a third of a full pass's time.
VISUAL_RULES = [
    "color-contrast", "link-in-text-block", "scrollable-region-focusable", "target-size",
]  # fmt: skip


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _hrefs(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.hrefs


@dataclass
class Fetched:
    status: int
    content_type: str
    final_url: str
    links: list[str] = field(default_factory=list)


@dataclass
class Crawl:
    """What one persona found: per endpoint, the first URL that reached it
    (and what the server answered there), and the problems seen."""

    pages: dict[str, tuple[str, Fetched]] = field(default_factory=dict)
    fetched: int = 0
    problems: list[str] = field(default_factory=list)


def _fetch(url: str, cookie: str) -> Fetched:
    """GET `url` with the persona's cookies, following redirects."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, headers, final, body = 200, response.headers, response.geturl(), response.read()
    except urllib.error.HTTPError as error:
        status, headers, final, body = error.code, error.headers, error.geturl(), error.read()
    content_type = headers.get("Content-Type", "")
    page = Fetched(status, content_type, final)
    if content_type.startswith("text/html"):
        page.links = [urljoin(final, href) for href in _hrefs(body.decode("utf-8", "replace"))]
    return page


def _endpoint(app, url: str) -> str | None:
    """The GET endpoint `url` names on this server, or None (elsewhere, static
    files, or no such page)."""
    parts = urlsplit(url)
    try:
        endpoint, _ = app.url_map.bind(parts.netloc).match(parts.path, method="GET")
    except (HTTPException, RequestRedirect):
        return None
    return None if endpoint == "static" else endpoint


def _crawl(app, base: str, starts: list[str], cookie: str) -> Crawl:
    """Follow same-origin links breadth first from `starts`, fetching each
    path once (query strings aside), and keep the first URL per endpoint."""
    crawl = Crawl()
    queue = deque((url, "(start)") for url in starts)
    seen: set[str] = set()
    while queue:
        url, found_on = queue.popleft()
        url = urldefrag(url).url
        if not url.startswith(base + "/"):
            continue
        path = urlsplit(url).path
        endpoint = _endpoint(app, url)
        if endpoint is None or path in seen:
            continue
        seen.add(path)
        page = _fetch(url, cookie)
        crawl.fetched += 1
        if page.status >= 500:
            crawl.problems.append(f"{url} (linked from {found_on}) answers {page.status}")
            continue
        if page.status >= 400 and found_on != "(start)":
            crawl.problems.append(f"{url}, linked from {found_on}, answers {page.status}")
        if not page.content_type.startswith("text/html"):
            continue  # a download
        final_endpoint = _endpoint(app, page.final_url) or endpoint
        crawl.pages.setdefault(final_endpoint, (page.final_url, page))
        queue.extend((link, url) for link in page.links)
    return crawl


def _email_links(app, recipient: str | None) -> list[str]:
    """The links in the queued mail: the persona's own, or everyone's for a
    visitor (a link opened while logged out)."""
    with app.app_context():
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if recipient is not None:
            query = query.where(OutboxMessage.recipient == recipient)
        links = []
        for message in db.session.scalars(query):
            _, html = render_bodies(message)
            links.extend(_hrefs(html))
    return links


def _log_in(browser, base: str, email: str) -> None:
    browser.get(f"{base}/login")
    browser.find_element(By.NAME, "email").send_keys(email)
    browser.find_element(By.NAME, "password").send_keys(DEMO_PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda b: "/login" not in b.current_url)


def _axe(browser, *, scheme: str, rules: list[str] | None = None) -> list[str]:
    """The serious and critical axe-core violations of the page in `scheme`
    (of `rules` only, if given)."""
    browser.execute_cdp_cmd(
        "Emulation.setEmulatedMedia",
        {"features": [{"name": "prefers-color-scheme", "value": scheme}]},
    )
    result = browser.execute_async_script(
        "const [rules, done] = arguments;"
        "axe.run(document, {resultTypes: ['violations'], ...(rules ? {runOnly: rules} : {})})"
        "  .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        "    targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))))"
        "  .catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e),"
        "    targets: []}]));",
        rules,
    )
    return [
        f"axe {v['id']} ({v['impact']}, {scheme}): {v['help']} at {', '.join(v['targets'])}"
        for v in result
        if v["impact"] in BLOCKING
    ]


def _check_page(browser, url: str, status: int) -> list[str]:
    """Open `url` on a phone, then on a wide screen; what is wrong with it."""
    problems = []
    browser.set_window_size(PHONE, 900)
    browser.get(url)
    shape = browser.execute_script(
        "return {title: document.title.trim(), h1: document.querySelectorAll('h1').length,"
        " loose: [...document.querySelectorAll('table')].filter(t => !t.closest('.table-scroll'))"
        "  .length}"
    )
    if not shape["title"]:
        problems.append("no <title>")
    if shape["h1"] != 1:
        problems.append(f"{shape['h1']} h1 elements, not one")
    if shape["loose"]:
        problems.append(f"{shape['loose']} table(s) outside a .table-scroll box (see app.css)")
    for width in (PHONE, DESKTOP):
        browser.set_window_size(width, 900)
        sideways = browser.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if sideways > 0:
            problems.append(f"scrolls {sideways} px sideways at {width} px")
        if width == PHONE:
            problems += _axe(browser, scheme="light")
            problems += _axe(browser, scheme="dark", rules=VISUAL_RULES)
        else:
            problems += _axe(browser, scheme="light", rules=VISUAL_RULES)
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
    # A page that answers 403 or 404 on purpose logs that status; nothing else may be logged.
    expected = f"status of {status}" if status >= 400 else None
    problems += [
        f"console: {entry['message']}"
        for entry in browser.get_log("browser")
        if entry["level"] == "SEVERE" and not (expected and expected in entry["message"])
    ]
    return problems


@pytest.fixture
def axe_browser(browser) -> Iterator[object]:
    """The browser, with axe-core in every page it opens (the page's
    Content-Security-Policy does not apply to what the test injects)."""
    if not AXE.is_file():
        pytest.skip("needs axe-core: `make test` installs it (npm ci in tests/browser/js)")
    script = browser.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument", {"source": AXE.read_text()}
    )
    yield browser
    browser.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", script)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_fits_a_phone_reads_in_the_dark_and_passes_axe(
    demo_server, axe_browser, persona: str
) -> None:
    started = time.monotonic()
    base, app = demo_server.url, demo_server.app
    email = PERSONAS[persona]
    cookie = ""
    if email is not None:
        _log_in(axe_browser, base, email)
        cookie = "; ".join(f"{c['name']}={c['value']}" for c in axe_browser.get_cookies())
    crawl = _crawl(app, base, [f"{base}/", *_email_links(app, email)], cookie)
    for endpoint, (url, page) in sorted(crawl.pages.items()):
        found = _check_page(axe_browser, url, page.status)
        crawl.problems += [f"{endpoint} {url}: {problem}" for problem in found]
    print(
        f"{persona}: {crawl.fetched} URLs fetched, {len(crawl.pages)} pages checked "
        f"in {time.monotonic() - started:.1f} s"
    )
    # A crawl that found next to nothing means the links broke, not that all is well.
    assert len(crawl.pages) >= (8 if email is None else 20), sorted(crawl.pages)
    assert crawl.problems == [], "\n".join(crawl.problems)
