"""Representations of inventory objects: *full* (the object's design data, as ``vinfra export`` writes it, plus
its name) and *brief* (a few fields to list and sort by), and the list filters (``?cluster=``, ``?host=``,
``?name__ic=``).  Plain functions of a :class:`~vinfra.server.store.Head`; lists are cached per head."""

from __future__ import annotations

from typing import Any

from .store import DICT_SECTIONS, Head, link_name

#: per section: the brief fields (after ``name``), and which filters apply
BRIEF_FIELDS: dict[str, tuple[str, ...]] = {
    "switches": ("role", "platform", "interfaces"),
    "hosts": ("cluster", "state", "product", "version", "vms"),
    "dvswitches": ("hosts",),
    "clusters": ("hosts", "drs", "ha"),
    "datastores": ("type", "transport", "capacity_gb"),
    "vms": ("host", "cluster", "power", "datastore"),
    "templates": ("guest", "datastore"),
    "links": ("a", "b", "speed"),
    "failures": (),
}
FILTERS: dict[str, frozenset[str]] = {
    "hosts": frozenset({"cluster", "host"}),
    "vms": frozenset({"cluster", "host"}),
    "clusters": frozenset({"cluster"}),
    "links": frozenset({"host"}),
}


def _vms_by_host(head: Head) -> dict[str, int]:
    def build() -> dict[str, int]:
        counts: dict[str, int] = {}
        for vm in head.data["vms"].values():
            counts[vm["host"]] = counts.get(vm["host"], 0) + 1
        return counts

    return _cached(head, "vms_by_host", build)


def _cached(head: Head, key: str, build: Any) -> Any:
    got = head.cache.get(key)
    if got is None:
        got = head.cache[key] = build()
    return got


def brief(head: Head, section: str, name: str, obj: Any) -> dict[str, Any]:
    hosts = head.data["hosts"]
    if section == "switches":
        return {"name": name, "role": obj.get("role"), "platform": obj.get("platform"),
                "interfaces": len(obj.get("interfaces", {}))}
    if section == "hosts":
        return {"name": name, "cluster": obj.get("cluster"), "state": obj["state"], "product": obj["product"],
                "version": obj.get("version"), "vms": _vms_by_host(head).get(name, 0)}
    if section == "dvswitches":
        return {"name": name, "hosts": len(obj.get("hosts", {}) or {})}
    if section == "clusters":
        return {"name": name, "hosts": sum(1 for h in hosts.values() if h.get("cluster") == name),
                "drs": obj["drs"]["enabled"], "ha": obj["ha"]["enabled"]}
    if section == "datastores":
        return {"name": name, "type": obj["type"], "transport": obj["transport"], "capacity_gb": obj["capacity_gb"]}
    if section == "vms":
        host = hosts.get(obj["host"], {})
        return {"name": name, "host": obj["host"], "cluster": host.get("cluster"), "power": obj["power"],
                "datastore": obj.get("datastore")}
    if section == "templates":
        return {"name": name, "guest": obj.get("guest"), "datastore": obj.get("datastore")}
    if section == "links":
        return {"name": name, "a": obj["a"], "b": obj["b"], "speed": obj.get("speed")}
    return {"name": name}


def full(section: str, name: str, obj: Any) -> dict[str, Any]:
    if section == "failures":
        return {"name": name}
    return {"name": name, **obj}


def items(head: Head, section: str) -> list[tuple[str, Any]]:
    """(name, data) of every object of a section, in design order."""
    if section in DICT_SECTIONS:
        return list(head.data.get(section, {}).items())
    if section == "links":
        return [(link_name(x), x) for x in head.data.get("links", [])]
    return [(str(x), x) for x in head.data.get("failures", [])]


def briefs(head: Head, section: str) -> list[dict[str, Any]]:
    return _cached(head, f"brief:{section}", lambda: [brief(head, section, n, o) for n, o in items(head, section)])


def matches(head: Head, section: str, row: dict[str, Any], cluster: str | None, host: str | None,
            name_ic: str | None) -> bool:
    if name_ic is not None and name_ic.lower() not in row["name"].lower():
        return False
    if cluster is not None:
        have = row["name"] if section == "clusters" else row.get("cluster")
        if have != cluster:
            return False
    if host is not None:
        if section == "hosts":
            return row["name"] == host
        if section == "vms":
            return row["host"] == host
        if section == "links":
            return row["a"].split(":")[0] == host or row["b"].split(":")[0] == host
    return True


def filtered(head: Head, section: str, cluster: str | None, host: str | None, name_ic: str | None
             ) -> list[dict[str, Any]]:
    """The brief rows :func:`matches` keeps, in design order; a VM's ``host`` or ``cluster`` filter reads an
    index by that field (built once per head) instead of testing every VM."""
    rows = briefs(head, section)
    if section == "vms" and (host is not None or cluster is not None):
        field, value = ("host", host) if host is not None else ("cluster", cluster)

        def build() -> dict[Any, list[dict[str, Any]]]:
            index: dict[Any, list[dict[str, Any]]] = {}
            for r in briefs(head, section):
                index.setdefault(r[field], []).append(r)
            return index

        rows = _cached(head, f"by:{section}:{field}", build).get(value, [])
    if cluster is None and host is None and name_ic is None:
        return rows
    return [r for r in rows if matches(head, section, r, cluster, host, name_ic)]
