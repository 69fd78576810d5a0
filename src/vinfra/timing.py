"""The timers of a failure and its recovery: one source of timing truth.

Every duration the failure sweep (:mod:`vinfra.analysis.failures`) estimates and the simulation plays out
comes from a :class:`Timers`, whose fields are the settings of the timing table in the team's
``spec/scenario-v1.md`` (a scenario's ``settings:`` overrides them by these names), with the spec's
defaults.  Switch-specific values (MAC aging, STP mode) come from the design, not from here.

The helpers below settle the choices the table leaves, as the spec's "Exact meanings" do:

- a detector that waits for *n* missed periodic messages fires between *n* and *n* + 1 intervals after the
  failure; the sweep quotes the worst case (*n* + 1), the simulation draws the phase from its seed;
- spanning tree: classic modes (stp, pvst) 2 x forward delay after a direct failure, max age + 2 x
  forward delay after an indirect one; rapid modes (rstp, rpvst, mst) ``rstp_converge_s`` for both;
- FHRP: HSRP and GLBP take over after the hold time, VRRP after 3 x advert + skew, skew = (256 - priority)
  / 256 s (RFC 3768).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

CLASSIC_STP = ("stp", "pvst")
# intervals and rates that divide or repeat: zero would never fire
_POSITIVE = frozenset({"beacon_interval_s", "beacon_misses", "hsrp_hello_s", "vrrp_advert_s", "drs_interval_s", "clone_mb_s"})
RAPID_STP = ("rstp", "rpvst", "mst")


@dataclass(frozen=True, slots=True)
class Timers:
    """Named timers with the defaults of scenario-v1's timing table (seconds unless the name says otherwise)."""

    #: T12, T13: a team fails over this long after an uplink's link goes down (then RARP if notify switches).
    link_failover_s: float = 0.1
    #: T14: beacon probing sends a beacon per member every interval ...
    beacon_interval_s: float = 1.0
    #: ... and declares a member failed after this many consecutive missed beacons.
    beacon_misses: int = 3
    #: T15: link-state tracking takes the downstream ports down this long after the last upstream goes down
    #: (and brings them back this long after the first upstream returns).
    lst_delay_s: float = 0.1
    #: T11: failback to a recovered Active uplink this long after its link comes up.
    failback_delay_s: float = 0.1
    #: P*: classic spanning tree's forward delay (listening, then learning).
    stp_forward_delay_s: float = 15.0
    #: P*: classic spanning tree's max age (waited out first after an indirect failure).
    stp_max_age_s: float = 20.0
    #: P*: rapid spanning tree (rstp, rpvst, mst) reconverges in this time, direct or indirect failure.
    rstp_converge_s: float = 1.0
    #: HSRP hello interval.
    hsrp_hello_s: float = 3.0
    #: HSRP hold time: the standby takes over after hearing no hello for this long.
    hsrp_hold_s: float = 10.0
    #: VRRP advertisement interval (master down interval = 3 x advert + skew).
    vrrp_advert_s: float = 1.0
    #: GLBP hold time.
    glbp_hold_s: float = 10.0
    #: M*: LACP rate of a channel whose design does not say (a vDS LAG's ``timeout`` does): partner loss
    #: while the link stays up is noticed after 3 x 1 s (fast) or 3 x 30 s (slow); link down at once.
    lacp_rate: Literal["slow", "fast"] = "slow"
    #: HA (AAM, VI3 and vSphere 4): a host is declared failed this long after its heartbeats stop.
    das_failure_detection_s: float = 15.0
    #: HA (FDM, vSphere 5+): a failed host is declared dead this long after it fails.
    fdm_host_dead_s: float = 15.0
    #: HA (FDM): an isolated slave declares isolation and runs its response this long after it is cut off.
    fdm_isolation_s: float = 30.0
    #: HA isolation response "shut down": forced power-off after this long.
    shutdown_timeout_s: float = 300.0
    #: HA: restart attempts of one VM that finds no host.
    das_max_restart_count: int = 5
    #: A restarted VM answers on the network this long after power-on.
    vm_boot_s: float = 60.0
    #: VM monitoring: reset after this long without a heartbeat ...
    vm_monitoring_failure_s: float = 30.0
    #: ... once the VM has been up this long ...
    vm_monitoring_min_uptime_s: float = 120.0
    #: ... at most this many times.
    vm_monitoring_max_resets: int = 3
    #: DRS runs this often (and on host add/remove or maintenance).
    drs_interval_s: float = 300.0
    #: A full clone copies at this rate (MB/s); a linked clone takes 5 s.
    clone_mb_s: float = 200.0

    # derived durations ---------------------------------------------------------------------------------------
    def beacon_detect_s(self) -> float:
        """T14: worst time from a broken path to the member counted failed (n + 1 intervals, see the module doc)."""
        return (self.beacon_misses + 1) * self.beacon_interval_s

    def stp_reconverge_s(self, mode: str, indirect: bool = False) -> float:
        """Spanning tree reconvergence of a bridge in ``mode`` after a direct or indirect failure; 0 with ``none``."""
        if mode in RAPID_STP:
            return self.rstp_converge_s
        if mode in CLASSIC_STP:
            return (self.stp_max_age_s if indirect else 0.0) + 2 * self.stp_forward_delay_s
        return 0.0

    def fhrp_takeover_s(self, protocol: str, priority: int = 100) -> float:
        """Time for a standby router to take over a gateway whose active router failed."""
        if protocol == "vrrp":
            return 3 * self.vrrp_advert_s + (256 - priority) / 256
        if protocol == "glbp":
            return self.glbp_hold_s
        return self.hsrp_hold_s

    def lacp_detect_s(self, rate: str | None = None) -> float:
        """LACP partner loss with the link up: 3 missed PDUs at the fast (1 s) or slow (30 s) rate."""
        return 3 * (1.0 if (rate or self.lacp_rate) == "fast" else 30.0)

    # overrides ----------------------------------------------------------------------------------------------
    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in dataclasses.fields(cls))

    def with_overrides(self, values: Mapping[str, Any]) -> Timers:
        """A copy with ``values`` applied (a scenario's ``settings:``); unknown names or bad values raise
        :class:`TimingError` naming the field."""
        fields = {f.name: f for f in dataclasses.fields(self)}
        changes: dict[str, Any] = {}
        for key, value in values.items():
            if key not in fields:
                raise TimingError(key, f"unknown timer {key!r} (known: {', '.join(sorted(fields))})")
            default = getattr(DEFAULT_TIMERS, key)
            if key == "lacp_rate":
                if value not in ("slow", "fast"):
                    raise TimingError(key, f"{key} must be slow or fast, not {value!r}")
            elif isinstance(value, bool) or not isinstance(value, int | float):
                raise TimingError(key, f"{key} must be a number, not {value!r}")
            elif isinstance(default, int) and not isinstance(value, int):
                raise TimingError(key, f"{key} must be a whole number, not {value!r}")
            elif key in _POSITIVE and value <= 0:
                raise TimingError(key, f"{key} must be positive, not {value!r}")
            elif value < 0:
                raise TimingError(key, f"{key} must be >= 0, not {value!r}")
            changes[key] = value
        return dataclasses.replace(self, **changes)


class TimingError(ValueError):
    """A timer override that is not a known timer or not a valid value."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


DEFAULT_TIMERS = Timers()

__all__ = ["CLASSIC_STP", "DEFAULT_TIMERS", "RAPID_STP", "Timers", "TimingError"]
