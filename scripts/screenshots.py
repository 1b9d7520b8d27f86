"""Full-page screenshots of each demo role's home page, and of a scoring page, at 1280 and 390 px wide.

Needs a running server with the demo data and two-factor authentication off, for example:

    TWO_FACTOR_REQUIRED=false DEBUG=true python manage.py runserver --noreload 127.0.0.1:8000
    python scripts/screenshots.py /tmp/shots [--url http://127.0.0.1:8000]

(`make demo` loads the demo set: users administrator, manager, moderator, auditor, report-officer,
partner-agency-auditor and panel-member, password demo-password.) Saves <user>-home-<width>.png for each
user and auditor-scoring-<width>.png (the first case on the auditor's home page) into the folder, and
prints each file's name. Not a test: for looking at the pages. Drives Debian's chromium through
Playwright, as the browser tests do (CHROMIUM_PATH to use another).
"""

import argparse
import os
import re
import sys
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

USERS = (
    "administrator",
    "manager",
    "moderator",
    "auditor",
    "report-officer",
    "partner-agency-auditor",
    "panel-member",
)
WIDTHS = (1280, 390)
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="where the PNG files go (made if missing)")
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="the running server")
    parser.add_argument("--password", default="demo-password")
    return parser.parse_args()


def sign_in(page: Page, url: str, username: str, password: str) -> None:
    page.goto(f"{url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    if page.url.rstrip("/").endswith("/login"):  # the sign-in page again: refused
        sys.exit(f"{username} could not sign in at {url} (demo data loaded? TWO_FACTOR_REQUIRED=false?)")


def shoot(page: Page, folder: Path, name: str, width: int) -> None:
    """The current page, full length."""
    page.wait_for_load_state("networkidle")
    path = folder / f"{name}-{width}.png"
    page.screenshot(path=str(path), full_page=True)
    wide = page.evaluate("document.documentElement.scrollWidth")
    print(f"{path}" + (f"  (scrolls sideways: {wide} px wide)" if wide > width else ""))


def user_pages(browser: Browser, args: argparse.Namespace, username: str, width: int) -> None:
    # A browser opened at the width (not resized to it), so the page is laid out as a phone shows it.
    context = browser.new_context(locale="en-GB", viewport={"width": width, "height": 900})
    page = context.new_page()
    sign_in(page, args.url, username, args.password)
    shoot(page, args.folder, f"{username}-home", width)
    if username == "auditor":
        case = page.locator(".app-home-task a[href*='/audits/case/']").first
        if case.count():
            case.click()
            page.get_by_role("heading", level=1, name=re.compile("^Case ")).wait_for()
            shoot(page, args.folder, "auditor-scoring", width)
        else:
            print("auditor has no case to score on the home page: no scoring page saved")
    context.close()


def main() -> None:
    args = _arguments()
    args.folder.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        for username in USERS:
            for width in WIDTHS:
                user_pages(browser, args, username, width)
        browser.close()


if __name__ == "__main__":
    main()
