"""Routes worked out one subnet at a time (``L3.route``) equal the whole tables built the classic way:
every router's connected subnets, then each subnet of its routing domain from the nearest router
holding it (ties to the name), through the neighbour first in name order on a shortest path."""

from __future__ import annotations

from ipaddress import IPv4Network

import networkx as nx
import pytest

import vinfra
from _paths import SHARED_EXAMPLES
from vinfra.network import Snapshot
from vinfra.network.l3 import L3
from vinfra.network.settings import Settings

DESIGNS = sorted(p for p in SHARED_EXAMPLES.glob("*.yaml") if not p.name.endswith(".expect.yaml")) if SHARED_EXAMPLES else []


def router_graph(l3: L3) -> nx.Graph:
    """The routing routers and their adjacencies (networkx is a test extra: src never imports it)."""
    g = nx.Graph()
    g.add_nodes_from(sorted(l3.routing))
    g.add_edges_from((a, b) for a, bs in l3.adjacency.items() for b in bs)
    return g


def classic_tables(l3: L3) -> dict[str, dict[IPv4Network, tuple]]:
    g = router_graph(l3)
    dist = dict(nx.all_pairs_shortest_path_length(g))
    tables: dict[str, dict[IPv4Network, tuple]] = {}
    for r in l3.routers:
        table: dict[IPv4Network, tuple] = {}
        for i in l3.by_router.get(r, []):
            if i.up and i.ip.network not in table:
                table[i.ip.network] = ("connected", i.ref, None, None, 0)
        if r in l3.routing:
            d = dist.get(r, {})
            best: dict[IPv4Network, tuple[int, str]] = {}
            for other, hops in d.items():
                if other == r:
                    continue
                for i in l3.by_router.get(other, []):
                    if i.up and i.ip.network not in table:
                        cand = (hops, other)
                        if i.ip.network not in best or cand < best[i.ip.network]:
                            best[i.ip.network] = cand
            for net, (hops, target) in best.items():
                first = min(n for n in g.neighbors(r) if dist[n].get(target, 1 << 30) == hops - 1)
                mine, theirs = l3.neighbours[(r, first)][0]
                table[net] = ("learned", mine.ref, theirs.ip.ip, first, hops)
        tables[r] = table
    return tables


@pytest.mark.parametrize("path", DESIGNS, ids=lambda p: p.stem)
def test_routes_match_the_classic_tables(path) -> None:
    snap = Snapshot(vinfra.load(path))
    l3 = snap.l3
    classic = classic_tables(l3)
    for r, table in classic.items():
        for net in table:
            for addr in (net.network_address, net.broadcast_address):
                rt = l3.route(r, addr)
                assert rt is not None
                # the longest match may be a more specific subnet holding that address
                best = max((n for n in table if addr in n), key=lambda n: n.prefixlen)
                assert rt.network == best
                assert (rt.kind, rt.iface.ref, rt.next_hop, rt.next_router, rt.hops) == table[best]


def _router(ifaces: dict) -> dict:
    return {"vlans": [1, 10, 30], "interfaces": ifaces, "routing": {"protocol": "ospf"}}


def test_longest_prefix_then_fewest_hops_then_router_name() -> None:
    """topology-v1 "Routing lookups": r1's connected /24 loses to the /26 that r2 and r3 both hold, one hop
    away each; the tie goes to r2 by name.  r4, two hops from r1 behind r3, holds a /27 inside it."""
    design = {"name": "t", "switches": {
        "r1": _router({"Vlan10": {"ip": "10.0.10.1/24"},
                       "Te1/1": {"mode": "routed", "ip": "10.9.1.1/30"}, "Te1/2": {"mode": "routed", "ip": "10.9.2.1/30"}}),
        "r3": _router({"Vlan30": {"ip": "10.0.10.194/26"}, "Te1/2": {"mode": "routed", "ip": "10.9.2.2/30"},
                       "Te1/3": {"mode": "routed", "ip": "10.9.3.1/30"}}),
        "r2": _router({"Vlan30": {"ip": "10.0.10.193/26"}, "Te1/1": {"mode": "routed", "ip": "10.9.1.2/30"}}),
        "r4": _router({"Vlan30": {"ip": "10.0.10.225/27"}, "Te1/3": {"mode": "routed", "ip": "10.9.3.2/30"}}),
    }, "links": [["r1:Te1/1", "r2:Te1/1"], ["r1:Te1/2", "r3:Te1/2"], ["r3:Te1/3", "r4:Te1/3"]]}
    # no L2 ports here: without autostate the SVIs are up whenever their switch lives
    snap = Snapshot(vinfra.from_data(design), settings=Settings(svi_autostate=False))
    l3 = snap.l3
    rt = l3.route("r1", IPv4Network("10.0.10.200/32").network_address)
    assert rt is not None and (str(rt.network), rt.kind, rt.next_router, rt.hops) == ("10.0.10.192/26", "learned", "r2", 1)
    rt = l3.route("r1", IPv4Network("10.0.10.230/32").network_address)
    assert rt is not None and (str(rt.network), rt.next_router, rt.hops) == ("10.0.10.224/27", "r3", 2)
    rt = l3.route("r1", IPv4Network("10.0.10.100/32").network_address)
    assert rt is not None and (str(rt.network), rt.kind) == ("10.0.10.0/24", "connected")
