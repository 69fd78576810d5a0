"""The logical layer-2 topology between switches, and the layer-2 domains it makes.

A *logical link* joins two port ends of different logical switches (a stack is one; see
topology-v1 "Stacks and MLAG pairs"): a bundled port-channel counts once, a stand-alone or
unchannelled port counts by itself, a suspended or down port not at all.  A *layer-2 domain*
of VLAN v is a connected set of (logical switch, VLAN) nodes, following each link's tagging
(a frame of VLAN v leaves one end with the tag :meth:`PortVlans.egress` gives and enters the
other end's VLAN by :meth:`PortVlans.ingress`, so native-VLAN mismatches join the two VLANs
as real switches do).  Spanning tree blocks ports but never splits a domain; hosts never
bridge (F7), so they are leaves and take no part here.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import InterfaceRef
from .vlans import PortVlans


@dataclass(slots=True, unsafe_hash=True, init=False)
class PortEnd:
    """One end of a logical link: a physical port or a bundled channel.

    A value: never changed once built, and it compares and hashes by its fields as a frozen dataclass would (as
    :class:`~vinfra.network.teams.Team`: not declared frozen, whose field-by-field ``object.__setattr__`` made
    building the end of each of a large design's thousands of host-facing ports cost twice as much)."""

    name: str  # "sw-a:Gi1/0/1" or a channel key
    bridges: tuple[str, ...]  # logical switches the end belongs to (two for an MLAG channel)
    vlans: PortVlans
    members: tuple[InterfaceRef, ...]  # the physical ports (one for a plain port)
    channel: str | None
    # (its aggregate bandwidth, :meth:`Snapshot.end_speed`, is worked out where spanning tree needs it: most ends
    # face hosts, and no tree runs over them)

    def __init__(self, name: str, bridges: tuple[str, ...], vlans: PortVlans, members: tuple[InterfaceRef, ...],
                 channel: str | None = None) -> None:
        self.name = name
        self.bridges = bridges
        self.vlans = vlans
        self.members = members
        self.channel = channel


@dataclass(frozen=True, slots=True)
class LogicalLink:
    a: PortEnd
    b: PortEnd

    def vlan_pairs(self) -> list[tuple[int, int]]:
        """(VLAN at a, VLAN at b) for every VLAN that crosses the link from a to b."""
        out = []
        for vlan in self.a.vlans.carried:
            ok, tag = self.a.vlans.egress(vlan)
            if not ok:
                continue
            far = self.b.vlans.ingress(tag)
            if far is not None:
                out.append((vlan, far))
        return out


class UnionFind:
    def __init__(self) -> None:
        self.parent: dict[object, object] = {}

    def find(self, x: object) -> object:
        parent = self.parent
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(x, x) != root:
            parent[x], x = root, parent[x]
        return root

    def union(self, a: object, b: object) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # deterministic representative: the smaller key
            if repr(ra) < repr(rb):
                self.parent[rb] = ra
            else:
                self.parent[ra] = rb


def l2_domains(links: list[LogicalLink], bridges: dict[str, PortVlans | None] | None = None) -> UnionFind:
    """Union-find over (bridge, VLAN) nodes joined by the links' VLAN mapping."""
    uf = UnionFind()
    for link in links:
        for x, y in ((link.a, link.b), (link.b, link.a)):
            for va, vb in LogicalLink(x, y).vlan_pairs():
                for ba in x.bridges:
                    for bb in y.bridges:
                        uf.union((ba, va), (bb, vb))
            # the two bridges of an MLAG channel end are one domain for what enters it
            if len(x.bridges) > 1:
                for vlan in x.vlans.carried:
                    for other in x.bridges[1:]:
                        uf.union((x.bridges[0], vlan), (other, vlan))
    return uf
