"""Scenario files (``spec/scenario-v1.md``): a timeline of events played against one design.

Loaded like a design: UTF-8 text, YAML 1.2 or JSON through the project's strict loader
(:mod:`vinfra.io.source_text`, :mod:`vinfra.io.yaml_strict` via :func:`vinfra.io.design.parse_text`), then
validated by the pydantic models below (unknown keys are errors).  Every problem is a
:class:`~vinfra.io.errors.Diagnostic` ``FILE:LINE:COL``; :class:`ScenarioError` carries them all.  The JSON
schema of the format is :data:`SCHEMA_PATH` (generated from these models, tested equal).

:func:`check_against` validates the names a scenario uses against its design (failure targets, VMs, hosts,
templates, clusters, probe endpoints), located in the scenario file too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, model_validator

from ..io.design import _parse, problems_to_diagnostics
from ..io.errors import DesignError, Diagnostic
from ..io.source_text import check_characters, decode_design
from ..model import FailureRef, Inventory
from ..model.base import IPv4Addr, IPv4If, Spec
from ..model.inventory import Problem, _pydantic_problems, failure_problem
from ..timing import DEFAULT_TIMERS, Timers, TimingError

SCHEMA_PATH = Path(__file__).with_name("scenario-v1.schema.json")

Seconds = Annotated[float, Field(ge=0)]
#: what ``fail_random`` may draw (scenario-v1): a host, a switch, an inter-switch link or a host pNIC
RANDOM_KINDS = ("host", "switch", "link", "nic")


class Probe(Spec):
    """An endpoint pair whose availability is recorded (names as in expectations-v1)."""

    src: str = Field(alias="from")
    to: str


class Load(Spec):
    vm: str
    cpu_mhz: Annotated[float, Field(ge=0)] | None = None
    memory_gb: Annotated[float, Field(ge=0)] | None = None


class Vmotion(Spec):
    vm: str
    to: str


class Maintenance(Spec):
    host: str
    exit: bool = False


class Power(Spec):
    vm: str
    state: Literal["on", "off", "reset"]


class CloneNic(Spec):
    """A clone's guest IP settings for one vNIC (cluster-behaviour §4.2 customization): clone k of the event
    (1-based) gets ``ip`` + (k - 1) [model: a customization spec's address range]."""

    ip: IPv4If
    gateway: IPv4Addr | None = None


class Clone(Spec):
    """``count`` clones of ``template`` named ``prefix``1, ``prefix``2 ... into ``cluster`` (cluster-behaviour
    §4.2).  ``linked`` clones from ``snapshot``, by default the template's snapshot (the provisioning model's
    [model]: a sealed template has one); ``power_on`` powers each on when made (CloneSpec.powerOn); ``nics``
    customizes the guest's addresses (its host name is the VM's name)."""

    template: str
    prefix: str
    count: Annotated[int, Field(ge=1, le=10_000)] = 1
    cluster: str
    linked: bool = False
    snapshot: str | None = None
    power_on: bool = False
    nics: list[CloneNic] = Field(default_factory=list)

    def names(self) -> list[str]:
        return [f"{self.prefix}{k + 1}" for k in range(self.count)]


class Heartbeat(Spec):
    vm: str


class FailRandom(Spec):
    kinds: list[Literal["host", "switch", "link", "nic"]] = Field(default_factory=lambda: list(RANDOM_KINDS),
                                                                  min_length=1)
    restore_after: Annotated[float, Field(gt=0)] | None = None


Targets = str | list[str]
ACTIONS = ("fail", "restore", "load", "vmotion", "maintenance", "power", "clone", "heartbeat_lost", "fail_random")


class Event(Spec):
    """One mapping: ``at`` or ``every`` (with ``start``, ``stop``) and exactly one action key."""

    at: Seconds | None = None
    every: Annotated[float, Field(gt=0)] | None = None
    start: Seconds | None = None
    stop: Seconds | None = None
    fail: Targets | None = None
    restore: Targets | None = None
    load: Load | None = None
    vmotion: Vmotion | None = None
    maintenance: Maintenance | None = None
    power: Power | None = None
    clone: Clone | None = None
    heartbeat_lost: Heartbeat | None = None
    fail_random: FailRandom | None = None

    @model_validator(mode="after")
    def _one(self) -> Event:
        if (self.at is None) == (self.every is None):
            raise ValueError("an event has either 'at' (seconds) or 'every' (seconds, with optional 'start' and 'stop')")
        if self.at is not None and (self.start is not None or self.stop is not None):
            raise ValueError("'start' and 'stop' go with 'every', not with 'at'")
        given = [k for k in ACTIONS if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"an event has exactly one action ({', '.join(ACTIONS)}), "
                             f"not {', '.join(given) if given else 'none'}")
        for key in ("fail", "restore"):
            value = getattr(self, key)
            if isinstance(value, list) and not value:
                raise ValueError(f"'{key}' lists no element")
        return self

    @property
    def action(self) -> str:
        return next(k for k in ACTIONS if getattr(self, k) is not None)

    def times(self, until: float) -> list[float]:
        """When the event fires: ``at`` up to ``until`` inclusive; ``every`` from ``start`` (0) up to ``stop``
        inclusive, and before ``until`` (an hour of one every 5 minutes is 12 events)."""
        if self.at is not None:
            return [self.at] if self.at <= until else []
        assert self.every is not None
        t = self.start or 0.0
        out = []
        k = 0
        while t + k * self.every < until and (self.stop is None or t + k * self.every <= self.stop):
            out.append(t + k * self.every)
            k += 1
        return out


class Scenario(Spec):
    """A scenario file, validated (scenario-v1)."""

    scenario: Literal[1]
    name: str
    design: str | None = None
    until: Annotated[float, Field(gt=0)] = 3600.0
    seed: int = 0
    settings: dict[str, Any] = Field(default_factory=dict)
    probes: list[Probe] | None = None
    events: list[Event] = Field(default_factory=list)


class ScenarioError(DesignError):
    """A scenario file that cannot be used: every problem, located."""


class Loaded:
    """A scenario with where it came from: its file (to resolve ``design:`` and to locate errors)."""

    def __init__(self, scenario: Scenario, source: str, text: str, data: Any, json_text: bool) -> None:
        self.scenario, self.source, self.text, self.data, self.json_text = scenario, source, text, data, json_text
        self.timers = DEFAULT_TIMERS

    def design_path(self) -> Path | None:
        if self.scenario.design is None:
            return None
        return (Path(self.source).parent / self.scenario.design)

    def error(self, problems: list[Problem]) -> ScenarioError:
        return ScenarioError(problems_to_diagnostics(problems, self.text, self.source, self.data, self.json_text))


def load_scenario_text(text: str, source: str = "<scenario>") -> Loaded:
    """Parse and validate scenario text; raise :class:`ScenarioError` with every problem located."""
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        check_characters(text, source)
        data, json_text = _parse(text, source, design=False)
    except DesignError as exc:
        raise ScenarioError(exc.diagnostics) from None
    if not isinstance(data, dict):
        raise ScenarioError([Diagnostic(source, 1, 1, "a scenario is a mapping with 'scenario: 1', 'name' and 'events'")])
    try:
        sc = Scenario.model_validate(data)
    except ValidationError as exc:
        problems = _pydantic_problems(Scenario, (), exc)
        raise ScenarioError(problems_to_diagnostics(problems, text, source, data, json_text)) from None
    loaded = Loaded(sc, source, text, data, json_text)
    try:
        loaded.timers = Timers().with_overrides(sc.settings)
    except TimingError as exc:
        raise loaded.error([Problem(("settings", exc.field), str(exc), "key" if "unknown" in str(exc) else "value")]) from None
    return loaded


def load_scenario(path: str | Path) -> Loaded:
    """Load a scenario file (YAML 1.2 or JSON, UTF-8); raise :class:`ScenarioError`."""
    source = str(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise ScenarioError([Diagnostic(source, None, None, "no such file")]) from None
    except OSError as exc:
        raise ScenarioError([Diagnostic(source, None, None, f"cannot read: {exc.strerror or exc}")]) from None
    try:
        text = decode_design(raw, source)
    except DesignError as exc:
        raise ScenarioError(exc.diagnostics) from None
    return load_scenario_text(text, source)


def _targets(value: Targets | None) -> list[str]:
    return [] if value is None else [value] if isinstance(value, str) else list(value)


def check_against(loaded: Loaded, inv: Inventory) -> None:
    """Every name the scenario uses must resolve in the design; raise :class:`ScenarioError` listing all."""
    from ..network import Snapshot
    from ..network.endpoints import EndpointError

    sc = loaded.scenario
    problems: list[Problem] = []
    templates = getattr(inv, "templates", {})
    # VMs the scenario's clone events make: a power event or a probe may name them (nic count: the template's)
    clones = {name: len(templates[ev.clone.template].nics) for ev in sc.events if ev.clone is not None
              and ev.clone.template in templates for name in ev.clone.names()}
    for k, ev in enumerate(sc.events):
        base: tuple[Any, ...] = ("events", k)
        for key in ("fail", "restore"):
            value = getattr(ev, key)
            for j, target in enumerate(_targets(value)):
                path = base + ((key, j) if isinstance(value, list) else (key,))
                try:
                    why = failure_problem(inv, FailureRef.parse(target))
                except ValueError as exc:
                    why = str(exc)
                if why:
                    problems.append(Problem(path, f"{target}: {why}"))
        for key in ("load", "vmotion", "power", "heartbeat_lost"):
            sub = getattr(ev, key)
            if sub is not None and sub.vm not in inv.vms and not (key == "power" and sub.vm in clones):
                problems.append(Problem(base + (key, "vm"), f"VM '{sub.vm}' is not in the design"))
        if ev.vmotion is not None and ev.vmotion.to not in inv.hosts:
            problems.append(Problem(base + ("vmotion", "to"), f"host '{ev.vmotion.to}' is not in the design"))
        if ev.maintenance is not None and ev.maintenance.host not in inv.hosts:
            problems.append(Problem(base + ("maintenance", "host"), f"host '{ev.maintenance.host}' is not in the design"))
        if ev.clone is not None:
            if ev.clone.template not in templates:
                problems.append(Problem(base + ("clone", "template"), f"template '{ev.clone.template}' is not in the design"))
            if ev.clone.cluster not in inv.clusters:
                problems.append(Problem(base + ("clone", "cluster"), f"cluster '{ev.clone.cluster}' is not in the design"))
    if sc.probes:
        eps = Snapshot(inv).endpoints
        for k, p in enumerate(sc.probes):
            for key, name in (("from", p.src), ("to", p.to)):
                vm, _, nic = name.partition(":")
                if vm in clones and vm not in inv.vms:
                    index = int(nic[3:]) if nic.startswith("nic") and nic[3:].isdigit() else None if nic else 0
                    if index is None or index >= clones[vm]:
                        problems.append(Problem(("probes", k, key), f"{name}: a clone of this scenario with "
                                                f"{clones[vm]} NIC(s), named {vm} and {vm}:nic<N>"))
                    continue
                try:
                    eps.resolve(name)
                except EndpointError as exc:
                    problems.append(Problem(("probes", k, key), f"{name}: {exc}"))
    if problems:
        raise loaded.error(problems)


def json_schema() -> dict[str, Any]:
    """The JSON schema of scenario files, from the models (by alias: ``from``)."""
    schema = Scenario.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "vinfra scenario, version 1"
    return schema


def schema_text() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"


__all__ = ["ACTIONS", "RANDOM_KINDS", "SCHEMA_PATH", "Event", "Loaded", "Probe", "Scenario", "ScenarioError",
           "check_against", "json_schema", "load_scenario", "load_scenario_text"]
