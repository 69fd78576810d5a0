"""Names and forms met in vendor configs (topology-v1): interface names in the vendors' long or short
forms, any case; ``mlag.domain`` as a number or a word.  A switch interface keeps its declared spelling
in every output, and every reference to it may use any spelling."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import vinfra
from vinfra.analysis.reach import reach
from vinfra.analysis.trace import trace
from vinfra.checks.engine import run_checks
from vinfra.cli.main import app
from vinfra.io.export import to_json, to_yaml
from vinfra.model import FailureRef, InterfaceRef
from vinfra.network import FailureError, Snapshot
from vinfra.network.lag import BUNDLED

runner = CliRunner()

# Declarations in assorted long, short and lower-case forms; every reference in another one.
DESIGN = """\
name: vendor-names
switches:
  sw-a:
    vlans: [10]
    interfaces:
      GigabitEthernet1/0/1: {mode: trunk, allowed_vlans: "10", channel_group: 5}
      gi1/0/2: {mode: trunk, allowed_vlans: "10", channel_group: 5}
      Port-Channel5: {mode: trunk, allowed_vlans: "10"}
      TenGigabitEthernet1/1/1: {mode: trunk, allowed_vlans: "10"}
      vlan10: {ip: 10.0.10.2/24}
    link_state_tracking:
      - {group: 1, upstream: [Te1/1/1], downstream: [po5]}
    routing: {protocol: ospf, passive_interfaces: [VLAN10]}
  core:
    platform: nxos
    vlans: [10]
    interfaces:
      Ethernet1/1: {mode: trunk, allowed_vlans: "10"}
      Ethernet1/2: {mode: trunk, allowed_vlans: "10"}
      Vlan10: {ip: 10.0.10.3/24}
hosts:
  esx01:
    nics: {vmnic0: {}, vmnic1: {}}
    vswitches:
      vSwitch0:
        uplinks: [vmnic0, vmnic1]
        teaming: {policy: ip_hash}
        portgroups: {VM-10: {vlan: 10}}
vms:
  web01: {host: esx01, nics: [{network: VM-10, ip: 10.0.10.21/24, gateway: 10.0.10.2}]}
links:
  - [esx01:vmnic0, sw-a:Gi1/0/1]
  - [esx01:vmnic1, sw-a:GIGABITETHERNET1/0/2]
  - {a: sw-a:te1/1/1, b: core:Eth1/1}
failures: [core:et1/1/2--x:y]
"""


def _design(failures: str = "[core:ETHERNET1/2]") -> str:
    return DESIGN.replace("failures: [core:et1/1/2--x:y]", f"failures: {failures}")


@pytest.fixture(scope="module")
def inv() -> vinfra.Inventory:
    return vinfra.load_text(_design(), "vendor-names.yaml")


def ref(text: str) -> InterfaceRef:
    return InterfaceRef.parse(text)


def test_every_reference_is_resolved_to_the_declared_spelling(inv: vinfra.Inventory) -> None:
    assert [(str(link.a), str(link.b)) for link in inv.links] == [
        ("esx01:vmnic0", "sw-a:GigabitEthernet1/0/1"),
        ("esx01:vmnic1", "sw-a:gi1/0/2"),
        ("sw-a:TenGigabitEthernet1/1/1", "core:Ethernet1/1"),
    ]
    sw = inv.switches["sw-a"]
    assert sw.link_state_tracking[0].upstream == ["TenGigabitEthernet1/1/1"]
    assert sw.link_state_tracking[0].downstream == ["Port-Channel5"]
    assert sw.routing is not None and sw.routing.passive_interfaces == ["vlan10"]
    assert inv.failures == [FailureRef("interface", "core", ref("core:Ethernet1/2"))]
    # lookups by any spelling find the declared interface
    assert inv.interface("sw-a:Gi1/0/2") is sw.interfaces["gi1/0/2"]
    assert inv.interface("sw-a:po5") is sw.interfaces["Port-Channel5"]
    assert inv.resolve(ref("sw-a:Vlan10")) == ref("sw-a:vlan10")
    assert inv.resolve(ref("esx01:vmnic0")) == ref("esx01:vmnic0")
    assert inv.link_at(ref("sw-a:gigabitethernet1/0/2")) is inv.links[1]
    with pytest.raises(KeyError):
        inv.interface("sw-a:Gi1/0/3")


def test_port_channel_and_svi_are_known_whichever_way_written(inv: vinfra.Inventory) -> None:
    snap = Snapshot(inv)
    # channel_group 5 members belong to the Port-Channel5 declaration, which governs them
    ch = snap.channel_of(ref("sw-a:GigabitEthernet1/0/1"))
    assert ch is not None and ch.declared and ch.po_refs == (ref("sw-a:Port-Channel5"),)
    assert ch.key == "sw-a:Port-Channel5"
    assert set(ch.member_state.values()) == {BUNDLED}
    assert snap.channel_of(ref("sw-a:PORT-CHANNEL5")) is ch
    # vlan10 is an SVI: an endpoint of its own, named as declared
    assert snap.endpoints.resolve("sw-a:Vlan10").name == "sw-a:vlan10"
    assert snap.endpoints.resolve("sw-a:vlan10").kind == "svi"


def test_link_state_tracking_and_failures_through_other_spellings(inv: vinfra.Inventory) -> None:
    snap = Snapshot(inv)
    assert snap.link_up(ref("sw-a:GigabitEthernet1/0/1"))
    # failing the upstream by another spelling takes the tracked Po's members down (T15)
    down = snap.fork(["sw-a:te1/1/1"])
    assert down.failures[-1] == FailureRef("interface", "sw-a", ref("sw-a:TenGigabitEthernet1/1/1"))
    assert not down.link_up(ref("sw-a:GigabitEthernet1/0/1")) and not down.link_up(ref("sw-a:gi1/0/2"))
    assert "link-state tracking group 1" in (down.down_reason(ref("sw-a:gi1/0/2")) or "")
    # a link in any spelling and either order, and a Po by its short form
    link = snap.fork(["core:ETH1/1--sw-a:Te1/1/1"])
    assert link.failures[-1] == FailureRef("link", "core", ref("core:Ethernet1/1"), ref("sw-a:TenGigabitEthernet1/1/1"))
    assert not link.link_up(ref("sw-a:TenGigabitEthernet1/1/1"))
    po = snap.fork(["sw-a:Po5"])
    assert po.failed.interfaces >= {ref("sw-a:GigabitEthernet1/0/1"), ref("sw-a:gi1/0/2")}
    with pytest.raises(FailureError, match="switch sw-a has no interface Gi1/0/9"):
        snap.fork(["sw-a:Gi1/0/9"])


def test_trace_and_reach_name_interfaces_in_any_spelling(inv: vinfra.Inventory) -> None:
    snap = Snapshot(inv)
    assert trace(snap, "web01", "sw-a:VLAN10")["verdict"].startswith("reachable")
    answer = reach(snap, ["web01"], ["sw-a:Vlan10", "core:vlan10"])
    assert [p["reachable"] for p in answer["pairs"]] == [True, True]
    failed = reach(snap.fork(["sw-a:tengigabitethernet1/1/1"]), ["web01"], ["sw-a:Vlan10"])
    assert failed["pairs"][0]["reachable"] is False
    assert "sw-a:GigabitEthernet1/0/1 is down: link-state tracking group 1" in failed["pairs"][0]["reason"]


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "vendor-names.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_cli_fail_from_to_accept_any_spelling(tmp_path: Path) -> None:
    path = _write(tmp_path, _design())
    result = runner.invoke(app, ["reach", str(path), "--fail", "sw-a:PO5", "--from", "web01", "--to", "sw-a:Vlan10",
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    pair = json.loads(result.stdout)["pairs"][0]
    assert pair["dst"] == "sw-a:Vlan10" and pair["reachable"] is False
    assert "sw-a:GigabitEthernet1/0/1 has failed" in pair["reason"]
    result = runner.invoke(app, ["trace", str(path), "web01", "sw-a:vlan10", "--fail", "core:eth1/1", "--format", "json"])
    assert result.exit_code == 1 and json.loads(result.stdout)["verdict"].startswith("unreachable")


def test_outputs_keep_the_declared_spelling(inv: vinfra.Inventory, tmp_path: Path) -> None:
    # show
    result = runner.invoke(app, ["show", str(_write(tmp_path, _design()))])
    assert result.exit_code == 0
    assert "sw-a:GigabitEthernet1/0/1  trunk, allowed 10, native 1, Port-Channel5 mode on" in result.stdout
    assert "sw-a:gi1/0/2" in result.stdout and "Gi1/0/1 " not in result.stdout
    # export: declared keys, references as declared; loading the export gives back the same design
    data = json.loads(to_json(inv))
    assert list(data["switches"]["sw-a"]["interfaces"]) == [
        "GigabitEthernet1/0/1", "gi1/0/2", "Port-Channel5", "TenGigabitEthernet1/1/1", "vlan10"]
    assert [(link["a"], link["b"]) for link in data["links"]][1:] == [
        ("esx01:vmnic1", "sw-a:gi1/0/2"), ("sw-a:TenGigabitEthernet1/1/1", "core:Ethernet1/1")]
    assert data["switches"]["sw-a"]["link_state_tracking"][0]["downstream"] == ["Port-Channel5"]
    assert vinfra.load_text(to_yaml(inv), "export.yaml") == inv
    assert vinfra.load_text(to_json(inv), "export.json") == inv
    # check findings name interfaces as declared
    run = run_checks(Snapshot(inv))
    objects = [o for f in run.findings for o in f.objects if o.startswith(("sw-a:", "core:"))]
    assert "sw-a:Port-Channel5" in objects
    for o in objects:
        device, _, name = o.partition(":")
        assert name in inv.switches[device].interfaces, o


def test_same_answers_as_with_the_declared_spellings_everywhere(inv: vinfra.Inventory) -> None:
    # the references rewritten to their declared spelling give the same design
    plain = (_design().replace("sw-a:Gi1/0/1", "sw-a:GigabitEthernet1/0/1").replace("GIGABITETHERNET1/0/2", "gi1/0/2")
             .replace("sw-a:te1/1/1", "sw-a:TenGigabitEthernet1/1/1").replace("core:Eth1/1", "core:Ethernet1/1")
             .replace("[Te1/1/1]", "[TenGigabitEthernet1/1/1]").replace("[po5]", "[Port-Channel5]")
             .replace("[VLAN10]", "[vlan10]").replace("core:ETHERNET1/2", "core:Ethernet1/2"))
    assert vinfra.load_text(plain) == inv


CLASH = """\
name: clash
switches:
  sw-a:
    interfaces:
      Gi1/0/1: {}
      GigabitEthernet1/0/1: {mode: trunk}
      Po5: {}
      port-channel5: {}
  stk-1:
    stack: s1
    interfaces:
      Vlan10: {ip: 10.0.10.2/24}
      Te1/1/1: {}
  stk-2:
    stack: s1
    interfaces:
      vlan10: {ip: 10.0.10.3/24}
      Te1/1/1: {}
links:
  - [sw-a:Gi1/0/9, stk-1:Ethernet1/1]
failures: [sw-a:po6]
"""


def test_two_spellings_of_one_interface_are_located_errors_naming_both() -> None:
    with pytest.raises(vinfra.DesignError) as exc:
        vinfra.load_text(CLASH, "clash.yaml")
    assert str(exc.value).splitlines() == [
        "clash.yaml:6:7: error: switches.sw-a.interfaces.GigabitEthernet1/0/1: GigabitEthernet1/0/1 and Gi1/0/1 "
        "name the same interface of sw-a; declare it once",
        "clash.yaml:8:7: error: switches.sw-a.interfaces.port-channel5: port-channel5 and Po5 name the same "
        "interface of sw-a; declare it once",
        "clash.yaml:17:7: error: switches.stk-2.interfaces.vlan10: stack 's1': vlan10 on stk-2 and Vlan10 on stk-1 "
        "name the same interface; declare it once",
        "clash.yaml:18:7: error: switches.stk-2.interfaces.Te1/1/1: stack 's1': interface Te1/1/1 is declared on "
        "both stk-1 and stk-2",
        # an unresolved reference is reported in the user's spelling
        "clash.yaml:20:6: error: links[0][0]: sw-a:Gi1/0/9: switch sw-a has no interface Gi1/0/9",
        "clash.yaml:20:20: error: links[0][1]: stk-1:Ethernet1/1: switch stk-1 has no interface Ethernet1/1",
        "clash.yaml:21:12: error: failures[0]: sw-a:po6: switch sw-a has no interface po6",
    ]


@pytest.mark.parametrize(("interfaces", "extra", "line"), [
    # Port-Channel5 is a port-channel: never cabled
    ("Port-Channel5: {}\n      Gi1/0/1: {}", "links: [[sw-a:Gi1/0/1, sw-b:Gi1/0/1], [sw-a:po5, sw-b:Gi1/0/2]]",
     "t.yaml:8:40: error: links[1][0]: sw-a:Port-Channel5 is a logical interface; Po and Vlan interfaces are never cabled"),
    # vlan10 is an SVI: no channel_group on it, and an FHRP group belongs there
    ("vlan10: {ip: 10.0.10.2/24, channel_group: 1}", "",
     "t.yaml:5:34: error: switches.sw-a.interfaces.vlan10.channel_group: vlan10 cannot be a member of a port-channel"),
    ("GigabitEthernet1/0/3: {mode: routed, ip: 10.0.0.1/30, fhrp: {vip: 10.0.0.3}}", "",
     "t.yaml:5:61: error: switches.sw-a.interfaces.GigabitEthernet1/0/3.fhrp: FHRP is configured on an SVI (Vlan<N>)"),
    # two links on one port, spelled two ways
    ("Gi1/0/1: {}", "links: [[sw-a:Gi1/0/1, sw-b:Gi1/0/1], [sw-a:GigabitEthernet1/0/1, sw-b:Gi1/0/2]]",
     "t.yaml:7:40: error: links[1][0]: sw-a:Gi1/0/1 is already cabled (an interface is in at most one link)"),
])
def test_kind_and_uniqueness_follow_the_interface_whatever_its_spelling(interfaces: str, extra: str, line: str) -> None:
    text = (f"name: t\nswitches:\n  sw-a:\n    interfaces:\n      {interfaces}\n"
            "  sw-b: {interfaces: {Gi1/0/1: {}, Gi1/0/2: {}}}\n" + (extra + "\n" if extra else ""))
    with pytest.raises(vinfra.DesignError) as exc:
        vinfra.load_text(text, "t.yaml")
    assert line in str(exc.value).splitlines()


def test_a_stack_member_names_the_stacks_po_in_any_spelling() -> None:
    text = """\
name: stacked
switches:
  lan-1: {stack: lan, interfaces: {Gi1/0/1: {channel_group: 1}, Port-Channel1: {mode: trunk}}}
  lan-2: {stack: lan, interfaces: {GigabitEthernet2/0/1: {channel_group: 1}},
          link_state_tracking: [{group: 1, upstream: [gi2/0/1], downstream: [PO1]}]}
"""
    inv = vinfra.load_text(text)
    assert inv.switches["lan-2"].link_state_tracking[0].downstream == ["Port-Channel1"]
    assert inv.interface_owner(ref("lan-2:po1")) == "lan-1"
    assert inv.resolve(ref("lan-2:po1")) == ref("lan-2:Port-Channel1")
    ch = Snapshot(inv).channel_of(ref("lan-2:GigabitEthernet2/0/1"))
    assert ch is not None and ch.po_refs == (ref("lan-1:Port-Channel1"),)


# mlag.domain -----------------------------------------------------------------------------------------------

MLAG = """\
name: pair
switches:
  leaf1: {platform: eos, mlag: {peer: leaf2, domain: %s}}
  leaf2: {platform: eos, mlag: {peer: leaf1, domain: %s}}
"""


@pytest.mark.parametrize(("a", "b", "domain"), [
    ("DC1_LEAF1", "DC1_LEAF1", "DC1_LEAF1"), ("10", "10", 10), ("10", "'10'", 10), ("0", "0", 0),
])
def test_mlag_domain_is_a_number_or_a_word(a: str, b: str, domain: object) -> None:
    inv = vinfra.load_text(MLAG % (a, b))
    mlag = inv.switches["leaf1"].mlag
    assert mlag is not None and mlag.domain == domain
    assert vinfra.load_text(to_yaml(inv)) == inv  # exported as written: a word stays a word


@pytest.mark.parametrize(("a", "b", "lines"), [
    ("DC1_LEAF1", "DC1_LEAF2", [
        "p.yaml:3:54: error: switches.leaf1.mlag.domain: MLAG domain DC1_LEAF1 differs from peer leaf2's DC1_LEAF2; "
        "both peers state the same domain",
        "p.yaml:4:54: error: switches.leaf2.mlag.domain: MLAG domain DC1_LEAF2 differs from peer leaf1's DC1_LEAF1; "
        "both peers state the same domain"]),
    ("10", "DC1", [
        "p.yaml:3:54: error: switches.leaf1.mlag.domain: MLAG domain 10 differs from peer leaf2's DC1; "
        "both peers state the same domain",
        "p.yaml:4:54: error: switches.leaf2.mlag.domain: MLAG domain DC1 differs from peer leaf1's 10; "
        "both peers state the same domain"]),
    ("true", "1", [
        "p.yaml:3:54: error: switches.leaf1.mlag.domain: an MLAG domain is an integer (vpc domain 10) or a word "
        "(domain-id DC1_LEAF1) (got True)"]),
    ("70000", "70000", [
        "p.yaml:3:54: error: switches.leaf1.mlag.domain: an MLAG domain number is in 0-65535 (got 70000)",
        "p.yaml:4:54: error: switches.leaf2.mlag.domain: an MLAG domain number is in 0-65535 (got 70000)"]),
    ("'DC 1'", "DC1", [
        "p.yaml:3:54: error: switches.leaf1.mlag.domain: an MLAG domain word is not empty and has no spaces "
        "(got 'DC 1')"]),
])
def test_mlag_domain_errors_are_located(a: str, b: str, lines: list[str]) -> None:
    with pytest.raises(vinfra.DesignError) as exc:
        vinfra.load_text(MLAG % (a, b), "p.yaml")
    assert str(exc.value).splitlines() == lines
