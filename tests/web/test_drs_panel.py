"""The DRS panel of a cluster in the browser (issue 15, "DRS recommendations with apply"): the recommendations
the server's DRS pass makes (``GET /web/clusters/{name}/drs``) are listed before anything is applied (VM,
from, to, priority, reason, the imbalance before/after/target); applying one runs its vMotion as a task that
completes live, and the list refreshes from the server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from webserve import ROOT, Live, login, open_object, serious, serve

DESIGN = ROOT / "tests" / "data" / "web-drs-unbalanced.yaml"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    yield from serve(DESIGN, tmp_path_factory.mktemp("drs"))


def rows(page) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return [[c.text_content() for c in r.locator("td").all()[:5]] for r in page.locator("#drs-recs tbody tr").all()]


def test_recommendations_listed_then_apply_one(browser, live: Live, shot) -> None:  # type: ignore[no-untyped-def]
    want = live.admin.get("/web/clusters/lab/drs").json()
    assert len(want["recommendations"]) >= 2  # esx01 runs every busy VM
    page = login(browser, live)
    open_object(page, "clusters", "lab")
    page.locator("#drs-recs").wait_for()
    assert rows(page) == [[str(r["priority"]), r["vm"], r["from"], r["to"], r["reason"]]
                          for r in want["recommendations"]]
    imbalance = page.locator("#drs-imbalance").text_content()
    for key in ("before", "after", "target"):
        assert f"{want['imbalance'][key]:.3f}" in imbalance, (key, imbalance)
    assert live.admin.get("/tasks").json()["count"] == 0  # listing applies nothing
    assert serious(page) == [], "DRS panel"
    shot(page, "listed")

    first = want["recommendations"][0]
    page.get_by_role("button", name=f"Apply: migrate {first['vm']} from {first['from']} to {first['to']}").click()
    page.locator("#tasks tr[data-state=success]", has_text="migrate").wait_for(timeout=30_000)  # live, from the stream
    assert live.admin.get(f"/vms/{first['vm']}").json()["host"] == first["to"]
    after = live.admin.get("/web/clusters/lab/drs").json()
    assert after["imbalance"]["before"] < want["imbalance"]["before"]
    # the list refreshes by itself: it now shows the server's new recommendations
    page.wait_for_function(
        "want => document.querySelector('#drs-imbalance') && document.querySelector('#drs-imbalance').textContent.includes(want)",
        arg=f"{after['imbalance']['before']:.3f}", timeout=30_000)
    assert rows(page) == [[str(r["priority"]), r["vm"], r["from"], r["to"], r["reason"]]
                          for r in after["recommendations"]]
    shot(page, "applied-one")

    page.get_by_role("button", name="Apply all recommendations").click()
    page.locator("#tasks tr[data-state=success]", has_text="apply drs").wait_for(timeout=30_000)
    page.locator("#drs-none").wait_for(timeout=30_000)
    assert live.admin.get("/web/clusters/lab/drs").json()["recommendations"] == []
    shot(page, "applied-all")
    page.close()


def test_read_only_sees_the_list_without_apply(browser, live: Live, shot) -> None:  # type: ignore[no-untyped-def]
    page = login(browser, live, "ro")
    open_object(page, "clusters", "lab")
    page.locator("#drs-imbalance").wait_for()
    assert page.get_by_role("button", name="Apply all recommendations").count() == 0
    assert page.locator("#drs button", has_text="Apply").count() == 0
    shot(page)
    page.close()
