"""An irreversible action asks first: the form's question is shown in a dialog, and
cancelling it sends nothing."""

from __future__ import annotations

from typing import Any

import pytest

from kaohe.org.demo import load_demo
from kaohe.records.models import Entry
from tests.e2e.conftest import accept
from tests.e2e.test_quarter import log_in, messages, submit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_deleting_a_record_entry_asks_first_and_cancelling_keeps_it(page: Any) -> None:
    load_demo()
    log_in(page, "fengx", then="/records/")
    page.fill("#id_day", "2025-08-15")
    page.select_option("#id_kind", "task")
    page.fill("#id_text", "整理八月台账")
    submit(page, page.get_by_role("button", name="记入"))
    entries = page.locator("[data-testid=entries]")
    assert "整理八月台账" in entries.inner_text()

    asked: list[str] = []
    page.remove_listener("dialog", accept)

    def cancel(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", cancel)
    entries.get_by_role("button", name="删除").click()
    page.wait_for_timeout(300)  # a submitted form would have navigated by now
    assert asked == ["确定删除这条记实吗？"]
    page.reload()
    assert "整理八月台账" in entries.inner_text()
    assert Entry.objects.filter(text="整理八月台账").exists()

    page.remove_listener("dialog", cancel)
    page.on("dialog", accept)
    submit(page, entries.get_by_role("button", name="删除"))
    assert "整理八月台账" not in entries.inner_text()
    assert not Entry.objects.filter(text="整理八月台账").exists()
    assert "已删除" in messages(page)
