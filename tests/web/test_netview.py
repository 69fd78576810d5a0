"""The host networking view (issue 15 item 3) in a browser: for ``examples/two-independent-switches.yaml``
esx01 the SVG shows the same teaming roles (T16: after port-group overrides) and switch ports as
``vinfra show --host esx01``; a native-VLAN finding (VN101 portgroup-vlan-is-native) is drawn on the port
group it names.  No shipped example has that finding, so the test makes one the way an administrator would:
it sets acc-a Gi1/0/1's native VLAN to Management's VLAN 110 through the API."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator

import pytest
from webserve import LAUNCH, ROOT, Live, login, serve

DESIGN = ROOT / "examples" / "two-independent-switches.yaml"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    yield from serve(DESIGN, tmp_path_factory.mktemp("netview"))


def cli_view(host: str) -> tuple[dict[tuple[str, str], str], dict[str, str]]:
    """(port group, uplink) -> role and uplink -> switch port text, read from ``vinfra show --host``."""
    out = subprocess.run([sys.executable, "-c", LAUNCH, "show", str(DESIGN), "--host", host],
                         capture_output=True, text=True, check=True, env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    lines = out.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{host} · vSwitch0"))
    uplinks = lines[start + 1].split("│")[1].split()
    roles: dict[tuple[str, str], str] = {}
    ports: dict[str, str] = {}
    for line in lines[start + 2:]:
        m = re.match(r"^  (\S.*?) · .*│\s+(.*)$", line)
        if m and "─" not in line:
            for uplink, role in zip(uplinks, m.group(2).split(), strict=True):
                roles[(m.group(1), uplink)] = role
        m = re.match(r"^\s+(vmnic\d+)\s+.*── (\S+)\s+(.*)$", line)
        if m:
            ports[m.group(1)] = f"{m.group(2)} {m.group(3).strip()}"
    return roles, ports


def test_networking_svg_matches_show_host(browser, live: Live, shot) -> None:  # type: ignore[no-untyped-def]
    cli_roles, cli_ports = cli_view("esx01")
    assert len(cli_roles) == 8 and len(cli_ports) == 2  # 4 port groups x 2 uplinks; the parse found them all
    page = login(browser, live)
    page.locator('#tree button[data-section="hosts"][data-name="esx01"]').click()
    svg = page.locator('#networking svg[data-switch="vSwitch0"]')
    svg.wait_for()
    svg_roles = {(e.get_attribute("data-pg"), e.get_attribute("data-uplink")): e.get_attribute("data-role")
                 for e in svg.locator("line.role").all()}
    assert svg_roles == cli_roles
    svg_ports = {g.get_attribute("data-uplink"): g.locator("text.sp").text_content()
                 for g in svg.locator("g.uplink").all()}
    assert svg_ports == cli_ports
    # selecting a port group (keyboard) shows each uplink's role for it on the uplink
    page.locator('g.pg[data-portgroup="vMotion"]').focus()
    page.keyboard.press("Enter")
    assert page.locator('g.uplink[data-uplink="vmnic0"]').get_attribute("data-role") == cli_roles[("vMotion", "vmnic0")]
    assert page.locator('g.uplink[data-uplink="vmnic1"]').get_attribute("data-role") == cli_roles[("vMotion", "vmnic1")]
    shot(page)
    page.close()


def test_native_vlan_finding_marks_its_port_group(browser, live: Live, shot) -> None:  # type: ignore[no-untyped-def]
    r = live.admin.patch("/switches/acc-a", json={"interfaces": {"Gi1/0/1": {"native_vlan": 110}}})
    assert r.status_code == 200, r.text
    try:
        page = login(browser, live)
        page.locator('#tree button[data-section="hosts"][data-name="esx01"]').click()
        page.locator('#networking svg[data-switch="vSwitch0"]').wait_for()
        marked = page.locator("g.pg.has-finding")
        assert [g.get_attribute("data-portgroup") for g in marked.all()] == ["Management"]
        assert "VN101" in marked.first.get_attribute("data-findings")
        # the uplink whose switch port has the native VLAN is marked too, the other is not
        assert "VN101" in page.locator('g.uplink[data-uplink="vmnic0"]').get_attribute("data-findings")
        assert page.locator('g.uplink[data-uplink="vmnic1"]').get_attribute("data-findings") == ""
        assert "native 110" in page.locator('g.uplink[data-uplink="vmnic0"] text.sp').text_content()
        shot(page)
        # the findings panel names the objects as links: the switch port opens its switch
        page.get_by_role("tab", name="Findings").click()
        finding = page.locator("#findings li", has_text="VN101").first
        finding.get_by_role("button", name="acc-a:Gi1/0/1", exact=True).click()
        page.get_by_role("heading", name="Switch acc-a").wait_for()
        page.close()
    finally:
        live.admin.patch("/switches/acc-a", json={"interfaces": {"Gi1/0/1": {"native_vlan": 1}}})
