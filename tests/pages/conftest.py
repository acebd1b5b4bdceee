"""The pages over real HTTP, and a headless Chromium to look at them with."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.live import serve

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-output" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def site_url(engine) -> Iterator[str]:
    """The gateway with its pages, without Rasa: enough for pages, headers and dashboard."""
    from api.main import create_app

    with serve(create_app(engine)) as url:
        yield url


@pytest.fixture(scope="package")
def browser():
    """Package-scoped: sync Playwright keeps an event loop running until it stops."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def pytest_terminal_summary(terminalreporter) -> None:
    """The accessibility audit's table, when test_accessibility.py ran."""
    import sys

    audit = sys.modules.get("tests.pages.test_accessibility")
    lines = audit.summary_lines() if audit else []
    if lines:
        terminalreporter.section("accessibility")
        for line in lines:
            terminalreporter.write_line(line)
