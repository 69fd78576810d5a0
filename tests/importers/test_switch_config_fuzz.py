"""Fuzz: lines of the real configs, cut short, reordered and recombined, never make the switch-config reader
fail other than with a located error; what it reads validates or is refused with located diagnostics."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _deep import examples
from _import_data import SWITCH_CONFIGS
from vinfra.importers.report import ImportSourceError
from vinfra.importers.switch_config import combine, parse_switch_config
from vinfra.io.design import from_data
from vinfra.io.errors import DesignError

LINES = sorted({line.rstrip("\r") for p in SWITCH_CONFIGS for line in p.read_text(encoding="utf-8").splitlines()
                if line.strip()})


def _cut(line: str, at: int) -> str:
    return line[: max(1, len(line) * at // 100)]


_LINE = st.one_of(st.sampled_from(LINES),
                  st.builds(_cut, st.sampled_from(LINES), st.integers(1, 99)))


@pytest.mark.deep
@settings(max_examples=examples(300, 20_000), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_LINE, min_size=1, max_size=40), st.sampled_from([None, "ios", "nxos", "eos"]))
def test_recombined_config_lines_read_or_fail_located(lines: list[str], platform: str | None) -> None:
    text = "hostname fuzz\n" + "\n".join(lines) + "\n"
    try:
        parsed = parse_switch_config(text, "fuzz.cfg", platform)
    except ImportSourceError as exc:
        assert all(d.file == "fuzz.cfg" and d.message for d in exc.diagnostics)
        return
    imported = combine([parsed])
    numbers = [r.line for r in imported.report]
    assert len(numbers) == len(set(numbers))
    try:
        from_data({"name": "fuzz", **imported.design}, "fuzz")
    except DesignError as exc:
        assert exc.diagnostics
