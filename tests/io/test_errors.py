"""Golden error messages: every fault of a design is reported as ``FILE:LINE:COL: error: MESSAGE``."""

from __future__ import annotations

from pathlib import Path

import pytest

import vinfra
from _golden import BROKEN, BROKEN_LINES
from _paths import ROOT
from vinfra import DesignError


def errors_of(path: str | Path) -> list[str]:
    with pytest.raises(DesignError) as info:
        vinfra.load(path)
    return [str(d) for d in info.value.diagnostics]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_broken_design_reports_every_fault_exactly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # so FILE is the relative path, as a user in the repository would see it
    assert errors_of(BROKEN) == BROKEN_LINES


def test_load_text_locates_the_same_faults() -> None:
    text = (ROOT / BROKEN).read_text(encoding="utf-8")
    with pytest.raises(DesignError) as info:
        vinfra.load_text(text, BROKEN)
    assert [str(d) for d in info.value.diagnostics] == BROKEN_LINES


def test_design_error_message_is_all_lines() -> None:
    with pytest.raises(DesignError) as info:
        vinfra.load(ROOT / BROKEN)
    assert str(info.value).count("\n") == len(BROKEN_LINES) - 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an unclosed flow mapping is noticed a line later; the message says where it began
        ("name: syn\nhosts:\n  esx01:\n    nics: {vmnic0: {speed: 1000}\n  esx02: {}\n",
         "5:3: error: invalid YAML: invalid indentation (while parsing a flow mapping that starts at line 4, column 11)"),
        ("name: syn\nhosts:\n  esx01:\n    nics: [vmnic0, vmnic1\n    memory_gb: 3\n",
         "5:14: error: invalid YAML: illegal placement of ':' indicator "
         "(while parsing a flow sequence that starts at line 4, column 11)"),
        ("name: tab\nhosts:\n  esx01:\n\tmemory_gb: 32\n",
         "4:2: error: invalid YAML: tabs disallowed within this context (block indentation)"),
        ("name: x\n hosts: {}\n", "2:7: error: invalid YAML: mapping values are not allowed in this context"),
    ],
    ids=["unclosed-mapping", "unclosed-sequence", "tab", "indentation"],
)
def test_yaml_syntax_error_has_line_and_column(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, "syntax.yaml", text)
    assert errors_of(path) == [f"{path}:{expected}"]


def test_duplicate_key_is_an_error_at_the_second_key(tmp_path: Path) -> None:
    path = write(tmp_path, "dup.yaml", "name: dup\nhosts:\n  esx01:\n    memory_gb: 32\n    memory_gb: 64\n")
    assert errors_of(path) == [f"{path}:5:5: error: invalid YAML: duplicate mapping key: 'memory_gb'"]


def test_duplicate_device_name_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "dup2.yaml", "name: dup\nhosts:\n  esx01: {}\n  esx01: {}\n")
    assert errors_of(path) == [f"{path}:4:3: error: invalid YAML: duplicate mapping key: 'esx01'"]


def test_invalid_json_has_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.json", '{\n  "name": "j",\n  "hosts": {\n    "esx01": {"memory_gb": 32,}\n  }\n}\n')
    assert errors_of(path) == [f"{path}:4:30: error: invalid JSON: trailing comma is not allowed"]


def test_faults_in_json_are_located(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "faults.json",
        '{\n'
        '  "name": "j",\n'
        '  "switches": {"sw-a": {"interfaces": {"Gi1/0/1": {"mode": "trunk"}}}},\n'
        '  "hosts": {\n'
        '    "esx01": {"memory_gb": 32, "nics": {"vmnic0": {"sped": 1000}}},\n'
        '    "esx02": {"cluster": "nope"}\n'
        '  },\n'
        '  "links": [["esx02:vmnic0", "sw-a:Gi1/0/1"]]\n'
        '}\n',
    )
    assert errors_of(path) == [
        f"{path}:5:52: error: hosts.esx01.nics.vmnic0.sped: unknown key 'sped' (did you mean 'speed'?)",
        f"{path}:6:26: error: hosts.esx02.cluster: cluster 'nope' is not declared under 'clusters'",
        f"{path}:8:14: error: links[0][0]: esx02:vmnic0: host esx02 has no NIC vmnic0 (declare it under 'nics')",
    ]


def test_top_level_faults(tmp_path: Path) -> None:
    path = write(tmp_path, "top.yaml", "description: no name\nswitchs: {}\nlinks: {}\n")
    assert errors_of(path) == [
        f"{path}:1:1: error: the design needs a 'name' (a non-empty string)",
        f"{path}:2:1: error: switchs: unknown key 'switchs' (did you mean 'switches'?)",
        f"{path}:3:1: error: links: 'links' must be a list",
    ]


def test_unresolved_failure_and_mlag_peer(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "refs.yaml",
        "name: refs\n"
        "switches:\n"
        "  leaf-1: {platform: nxos, mlag: {peer: leaf-9}}\n"
        "hosts:\n"
        "  esx01: {nics: {vmnic0: {}}}\n"
        "links:\n"
        "  - [esx01:vmnic0, leaf-1:Ethernet1/1]\n"
        "failures: [leaf-2, esx01:vmnic0--leaf-1:Ethernet1/2]\n",
    )
    assert errors_of(path) == [
        f"{path}:3:41: error: switches.leaf-1.mlag.peer: MLAG peer 'leaf-9' is not a declared switch",
        f"{path}:7:20: error: links[0][1]: leaf-1:Ethernet1/1: switch leaf-1 has no interface Ethernet1/1",
        f"{path}:8:12: error: failures[0]: failure 'leaf-2': no switch or host has that name",
        f"{path}:8:20: error: failures[1]: leaf-1:Ethernet1/2: switch leaf-1 has no interface Ethernet1/2",
    ]


def test_missing_file() -> None:
    assert errors_of("no/such/design.yaml") == ["no/such/design.yaml: error: no such file"]


def test_not_a_mapping(tmp_path: Path) -> None:
    path = write(tmp_path, "list.yaml", "- just\n- a list\n")
    assert errors_of(path) == [f"{path}:1:1: error: a design is a mapping with at least a 'name' key, not a list"]


VGT_DESIGN = """\
name: vgt
hosts:
  esx01:
    nics: {vmnic0: {}}
    vswitches:
      vSwitch0:
        uplinks: [vmnic0]
        portgroups:
          Trunk: {vlan: 4095}
          VM-10: {vlan: 10}
dvswitches:
  dvs:
    hosts: {esx01: {}}
    portgroups:
      dv-trunk: {vlan: {trunk: "100-200"}}
      dv-pvlan: {vlan: {pvlan: 5}}
      dv-7: {vlan: 7}
vms:
  ok01:
    host: esx01
    nics:
      - {network: Trunk, guest_vlan: 30}
      - {network: dvs/dv-trunk, guest_vlan: 150}
  bad01:
    host: esx01
    nics:
      - {network: VM-10, guest_vlan: 10}
      - {network: dvs/dv-trunk, guest_vlan: 30}
      - {network: dvs/dv-pvlan, guest_vlan: 5}
      - {network: dvs/dv-7, guest_vlan: 7}
      - {network: Nowhere, guest_vlan: 30}
  range01:
    host: esx01
    nics:
      - {network: Trunk, guest_vlan: 4095}
      - {network: Trunk, guest_vlan: 0}
"""


def test_guest_vlan_only_where_a_guest_may_tag(tmp_path: Path) -> None:
    """topology-v1 "VGT": guest_vlan only on a VLAN 4095 port group or a vDS trunk range that holds it (V3, V4);
    each error points at the guest_vlan value (a NIC on no port group is reported once, at its network)."""
    path = write(tmp_path, "vgt.yaml", VGT_DESIGN)
    tail = "a guest tags its own frames only on a VLAN 4095 port group (VGT) or a vDS VLAN trunk (V3, V4)"
    assert errors_of(path) == [
        f"{path}:27:38: error: vms.bad01.nics[0].guest_vlan: guest_vlan 10: port group 'VM-10' on esx01 has VLAN 10; {tail}",
        f"{path}:28:45: error: vms.bad01.nics[1].guest_vlan: guest_vlan 30 is not in the VLAN trunk range 100-200 of "
        "port group 'dvs/dv-trunk': the vDS drops its frames (V4)",
        f"{path}:29:45: error: vms.bad01.nics[2].guest_vlan: guest_vlan 5: port group 'dvs/dv-pvlan' has private VLAN 5, "
        f"not a VLAN trunk; {tail}",
        f"{path}:30:41: error: vms.bad01.nics[3].guest_vlan: guest_vlan 7: port group 'dvs/dv-7' has VLAN 7, not a VLAN "
        f"trunk; {tail}",
        f"{path}:31:19: error: vms.bad01.nics[4].network: network 'Nowhere' is not a port group on host esx01",
        f"{path}:35:38: error: vms.range01.nics[0].guest_vlan: Input should be less than or equal to 4094 (got 4095)",
        f"{path}:36:38: error: vms.range01.nics[1].guest_vlan: Input should be greater than or equal to 1 (got 0)",
    ]


def test_a_key_written_over_two_lines_of_a_flow_mapping_is_located_at_its_mapping(tmp_path: Path) -> None:
    """Found by the deep fuzz test: yaml-rs reads ``{protocol: ospf, p<newline>assive_interfaces: ...}`` as the key
    ``p assive_interfaces``, which neither the fast locator (a multi-line plain scalar in a flow collection) nor
    ruamel.yaml (which refuses the text) can follow; the error is located at the key of the enclosing mapping."""
    path = write(tmp_path, "d.yaml", "name: d\nswitches:\n  sw1:\n    routing: {protocol: ospf, p\n"
                                     "assive_interfaces: [Vlan1]}\n")
    assert errors_of(path) == [f"{path}:4:5: error: switches.sw1.routing.p assive_interfaces: "
                               "unknown key 'p assive_interfaces'"]
