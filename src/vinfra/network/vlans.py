"""VLAN membership and tagging of port ends (V1-V8 and topology-v1 "VLANs").

A switch port admits a frame into a VLAN, or not, by its mode: an access port takes untagged
frames into its access VLAN; a trunk takes untagged frames into its native VLAN (if allowed)
and tagged frames whose VLAN is allowed, including frames tagged with the native VLAN ID (IOS
behaviour), but sends its native VLAN untagged.  A switch forwards only VLANs in its ``vlans``.
On the host side (section 2): VLAN 0 (EST) port groups send and take untagged frames, 1-4094
(VST) tagged frames of their VLAN only, 4095 (VGT) pass guest tags, and untagged frames when
:attr:`Settings.vgt_passes_untagged` (V3).  A guest that tags (a VM NIC's ``guest_vlan``) on a VGT
or vDS VLAN-trunk port group sends and takes frames tagged with its VLAN only (V3, V4).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cache

from ..model import NO_VLANS, VlanSet
from ..model.physical import Switch, SwitchInterface

Tag = int | None  # None = untagged

_CARRIED: dict[PortVlans, VlanSet] = {}  # carried VLANs are set algebra: worked out once per distinct port


@dataclass(frozen=True, slots=True)
class PortVlans:
    """The effective VLAN settings of a switch port end (a channel member uses its channel's)."""

    mode: str  # access | trunk | routed
    access_vlan: int
    native_vlan: int
    allowed: VlanSet
    switch_vlans: VlanSet
    # the hash, worked out once: port settings are memo keys of the checks and views (the same value as the
    # dataclass's own hash of its fields, which builds a tuple per look-up)
    _hash: int = field(default=0, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash((self.mode, self.access_vlan, self.native_vlan, self.allowed,
                                                self.switch_vlans)))

    def __hash__(self) -> int:
        return self._hash

    def __reduce__(self) -> tuple[type[PortVlans], tuple[str, int, int, VlanSet, VlanSet]]:
        # rebuilt from its fields: a string's hash differs between processes, so the kept one must not travel
        return (PortVlans, (self.mode, self.access_vlan, self.native_vlan, self.allowed, self.switch_vlans))

    @classmethod
    def of(cls, settings: SwitchInterface, switch: Switch) -> PortVlans:
        # one object per distinct port setting (thousands of host-facing ports share a few): memo keys holding
        # equal settings then compare by identity, without the dataclass's field-by-field equality
        return _interned_port_vlans(settings.mode, settings.vlan, settings.native_vlan, settings.allowed_vlans,
                                    switch.vlans)

    @property
    def carried(self) -> VlanSet:
        """VLANs this port forwards (tagged or untagged)."""
        got = _CARRIED.get(self)
        if got is None:
            got = _CARRIED[self] = self._carried()
        return got

    def _carried(self) -> VlanSet:
        if self.mode == "access":
            return VlanSet.of(self.access_vlan) & self.switch_vlans
        if self.mode == "trunk":
            return self.allowed & self.switch_vlans
        return NO_VLANS

    def ingress(self, tag: Tag) -> int | None:
        """The VLAN a frame arriving with ``tag`` is put in, or None if it is dropped."""
        if self.mode == "access":
            vlan = self.access_vlan if tag is None else None
        elif self.mode == "trunk":
            vlan = self.native_vlan if tag is None else tag
            if vlan not in self.allowed:
                return None
        else:
            return None
        return vlan if vlan in self.switch_vlans else None

    def egress(self, vlan: int) -> tuple[bool, Tag]:
        """Whether a frame of ``vlan`` leaves this port, and with which tag."""
        if vlan not in self.carried:
            return False, None
        if self.mode == "access":
            return True, None
        return True, (None if vlan == self.native_vlan else vlan)


_interned_port_vlans = cache(PortVlans)


def portgroup_egress_tag(pg_vlan: int, guest_tag: Tag = None) -> Tag:
    """The tag a port group's frame carries on the uplink (V1, V2, V3)."""
    if pg_vlan == 0:
        return None
    if pg_vlan == 4095:
        return guest_tag
    return pg_vlan


def portgroup_accepts(pg_vlan: int, tag: Tag, trunk: VlanSet | None = None, vgt_untagged: bool = True) -> bool:
    """Whether a frame arriving on an uplink with ``tag`` reaches a port group (V1-V4, V6);
    ``vgt_untagged``: :attr:`Settings.vgt_passes_untagged`."""
    if trunk is not None:  # vDS VLAN trunking: tagged frames in the range only (V4)
        return tag is not None and tag in trunk
    if pg_vlan == 0:
        return tag is None
    if pg_vlan == 4095:
        return tag is not None or vgt_untagged
    return tag == pg_vlan


@dataclass(frozen=True, slots=True)
class PortGroupVlan:
    """A port group's VLAN setting as the vSwitch applies it (section 2).

    ``vlan`` 0-4095 for a standard port group or a vDS single VLAN; ``trunk`` for vDS VLAN
    trunking (V4); ``pvlan`` for a vDS private VLAN, modelled as its VLAN ID both ways (V5 [model]).
    ``guest``: as one port sees it, the VLAN a guest tags on a VGT or trunk port group (a VM NIC's
    ``guest_vlan``, :meth:`for_guest`); such a port sends and takes frames tagged with it only.  A port
    without one sends untagged: on VGT, untagged frames pass both ways when ``vgt_untagged``
    (:attr:`Settings.vgt_passes_untagged`, V3); a vDS trunk drops them (V4, :meth:`untagged_dropped`).
    """

    vlan: int | None = 0
    trunk: VlanSet | None = None
    pvlan: int | None = None
    guest: int | None = None
    vgt_untagged: bool = True
    # the hash, worked out once: a port group's VLAN setting is part of the team shapes and delivery memo keys
    # reach looks up per port (as :class:`PortVlans` keeps its own)
    _hash: int = field(default=0, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash((self.vlan, self.trunk, self.pvlan, self.guest, self.vgt_untagged)))

    def __hash__(self) -> int:
        return self._hash

    def __reduce__(self) -> tuple[type[PortGroupVlan], tuple[int | None, VlanSet | None, int | None, int | None, bool]]:
        # rebuilt from its fields: a hash of a VlanSet may differ between processes, so the kept one must not travel
        return (PortGroupVlan, (self.vlan, self.trunk, self.pvlan, self.guest, self.vgt_untagged))

    def for_guest(self, guest: int | None) -> PortGroupVlan:
        """The port group as a port whose guest tags ``guest`` sees it (itself where guests cannot tag)."""
        if guest is None or not (self.vlan == 4095 or self.trunk is not None):
            return self
        return replace(self, guest=guest)

    @property
    def vid(self) -> int | None:
        """The VLAN ID of the port's frames inside the vSwitch: the guest's tag, else the port group's VLAN."""
        return self.guest if self.guest is not None else self.vlan

    def untagged_dropped(self) -> str | None:
        """Why an untagged port (no guest VLAN) passes no frame at all on this port group (V3, V4), or None."""
        if self.guest is not None or self.pvlan is not None:
            return None
        if self.trunk is not None:
            return f"VLAN trunk {self.trunk} passes only tagged frames in its range, so the untagged guest's frames are dropped (V4)"
        if self.vlan == 4095 and not self.vgt_untagged:
            return "a VLAN 4095 port group passes only tagged frames (V3; Settings.vgt_passes_untagged is off)"
        return None

    def egress_tag(self) -> Tag:
        """The tag the port group's frames carry on an uplink (V1-V3, V5)."""
        if self.pvlan is not None:
            return self.pvlan
        if self.guest is not None:
            return self.guest
        if self.trunk is not None or self.vlan is None:
            return None
        return portgroup_egress_tag(self.vlan)

    def accepts(self, tag: Tag) -> bool:
        """Whether a frame arriving on an uplink with ``tag`` reaches the port group (V1-V6)."""
        if self.pvlan is not None:
            return tag == self.pvlan
        if self.guest is not None:
            return tag == self.guest  # the guest's VLAN interface: its native VLAN comes untagged (V6)
        if self.trunk is None and self.vlan is None:
            return False
        return portgroup_accepts(self.vlan if self.vlan is not None else 0, tag, self.trunk, self.vgt_untagged)

    @property
    def local_key(self) -> object:
        """Ports of one vSwitch whose keys are equal share one L2 domain inside the host (F3): a tagging guest
        is in its VLAN, an untagged one on VGT with the untagged (VLAN 0) ports."""
        if self.pvlan is not None:
            return ("pvlan", self.pvlan)
        if self.guest is not None:
            return ("vlan", self.guest)
        if self.trunk is not None:
            return ("trunk", self.trunk)
        if self.vlan == 4095 and self.vgt_untagged:
            return ("vlan", 0)
        return ("vlan", self.vlan)

    def __str__(self) -> str:
        if self.pvlan is not None:
            return f"PVLAN {self.pvlan}"
        if self.trunk is not None:
            return f"VLAN trunk {self.trunk}" + (f", guest VLAN {self.guest}" if self.guest is not None else "")
        if self.vlan == 0:
            return "VLAN 0 (untagged)"
        if self.vlan == 4095:
            return f"VLAN 4095, guest VLAN {self.guest}" if self.guest is not None else "VLAN 4095 (guest tagging)"
        return f"VLAN {self.vlan}"
