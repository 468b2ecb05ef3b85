"""What the browser tests of the signed-in app share: a fresh database seeded by `first_run` (plus
the people each test needs), `advisor serve` started on it in a subprocess on a free port, Debian's
Chromium driven by Playwright, and the measurements elderly mode is held to.

The knowledge index is built once per test session and copied into each app's fresh data dir, and
the converted language model is shared through a symlink, so each app starts in seconds.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from testdb import TEST_DATABASE_SERVER, new_database_url

from advisor.accounts.roles import Credentials
from advisor.accounts.service import AccountService
from advisor.app.services import open_store
from advisor.knowledge.service import index_knowledge
from advisor.settings import PROJECT_ROOT, Settings
from advisor.storage.models import Role
from advisor.storage.store import Store

CHROMIUM: Final = Path("/usr/bin/chromium")
CHROMIUM_ARGS: Final = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STARTUP_SECONDS: Final = 180
ARTIFACTS: Final = PROJECT_ROOT / "tests" / "artifacts"
# The converted embedded model, kept between runs (the data dir is git-ignored).
MODELS_CACHE: Final = Path(
    os.environ.get("ADVISOR_TEST_MODELS_DIR", PROJECT_ROOT / "data" / "models")
)
TURN_MS: Final = 240_000  # a chat turn: the first waits for the model to load (or convert)
STEP_MS: Final = 30_000
# The demo account's opening holdings: a balanced mix worth 100,000.
OPENING_HOLDINGS: Final = {"us_aggregate_bond": 45_000.0, "us_total_market": 55_000.0}

__all__ = [
    "ARTIFACTS",
    "STEP_MS",
    "TURN_MS",
    "ServedApp",
    "chromium_page",
    "contrast_ratio",
    "free_port",
    "serve_app",
    "sign_in",
    "sign_out",
    "wait_until_serving",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until_serving(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"`advisor serve` exited with {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.25)
    pytest.fail(f"the app did not answer at {url} within {STARTUP_SECONDS}s:\n{log.read_text()}")


_INDEX_TEMPLATE: dict[str, Path] = {}


def _knowledge_index(root: Path) -> Path:
    """A data dir holding the knowledge index, built once per test session."""
    if "dir" not in _INDEX_TEMPLATE:
        template = root / "index-template"
        settings = Settings(data_dir=template)
        index_knowledge(settings.knowledge_dir, template, None)
        _INDEX_TEMPLATE["dir"] = template
    return _INDEX_TEMPLATE["dir"]


@dataclass
class ServedApp:
    """The app on localhost, its settings and store, and the seeded users' passwords."""

    url: str
    settings: Settings
    store: Store
    passwords: dict[str, str] = field(default_factory=dict)
    investor_ids: dict[str, int] = field(default_factory=dict)
    log: Path | None = None


Seed = Callable[[ServedApp, AccountService], None]


def serve_app(
    root: Path, seed: Seed | None = None, env: dict[str, str] | None = None
) -> Iterator[ServedApp]:
    """Seed a fresh database with `first_run` (and `seed`), serve the app on it, yield it, and
    always stop it."""
    data = root / "data"
    shutil.copytree(_knowledge_index(root.parent), data)
    MODELS_CACHE.mkdir(parents=True, exist_ok=True)
    (data / "models").symlink_to(MODELS_CACHE, target_is_directory=True)
    # On the PostgreSQL run of the suite, the app's database is a fresh one on that server.
    database = new_database_url(data) if TEST_DATABASE_SERVER else None
    settings = Settings(data_dir=data, database_url=database)
    store = open_store(settings)
    accounts = AccountService(store, settings)
    cast: list[Credentials] = accounts.first_run(OPENING_HOLDINGS)
    port = free_port()
    served = ServedApp(f"http://127.0.0.1:{port}/", settings, store)
    for person in cast:
        served.passwords[person.username] = person.password
        if person.investor_id is not None and person.role == "investor":
            served.investor_ids[person.username] = person.investor_id
    if seed is not None:
        seed(served, accounts)
    log = root / "serve.log"
    served.log = log
    environment = {
        **os.environ,
        "GRADIO_ANALYTICS_ENABLED": "False",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "ADVISOR_DATA_DIR": str(data),
        **({"ADVISOR_DATABASE_URL": database} if database else {}),
        **(env or {}),
    }
    advisor_command = Path(sys.executable).with_name("advisor")
    with log.open("wb") as output:
        server = subprocess.Popen(
            [str(advisor_command), "serve", "--port", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
            env=environment,
        )
        try:
            wait_until_serving(served.url, server, log)
            yield served
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def add_investor(
    served: ServedApp,
    accounts: AccountService,
    username: str,
    name: str,
    *,
    birth_year: int | None = None,
    holdings: dict[str, float] | None = None,
    risk_level: int = 3,
    assign_to_demo_advisor: bool = True,
) -> int:
    """An investor who can sign in, with a funded account, looked after by the demo advisor."""
    store = served.store
    investor_id = store.create_investor(name, birth_year=birth_year)
    account_id = store.open_account(investor_id, "Main account", risk_level=risk_level)
    if holdings:
        store.replace_holdings(account_id, holdings, actor="test:seed")
    password = f"{username}-Pa55word-for-tests"
    accounts.create_user(username, password, Role.INVESTOR, investor_id=investor_id)
    if assign_to_demo_advisor:
        advisor_id = _user_id(store, "demo-advisor")
        accounts.assign_advisor(advisor_id, investor_id)
    served.passwords[username] = password
    served.investor_ids[username] = investor_id
    return investor_id


def _user_id(store: Store, username: str) -> int:
    from sqlalchemy import select

    from advisor.storage.models import User

    with store.transaction() as session:
        user_id = session.scalar(select(User.id).where(User.username == username))
    assert user_id is not None, username
    return user_id


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium; Playwright's own browser download would need the network."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}: run `apt-get install -y chromium` "
            "(or `make browser`)"
        )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def chromium_page(browser: Browser, served: ServedApp, width: int = 1440) -> tuple[Page, list[str]]:
    """A new page on the app, and the list of any request it makes outside the app."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    outside: list[str] = []
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith((served.url, "data:", "blob:"))
            else outside.append(request.url)
        ),
    )
    page.goto(served.url)
    # The page's load events (the remembered user, the Portfolio lab) have run once it is filled.
    expect(page.locator("#allocation-table [role=gridcell]").first).not_to_be_empty(timeout=STEP_MS)
    return page, outside


def sign_in(page: Page, served: ServedApp, username: str, *, elderly: bool | None = None) -> None:
    """Fill the sign-in form and wait for the signed-in header."""
    form = page.locator("#sign-in")
    expect(form).to_be_visible(timeout=STEP_MS)
    page.locator("#sign-in-username").get_by_role("textbox").fill(username)
    page.locator("#sign-in-password input").fill(served.passwords[username])
    if elderly is not None:
        switch = page.locator("#elderly-switch input[type=checkbox]")
        if switch.is_checked() != elderly:
            switch.click()
    page.locator("#sign-in-button").click()
    expect(page.locator("#signed-in-as")).to_contain_text(username, timeout=STEP_MS)


def sign_out(page: Page) -> None:
    page.locator("#sign-out").click()
    expect(page.locator("#sign-in")).to_be_visible(timeout=STEP_MS)


def screenshot(page: Page, name: str) -> Path:
    """Save the whole page under tests/artifacts/ (ignored by git)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path


def _channel(value: float) -> float:
    value /= 255
    return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4


def luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG relative luminance of an sRGB colour."""
    red, green, blue = (_channel(c) for c in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(
    foreground: tuple[float, float, float], background: tuple[float, float, float]
) -> float:
    """WCAG contrast ratio, from 1 (none) to 21 (black on white)."""
    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


# Reads, in the page, each visible text element's font size, its colour and the colour of the
# first ancestor with an opaque background (the one the text is seen against).
TEXT_STYLES_JS: Final = """
(root) => {
  const parse = (c) => { const m = c.match(/[\\d.]+/g).map(Number);
                         return {rgb: m.slice(0, 3), a: m.length > 3 ? m[3] : 1}; };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c.a > 0.5) return c.rgb;
    }
    return [255, 255, 255];
  };
  const out = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!n.textContent.trim() || !el || el.closest('svg')) continue;
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    if (r.width === 0 || r.height === 0 || s.visibility === 'hidden' || s.display === 'none')
      continue;
    out.push({text: n.textContent.trim().slice(0, 40), tag: el.tagName,
              size: parseFloat(s.fontSize), color: parse(s.color).rgb,
              background: background(el)});
  }
  return out;
}
"""
CONTROL_SIZES_JS: Final = """
(root) => [...root.querySelectorAll('button, input:not([type=hidden]), textarea, select')]
  .filter((el) => { const r = el.getBoundingClientRect();
                    return r.width > 0 && r.height > 0
                           && getComputedStyle(el).visibility !== 'hidden'; })
  .map((el) => { const target = el.type === 'checkbox' ? el.closest('label') : el;
                 const r = target.getBoundingClientRect();
                 return {what: el.tagName + ' ' + (el.id || el.textContent.trim().slice(0, 30)),
                         width: r.width, height: r.height}; })
"""


def text_styles(page: Page, selector: str) -> list[dict[str, Any]]:
    """Every visible text under `selector` with its computed size and colours."""
    styles: list[dict[str, Any]] = page.locator(selector).evaluate(TEXT_STYLES_JS)
    return styles


def control_sizes(page: Page, selector: str) -> list[dict[str, Any]]:
    """Every visible control under `selector` with its clickable size."""
    sizes: list[dict[str, Any]] = page.locator(selector).evaluate(CONTROL_SIZES_JS)
    return sizes
