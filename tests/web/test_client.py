"""The web client in a browser (issue 15): login and tree, the host networking view with a native-VLAN
finding drawn on its port group, what-if by clicking a switch, vMotions (one that succeeds, one the network
refuses) with tasks completing live, role-aware operations, and an axe-core accessibility check."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from webserve import PASSWORDS, ROOT, Live, login, open_object, serious, serve

DESIGN = ROOT / "examples" / "two-independent-switches.yaml"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    yield from serve(DESIGN, tmp_path_factory.mktemp("web"))


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
    # a network's page: the port group on each host with its VLAN, and the VMs on it
    open_object(page, "networks", "Web")
    page.get_by_role("heading", name="Network Web").wait_for()
    assert page.locator("#panel table").first.locator("tbody tr").count() == 3  # vSwitch0 on esx01..03
    assert "VLAN 130" in page.locator("#panel").inner_text()
    assert page.locator("#panel table").nth(1).locator("tbody tr td:first-child").all_text_contents() == \
        ["intranet01", "intranet02"]
    shot(page, "network")
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


def click_node(page, node: str) -> None:  # type: ignore[no-untyped-def]
    """Click a node of the cytoscape map where it is drawn."""
    page.wait_for_function("window.vinfraCy && window.vinfraCy.nodes().length > 0")
    page.wait_for_timeout(300)  # the layout settles
    pos = page.evaluate(f"(() => {{ const p = window.vinfraCy.getElementById({node!r}).renderedPosition(); "
                        "const r = document.querySelector('#cy').getBoundingClientRect(); "
                        "return [r.left + p.x, r.top + p.y]; })()")
    page.mouse.click(*pos)


def test_topology_fail_switch_by_click(browser, live: Live, shot) -> None:  # type: ignore[no-untyped-def]
    page = login(browser, live)
    page.get_by_role("tab", name="Topology").click()
    page.locator("#cy canvas").first.wait_for()
    states = page.evaluate("window.vinfraCy.edges().map(e => e.data('state'))")
    assert "blocked" in states and "up" in states  # spanning tree blocks the redundant access uplinks
    click_node(page, "core-1")
    lost = page.locator("#pairs-lost")
    lost.wait_for()
    expected = live.admin.post("/whatif", json={"fail": ["core-1"]}).json()
    n_lost = sum(1 for p in expected["pairs"] if p["before"] and not p["after"])
    assert n_lost > 0
    assert lost.text_content().startswith(f"{n_lost} pairs lost")
    assert live.admin.get("/failures").json()["count"] == 0  # what-if changes nothing
    # the VLAN filter highlights the edges that carry a VLAN
    page.get_by_label("Highlight VLAN").select_option("110")
    assert page.evaluate("window.vinfraCy.edges('.vlan').length") > 0
    shot(page)
    page.close()


def test_vmotion_succeeds_and_network_refuses_with_live_tasks(browser, live: Live, shot) -> None:  # type: ignore[no-untyped-def]
    # esx03 loses the Web port group: moving intranet02 (on Web) there is refused by the network check
    r = live.admin.delete("/hosts/esx03/portgroups/Web")
    assert r.status_code == 202, r.text
    live.wait_tasks()
    page = login(browser, live, "op")
    open_object(page, "vms", "intranet01")
    page.get_by_role("button", name="Migrate…").click()  # the vMotion dialog
    dialog = page.get_by_role("dialog", name="Migrate intranet01")
    page.get_by_label("Migrate to host").select_option("esx02")
    dialog.get_by_role("button", name="Check vMotion").click()
    page.locator("#vmotion-checks .ok").wait_for()
    assert serious(page) == [], "vMotion dialog"
    dialog.get_by_role("button", name="Migrate", exact=True).click()
    dialog.wait_for(state="hidden")
    # the task completes live in the recent tasks
    page.locator("#tasks tr[data-state=success]", has_text="migrate").wait_for(timeout=30_000)
    assert live.admin.get("/vms/intranet01").json()["host"] == "esx02"
    shot(page, "ok")

    open_object(page, "vms", "intranet02")
    page.get_by_role("button", name="Migrate…").click()
    page.get_by_label("Migrate to host").select_option("esx03")
    refused = page.locator("#vmotion-checks .error").first
    refused.wait_for()
    assert "refused" in refused.text_content()
    assert "NetworkNotAccessible" in page.locator("#vmotion-checks").inner_text()
    dialog = page.get_by_role("dialog", name="Migrate intranet02")
    dialog.get_by_role("button", name="Migrate", exact=True).click()
    page.locator("#migrate-result.error").wait_for()
    assert "refused" in page.locator("#migrate-result").text_content()  # the server refuses too, shown in the dialog
    assert live.admin.get("/vms/intranet02").json()["host"] == "esx02"
    shot(page, "refused")
    dialog.get_by_role("button", name="Cancel").click()
    dialog.wait_for(state="hidden")

    # a task another client submits appears and completes here through the event stream
    r = live.admin.post("/vms/erp-db01/power", json={"action": "off"})
    assert r.status_code == 202
    page.locator(f"#tasks tr[data-task=\"{r.json()['id']}\"][data-state=success]").wait_for(timeout=30_000)
    shot(page, "live")
    page.close()


def test_read_only_sees_no_operations(browser, live: Live, shot) -> None:  # type: ignore[no-untyped-def]
    page = login(browser, live, "ro")
    open_object(page, "vms", "intranet01")
    page.get_by_role("heading", name="NICs").wait_for()
    assert page.get_by_role("button", name="Migrate").count() == 0
    assert page.get_by_role("button", name="Power").count() == 0
    open_object(page, "hosts", "esx01")
    page.locator("#networking svg").first.wait_for()
    assert page.get_by_role("button", name="Enter maintenance mode").count() == 0
    assert page.get_by_role("button", name="What if esx01 fails?").count() == 1  # what-if is a read
    shot(page)
    page.close()
    # the server refuses regardless of the client
    ro = live.admin.post("/tokens", json={"username": "ro", "password": PASSWORDS["ro"]}).json()["token"]
    r = live.admin.post("/vms/intranet01/power", json={"action": "off"}, headers={"Authorization": f"Bearer {ro}"})
    assert r.status_code == 403


def test_axe_no_serious_violations_and_keyboard(browser, live: Live, shot) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(live.base + "/")
    assert serious(page) == []
    # keyboard only: type the credentials and submit with Enter
    page.get_by_label("User name").focus()
    page.keyboard.type("root")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORDS["root"])
    page.keyboard.press("Enter")
    page.locator("#tree button").first.wait_for()
    assert page.evaluate("document.activeElement.closest('#tree') !== null")  # focus lands in the tree
    page.locator('#tree button[data-name="esx01"]').focus()
    page.keyboard.press("Enter")
    page.locator("#networking svg").first.wait_for()
    assert serious(page) == [], "host page"
    page.get_by_role("tab", name="Summary").focus()
    page.keyboard.press("ArrowRight")  # tabs move with the arrow keys
    page.locator("#cy canvas").first.wait_for()
    assert serious(page) == [], "topology"
    page.keyboard.press("ArrowRight")
    page.locator("#findings-count").wait_for()
    assert serious(page) == [], "findings"
    shot(page)
    page.close()


def test_path_view_draws_trace(browser, live: Live, shot) -> None:  # type: ignore[no-untyped-def]
    page = login(browser, live)
    page.get_by_role("tab", name="Topology").click()
    page.locator("#cy canvas").first.wait_for()
    page.get_by_label("Path from").fill("intranet01")
    page.get_by_label("to", exact=True).fill("erp-db01")
    page.get_by_role("button", name="Trace").click()
    page.locator("#path-result table").wait_for()
    want = live.admin.get("/web/trace", params={"src": "intranet01", "dst": "erp-db01"}).json()
    assert page.locator("#path-result tbody tr").count() == len(want["rows"])
    assert page.locator("#path-result p").first.text_content().startswith(want["verdict"])
    faded = set(page.evaluate("window.vinfraCy.nodes('.faded').map(n => n.id())"))
    assert faded and not faded & {r["device"] for r in want["rows"]}  # the path's devices stay drawn
    shot(page)
    page.close()


def test_whatif_host_shows_ha_plan(browser, live: Live, shot) -> None:  # type: ignore[no-untyped-def]
    page = login(browser, live, "ro")
    open_object(page, "hosts", "esx02")
    page.get_by_role("button", name="What if esx02 fails?").click()
    page.locator("#ha-plan table").wait_for()
    want = live.admin.get("/web/hosts/esx02/ha-plan").json()
    rows = [[c.text_content() for c in r.locator("td").all()] for r in page.locator("#ha-plan tbody tr").all()]
    assert rows == [[x["vm"], x["host"], x["priority"]] for x in want["restarted"]] and rows
    shot(page)
    page.close()


def test_maintenance_mode_is_a_live_task(browser, live: Live, shot) -> None:  # type: ignore[no-untyped-def]
    page = login(browser, live)
    open_object(page, "hosts", "esx03")
    page.get_by_role("button", name="Enter maintenance mode").click()
    page.wait_for_function("['submitted', 'refused'].some(w => document.querySelector('#op-result').textContent.includes(w))")
    text = page.locator("#op-result").text_content()
    assert "submitted" in text, text  # DRS evacuates its VMs first (vinfra.cluster.drs), in a task
    task = int(text.split()[1])
    row = page.locator(f'#tasks tr[data-task="{task}"]:not([data-state=queued]):not([data-state=running])')
    row.wait_for(timeout=60_000)  # it ends, live
    assert row.get_attribute("data-state") == live.admin.get(f"/tasks/{task}").json()["state"] == "success"
    # the host page follows: it is in maintenance mode and offers the way out
    page.get_by_role("button", name="Exit maintenance mode").wait_for(timeout=30_000)
    assert live.admin.get("/hosts/esx03").json()["state"] == "maintenance"
    shot(page)
    page.get_by_role("button", name="Exit maintenance mode").click()
    page.get_by_role("button", name="Enter maintenance mode").wait_for(timeout=30_000)
    page.close()
