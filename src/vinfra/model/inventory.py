"""The Inventory: one design, validated and immutable, with lookups by name.

:func:`build_inventory` validates a plain-data design (as parsed from YAML or JSON, or as
produced by the builder) section by section, so that every problem is reported in one run:
shape errors from pydantic, then every reference that does not resolve.  It returns the
Inventory (or ``None``) and a list of :class:`Problem` with the path of the offending key.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Union, get_args, get_origin

import orjson
from pydantic import BaseModel, PrivateAttr, ValidationError, field_validator

from .base import Spec, Speed, shown
from .cluster import Cluster, Datastore, Template, Vm
from .host import Host, Nic
from .ifname import interface_key, po_number, svi_vlan
from .physical import PLATFORM_DEFAULTS, Switch, SwitchInterface
from .refs import FailureRef, InterfaceRef, check_label, check_name
from .vswitch import DvSwitch, TeamingOverride, VSwitch

Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a design: the path of the offending key or value, and why.

    ``at`` says whether the key itself (``"key"``) or its value (``"value"``) is to blame,
    which decides the column an error message points at.
    """

    path: Path
    message: str
    at: str = "value"


class Link(Spec):
    """A cable between two interfaces; its speed is its own, else the lower declared end."""

    a: InterfaceRef
    b: InterfaceRef
    speed: Speed | None = None  # Mb/s, in the same range as a port's

    def ends(self) -> tuple[InterfaceRef, InterfaceRef]:
        return self.a, self.b

    def other_end(self, ref: InterfaceRef) -> InterfaceRef:
        return self.b if ref == self.a else self.a

    @property
    def name(self) -> str:
        a, b = sorted((self.a, self.b))
        return f"{a}--{b}"


Locator = Callable[[Path, str], "tuple[int, int] | None"]


class Inventory(Spec):
    """A whole design: switches, hosts, distributed switches, clusters, storage, VMs, cables."""

    name: str
    description: str | None = None
    switches: dict[str, Switch] = {}
    hosts: dict[str, Host] = {}
    dvswitches: dict[str, DvSwitch] = {}
    clusters: dict[str, Cluster] = {}
    datastores: dict[str, Datastore] = {}
    vms: dict[str, Vm] = {}
    templates: dict[str, Template] = {}
    links: list[Link] = []
    failures: list[FailureRef] = []

    _source: str | None = PrivateAttr(default=None)
    _locator: Locator | None = PrivateAttr(default=None)
    _index: dict[str, Any] | None = PrivateAttr(default=None)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the design needs a non-empty name")
        return value

    def __eq__(self, other: object) -> bool:
        # Two inventories are equal when their designs are: where one was read from (``_source``,
        # ``_locator``) and whether its lookup index was built yet are not part of the design, so
        # pydantic's default (which also compares private attributes) would make a loaded design
        # differ from the same design built in code, or from itself after a lookup.
        if not isinstance(other, Inventory):
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f) for f in type(self).model_fields)

    __hash__ = None  # type: ignore[assignment]  # holds dicts: never hashable

    # provenance -----------------------------------------------------------------------
    @property
    def source(self) -> str | None:
        """The design file this inventory was loaded from, if any."""
        return self._source

    def locate(self, path: Path, at: str = "key") -> tuple[int, int] | None:
        """Line and column (1-based) of a key or value in the design file, if known."""
        if self._locator is None:
            return None
        return self._locator(path, at)

    def attach_source(self, source: str | None, locator: Locator | None) -> None:
        self._source = source
        self._locator = locator

    # lookups ----------------------------------------------------------------------------
    def _idx(self) -> dict[str, Any]:
        # through the private-attribute dict itself: pydantic's __getattr__ route costs microseconds, and the
        # network engine asks for cables and stacks per port
        private = self.__pydantic_private__
        idx = private.get("_index") if private is not None else None
        if idx is None:
            idx = self._index = _build_index(self)
        return idx

    def derived(self, key: str, build: Callable[[], Any]) -> Any:
        """A value worked out from the design alone, built on first use and kept with the inventory (so the
        snapshots of one design, with whatever failures, share it).  ``key`` names it: ``"module.what"``."""
        idx = self._idx()
        got = idx.get(key)
        if got is None:
            got = idx[key] = build()
        return got

    def device(self, name: str) -> Switch | Host:
        if name in self.switches:
            return self.switches[name]
        return self.hosts[name]

    def interface(self, ref: str | InterfaceRef) -> SwitchInterface | Nic:
        """``inv.interface("sw-a:Gi1/0/1")``: a switch interface or a host vmnic.

        Stack-wide interfaces (``Po<N>``, ``Vlan<N>``) are found from any member; a switch interface
        by any of its spellings (``sw-a:GigabitEthernet1/0/1``).
        """
        r = InterfaceRef.parse(ref)
        if r.device in self.hosts:
            return self.hosts[r.device].nics[r.interface]
        found = self._declared(r)
        if found is None:
            raise KeyError(str(r))
        return self.switches[found[0]].interfaces[found[1]]

    def _declared(self, ref: InterfaceRef) -> tuple[str, str] | None:
        """(owning switch, declared name) of a switch interface named in any spelling."""
        sw = self.switches.get(ref.device)
        if sw is None:
            return None
        # the declared spelling first: the engine asks with it, per port
        if ref.interface in sw.interfaces:
            return ref.device, ref.interface
        if sw.stack:
            for member in self.stack_members(sw.stack):
                if ref.interface in self.switches[member].interfaces:
                    return member, ref.interface
        # another spelling: by canonical key, in an index built on the first such lookup
        index = self.derived("model.interface_names", lambda: interface_names(self.switches))
        names = index.get(sw.stack or ref.device)
        return names.get(interface_key(ref.interface)) if names else None

    def interface_owner(self, ref: InterfaceRef) -> str | None:
        """The switch that declares ``ref``'s interface (in any spelling): the device, or a member of its stack."""
        sw = self.switches.get(ref.device)
        if sw is not None and ref.interface in sw.interfaces:
            return ref.device  # the engine's per-port question, asked with the declared spelling
        found = self._declared(ref)
        return found[0] if found is not None else None

    def resolve(self, ref: InterfaceRef) -> InterfaceRef:
        """``ref`` with the interface spelled as declared (``sw-a:gigabitethernet1/0/1`` -> ``sw-a:Gi1/0/1``);
        the device stays as written (a stack member naming its stack's ``Po``).  Unchanged when the interface
        is a host NIC or is not declared."""
        if ref.device not in self.switches:
            return ref
        found = self._declared(ref)
        if found is None or found[1] == ref.interface:
            return ref
        return InterfaceRef(ref.device, found[1])

    def resolve_failure(self, failure: FailureRef) -> FailureRef:
        """A failure with its interfaces spelled as declared (a link's ends in name order again)."""
        if failure.kind == "device":
            return failure
        assert failure.interface is not None
        a = self.resolve(failure.interface)
        if failure.kind == "interface":
            return failure if a is failure.interface else FailureRef("interface", a.device, a)
        assert failure.other is not None
        b = self.resolve(failure.other)
        if a is failure.interface and b is failure.other:
            return failure
        a, b = min(a, b), max(a, b)
        return FailureRef("link", a.device, a, b)

    def addresses(self) -> dict[str, Any]:
        """The address index: ``owner`` / ``more`` (address as an int -> port names), ``macs`` (declared),
        ``unnamed`` / ``unnamed_l3`` (ports without a MAC) and ``vips`` (FHRP address -> declaring interface)."""
        return self._idx()["addresses"]

    def link_at(self, ref: InterfaceRef) -> Link | None:
        got = self._idx()["link_at"].get(ref)
        if got is None and ref.device in self.switches:
            declared = self.resolve(ref)  # another spelling of a switch interface
            if declared is not ref:
                got = self._idx()["link_at"].get(declared)
        return got

    def stack_members(self, stack: str) -> list[str]:
        return self._idx()["stacks"].get(stack, [])

    def logical_switch(self, switch: str) -> str:
        """The control plane a switch belongs to: its stack's name, else its own."""
        return self.switches[switch].stack or switch

    def portgroup_of(self, host: str, network: str) -> tuple[str, str, str] | None:
        """Resolve a VM NIC's or vmk's ``network`` on ``host``.

        Returns ``("vss", vswitch, label)`` or ``("vds", dvswitch, label)``, or None.
        """
        h = self.hosts.get(host)
        if h is None:
            return None
        if "/" in network:
            dvs_name, _, label = network.partition("/")
            dvs = self.dvswitches.get(dvs_name)
            if dvs is not None and host in dvs.hosts and label in dvs.portgroups:
                return ("vds", dvs_name, label)
        vs = h.portgroup_vswitch(network)
        if vs is not None:
            return ("vss", vs, network)
        return None

    def vms_on(self, host: str) -> list[str]:
        return self._idx()["vms_on"].get(host, [])

    def cluster_hosts(self, cluster: str) -> list[str]:
        return self._idx()["cluster_hosts"].get(cluster, [])

    def iter_interfaces(self) -> Iterator[tuple[InterfaceRef, SwitchInterface | Nic]]:
        for sname, sw in self.switches.items():
            for iname, iface in sw.interfaces.items():
                yield InterfaceRef(sname, iname), iface
        for hname, host in self.hosts.items():
            for nname, nic in host.nics.items():
                yield InterfaceRef(hname, nname), nic

    def summary(self) -> dict[str, int]:
        return {
            "hosts": len(self.hosts),
            "vms": len(self.vms),
            "switches": len(self.switches),
            "links": len(self.links),
        }


def _build_index(inv: Inventory) -> dict[str, Any]:
    link_at: dict[InterfaceRef, Link] = {}
    for link in inv.links:
        link_at[link.a] = link
        link_at[link.b] = link
    stacks: dict[str, list[str]] = {}
    for name, sw in inv.switches.items():
        if sw.stack:
            stacks.setdefault(sw.stack, []).append(name)
    vms_on: dict[str, list[str]] = {}
    for name, vm in inv.vms.items():
        vms_on.setdefault(vm.host, []).append(name)
    cluster_hosts: dict[str, list[str]] = {}
    for name, host in inv.hosts.items():
        if host.cluster:
            cluster_hosts.setdefault(host.cluster, []).append(name)
    return {"link_at": link_at, "stacks": stacks, "vms_on": vms_on, "cluster_hosts": cluster_hosts,
            "addresses": _addresses(inv)}


def interface_names(switches: dict[str, Switch]) -> dict[str, dict[str, tuple[str, str]]]:
    """Per logical switch (a stack's name, else the switch's): canonical key -> (member, declared name),
    the first declaration winning (a second spelling is a load error, see :func:`_spelling_problems`)."""
    out: dict[str, dict[str, tuple[str, str]]] = {}
    for sname, sw in switches.items():
        names = out.setdefault(sw.stack or sname, {})
        for iname in sw.interfaces:
            names.setdefault(interface_key(iname), (sname, iname))
    return out


def _addresses(inv: Inventory) -> dict[str, Any]:
    """Who has which address and MAC, by endpoint name (``vm``, ``vm:nic1``, ``host:vmk0``, ``switch:Vlan10``):
    one pass over every port, so that a question about one address does not walk the design."""
    owner: dict[int, str] = {}  # address -> the first port holding it
    more: dict[int, list[str]] = {}  # address -> every port holding it, when several do
    macs: set[str] = set()  # declared MACs
    unnamed: list[str] = []  # host ports without a MAC
    unnamed_l3: list[str] = []  # router interfaces without a MAC
    vips: dict[int, tuple[str, str]] = {}  # FHRP virtual IP -> the (switch, interface) declaring it first

    def own(addr: int, name: str) -> None:
        if addr in owner:
            more.setdefault(addr, [owner[addr]]).append(name)
        else:
            owner[addr] = name

    for hname, host in inv.hosts.items():
        for kname, vmk in host.vmkernel.items():
            name = f"{hname}:{kname}"
            if vmk.ip is not None:
                own(int(vmk.ip), name)
            if vmk.mac is not None:
                macs.add(vmk.mac)
            else:
                unnamed.append(name)
    # the VMs' NICs, most of a design's ports: own() written out (a call per port was a quarter of this pass), and
    # int() of an address read as the ``_ip`` that ipaddress answers it with, without the method call
    add_mac, add_unnamed = macs.add, unnamed.append
    for vname, vm in inv.vms.items():
        for i, nic in enumerate(vm.nics):
            name = vname if i == 0 else f"{vname}:nic{i}"
            ip = nic.ip
            if ip is not None:
                addr = ip._ip
                if addr in owner:
                    more.setdefault(addr, [owner[addr]]).append(name)
                else:
                    owner[addr] = name
            mac = nic.mac
            if mac is not None:
                add_mac(mac)
            else:
                add_unnamed(name)
    for sname, sw in inv.switches.items():
        for iname, iface in sw.interfaces.items():
            if iface.ip is not None:
                name = f"{sname}:{iname}"
                own(int(iface.ip), name)
                if iface.mac is not None:
                    macs.add(iface.mac)
                else:
                    unnamed_l3.append(name)
            elif iface.fhrp is None:
                continue
            # an anycast-only SVI (no 'ip') has no address of its own, only its group's
            if iface.fhrp is not None and int(iface.fhrp.vip) not in vips:
                vips[int(iface.fhrp.vip)] = (sname, iname)
                own(int(iface.fhrp.vip), str(iface.fhrp.vip))
    return {"owner": owner, "more": more, "macs": macs, "unnamed": unnamed, "unnamed_l3": unnamed_l3, "vips": vips}


# --------------------------------------------------------------------------------------
# building and validating
# --------------------------------------------------------------------------------------

SECTIONS: dict[str, type[Spec]] = {
    "switches": Switch,
    "hosts": Host,
    "dvswitches": DvSwitch,
    "clusters": Cluster,
    "datastores": Datastore,
    "vms": Vm,
    "templates": Template,
}
TOP_KEYS = ("name", "description", *SECTIONS, "links", "failures")


def _model_at(model: Any, loc: tuple[Any, ...]) -> Any:
    """The model class found by walking ``loc`` down from ``model`` (for key suggestions)."""
    current: Any = model
    for step in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(step))
            if field is None:
                return None
            current = field.annotation
        elif get_origin(current) in (dict, list, tuple):
            args = get_args(current)
            current = args[-1] if args else None
        else:
            return None
    return _unwrap(current)


def _unwrap(tp: Any) -> Any:
    while True:
        origin = get_origin(tp)
        if origin is Union or str(origin) == "types.UnionType":
            models = [a for a in get_args(tp) if isinstance(a, type) and issubclass(a, BaseModel)]
            others = [a for a in get_args(tp) if get_origin(a) in (dict, list)]
            tp = models[0] if models else (others[0] if others else tp)
            if tp is None or get_origin(tp) in (Union,):
                return tp
            if get_origin(tp) is not Union:
                return tp
        elif str(origin).endswith("Annotated"):
            tp = get_args(tp)[0]
        else:
            return tp


def _pydantic_problems(model: type[Spec], base: Path, exc: ValidationError) -> list[Problem]:
    problems: list[Problem] = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and ("[" in p or p.startswith("function-"))))
        kind = err["type"]
        path = base + loc
        if kind == "extra_forbidden":
            key = loc[-1] if loc else "?"
            parent = _model_at(model, loc[:-1])
            hint = ""
            if isinstance(parent, type) and issubclass(parent, BaseModel):
                names = [n for n, f in parent.model_fields.items() if not f.exclude]
                close = difflib.get_close_matches(str(key), names, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else f" (expected one of: {', '.join(names)})"
            problems.append(Problem(path, f"unknown key '{key}'{hint}", "key"))
        elif kind == "missing":
            problems.append(Problem(path[:-1], f"missing required key '{loc[-1]}'", "key"))
        else:
            msg = err["msg"]
            for prefix in ("Value error, ", "Assertion failed, "):
                if msg.startswith(prefix):
                    msg = msg[len(prefix) :]
            value = err.get("input")
            got = f" (got {shown(value)})" if not isinstance(value, (dict, list)) and "got" not in msg else ""
            problems.append(Problem(path, f"{msg}{got}"))
    return problems


def _normalize_link(raw: Any) -> Any:
    if isinstance(raw, list):
        if len(raw) != 2:
            raise ValueError(f"a link names exactly two interfaces, got {len(raw)}")
        return {"a": raw[0], "b": raw[1]}
    return raw


def build_inventory(data: Any, *, consume: bool = False) -> tuple[Inventory | None, list[Problem]]:
    """Validate a plain-data design; return the Inventory and every problem found.

    ``consume=True`` (a caller that parsed ``data`` itself and keeps no other use of it): each item of the
    named sections (:data:`SECTIONS`) is taken out of ``data`` as it is validated, so the parsed tree is
    freed while the model grows and the two are never both whole in memory (at 10,000 hosts the tree is
    about 0.9 GB and the model about as much).  Those sections are left empty in ``data``: a caller that
    must locate a problem under them parses the text again (:data:`SECTIONS` names them).  With
    ``consume=True`` a named section may also be given as a :class:`Deferred`, made when it is reached."""
    problems: list[Problem] = []
    if not isinstance(data, dict):
        return None, [Problem((), "a design is a mapping with at least a 'name' key")]
    for key in data:
        if key not in TOP_KEYS:
            close = difflib.get_close_matches(str(key), TOP_KEYS, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else f" (expected one of: {', '.join(TOP_KEYS)})"
            problems.append(Problem((key,), f"unknown key '{key}'{hint}", "key"))
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append(Problem(("name",) if "name" in data else (), "the design needs a 'name' (a non-empty string)",
                                "value" if "name" in data else "key"))
    description = data.get("description")
    if description is not None and not isinstance(description, str):
        problems.append(Problem(("description",), "'description' must be a string"))
        description = None

    sections: dict[str, dict[str, Any]] = {}
    invalid: set[str] = set()  # items already reported: references to them are not errors again
    for section, model in SECTIONS.items():
        raw = data.get(section)
        if consume and isinstance(raw, Deferred):
            raw = data[section] = raw()
        out = sections[section] = {}
        if raw is None:
            continue
        if not isinstance(raw, dict):
            problems.append(Problem((section,), f"'{section}' must be a mapping of name to settings"))
            continue
        validate = model.__pydantic_validator__.validate_python  # model_validate without its wrapper, per item
        # V: 'vm:nic1' addresses a VM's NIC, so a VM's or template's name is a label
        check, what = (check_name, "device name") if section in ("switches", "hosts") else (
            (check_label, f"{section[:-1]} name") if section in ("vms", "templates") else (None, ""))
        vms = section == "vms"
        share_vswitches = consume and section == "hosts"  # parsed data only: see _shared_vswitches
        for item_name, item in (_taken(raw) if consume else raw.items()):
            if not isinstance(item_name, str):
                problems.append(Problem((section, item_name), f"{section} are named by strings, got {shown(item_name)}", "key"))
                continue
            if check is not None:
                try:
                    check(item_name, what)
                except ValueError as exc:
                    problems.append(Problem((section, item_name), str(exc), "key"))
                    continue
            if item is None:
                item = {}
            if not isinstance(item, dict):
                problems.append(Problem((section, item_name), f"'{item_name}' must be a mapping of settings"))
                continue
            if "name" in item:
                problems.append(Problem((section, item_name, "name"), "unknown key 'name' (the name is the key above)", "key"))
                continue
            # the name is the last key, as in a copy with it added; a consumed item is the loader's own and gets it
            # for the validation only (a copy per item cost as much as the rest of this loop), the caller's not
            if consume:
                item["name"] = item_name
            else:
                item = {**item, "name": item_name}
            raw_vswitches = item.get("vswitches") if share_vswitches else None
            if type(raw_vswitches) is dict:
                item["vswitches"] = _shared_vswitches(raw_vswitches)
            try:
                obj = validate(item)
            except ValidationError as exc:
                problems.extend(_pydantic_problems(model, (section, item_name), exc))
                invalid.add(item_name)
                continue
            finally:
                if consume:  # the item as parsed again: the same dict may stand for an alias elsewhere
                    del item["name"]
                    if type(raw_vswitches) is dict:
                        item["vswitches"] = raw_vswitches
            if consume:
                _share_fields_set(obj)
                if vms:
                    for nic in obj.nics:  # type: ignore[attr-defined]
                        _share_fields_set(nic)
            out[item_name] = obj

    links: list[Link] = []
    # `is None`, not falsiness: `links: {}` or `links: 0` is a wrong type, not an empty list
    raw_links = data.get("links")
    if raw_links is None:
        raw_links = []
    elif not isinstance(raw_links, list):
        problems.append(Problem(("links",), "'links' must be a list"))
        raw_links = []
    link_paths: list[Path] = []
    validate_link = Link.__pydantic_validator__.validate_python  # model_validate without its wrapper, per link
    for i, raw in enumerate(raw_links):
        try:
            link = validate_link(_normalize_link(raw))
        except ValueError as exc:
            if isinstance(exc, ValidationError):
                for p in _pydantic_problems(Link, ("links", i), exc):
                    if isinstance(raw, list) and len(p.path) > 2 and p.path[2] in ("a", "b"):
                        p = Problem(("links", i, 0 if p.path[2] == "a" else 1), p.message, p.at)
                    problems.append(p)
            else:
                problems.append(Problem(("links", i), str(exc)))
            continue
        links.append(link)
        link_paths.append(("links", i))

    failures: list[FailureRef] = []
    raw_failures = data.get("failures")
    if raw_failures is None:
        raw_failures = []
    elif not isinstance(raw_failures, list):
        problems.append(Problem(("failures",), "'failures' must be a list"))
        raw_failures = []
    failure_paths: list[Path] = []
    for i, raw in enumerate(raw_failures):
        try:
            failures.append(FailureRef.parse(raw))
            failure_paths.append(("failures", i))
        except ValueError as exc:
            problems.append(Problem(("failures", i), str(exc)))

    switches = _resolve_stacks(sections["switches"], problems)
    names = _spelling_problems(switches, problems)
    switches, links, failures = _declared_spellings(switches, names, links, failures)
    inv = Inventory.model_construct(
        name=name if isinstance(name, str) else "",
        description=description,
        switches=switches,
        hosts=sections["hosts"],
        dvswitches=sections["dvswitches"],
        clusters=sections["clusters"],
        datastores=sections["datastores"],
        vms=sections["vms"],
        templates=sections["templates"],
        links=links,
        failures=failures,
    )
    ref_problems: list[Problem] = []
    _check_references(inv, data, link_paths, failure_paths, ref_problems)
    longest = max(map(len, invalid), default=0)
    problems.extend(p for p in ref_problems if not _mentions(p.message, invalid, longest))
    if problems:
        return None, problems
    inv._idx()  # the lookup index (cables, stacks, addresses) is part of a loaded design
    return inv, problems


_FIELDS_SETS: dict[tuple[type, frozenset[str]], set[str]] = {}
_LAST_FIELDS_SET: dict[type, set[str]] = {}


def _share_fields_set(obj: BaseModel) -> None:
    """Give ``obj`` the one set of its class holding the same field names, instead of its own.

    Every model carries the set of fields its input named (pydantic's ``model_fields_set``); a VM's has
    seven names, which takes a 712-byte table: 110 MB at 10,000 hosts for a few dozen distinct sets.
    Sharing is safe because the models are frozen (pydantic refuses an assignment before it would add
    to the set) and ``model_copy`` copies the set before it adds the updated names."""
    own = obj.__pydantic_fields_set__
    cls = type(obj)
    # the set the previous item of the class was given, first: most items of a section name the same fields,
    # and comparing two sets costs less than making the frozenset key
    shared = _LAST_FIELDS_SET.get(cls)
    if shared is None or shared != own:
        key = (cls, frozenset(own))
        shared = _FIELDS_SETS.get(key)
        if shared is None:
            if len(_FIELDS_SETS) >= 4096:
                _FIELDS_SETS.clear()  # bounded, whatever the designs a long-lived process loads
            shared = _FIELDS_SETS[key] = own
        _LAST_FIELDS_SET[cls] = shared
    if shared is not own:
        object.__setattr__(obj, "__pydantic_fields_set__", shared)


_VSWITCHES: dict[bytes, VSwitch | None] = {}
_dumps = orjson.dumps
_NO_LOOK_ALIKES = orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_SUBCLASS


def _shared_vswitches(raw: dict[Any, Any]) -> dict[Any, Any]:
    """A host's ``vswitches`` with each standard vSwitch that validates replaced by the one :class:`VSwitch` of
    its exact spelling: the hosts of a cluster repeat the same vSwitch, port groups and teaming (at 2,500 hosts,
    79 distinct ones), which was half the time of validating the hosts.

    A vSwitch's validation reads nothing but its own block and gives a frozen object, so the same block gives an
    equal object, as SharedSpec's blocks do.  The key is the block's JSON text, which writes ``1``, ``1.0``,
    ``true`` and ``"1"``, or ``0.0`` and ``-0.0``, apart; that holds for parsed data only (YAML or JSON: dicts,
    lists, strings, numbers, booleans, null), which is why only ``consume=True`` shares.  JSON cannot write
    what else might come (an integer past 64 bits, an odd string): that raises and the block is validated as
    before; NaN and the infinities are written ``null``, so a block with a ``null`` is not shared.  A block
    that does not validate is left as written, for the host's validation to report where it is."""
    out: dict[Any, Any] = {}
    for name, block in raw.items():
        out[name] = block
        if type(block) is not dict:
            continue
        try:
            key = _dumps(block, option=_NO_LOOK_ALIKES)
        except TypeError:  # orjson.JSONEncodeError
            continue
        if b"null" in key:
            continue
        got = _VSWITCHES.get(key, block)
        if got is block:
            try:
                got = _validate_vswitch(block)
            except ValidationError:
                got = None
            if len(_VSWITCHES) >= 1024:
                _VSWITCHES.clear()  # bounded, whatever the designs a long-lived process loads
            _VSWITCHES[key] = got
        if got is not None:
            out[name] = got
    return out


_validate_vswitch = VSwitch.__pydantic_validator__.validate_python


class Deferred:
    """A section's data made only when :func:`build_inventory` reaches it (``consume=True``): the loader
    parses a large design section by section, so that one section's parsed tree is alive at a time."""

    __slots__ = ("_make",)

    def __init__(self, make: Callable[[], Any]) -> None:
        self._make = make

    def __call__(self) -> Any:
        return self._make()


def _taken(raw: dict[Any, Any]) -> Iterator[tuple[Any, Any]]:
    """``raw``'s items in order, each removed from ``raw`` as it is handed out (so it is freed once used)."""
    for key in list(raw):
        yield key, raw.pop(key)


def _mentions(message: str, names: set[str], longest: int) -> bool:
    """Whether ``message`` names one of ``names`` as ``'name'`` or ``name:``.

    Looks up the message's quoted spans and the text before each colon (up to ``longest``
    characters) in the set, rather than searching the message for every name: when all 2,500
    hosts of a design are invalid, tens of thousands of reference problems are filtered
    against them, which took 20 s the quadratic way."""
    if not names:
        return False
    start = message.find("'")
    while start != -1:
        end = message.find("'", start + 1)
        while end != -1 and end - start - 1 <= longest:
            if message[start + 1 : end] in names:
                return True
            end = message.find("'", end + 1)
        start = message.find("'", start + 1)
    colon = message.find(":")
    while colon != -1:
        for k in range(max(0, colon - longest), colon + 1):
            if message[k:colon] in names:
                return True
        colon = message.find(":", colon + 1)
    return False


STACK_KEYS = ("role", "platform", "mac_aging_s", "stp", "vlans")


def _resolve_stacks(switches: dict[str, Switch], problems: list[Problem]) -> dict[str, Switch]:
    """Stack members inherit each other's settings; then platform defaults are filled."""
    stacks: dict[str, list[str]] = {}
    for name, sw in switches.items():
        if sw.stack:
            stacks.setdefault(sw.stack, []).append(name)
    out = dict(switches)
    for stack, members in stacks.items():
        update: dict[str, Any] = {}
        for key in STACK_KEYS:
            setters = [(m, getattr(switches[m], key)) for m in members if key in switches[m].model_fields_set]
            values = {repr(v) for _, v in setters}
            if len(values) > 1:
                first_m, first_v = setters[0]
                for m, v in setters[1:]:
                    if repr(v) != repr(first_v):
                        problems.append(Problem(("switches", m, key),
                                                f"stack '{stack}': member {m} sets {key} {_show(v)} but {first_m} sets {_show(first_v)}; "
                                                "members of one stack must agree", "key"))
            elif setters:
                update[key] = setters[0][1]
        for m in members:
            out[m] = switches[m].model_copy(update=update)
    for name, sw in out.items():
        defaults = PLATFORM_DEFAULTS[sw.platform]
        upd: dict[str, Any] = {}
        if sw.mac_aging_s is None:
            upd["mac_aging_s"] = defaults["mac_aging_s"]
        if sw.stp.mode is None:
            upd["stp"] = sw.stp.model_copy(update={"mode": defaults["stp_mode"]})
        ifaces = None
        for iname, iface in sw.interfaces.items():
            if svi_vlan(iname) is not None and iface.arp_timeout_s is None:
                if ifaces is None:
                    ifaces = dict(sw.interfaces)
                ifaces[iname] = iface.model_copy(update={"arp_timeout_s": defaults["arp_timeout_s"]})
        if ifaces is not None:
            upd["interfaces"] = ifaces
        if upd:
            out[name] = sw.model_copy(update=upd)
    return out


def _spelling_problems(switches: dict[str, Switch], problems: list[Problem]) -> dict[str, dict[str, tuple[str, str]]]:
    """One interface declared twice on a switch or a stack, in the same spelling (across members) or in two
    (``Gi1/0/1`` and ``GigabitEthernet1/0/1``, topology-v1 "Names and forms met in vendor configs").
    Returns :func:`interface_names`' index, worked out on the way."""
    seen: dict[str, dict[str, tuple[str, str]]] = {}  # logical switch -> key -> (member, declared name)
    for sname, sw in switches.items():
        names = seen.setdefault(sw.stack or sname, {})
        for iname in sw.interfaces:
            key = interface_key(iname)
            first = names.get(key)
            if first is None:
                names[key] = (sname, iname)
                continue
            fm, fname = first
            if fname == iname:
                msg = f"stack '{sw.stack}': interface {iname} is declared on both {fm} and {sname}"
            elif fm == sname:
                msg = f"{iname} and {fname} name the same interface of {sname}; declare it once"
            else:
                msg = f"stack '{sw.stack}': {iname} on {sname} and {fname} on {fm} name the same interface; declare it once"
            problems.append(Problem(("switches", sname, "interfaces", iname), msg, "key"))
    return seen


def _declared_spellings(switches: dict[str, Switch], names: dict[str, dict[str, tuple[str, str]]], links: list[Link],
                        failures: list[FailureRef]) -> tuple[dict[str, Switch], list[Link], list[FailureRef]]:
    """Every reference to a switch interface (links, link-state tracking, passive interfaces, failures)
    spelled as the interface's declaration is, so that everything downstream compares declared names.
    A reference that resolves to nothing stays as written, for :func:`_check_references` to report."""

    def declared(device: str, iname: str) -> str:
        sw = switches.get(device)
        if sw is None or iname in sw.interfaces:
            return iname
        got = names.get(sw.stack or device, {}).get(interface_key(iname))
        return got[1] if got is not None else iname

    def ref(r: InterfaceRef) -> InterfaceRef:
        name = declared(r.device, r.interface)
        return r if name == r.interface else InterfaceRef(r.device, name)

    out_links = []
    for link in links:
        a, b = ref(link.a), ref(link.b)
        out_links.append(link if a is link.a and b is link.b else link.model_copy(update={"a": a, "b": b}))
    out_failures = []
    for f in failures:
        if f.kind == "interface":
            assert f.interface is not None
            a = ref(f.interface)
            f = f if a is f.interface else FailureRef("interface", a.device, a)
        elif f.kind == "link":
            assert f.interface is not None and f.other is not None
            a, b = ref(f.interface), ref(f.other)
            if a is not f.interface or b is not f.other:
                a, b = min(a, b), max(a, b)
                f = FailureRef("link", a.device, a, b)
        out_failures.append(f)
    out_switches = dict(switches)
    for sname, sw in switches.items():
        update: dict[str, Any] = {}
        groups = [g.model_copy(update={role: [declared(sname, n) for n in getattr(g, role)] for role in ("upstream", "downstream")})
                  for g in sw.link_state_tracking]
        if groups != sw.link_state_tracking:
            update["link_state_tracking"] = groups
        if sw.routing is not None:
            passive = [declared(sname, n) for n in sw.routing.passive_interfaces]
            if passive != sw.routing.passive_interfaces:
                update["routing"] = sw.routing.model_copy(update={"passive_interfaces": passive})
        if update:
            out_switches[sname] = sw.model_copy(update=update)
    return out_switches, out_links, out_failures


def _show(value: Any) -> str:
    if isinstance(value, BaseModel):
        return str(value.model_dump(mode="json", exclude_defaults=True))
    return str(value)


def _check_once(value: str, good: set[str], check: Callable[[str, str], object], what: str, path: Path,
                add: Callable[[Problem], None]) -> None:
    """``check`` a name once per distinct spelling (``good`` holds those that passed): a design repeats the same
    interface and port group names on every host and switch."""
    if value in good:
        return
    try:
        check(value, what)
        good.add(value)
    except ValueError as exc:
        add(Problem(path, str(exc), "key"))


def _check_references(inv: Inventory, data: dict[str, Any], link_paths: list[Path],
                      failure_paths: list[Path], problems: list[Problem]) -> None:
    add = problems.append
    for name in inv.switches:
        if name in inv.hosts:
            add(Problem(("hosts", name), f"duplicate name: '{name}' is both a switch and a host", "key"))
    stacks = {sw.stack for sw in inv.switches.values() if sw.stack}
    for stack in stacks:
        if stack in inv.switches or stack in inv.hosts:
            add(Problem(("switches",), f"duplicate name: stack '{stack}' has the name of a device", "key"))

    # names checked once each: thousands of hosts and switches repeat a few NIC and interface names and port
    # group labels
    good_names: set[str] = set()
    good_labels: set[str] = set()

    # switches ------------------------------------------------------------------------
    for sname, sw in inv.switches.items():
        base: Path = ("switches", sname)
        scope = set(sw.interfaces)
        if sw.stack:
            for m in inv.stack_members(sw.stack):
                scope |= set(inv.switches[m].interfaces)
        for iname, iface in sw.interfaces.items():
            ipath = base + ("interfaces", iname)
            _check_once(iname, good_names, check_name, "interface name", ipath, add)
            vlan = svi_vlan(iname)
            if vlan is not None and not 1 <= vlan <= 4094:
                add(Problem(ipath, f"SVI {iname}: VLAN {vlan} is out of range 1-4094", "key"))
            po = po_number(iname)
            if (iface.peer_link or iface.mlag_id is not None) and po is None:
                key = "peer_link" if iface.peer_link else "mlag_id"
                add(Problem(ipath + (key,), f"'{key}' belongs on a port-channel (Po<N>), not on {iname}", "key"))
            if (iface.peer_link or iface.mlag_id is not None) and sw.mlag is None:
                key = "peer_link" if iface.peer_link else "mlag_id"
                add(Problem(ipath + (key,), f"'{key}' needs the switch to be in an MLAG pair ('mlag: {{peer: ...}}')", "key"))
            if iface.channel_group is not None and (po is not None or vlan is not None):
                add(Problem(ipath + ("channel_group",), f"{iname} cannot be a member of a port-channel", "key"))
            if iface.fhrp is not None and vlan is None:
                add(Problem(ipath + ("fhrp",), "FHRP is configured on an SVI (Vlan<N>)", "key"))
            if iface.fhrp is not None and iface.ip is None and iface.address is None:
                if iface.fhrp.anycast:
                    add(Problem(ipath + ("fhrp", "vip"), f"{iname} has no 'ip': an anycast gateway that is its only "
                                "address carries its prefix (vip: 10.1.11.1/24)"))
                else:
                    add(Problem(ipath + ("fhrp",), f"{iname} has an FHRP group but no 'ip'", "key"))
            vip_if = iface.fhrp.vip_interface if iface.fhrp is not None else None
            if vip_if is not None and iface.ip is not None and vip_if.network != iface.ip.network:
                add(Problem(ipath + ("fhrp", "vip"), f"virtual IP {vip_if} is not in {iname}'s subnet {iface.ip.network}"))
            if iface.ip is not None and vlan is None and iface.mode != "routed":
                add(Problem(ipath + ("ip",), f"{iname} has an address but is not routed: set 'mode: routed' or use an SVI", "key"))
        if sw.mlag is not None:
            peer = inv.switches.get(sw.mlag.peer)
            mpath = base + ("mlag", "peer")
            if peer is None:
                add(Problem(mpath, f"MLAG peer '{sw.mlag.peer}' is not a declared switch"))
            elif peer.mlag is None or peer.mlag.peer != sname:
                add(Problem(mpath, f"MLAG peer '{sw.mlag.peer}' does not point back at {sname}"))
            elif peer.mlag.domain_id != sw.mlag.domain_id:
                add(Problem(base + ("mlag", "domain"), f"MLAG domain {sw.mlag.domain_id} differs from peer {sw.mlag.peer}'s {peer.mlag.domain_id}; both peers state the same domain"))
            if sw.mlag.peer == sname:
                add(Problem(mpath, "a switch cannot be its own MLAG peer"))
        for gi, group in enumerate(sw.link_state_tracking):
            for role in ("upstream", "downstream"):
                for k, iname in enumerate(getattr(group, role)):
                    if iname not in scope:
                        add(Problem(base + ("link_state_tracking", gi, role, k),
                                    f"link-state tracking group {group.group}: {sname} has no interface {iname}"))
        if sw.routing is not None:
            for k, iname in enumerate(sw.routing.passive_interfaces):
                if iname not in scope:
                    add(Problem(base + ("routing", "passive_interfaces", k), f"passive interface {iname}: {sname} has no such interface"))

    # hosts ---------------------------------------------------------------------------
    nic_owner: dict[tuple[str, str], str] = {}
    # host -> port group label -> the first standard vSwitch holding it (Host.portgroup_vswitch, precomputed
    # for the VMs' NICs below)
    vss_of: dict[str, dict[str, str]] = {}
    for hname, host in inv.hosts.items():
        base = ("hosts", hname)
        for nname in host.nics:
            if nname in good_names:
                continue
            try:
                check_name(nname, "interface name")
                good_names.add(nname)
            except ValueError as exc:
                add(Problem(base + ("nics", nname), str(exc), "key"))
        if host.cluster is not None and host.cluster not in inv.clusters:
            add(Problem(base + ("cluster",), f"cluster '{host.cluster}' is not declared under 'clusters'"))
        for k, ds in enumerate(host.datastores):
            if ds not in inv.datastores:
                add(Problem(base + ("datastores", k), f"datastore '{ds}' is not declared under 'datastores'"))
        labels: dict[str, str] = {}
        first_vss = vss_of[hname] = {}
        for vname, vs in host.vswitches.items():
            vpath = base + ("vswitches", vname)
            for k, up in enumerate(vs.uplinks):
                if up not in host.nics:
                    add(Problem(vpath + ("uplinks", k), f"uplink {up} is not a NIC of {hname} (declare it under 'nics')"))
                elif (hname, up) in nic_owner:
                    add(Problem(vpath + ("uplinks", k), f"{up} already backs {nic_owner[(hname, up)]}; a vmnic backs one switch"))
                else:
                    nic_owner[(hname, up)] = vname
            _check_team(vs.teaming, vs.uplinks, vpath + ("teaming",), vname, add)
            for label, pg in vs.portgroups.items():
                ppath = vpath + ("portgroups", label)
                first_vss.setdefault(label, vname)
                _check_once(label, good_labels, check_label, "port group name", ppath, add)
                if label in labels:
                    add(Problem(ppath, f"port group '{label}' is on both {labels[label]} and {vname}; labels are unique per host", "key"))
                labels[label] = vname
                if pg.teaming is not None:
                    _check_team(pg.teaming, vs.uplinks, ppath + ("teaming",), vname, add)
        for kname, vmk in host.vmkernel.items():
            # a label without '/' names no vDS port group: the host's map answers (Inventory.portgroup_of)
            label = vmk.portgroup
            found = label in first_vss if "/" not in label else inv.portgroup_of(hname, label) is not None
            if not found:
                add(Problem(base + ("vmkernel", kname, "portgroup"),
                            f"{kname}: port group '{label}' does not exist on {hname}"))

    # distributed switches ---------------------------------------------------------------
    for dname, dvs in inv.dvswitches.items():
        base = ("dvswitches", dname)
        for hname, mapping in dvs.hosts.items():
            hpath = base + ("hosts", hname)
            host = inv.hosts.get(hname)
            if host is None:
                add(Problem(hpath, f"host '{hname}' is not declared under 'hosts'", "key"))
                continue
            for up, nic in mapping.items():
                if up not in dvs.uplinks:
                    add(Problem(hpath + (up,), f"'{up}' is not a dvUplink of {dname} ({', '.join(dvs.uplinks)})", "key"))
                if nic not in host.nics:
                    add(Problem(hpath + (up,), f"{nic} is not a NIC of {hname}"))
                elif (hname, nic) in nic_owner:
                    add(Problem(hpath + (up,), f"{nic} already backs {nic_owner[(hname, nic)]}; a vmnic backs one switch"))
                else:
                    nic_owner[(hname, nic)] = dname
        lags = set(dvs.lacp.lags)
        for lname, lag in dvs.lacp.lags.items():
            for k, up in enumerate(lag.uplinks):
                if up not in dvs.uplinks:
                    add(Problem(base + ("lacp", "lags", lname, "uplinks", k), f"LAG {lname}: '{up}' is not a dvUplink of {dname}"))
        allowed = list(dvs.uplinks) + [f"lag:{n}" for n in lags]
        _check_team(dvs.teaming, allowed, base + ("teaming",), dname, add)
        for label, pg in dvs.portgroups.items():
            try:
                check_label(label, "port group name")
            except ValueError as exc:
                add(Problem(base + ("portgroups", label), str(exc), "key"))
            if pg.teaming is not None:
                _check_team(pg.teaming, allowed, base + ("portgroups", label, "teaming"), dname, add)

    # clusters -----------------------------------------------------------------------------
    for cname, cl in inv.clusters.items():
        for ri, rule in enumerate(cl.rules):
            for k, vm in enumerate(rule.vms):
                if vm not in inv.vms:
                    add(Problem(("clusters", cname, "rules", ri, "vms", k), f"rule '{rule.name}': VM '{vm}' is not declared under 'vms'"))
            for k, h in enumerate(rule.hosts):
                if h not in inv.hosts:
                    add(Problem(("clusters", cname, "rules", ri, "hosts", k), f"rule '{rule.name}': host '{h}' is not declared under 'hosts'"))
                elif inv.hosts[h].cluster != cname:
                    add(Problem(("clusters", cname, "rules", ri, "hosts", k), f"rule '{rule.name}': host '{h}' is not in cluster {cname}"))

    # VMs and templates -----------------------------------------------------------------------
    datastores = inv.datastores
    for vname, vm in inv.vms.items():
        host_name = vm.host
        first_vss = vss_of.get(host_name)  # every declared host has its (maybe empty) map
        if first_vss is None:
            add(Problem(("vms", vname, "host"), f"host '{host_name}' is not declared under 'hosts'"))
        datastore = vm.datastore
        if datastore is not None and datastore not in datastores:
            add(Problem(("vms", vname, "datastore"), f"datastore '{datastore}' is not declared under 'datastores'"))
        if first_vss is None:
            continue
        for k, nic in enumerate(vm.nics):
            network, guest_vlan = nic.network, nic.guest_vlan
            if "/" in network:
                found = inv.portgroup_of(host_name, network)
            else:
                vs_name = first_vss.get(network)
                if vs_name is not None and guest_vlan is None:
                    continue  # most NICs: on a standard port group of the host, untagged
                found = None if vs_name is None else ("vss", vs_name, network)
            if found is None:
                add(Problem(("vms", vname, "nics", k, "network"), f"network '{network}' is not a port group on host {host_name}"))
            elif guest_vlan is not None:
                msg = guest_vlan_problem(inv, host_name, found, guest_vlan)
                if msg:
                    add(Problem(("vms", vname, "nics", k, "guest_vlan"), msg))
    for tname, tpl in inv.templates.items():
        if tpl.datastore is not None and tpl.datastore not in inv.datastores:
            add(Problem(("templates", tname, "datastore"), f"datastore '{tpl.datastore}' is not declared under 'datastores'"))

    # links -------------------------------------------------------------------------------------
    used: set[InterfaceRef] = set()
    hosts, switches = inv.hosts, inv.switches
    for link, lpath in zip(inv.links, link_paths, strict=True):
        ends = (0, 1) if isinstance(data["links"][lpath[1]], list) else ("a", "b")  # the keys the file wrote
        for end, ref in zip(ends, (link.a, link.b), strict=True):
            # the common cases of _undeclared_interface first, without the call: a host's NIC, a switch's own port
            host = hosts.get(ref.device)
            if host is not None:
                declared = ref.interface in host.nics
            else:
                sw = switches.get(ref.device)
                declared = sw is not None and ref.interface in sw.interfaces
            msg = None if declared else _undeclared_interface(inv, ref)
            if msg:
                add(Problem(lpath + (end,), msg))
                continue
            if po_number(ref.interface) is not None or svi_vlan(ref.interface) is not None:
                add(Problem(lpath + (end,), f"{ref} is a logical interface; Po and Vlan interfaces are never cabled"))
                continue
            if ref in used:
                add(Problem(lpath + (end,), f"{ref} is already cabled (an interface is in at most one link)"))
                continue
            used.add(ref)
        if link.a == link.b:
            add(Problem(lpath, f"a link cannot join {link.a} to itself"))

    # failures -----------------------------------------------------------------------------------
    for failure, fpath in zip(inv.failures, failure_paths, strict=True):
        msg = failure_problem(inv, failure)
        if msg:
            add(Problem(fpath, msg))


def guest_vlan_problem(inv: Inventory, host: str, found: tuple[str, str, str], guest_vlan: int) -> str | None:
    """Why a NIC on port group ``found`` (:meth:`Inventory.portgroup_of`) cannot tag ``guest_vlan``, or None.

    topology-v1 "VGT": a guest tags its frames only on a standard port group with VLAN 4095 (V3) or on a
    vDS VLAN trunk whose range holds the VLAN (V4); anywhere else the vSwitch tags or drops them itself."""
    kind, switch, label = found
    if kind == "vss":
        vlan = inv.hosts[host].vswitches[switch].portgroups[label].vlan
        if vlan == 4095:
            return None
        return (f"guest_vlan {guest_vlan}: port group '{label}' on {host} has VLAN {vlan}; a guest tags its own "
                "frames only on a VLAN 4095 port group (VGT) or a vDS VLAN trunk (V3, V4)")
    pg = inv.dvswitches[switch].portgroups[label]
    trunk = None if isinstance(pg.vlan, int) else pg.vlan.trunk
    if trunk is None:
        what = f"private VLAN {pg.vlan.pvlan}" if not isinstance(pg.vlan, int) and pg.vlan.pvlan else f"VLAN {pg.vlan_id}"
        return (f"guest_vlan {guest_vlan}: port group '{switch}/{label}' has {what}, not a VLAN trunk; a guest tags "
                "its own frames only on a VLAN 4095 port group (VGT) or a vDS VLAN trunk (V3, V4)")
    if guest_vlan not in trunk:
        return (f"guest_vlan {guest_vlan} is not in the VLAN trunk range {trunk} of port group '{switch}/{label}': "
                "the vDS drops its frames (V4)")
    return None


def _undeclared_interface(inv: Inventory, ref: InterfaceRef) -> str | None:
    if ref.device in inv.hosts:
        if ref.interface not in inv.hosts[ref.device].nics:
            return f"{ref}: host {ref.device} has no NIC {ref.interface} (declare it under 'nics')"
        return None
    if ref.device in inv.switches:
        if inv.interface_owner(ref) is None:
            return f"{ref}: switch {ref.device} has no interface {ref.interface}"
        return None
    return f"{ref}: no switch or host is named '{ref.device}'"


def failure_problem(inv: Inventory, failure: FailureRef) -> str | None:
    """Why a failure name does not resolve, or None when it does."""
    if failure.kind == "device":
        if failure.device in inv.switches or failure.device in inv.hosts:
            return None
        stacks = {sw.stack for sw in inv.switches.values()}
        if failure.device in stacks:
            return f"'{failure.device}' is a stack; fail its members instead"
        return f"failure '{failure.device}': no switch or host has that name"
    if failure.kind == "interface":
        assert failure.interface is not None
        return _undeclared_interface(inv, failure.interface)
    assert failure.interface is not None and failure.other is not None
    failure = inv.resolve_failure(failure)
    assert failure.interface is not None and failure.other is not None
    for ref in (failure.interface, failure.other):
        msg = _undeclared_interface(inv, ref)
        if msg:
            return msg
    link = inv.link_at(failure.interface)
    if link is None or link.other_end(failure.interface) != failure.other:
        return f"failure '{failure}': no link joins {failure.interface} and {failure.other}"
    return None


def _check_team(team: TeamingOverride, uplinks: list[str], path: Path, owner: str,
                add: Callable[[Problem], None]) -> None:
    for role in ("active", "standby", "unused"):
        for k, up in enumerate(getattr(team, role) or []):
            if up not in uplinks:
                add(Problem(path + (role, k), f"team {role} uplink {up} is not an uplink of {owner}"))
    if team.policy is not None and team.policy.startswith("lag:") and team.policy not in uplinks:
        add(Problem(path + ("policy",), f"teaming policy {team.policy}: {owner} has no such LAG"))


__all__ = ["Inventory", "Link", "Problem", "build_inventory", "guest_vlan_problem", "VSwitch"]
