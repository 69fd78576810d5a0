"""The web client in a browser (issue 15): login and tree, the host networking view with a native-VLAN
finding drawn on its port group, what-if by clicking a switch, vMotions (one that succeeds, one the network
refuses) with tasks completing live, role-aware operations, and an axe-core accessibility check."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from webserve import ROOT, Live, login, serve

DESIGN = ROOT / "examples" / "two-independent-switches.yaml"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    yield from serve(DESIGN, tmp_path_factory.mktemp("web"))


def open_object(page, section: str, name: str) -> None:  # type: ignore[no-untyped-def]
    button = page.locator(f'#tree button[data-section="{section}"][data-name="{name}"]')
    # open the folders that hold it, outermost first, as a user clicks down the tree
    for summary in button.evaluate_handle(
            "b => { const out = []; for (let d = b.closest('details'); d; d = d.parentElement.closest('details')) "
            "if (!d.open) out.unshift(d.querySelector(':scope > summary')); return out; }").get_properties().values():
        summary.as_element().click()
    button.click()


def test_login_and_tree(browser, live: Live, shot) -> None:  # type: ignore[no-untyped-def]
    page = login(browser, live)
    tree = page.locator("#tree")
    for name in ("esx01", "esx02", "esx03", "branch"):
        assert tree.locator(f'button[data-name="{name}"]').count() == 1
    for folder in ("Hosts and Clusters", "VMs and Templates", "Networks", "Storage", "Switches"):
        assert tree.get_by_text(folder).count() >= 1
    open_object(page, "switches", "acc-a")
    page.get_by_text("interfaces").first.wait_for()
    open_object(page, "hosts", "esx01")
    page.locator("#networking svg").first.wait_for()
    assert "intranet01" in page.locator("#panel").inner_text()
    shot(page)
    page.close()


def test_wrong_password_is_refused(browser, live: Live, shot) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto(live.base + "/")
    page.get_by_label("User name").fill("root")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_function("document.querySelector('#login-error').textContent.length > 0")
    assert page.locator("#app").is_hidden()
    shot(page)
    page.close()
