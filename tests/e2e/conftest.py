"""Browser fixtures: Playwright's sync API driving Debian's Chromium against ``live_server``.

DESIGN.md "Testing": these tests skip where no Chromium is found, unless ``GONGHUI_REQUIRE_E2E=1``
(CI sets it), in which case they fail. ``GONGHUI_CHROMIUM`` names another Chromium binary;
``GONGHUI_E2E_SHOTS`` names a directory to save screenshots in (none are taken otherwise).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pytest

from tests.factories import PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page, ViewportSize

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP: ViewportSize = {"width": 1366, "height": 768}
PHONE: ViewportSize = {"width": 390, "height": 844}


def _find_chromium() -> tuple[str | None, str]:
    """The Chromium binary to drive, or None and where it was looked for."""
    override = os.environ.get("GONGHUI_CHROMIUM")
    if override:
        found = override if os.access(override, os.X_OK) else None
        return found, f"GONGHUI_CHROMIUM={override} is not an executable file"
    for candidate in CHROMIUM_CANDIDATES:
        if os.access(candidate, os.X_OK):
            return candidate, ""
    where = ", ".join(CHROMIUM_CANDIDATES)
    return shutil.which("chromium"), (
        f"no Chromium found at {where} or on PATH; install it with `apt-get install chromium` "
        "or point GONGHUI_CHROMIUM at one"
    )


def _unavailable(reason: str) -> NoReturn:
    """Skip, or fail when the environment demands the browser tests run."""
    if os.environ.get("GONGHUI_REQUIRE_E2E") == "1":
        pytest.fail(
            f"GONGHUI_REQUIRE_E2E=1 but the browser tests cannot run: {reason}", pytrace=False
        )
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium per test module.

    Playwright's sync API keeps an asyncio loop running on this thread, which makes Django refuse
    ORM calls from the test (``SynchronousOnlyOperation``). The tests call Django synchronously
    and never from a coroutine, so the check is switched off while the browser lives.
    """
    executable, missing = _find_chromium()
    if executable is None:
        _unavailable(missing)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - dev extra not installed
        _unavailable(f"the playwright package is not installed ({exc})")
    saved = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as pw:
            chromium = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            try:
                yield chromium
            finally:
                chromium.close()
    finally:
        if saved is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = saved


@dataclass
class Tab:
    """A page on the live server that records console errors and uncaught exceptions."""

    page: Page
    base_url: str
    errors: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base_url + path

    def goto(self, path: str) -> Any:
        return self.page.goto(self.url(path))

    def login(self, username: str, password: str = PASSWORD) -> None:
        from playwright.sync_api import expect

        self.goto("/accounts/login/")
        self.page.locator("input[name=username]").fill(username)
        self.page.locator("input[name=password]").fill(password)
        self.page.get_by_role("button", name="登录", exact=True).click()
        expect(self.page).not_to_have_url(self.url("/accounts/login/"))
        self.page.wait_for_load_state("load")

    def assert_no_console_errors(self) -> None:
        assert self.errors == [], f"console errors on {self.page.url}: {self.errors}"

    def assert_no_horizontal_overflow(self) -> None:
        widths = self.page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth]"
        )
        assert widths[0] <= widths[1], (
            f"{self.page.url} overflows horizontally: scrollWidth {widths[0]} > "
            f"innerWidth {widths[1]}"
        )

    def shoot(self, name: str) -> None:
        directory = os.environ.get("GONGHUI_E2E_SHOTS")
        if directory:
            Path(directory).mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(Path(directory) / f"{name}.png"), full_page=True)


def _open_tab(browser: Browser, base_url: str, viewport: ViewportSize) -> Iterator[Tab]:
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    tab = Tab(page=page, base_url=base_url)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            tab.errors.append(f"{message.text} ({message.location.get('url', '')})")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: tab.errors.append(f"uncaught: {exc}"))
    try:
        yield tab
    finally:
        context.close()


@pytest.fixture
def tab(browser: Browser, live_server: Any, transactional_db: None) -> Iterator[Tab]:
    """A desktop-sized (1366x768) page."""
    yield from _open_tab(browser, live_server.url, DESKTOP)


@pytest.fixture
def phone_tab(browser: Browser, live_server: Any, transactional_db: None) -> Iterator[Tab]:
    """A phone-sized (390x844) page."""
    yield from _open_tab(browser, live_server.url, PHONE)


@dataclass
class Clock:
    """The app's clock, ahead of the real one by ``offset``."""

    offset: dt.timedelta = field(default_factory=dt.timedelta)

    def advance(self, seconds: float) -> None:
        self.offset += dt.timedelta(seconds=seconds)

    def timestamp(self) -> float:
        from django.utils import timezone

        return timezone.now().timestamp()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Move the app's time source (``django.utils.timezone.now``) forward at will. The live
    server's threads read the same module, so the pages it serves see the moved time; no sleeps."""
    from django.utils import timezone

    real = timezone.now
    moved = Clock()
    monkeypatch.setattr(timezone, "now", lambda: real() + moved.offset)
    return moved
