"""Build a design in Python, in the spirit of Mininet's ``Topo`` (``addSwitch``, ``addHost``, ``addLink``).

>>> from vinfra import Topo
>>> t = Topo("lab")
>>> t.add_switch("sw-a", vlans=[1, 10])
'sw-a'
>>> t.add_interface("sw-a", "Gi1/0/1", mode="trunk", allowed_vlans="10", stp={"edge": True})
'sw-a:Gi1/0/1'
>>> t.add_host("esx01")
'esx01'
>>> t.add_nic("esx01", "vmnic0")
'esx01:vmnic0'
>>> t.add_vswitch("esx01", "vSwitch0", uplinks=["vmnic0"])
'esx01:vSwitch0'
>>> t.add_portgroup("esx01", "vSwitch0", "VM-10", vlan=10)
'VM-10'
>>> t.add_link("esx01:vmnic0", "sw-a:Gi1/0/1")
'esx01:vmnic0--sw-a:Gi1/0/1'
>>> inv = t.build()
>>> inv.interface("sw-a:Gi1/0/1").allowed_vlans
VlanSet('10')

Every method takes the keys of the design file (topology-v1) as keyword arguments, with the same names
and values, and records them as plain data; ``None`` means "not given" (the default applies).
:meth:`Topo.build` hands that data to :func:`vinfra.from_data`, the path every YAML and JSON file takes,
so a Topo yields exactly the Inventory the equivalent file does and is validated the same way: an
unknown key, a wrong value or a reference that does not resolve raises :class:`vinfra.DesignError`
naming the field (``hosts.esx01.vswitches.vSwitch0.uplinks[1]: ...``).

Mistakes in using the builder itself (adding to a host that was never added, adding a name twice) raise
:class:`TopoError` at once.
"""

from __future__ import annotations

import copy
from typing import Any

from .io.design import from_data
from .model import InterfaceRef, Inventory

SECTIONS = ("switches", "hosts", "dvswitches", "clusters", "datastores", "vms", "templates")


class TopoError(ValueError):
    """The builder was used wrongly: an element added twice, or added to one that does not exist."""


def _given(opts: dict[str, Any]) -> dict[str, Any]:
    """The options actually given: ``None`` leaves a key out, so its default applies."""
    return {k: copy.deepcopy(v) for k, v in opts.items() if v is not None}


def _ref(value: str | InterfaceRef) -> str:
    return str(value) if isinstance(value, InterfaceRef) else value


class Topo:
    """A design under construction.  Methods return the name (or ``device:interface``) they added."""

    def __init__(self, name: str, description: str | None = None) -> None:
        self.name = name
        self.description = description
        self._sections: dict[str, dict[str, dict[str, Any]]] = {s: {} for s in SECTIONS}
        self._links: list[Any] = []
        self._failures: list[str] = []

    # ---- internals ------------------------------------------------------------------------
    def _add(self, section: str, name: str, opts: dict[str, Any]) -> dict[str, Any]:
        items = self._sections[section]
        if name in items:
            raise TopoError(f"{section}: '{name}' is already in the topology")
        items[name] = _given(opts)
        return items[name]

    def _get(self, section: str, name: str, adder: str) -> dict[str, Any]:
        try:
            return self._sections[section][name]
        except KeyError:
            raise TopoError(f"{section}: no '{name}' in the topology (add it with {adder} first)") from None

    @staticmethod
    def _child(parent: dict[str, Any], key: str, name: str, opts: dict[str, Any], where: str) -> dict[str, Any]:
        children = parent.setdefault(key, {})
        if not isinstance(children, dict):
            raise TopoError(f"{where}: '{key}' was given as {type(children).__name__}, not a mapping")
        if name in children:
            raise TopoError(f"{where}: {key} '{name}' is already in the topology")
        children[name] = _given(opts)
        return children[name]

    # ---- physical network ---------------------------------------------------------------------
    def add_switch(self, name: str, **opts: Any) -> str:
        """A physical switch: ``role``, ``platform``, ``stack``, ``mlag``, ``stp``, ``vlans``, ``routing`` ..."""
        self._add("switches", name, opts)
        return name

    def add_interface(self, switch: str, name: str, **opts: Any) -> str:
        """A switch port, port-channel ``Po<N>`` or SVI ``Vlan<N>``: ``mode``, ``allowed_vlans``, ``ip`` ..."""
        sw = self._get("switches", switch, "add_switch")
        self._child(sw, "interfaces", name, opts, f"switch {switch}")
        return f"{switch}:{name}"

    def add_link_state_group(self, switch: str, group: int, upstream: list[str], downstream: list[str]) -> int:
        """Cisco ``link state track N``: downstream ports go down when all upstream ports are down (T15)."""
        sw = self._get("switches", switch, "add_switch")
        sw.setdefault("link_state_tracking", []).append(
            {"group": group, "upstream": list(upstream), "downstream": list(downstream)}
        )
        return group

    # ---- hosts ------------------------------------------------------------------------------------
    def add_host(self, name: str, **opts: Any) -> str:
        """An ESX/ESXi host: ``cluster``, ``product``, ``version``, ``cpu``, ``memory_gb``, ``datastores`` ..."""
        self._add("hosts", name, opts)
        return name

    def add_nic(self, host: str, name: str, **opts: Any) -> str:
        """A physical NIC (vmnic): ``speed``, ``mac``, ``driver``."""
        h = self._get("hosts", host, "add_host")
        self._child(h, "nics", name, opts, f"host {host}")
        return f"{host}:{name}"

    def add_vswitch(self, host: str, name: str, **opts: Any) -> str:
        """A standard vSwitch: ``uplinks``, ``mtu``, ``teaming``, ``security``, ``shaping``."""
        h = self._get("hosts", host, "add_host")
        self._child(h, "vswitches", name, opts, f"host {host}")
        return f"{host}:{name}"

    def add_portgroup(self, host: str, vswitch: str, label: str, **opts: Any) -> str:
        """A port group on a standard vSwitch: ``vlan``, ``teaming`` (overrides, T16), ``security`` ..."""
        h = self._get("hosts", host, "add_host")
        vs = h.get("vswitches", {}).get(vswitch)
        if vs is None:
            raise TopoError(f"host {host}: no vSwitch '{vswitch}' (add it with add_vswitch first)")
        self._child(vs, "portgroups", label, opts, f"host {host} vSwitch {vswitch}")
        return label

    def add_vmkernel(self, host: str, name: str, **opts: Any) -> str:
        """A VMkernel (or Service Console) port: ``portgroup``, ``ip``, ``services``, ``mtu``, ``gateway`` ..."""
        h = self._get("hosts", host, "add_host")
        self._child(h, "vmkernel", name, opts, f"host {host}")
        return f"{host}:{name}"

    # ---- distributed switches -------------------------------------------------------------------------
    def add_dvswitch(self, name: str, **opts: Any) -> str:
        """A distributed switch: ``version``, ``mtu``, ``uplinks`` (dvUplink names), ``teaming`` ..."""
        self._add("dvswitches", name, opts)
        return name

    def add_dvswitch_host(self, dvswitch: str, host: str, uplinks: dict[str, str]) -> str:
        """Make ``host`` a member of ``dvswitch``, binding dvUplinks to its vmnics (``{"uplink1": "vmnic2"}``)."""
        dvs = self._get("dvswitches", dvswitch, "add_dvswitch")
        hosts = dvs.setdefault("hosts", {})
        if host in hosts:
            raise TopoError(f"dvswitch {dvswitch}: host '{host}' is already a member")
        hosts[host] = dict(uplinks)
        return host

    def add_lag(self, dvswitch: str, name: str, **opts: Any) -> str:
        """An LACP LAG on a distributed switch: ``mode``, ``uplinks`` (dvUplinks), ``hash``, ``timeout``.

        Returns ``lag:<name>``, the entry a port group's teaming uses for it."""
        dvs = self._get("dvswitches", dvswitch, "add_dvswitch")
        lacp = dvs.setdefault("lacp", {})
        self._child(lacp, "lags", name, opts, f"dvswitch {dvswitch}")
        return f"lag:{name}"

    def add_dvportgroup(self, dvswitch: str, label: str, **opts: Any) -> str:
        """A distributed port group: ``vlan`` (a number, ``{trunk: ...}`` or ``{pvlan: ...}``), ``teaming`` ...

        Returns ``dvswitch/label``, the name a VM NIC or VMkernel port uses for it."""
        dvs = self._get("dvswitches", dvswitch, "add_dvswitch")
        self._child(dvs, "portgroups", label, opts, f"dvswitch {dvswitch}")
        return f"{dvswitch}/{label}"

    # ---- clusters, storage, VMs -----------------------------------------------------------------------
    def add_cluster(self, name: str, **opts: Any) -> str:
        """A cluster: ``evc``, ``drs``, ``ha``, ``rules``."""
        self._add("clusters", name, opts)
        return name

    def add_rule(self, cluster: str, name: str, type: str, vms: list[str], **opts: Any) -> str:
        """A DRS rule: ``type`` affinity | anti_affinity | vm_host | vm_anti_host; ``hosts``, ``must`` ..."""
        cl = self._get("clusters", cluster, "add_cluster")
        rules = cl.setdefault("rules", [])
        if any(r.get("name") == name for r in rules):
            raise TopoError(f"cluster {cluster}: rule '{name}' is already in the topology")
        rules.append({"name": name, "type": type, "vms": list(vms), **_given(opts)})
        return name

    def add_datastore(self, name: str, **opts: Any) -> str:
        """Shared storage: ``type``, ``transport``, ``capacity_gb``."""
        self._add("datastores", name, opts)
        return name

    def add_vm(self, name: str, host: str, **opts: Any) -> str:
        """A virtual machine on ``host``: ``cpu``, ``memory_gb``, ``datastore``, ``nics``, ``load`` ..."""
        self._add("vms", name, {"host": host, **opts})
        return name

    def add_vnic(self, vm: str, network: str, **opts: Any) -> int:
        """A vNIC of ``vm`` on ``network`` (a port group, or ``dvs/portgroup``): ``ip``, ``mac``, ``gateway``,
        ``guest_vlan`` (the VLAN the guest tags on a VLAN 4095 port group or a vDS VLAN trunk), ``connected``.

        Returns its index in the VM's ``nics``."""
        v = self._get("vms", vm, "add_vm")
        nics = v.setdefault("nics", [])
        nics.append({"network": network, **_given(opts)})
        return len(nics) - 1

    def add_template(self, name: str, **opts: Any) -> str:
        """A VM template: a VM's fields without a host."""
        self._add("templates", name, opts)
        return name

    # ---- cables and failures ------------------------------------------------------------------------------
    def add_link(self, a: str | InterfaceRef, b: str | InterfaceRef, speed: int | None = None) -> str:
        """A cable between two ``device:interface`` ends; returns its name ``a--b`` (ends sorted)."""
        a, b = _ref(a), _ref(b)
        self._links.append([a, b] if speed is None else {"a": a, "b": b, "speed": speed})
        return "--".join(sorted((a, b)))

    def add_failure(self, name: str) -> str:
        """A failed element in this design state: a device, ``device:interface`` or a link ``a--b``."""
        self._failures.append(name)
        return name

    # ---- what has been added ----------------------------------------------------------------------------
    def switches(self) -> list[str]:
        return list(self._sections["switches"])

    def hosts(self) -> list[str]:
        return list(self._sections["hosts"])

    def links(self) -> list[tuple[str, str]]:
        return [(lk[0], lk[1]) if isinstance(lk, list) else (lk["a"], lk["b"]) for lk in self._links]

    # ---- result -----------------------------------------------------------------------------------------
    def to_data(self) -> dict[str, Any]:
        """The design as plain data, in the shape of a design file (a copy: safe to change)."""
        data: dict[str, Any] = {"name": self.name}
        if self.description is not None:
            data["description"] = self.description
        for section, items in self._sections.items():
            if items:
                data[section] = copy.deepcopy(items)
        if self._links:
            data["links"] = copy.deepcopy(self._links)
        if self._failures:
            data["failures"] = list(self._failures)
        return data

    def build(self) -> Inventory:
        """Validate and return the Inventory; raise :class:`vinfra.DesignError` naming every bad field."""
        return from_data(self.to_data(), source=f"<topo {self.name}>")
