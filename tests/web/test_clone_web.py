"""Clone from template in the browser (issue 15 "operations: clone from template"; cluster-behaviour §4.2): the
dialog shows the provisioning model's refusals before submit, the clone runs as a task that completes live,
and the new VM appears in the tree."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from webserve import ROOT, Live, login, open_object, serious, serve

DESIGN = ROOT / "examples" / "small-cluster-templates.yaml"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    yield from serve(DESIGN, tmp_path_factory.mktemp("web-clone"))


def test_clone_from_template_dialog(browser, live: Live, shot) -> None:  # type: ignore[no-untyped-def]
    page = login(browser, live)
    open_object(page, "templates", "tpl-linux-small")
    page.get_by_role("button", name="Clone from template").click()
    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    # a refusal shows before submit, and Clone stays disabled
    page.get_by_label("New VM name").fill("web01")
    page.locator("#clone-checks .error", has_text="refused").wait_for()
    assert "DuplicateName" in page.locator("#clone-checks").inner_text()
    assert page.locator("#clone-submit").is_disabled()
    page.get_by_label("New VM name").fill("web03")
    page.get_by_label("Clone type").select_option("linked")
    page.locator("#clone-checks li", has_text="InvalidArgument").wait_for()  # linked needs a snapshot (§4.2)
    assert "snapshot" in page.locator("#clone-checks").inner_text()
    page.get_by_label("Snapshot").select_option("base")
    page.get_by_label("nic0 (Lab VMs) address").fill("10.9.9.9/24")
    page.locator("#clone-checks li", has_text="not in the subnet").wait_for()
    page.get_by_label("nic0 (Lab VMs) address").fill("192.168.101.23/24")
    page.get_by_label("nic0 gateway").fill("192.168.101.1")
    page.get_by_label("Host name").fill("web03")
    page.get_by_label("Power on after cloning").check()
    page.locator("#clone-checks .ok").wait_for()
    assert "linked clone" in page.locator("#clone-checks").inner_text()
    assert serious(page) == [], "clone dialog"  # axe-core: labelled controls, no serious violations
    shot(page, "dialog")
    page.locator("#clone-submit").click()
    assert page.get_by_role("dialog").count() == 0
    # the task completes live, and the new VM appears in the tree
    page.locator("#tasks tr[data-state=success]", has_text="clone").wait_for(timeout=30_000)
    page.locator('#tree button[data-section="vms"][data-name="web03"]').wait_for(state="attached", timeout=30_000)
    vm = live.admin.get("/vms/web03").json()
    assert vm["power"] == "on" and vm["nics"][0]["ip"] == "192.168.101.23/24"
    open_object(page, "vms", "web03")
    page.get_by_role("heading", name="NICs").wait_for()
    assert "Lab VMs" in page.locator("#panel").inner_text()
    shot(page, "done")
    page.close()


@pytest.mark.parametrize("user", ["op", "ro"])
def test_only_an_administrator_sees_clone(browser, live: Live, shot, user: str) -> None:  # type: ignore[no-untyped-def]
    page = login(browser, live, user)
    open_object(page, "templates", "tpl-linux-large")
    page.get_by_role("heading", name="NICs").wait_for()
    assert page.get_by_role("button", name="Clone from template").count() == 0
    shot(page)
    page.close()
