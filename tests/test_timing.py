"""vinfra.timing: the timers of scenario-v1's table, with its defaults, overridable by name."""

from __future__ import annotations

import dataclasses
import re

import pytest

from _paths import SHARED
from vinfra.timing import DEFAULT_TIMERS, Timers, TimingError


def test_every_setting_of_the_spec_table_is_a_timer_with_its_default() -> None:
    d = DEFAULT_TIMERS
    assert (d.link_failover_s, d.beacon_interval_s, d.beacon_misses, d.lst_delay_s, d.failback_delay_s) == (0.1, 1.0, 3, 0.1, 0.1)
    assert (d.stp_forward_delay_s, d.stp_max_age_s, d.rstp_converge_s) == (15.0, 20.0, 1.0)
    assert (d.hsrp_hello_s, d.hsrp_hold_s, d.vrrp_advert_s, d.glbp_hold_s) == (3.0, 10.0, 1.0, 10.0)
    assert (d.das_failure_detection_s, d.fdm_host_dead_s, d.fdm_isolation_s, d.shutdown_timeout_s) == (15.0, 15.0, 30.0, 300.0)
    assert (d.vm_boot_s, d.drs_interval_s, d.clone_mb_s, d.lacp_rate, d.das_max_restart_count) == (60.0, 300.0, 200.0, "slow", 5)


@pytest.mark.skipif(SHARED is None, reason="the team's shared spec is not next to the repository")
def test_the_spec_table_names_no_setting_we_lack() -> None:
    assert SHARED is not None
    spec = (SHARED / "spec" / "scenario-v1.md").read_text()
    table = [line for line in spec.splitlines() if line.startswith("|")]
    named = set()
    for line in table:
        cells = line.split("|")
        if len(cells) > 3:
            named |= set(re.findall(r"`([a-z_]+)`", cells[3]))
    names = set(Timers.names())
    missing = {n for n in named if n not in names and not n.endswith("_")}
    assert not missing
    assert any(n.startswith("vm_monitoring_") for n in names)  # the table's `vm_monitoring_*`


def test_timers_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT_TIMERS.hsrp_hold_s = 1.0  # type: ignore[misc]


def test_stp_classic_direct_and_indirect_rapid_both() -> None:
    assert DEFAULT_TIMERS.stp_reconverge_s("pvst") == 30.0
    assert DEFAULT_TIMERS.stp_reconverge_s("stp", indirect=True) == 50.0
    for mode in ("rstp", "rpvst", "mst"):
        assert DEFAULT_TIMERS.stp_reconverge_s(mode, indirect=True) == 1.0
    assert DEFAULT_TIMERS.stp_reconverge_s("none") == 0.0


def test_fhrp_beacon_and_lacp() -> None:
    assert DEFAULT_TIMERS.fhrp_takeover_s("hsrp") == 10.0
    assert DEFAULT_TIMERS.fhrp_takeover_s("vrrp", priority=100) == pytest.approx(3 + 156 / 256)
    assert DEFAULT_TIMERS.beacon_detect_s() == 4.0  # 3 misses, worst phase: n + 1 intervals
    assert DEFAULT_TIMERS.lacp_detect_s("fast") == 3.0 and DEFAULT_TIMERS.lacp_detect_s() == 90.0


def test_overrides_by_name_change_derived_durations() -> None:
    t = DEFAULT_TIMERS.with_overrides({"stp_forward_delay_s": 4, "hsrp_hold_s": 3.5})
    assert t.stp_reconverge_s("pvst") == 8 and t.fhrp_takeover_s("hsrp") == 3.5
    assert DEFAULT_TIMERS.hsrp_hold_s == 10.0  # the defaults are untouched


@pytest.mark.parametrize(("values", "field"), [
    ({"hsrp_hodl_s": 3}, "hsrp_hodl_s"),
    ({"beacon_misses": 2.5}, "beacon_misses"),
    ({"beacon_interval_s": 0}, "beacon_interval_s"),
    ({"lst_delay_s": -1}, "lst_delay_s"),
    ({"lacp_rate": "medium"}, "lacp_rate"),
    ({"vm_boot_s": True}, "vm_boot_s"),
])
def test_bad_overrides_name_the_field(values: dict, field: str) -> None:
    with pytest.raises(TimingError) as info:
        DEFAULT_TIMERS.with_overrides(values)
    assert info.value.field == field and field in str(info.value)
