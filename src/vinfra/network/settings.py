"""Named modelling choices ([model] in vswitch-behaviour.md) that decide outcomes.

Every choice the sources leave open is a field here, with the default the rest of the engine
assumes.  Tests assert invariants that hold whatever the value, and each alternative is tested
where it changes an answer.  A :class:`Settings` travels with a :class:`~vinfra.network.Snapshot`
(``Snapshot(inv, settings=...)``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, slots=True)
class Settings:
    #: T3: ``last_octet`` = ``(src[3] ^ dst[3]) % n`` (the documented default); ``full_xor`` = XOR of the
    #: full 32-bit addresses, then ``% n`` (VMware support's wording).  Equal for n = 2, 4, 8.
    ip_hash: Literal["last_octet", "full_xor"] = "last_octet"
    #: T10: a failed Active uplink's slot is taken by the first usable Standby uplink (True), or the
    #: Standby list is used only once every Active uplink has failed (False).
    standby_takes_failed_slot: bool = True
    #: F9 [model]: unicast arriving on an *active* uplink other than the port's home is delivered
    #: (only BUM frames are pinned to the home uplink).
    unicast_on_other_active: bool = True
    #: M2 [model]: how a physical switch spreads frames over a port-channel's bundled members:
    #: ``src-dst-ip`` hashes IPv4 packets by ``(src[3] ^ dst[3]) % n`` and other frames (ARP) by
    #: ``(src_mac[5] ^ dst_mac[5]) % n``; ``src-dst-mac`` hashes every frame by MAC.
    switch_channel_hash: Literal["src-dst-ip", "src-dst-mac"] = "src-dst-ip"
    #: IOS autostate: an SVI is up only while its VLAN has a live forwarding L2 port on its switch
    #: (True), or whenever its switch lives (False).
    svi_autostate: bool = True
    #: PVST+/Rapid-PVST+ put a trunk whose ends disagree on the native VLAN into the PVID-inconsistent
    #: (blocking) state for the two VLANs (True); False lets the native VLANs merge as plain bridges do.
    pvst_blocks_native_mismatch: bool = True
    #: V3 [model]: untagged frames pass both ways on a standard VLAN 4095 (VGT) port group, so a NIC that
    #: does not tag (no ``guest_vlan``) is in its uplink port's native (or access) VLAN (True); False: a
    #: 4095 port group passes only tagged frames and such a NIC is cut off.  (A vDS VLAN trunk always
    #: drops untagged frames, V4.)
    vgt_passes_untagged: bool = True
    #: How spanning tree sees an MLAG (vPC) pair.  ``two_bridges`` (the default) is topology-v1 "MLAG pairs":
    #: two STP bridges joined by the peer link, an ordinary trunk that spanning tree may block like any other;
    #: a channel with ``mlag_id`` toward a third switch is one STP port, run by the first live peer by name
    #: (as the vPC primary runs the vPC ports' spanning tree).  ``peer_switch`` models NX-OS ``peer-switch``
    #: (not in topology-v1): while both peers live the pair is one bridge with the better ID and the peer
    #: link is internal, never blocked; with it, a leaf whose uplinks spanning tree blocks stays cut off when
    #: the peer link fails (an orphan port's plight, vswitch-behaviour P3).
    mlag_stp: Literal["two_bridges", "peer_switch"] = "two_bridges"


DEFAULT_SETTINGS = Settings()
