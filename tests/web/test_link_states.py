"""Link states on the topology map (issue 15): an edge is ``up``, ``partly`` (spanning tree blocks some of the
VLANs it carries, or a channel lost members), ``blocked`` (no VLAN crosses) or ``failed``, with a legend and
a tooltip naming the VLANs blocked.  Two seed designs: ``two-independent-switches`` (rapid-PVST blocks each
access switch's uplink to core-2 in every VLAN) and ``tests/data/web-pvst-partly-blocked.yaml`` (per-VLAN
roots split the VLANs between the uplinks; one member of the cores' channel failed)."""

from __future__ import annotations

from pathlib import Path

from webserve import ROOT, login, serious, serve

TWO = ROOT / "examples" / "two-independent-switches.yaml"
PARTLY = ROOT / "tests" / "data" / "web-pvst-partly-blocked.yaml"


def edge_classes(page) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    page.get_by_role("tab", name="Topology").click()
    page.wait_for_function("window.vinfraCy && window.vinfraCy.edges().length > 0")
    return page.evaluate("Object.fromEntries(window.vinfraCy.edges().map(e => [e.id(), "
                         "{classes: e.classes(), blocked: e.data('blocked'), colour: e.style('line-color'), "
                         "dash: e.style('line-style')}]))")


def edge_point(page, edge: str) -> list[float]:  # type: ignore[no-untyped-def]
    """A point a third of the way along an edge (midpoints of crossing edges coincide)."""
    page.wait_for_timeout(300)  # the layout settles
    return page.evaluate(f"(() => {{ const e = window.vinfraCy.getElementById({edge!r}); "
                         "const a = e.renderedSourceEndpoint(), b = e.renderedTargetEndpoint(); "
                         "const r = document.querySelector('#cy').getBoundingClientRect(); "
                         "return [r.left + a.x + (b.x - a.x) / 3, r.top + a.y + (b.y - a.y) / 3]; })()")


def hover(page, edge: str) -> str:  # type: ignore[no-untyped-def]
    page.mouse.move(*edge_point(page, edge))
    tip = page.locator("#edge-tip")
    tip.wait_for(state="visible")
    return tip.text_content()


def test_blocked_links(browser, tmp_path: Path, shot) -> None:  # type: ignore[no-untyped-def]
    for live in serve(TWO, tmp_path):
        page = login(browser, live)
        edges = edge_classes(page)
        blocked = {e for e, d in edges.items() if "link-blocked" in d["classes"]}
        assert blocked == {"acc-a:Te1/1/2--core-2:Te1/0/1", "acc-b:Te1/1/2--core-2:Te1/0/2"}
        assert edges["acc-a:Te1/1/1--core-1:Te1/0/1"]["classes"] == ["link-up"]
        assert edges["core-1:Te1/0/24--core-2:Te1/0/24"]["classes"] == ["link-up"]
        assert not any("link-partly" in d["classes"] for d in edges.values())
        assert edges["acc-a:Te1/1/2--core-2:Te1/0/1"]["dash"] == "dashed"
        assert "blocks acc-a:Te1/1/2 for VLAN 110,120,130,140" in hover(page, "acc-a:Te1/1/2--core-2:Te1/0/1")
        assert page.locator('.legend li[data-state="blocked"]').count() == 1
        shot(page)
        page.close()


def test_partly_blocked_links(browser, tmp_path: Path, shot) -> None:  # type: ignore[no-untyped-def]
    for live in serve(PARTLY, tmp_path):
        page = login(browser, live)
        edges = edge_classes(page)
        partly = {e: d for e, d in edges.items() if "link-partly" in d["classes"]}
        # each access uplink forwards the VLAN whose root it leads to and is blocked in the other
        assert partly["acc-a:Te1/1/1--core-1:Te1/0/1"]["blocked"] == [20]
        assert partly["acc-a:Te1/1/2--core-2:Te1/0/1"]["blocked"] == [10]
        # the cores' channel forwards on its one live member
        assert partly["core-1:Po1--core-2:Po1"]["blocked"] == []
        assert set(partly) == {"acc-a:Te1/1/1--core-1:Te1/0/1", "acc-a:Te1/1/2--core-2:Te1/0/1", "core-1:Po1--core-2:Po1"}
        assert not any("link-blocked" in d["classes"] or "link-failed" in d["classes"] for d in edges.values())
        styles = {(d["colour"], d["dash"]) for d in partly.values()}
        assert len(styles) == 1 and styles != {(edges["acc-a:Gi1/0/1--esx01:vmnic0"]["colour"], "solid")}
        text = hover(page, "acc-a:Te1/1/1--core-1:Te1/0/1")
        assert "blocked in VLAN 20" in text and "forwarding VLAN 10" in text
        assert "1 of 2 members down" in hover(page, "core-1:Po1--core-2:Po1")
        assert page.locator('.legend li[data-state="partly"]').count() == 1
        # the VLAN filter: VLAN 20 forwards over the uplink to core-2 and is blocked on the one to core-1
        page.get_by_label("Highlight VLAN").select_option("20")
        assert page.evaluate("window.vinfraCy.getElementById('acc-a:Te1/1/2--core-2:Te1/0/1').hasClass('vlan')")
        assert page.evaluate("window.vinfraCy.getElementById('acc-a:Te1/1/1--core-1:Te1/0/1').hasClass('vlan-blocked')")
        # the same states as a table under the map
        assert page.locator("#links-odd tbody tr").count() == 3
        # the table's what-if reaches what a click on the map does, by keyboard
        page.get_by_role("button", name="What if it fails? (core-1:Po1)").focus()
        page.keyboard.press("Enter")
        page.locator("#pairs-lost").wait_for()
        assert serious(page) == [], "topology with partly blocked links"
        shot(page)
        page.close()


def test_clicking_a_link_fails_its_cables_in_the_whatif(browser, tmp_path: Path, shot) -> None:  # type: ignore[no-untyped-def]
    for live in serve(PARTLY, tmp_path):
        page = login(browser, live)
        edge_classes(page)
        page.mouse.click(*edge_point(page, "acc-a:Gi1/0/1--esx01:vmnic0"))
        page.locator("#pairs-lost").wait_for()
        assert page.get_by_role("heading", name="What if acc-a:Gi1/0/1--esx01:vmnic0 fails?").count() == 1
        assert live.admin.get("/failures").json()["count"] == 1  # only the design's own failure: nothing changed
        shot(page)
        page.close()
