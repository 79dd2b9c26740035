"""One way to open a page in Debian's chromium for the browser tests, watching what it does."""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"]


@dataclass
class PageWatch:
    """What the page did that a test must check is empty: dialogs (an alert means injected
    script ran), script errors, and requests outside the allowed prefixes."""

    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    remote: list[str] = field(default_factory=list)


@contextmanager
def watched_page(allowed: tuple[str, ...], width: int = 1280, height: int = 900) -> Iterator[tuple[object, PageWatch]]:
    from playwright.sync_api import sync_playwright

    seen = PageWatch()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})

            def on_dialog(d) -> None:
                seen.dialogs.append(d.message)
                d.dismiss()

            page.on("dialog", on_dialog)
            page.on("pageerror", lambda exc: seen.errors.append(str(exc)))
            page.on("request", lambda req: seen.remote.append(req.url) if not req.url.startswith(allowed) else None)
            yield page, seen
        finally:
            browser.close()
