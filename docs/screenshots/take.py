"""Retake the screenshots of docs/screenshots against a running demo (`./kaohe.sh run`).

    .venv/bin/python docs/screenshots/take.py [http://127.0.0.1:8000]

The annual page and the printable form need a year of quarters: run `kaohe demo-year` first.
The .docx renderings (form-*-docx.png) come from LibreOffice and pdftoppm instead:
    soffice --headless --convert-to pdf FORM.docx && pdftoppm -r 80 -png -singlefile FORM.pdf NAME
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).parent
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
SHOTS = [  # (file, login, path, viewport width)
    ("home-chief.png", "zhenghf", "/", 1100),
    ("organ-principal.png", "zhoujg", "/organs/qc-sthjj/", 1100),
    ("home-staff-phone.png", "fengx", "/", 390),
    ("annual-office.png", "zhaowj", "/annual/qc-sthjj/2025/", 1400),
    ("form-annual-print.png", "fengx", "/documents/annual/QC0202/2025/", 900),
]


def main(base: str) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        for name, login, path, width in SHOTS:
            page = browser.new_page(base_url=base, locale="zh-CN",
                                    viewport={"width": width, "height": 800})
            page.goto("/login/")
            page.fill("#id_username", login)
            page.fill("#id_password", "Kaohe-demo-2025")
            page.click("main button[type=submit]")
            page.goto(path)
            page.screenshot(path=str(HERE / name), full_page=True)
            page.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
