"""What loading shares or frees to save memory changes nothing a design says: shared interface networks,
settings blocks validated once per spelling, shared field-name sets, and the parsed tree consumed while
the model is built (errors still located where they are written)."""

from __future__ import annotations

import copy
import ipaddress
import pickle
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import _random_design
import vinfra
from _deep import examples
from vinfra.io.design import _parse, load_text, problems_to_diagnostics
from vinfra.model.base import _interface
from vinfra.model.cluster import VmCpu, VmLoad
from vinfra.model.host import Nic
from vinfra.model.inventory import build_inventory
from vinfra.model.vswitch import PortGroup, Security

EXAMPLES = sorted(p for p in (Path(__file__).parents[2] / "examples").glob("*.yaml") if ".expect." not in p.name)


def test_interfaces_on_shared_networks_are_the_constructors() -> None:
    rng = random.Random(9)
    cases = [(rng.randrange(1, 0xE0000000), rng.randrange(1, 33)) for _ in range(3000)]
    cases += [(0x0A000001, 31), (0x0A000001, 32), (0x0A000210, 24), (0x0A000211, 24)]
    for addr, prefix in cases:
        ours, theirs = _interface(addr, prefix), ipaddress.IPv4Interface((addr, prefix))
        assert type(ours) is type(theirs)
        assert ours == theirs and hash(ours) == hash(theirs) and repr(ours) == repr(theirs)
        assert list(ours.__dict__.items()) == list(theirs.__dict__.items())
        assert ours.network == theirs.network and ours.netmask == theirs.netmask and ours.ip == theirs.ip
        assert ours.network.broadcast_address == theirs.network.broadcast_address
        assert pickle.loads(pickle.dumps(ours)) == theirs and copy.deepcopy(ours) == theirs
    # one network object per subnet
    assert _interface(0x0A000210, 24).network is _interface(0x0A000211, 24).network


SPELLINGS: list[tuple[type[Any], list[dict[str, Any]]]] = [
    (VmCpu, [{"vcpus": 1}, {"vcpus": True}, {"vcpus": 1.0}, {"vcpus": "1"}, {"vcpus": 2, "shares": "high"},
             {"shares": "high", "vcpus": 2}, {}]),
    (VmLoad, [{"cpu_mhz": 0.0}, {"cpu_mhz": -0.0}, {"cpu_mhz": 0}, {"cpu_mhz": False}, {"memory_gb": 1e-300}]),
    (PortGroup, [{"vlan": 10}, {"vlan": 10, "security": {"promiscuous": True}}, {"vlan": 10, "security": None}]),
    (Nic, [{"speed": 1000}, {"speed": 1000, "mac": "00:50:56:00:00:01"}, {"speed": 1000, "mac": "0050.5600.0001"}]),
]


@pytest.mark.parametrize(("cls", "inputs"), SPELLINGS, ids=lambda v: getattr(v, "__name__", ""))
def test_settings_blocks_are_shared_per_exact_spelling(cls: type[Any], inputs: list[dict[str, Any]]) -> None:
    for data in inputs:
        first = cls.model_validate(data)
        again = cls.model_validate(dict(data))
        built = cls(**data)  # the constructor fills its own object: never a shared one
        assert built is not first and built == first
        assert repr(again) == repr(first) == repr(built)
        assert again.model_fields_set == first.model_fields_set == built.model_fields_set == set(data)
        assert again.model_dump() == built.model_dump() and again.model_dump_json() == built.model_dump_json()
        if all(type(v) in (str, int, float, bool, type(None)) for v in data.values()):
            assert again is first
    # what looks alike but is spelled differently gives its own object, each what validation gives
    loads = [VmLoad.model_validate({"cpu_mhz": v}) for v in (0.0, -0.0)]
    assert [str(x.cpu_mhz) for x in loads] == ["0.0", "-0.0"]


def test_invalid_blocks_are_refused_every_time() -> None:
    for _ in range(2):
        with pytest.raises(ValueError, match="greater than or equal to 1"):
            VmCpu.model_validate({"vcpus": 0})
    assert Security(promiscuous=True).promiscuous is True  # a constructor after the same spelling was shared
    assert Security.model_validate({"promiscuous": True}).promiscuous is True


def test_shared_field_sets_do_not_leak_through_copies() -> None:
    inv = vinfra.load(EXAMPLES[0])
    for vm in inv.vms.values():
        before = set(vm.model_fields_set)
        copied = vm.model_copy(update={"description": "changed"})
        assert "description" in copied.model_fields_set
        assert vm.model_fields_set == before
        with pytest.raises(ValueError):
            vm.description = "no"  # frozen: refused before pydantic would add to the set
        assert vm.model_fields_set == before


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_a_consumed_parse_builds_the_same_inventory(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    data = _parse(text, str(path))[0]
    kept, problems = build_inventory(copy.deepcopy(data))
    consumed, consumed_problems = build_inventory(data, consume=True)
    assert problems == consumed_problems
    assert consumed == kept and consumed.model_dump() == kept.model_dump()  # type: ignore[union-attr]


def _mutations(text: str) -> list[str]:
    out = []
    for old, new in (("network: ", "network: no-such-"), ("vcpus: ", "vcpus: -"), ("host: ", "host: nowhere-"),
                     ("vlan: ", "vlan: 9"), ("speed: ", "speed: -"), ("mtu: ", "mtu: 1"), ("datastore: ", "datastore: x")):
        for count in (1, 3):
            if old in text:
                out.append(text.replace(old, new, count))
    return out


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_errors_under_consumed_sections_are_located_as_before(path: Path) -> None:
    for text in _mutations(path.read_text(encoding="utf-8")):
        data = _parse(text, "d.yaml")[0]
        _, problems = build_inventory(data)  # nothing consumed: the locator walks the whole tree
        diagnostics = problems_to_diagnostics(problems, text, "d.yaml", data) if problems else []
        expected = [str(d) for d in vinfra.DesignError(diagnostics).diagnostics]  # in the order it reports them
        try:
            load_text(text, "d.yaml")
            got: list[str] = []
        except vinfra.DesignError as exc:
            got = [str(d) for d in exc.diagnostics]
        assert got == expected


# a large design parsed one top-level section at a time ------------------------------------------

ODD_TEXTS = [
    "name: d\nswitches:\n  sw:\n    interfaces:\n      Gi1: {}\n",
    "# c\n\nname: d\r\nswitches:\r\n  sw: {}\r\n",
    'name: "d\nswitches: x"\nhosts: {}\n',  # a quoted scalar running across a key line: an error either way
    "name: d\ndescription: |\nswitches: 1\n",  # a key at column 0 ends a block scalar
    "name: d\ndescription: >-\n  folded\n  text\nswitches: {}\n",
    "name: d\nswitches: {}\nswitches: {}\n",  # a key written twice: not split, and refused
    "name: d\nswitches: {}\nname: e\n",
    "%YAML 1.2\n---\nname: d\n",
    "---\nname: d\nswitches: {}\n",
    "name: d\nswitches: {}\n...\n",
    "  name: d\nswitches: {}\n",
    "name: d\nswitches: {a: {}\n}\n",
    "name: d\nswitches :\n  a: {}\n",
    "name: d\nswitches:\n\ta: {}\n",
    "name: d\nvms:\n  v: {host: h}\nhosts: {h: {}}\n",
    "name: d\nhosts:\n  h: {<<: {cluster: c}}\nclusters: {c: {}}\n",
    "name: d\nhosts:\n  h: {<<: 5}\n",
    "name: d\nhosts:\n  h: !!str x\n",
    "name: d\nhosts: *a\n",
    "name: d\nhosts: &a {}\nvms: *a\n",
    "name: d\nswitches:\n  a: {}\nvms:\n  'x': {host: y\n",
    "name: d\nvms:\n  x: {host: 'y\n  z'}\n",
    "name: d\nswitches: {}\nfoo: 1\n",
    "name: d\n-switches: {}\n",
    "name: d\nswitches:\n- a\n",
    "name: d\nlinks:\n- [a:b, c:d]\nswitches: {}\n",
    "name: d\nswitches: {a: {}}\n# c\n  b: 1\n",
    "name:\n  - d\n",
    "name: d\nhosts:\n  h: {}\n  h: {}\n",
    "name: d\nfailures: [x]\nswitches: {}\n",
]


def _outcome_of(text: str) -> tuple[str, Any]:
    try:
        inv = load_text(text, "d.yaml")
    except vinfra.DesignError as exc:
        return "error", str(exc)
    return "ok", (inv.model_dump(), inv.model_dump_json())


def _texts() -> list[str]:
    out = list(ODD_TEXTS)
    for path in EXAMPLES:
        text = path.read_text(encoding="utf-8")
        out += [text, text.replace("&", "")] + _mutations(text)  # without anchors: split where aliases allow
    return out


def test_a_design_parsed_by_sections_is_the_design_parsed_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    from vinfra.io import design

    split = 0
    for text in _texts():
        monkeypatch.setattr(design, "_SPLIT_ABOVE", 10**12)
        whole = _outcome_of(text)
        monkeypatch.setattr(design, "_SPLIT_ABOVE", 0)
        assert _outcome_of(text) == whole, text[:200]
        split += design._sections(text) is not None
    assert split >= 20  # the split path was taken, not only refused


# standard vSwitches shared between hosts by their exact spelling --------------------------------------------

#: what a vSwitch setting may be written as instead: other types that compare or hash alike (1, 1.0, true,
#: "1"; 0.0 and -0.0), nulls and what JSON cannot write (NaN, the infinities, an integer past 64 bits)
ODD_SETTINGS: list[Any] = [1, 1.0, True, "1", 0, 0.0, -0.0, False, None, float("nan"), float("inf"), 2**70, -1, 4095,
                           4096, 9000, 9000.0, 9000.5, "9000", [], {}, ["vmnic0"], "port_id", "lag:x", "\ud800"]


def _leaves(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in _leaves(v, path + (k,))] or [path]
    if isinstance(node, list):
        return [p for i, v in enumerate(node) for p in _leaves(v, path + (i,))] or [path]
    return [path]


def _set(node: Any, path: tuple[Any, ...], value: Any) -> None:
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value


@st.composite
def _designs_with_repeated_vswitches(draw: st.DrawFn) -> dict[str, Any]:
    """A drawn design (:mod:`_random_design`, the whole design space) whose hosts have twins with the same
    vSwitches, then a few vSwitch settings respelled on some hosts: repeated blocks, blocks that differ from
    their twin's only by a spelling that compares equal, and invalid blocks."""
    case = draw(_random_design.cases())
    if draw(st.booleans()):
        case = _random_design.with_twins(case, seed=draw(st.integers(0, 3)))
    design = copy.deepcopy(case.design)
    blocks = [(h, v) for h, host in design.get("hosts", {}).items() for v in host.get("vswitches", {})]
    for _ in range(draw(st.integers(0, 3))):
        if not blocks:
            break
        host, vswitch = draw(st.sampled_from(blocks))
        block = design["hosts"][host]["vswitches"][vswitch]
        path = draw(st.sampled_from(_leaves(block)))
        # a copy: a later respelling may write into a list or mapping it put there, and ODD_SETTINGS is shared
        odd = copy.deepcopy(draw(st.sampled_from(ODD_SETTINGS)))
        if path:
            _set(block, path, odd)
        else:
            design["hosts"][host]["vswitches"][vswitch] = odd
    return design


@pytest.mark.deep
@settings(max_examples=examples(60, 2000), deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                                 HealthCheck.data_too_large])
@given(design=_designs_with_repeated_vswitches())
def test_shared_vswitches_build_what_validating_each_builds(design: dict[str, Any]) -> None:
    # the loader's path (consume=True) shares vSwitches; validating the caller's data (from_data's) does not
    from vinfra.model import inventory

    inventory._VSWITCHES.clear()
    alone, alone_problems = build_inventory(copy.deepcopy(design))
    for _ in range(2):  # the second time from the blocks the first one kept
        shared, problems = build_inventory(copy.deepcopy(design), consume=True)
        assert problems == alone_problems
        assert shared == alone
        if shared is None or alone is None:
            continue
        assert shared.model_dump_json() == alone.model_dump_json()
        for name, host in alone.hosts.items():
            for vname, vs in host.vswitches.items():
                got = shared.hosts[name].vswitches[vname]
                assert repr(got) == repr(vs) and got.model_fields_set == vs.model_fields_set
                assert [(k, pg.model_fields_set) for k, pg in got.portgroups.items()] == [
                    (k, pg.model_fields_set) for k, pg in vs.portgroups.items()]


def test_repeated_vswitches_are_one_object_and_respelled_ones_are_not() -> None:
    block = {"uplinks": ["vmnic0"], "mtu": 9000, "portgroups": {"a": {"vlan": 10}}}
    hosts = {f"h{i}": {"nics": {"vmnic0": {}}, "vswitches": {"vSwitch0": copy.deepcopy(block)}} for i in range(3)}
    hosts["h2"]["vswitches"]["vSwitch0"]["mtu"] = 9000.0  # the same number, another spelling
    inv, problems = build_inventory({"name": "d", "hosts": hosts}, consume=True)
    assert not problems and inv is not None
    one, two, other = (inv.hosts[h].vswitches["vSwitch0"] for h in ("h0", "h1", "h2"))
    assert one is two and other is not one and other == one


def test_a_block_json_writes_as_another_is_not_taken_for_it() -> None:
    # JSON writes NaN and the infinities as null: the null that validates must not stand for them
    def host(ports: Any) -> dict[str, Any]:
        return {"nics": {"vmnic0": {}}, "vswitches": {"vSwitch0": {"uplinks": ["vmnic0"], "ports": ports}}}

    for bad in (float("nan"), float("inf"), 2**70):
        design = {"name": "d", "hosts": {"h0": host(None), "h1": host(bad)}}
        expected = build_inventory(copy.deepcopy(design))[1]
        assert [p.path for p in expected] == [("hosts", "h1", "vswitches", "vSwitch0", "ports")]
        assert build_inventory(design, consume=True)[1] == expected
