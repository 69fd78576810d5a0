"""The canonical key of switch interface names (topology-v1, "Names and forms met in vendor configs")."""

from __future__ import annotations

import pytest

from vinfra.model import interface_key, po_number, svi_vlan


@pytest.mark.parametrize(("spellings", "key"), [
    (["GigabitEthernet1/0/1", "Gi1/0/1", "gi1/0/1", "GIGABITETHERNET1/0/1", "Gig1/0/1"], "gi1/0/1"),
    (["TenGigabitEthernet1/1/1", "Te1/1/1", "te1/1/1"], "te1/1/1"),
    (["FastEthernet0/1", "Fa0/1", "fa0/1"], "fa0/1"),
    (["TwentyFiveGigE1/0/1", "Twe1/0/1", "twe1/0/1"], "twe1/0/1"),
    (["FortyGigabitEthernet1/0/49", "Fo1/0/49"], "fo1/0/49"),
    (["HundredGigE1/0/1", "Hu1/0/1", "hundredgige1/0/1"], "hu1/0/1"),
    (["Ethernet1/1", "Eth1/1", "Et1/1", "ethernet1/1"], "et1/1"),
    (["Port-Channel5", "port-channel5", "Po5", "po5", "PORT-CHANNEL5"], "po5"),
    (["Vlan11", "vlan11", "VLAN11"], "vlan11"),
    (["Gi1/0/1.100", "GigabitEthernet1/0/1.100"], "gi1/0/1.100"),
])
def test_every_spelling_has_one_key(spellings: list[str], key: str) -> None:
    assert {interface_key(s) for s in spellings} == {key}


@pytest.mark.parametrize(("a", "b"), [
    ("Gi1/0/1", "Te1/0/1"), ("Gi1/0/1", "Gi1/0/10"), ("Po5", "Po50"), ("Ethernet1/1", "Fa1/1"),
    ("Twe1/0/1", "Te1/0/1"), ("mgmt0", "Mgmt1"),
])
def test_different_interfaces_keep_different_keys(a: str, b: str) -> None:
    assert interface_key(a) != interface_key(b)


def test_names_outside_the_vendor_forms_compare_by_case_alone() -> None:
    assert interface_key("mgmt0") == interface_key("MGMT0") == "mgmt0"
    assert interface_key("uplink-A") == "uplink-a"
    assert interface_key("Ethernet-x") == "ethernet-x"  # no number after the word: not the Ethernet form


@pytest.mark.parametrize(("name", "n"), [
    ("Po5", 5), ("Port-Channel5", 5), ("port-channel12", 12), ("po1", 1), ("Po", None), ("Po5/1", None),
    ("Gi1/0/5", None), ("Vlan5", None), ("PortChannel7", 7),
])
def test_po_number_in_any_spelling(name: str, n: int | None) -> None:
    assert po_number(name) == n


@pytest.mark.parametrize(("name", "vlan"), [
    ("Vlan10", 10), ("vlan10", 10), ("VLAN4094", 4094), ("Vlan", None), ("Vlan10.1", None), ("Po10", None),
    ("vlan-10", None),
])
def test_svi_vlan_in_any_case(name: str, vlan: int | None) -> None:
    assert svi_vlan(name) == vlan
