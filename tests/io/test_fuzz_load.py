"""Fuzzing the loader with the shipped examples (issue 8): truncated, cut, retyped and noisy designs are either
loaded (exit 0) or refused with located diagnostics (exit 2), never a traceback; and every design that loads
exports and reloads equal, in YAML and JSON."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import vinfra
from _deep import examples
from _paths import OWN_EXAMPLES, SHARED_EXAMPLES, designs
from vinfra.cli.main import app
from vinfra.io.export import to_json, to_yaml

SOURCES = [p.read_bytes() for p in designs(OWN_EXAMPLES) + designs(SHARED_EXAMPLES)]
SOURCES += [p.read_bytes() for p in (SHARED_EXAMPLES.glob("*.json") if SHARED_EXAMPLES else [])]
# what a value becomes: other types, odd numbers, YAML tricks
REPLACEMENTS = [b"[]", b"{}", b"null", b"~", b'""', b"-1", b"0", b"1e400", b".nan", b"-.inf", b"9" * 5000, b"true",
                b"!foo x", b"*nope", b"&a", b"<<: 5", b"0x1F", b"'x'", b"[1, 2", b"{a: }", b"ff:ff:ff:ff:ff:ff",
                b"0.0.0.0/0", b"255.255.255.255/32", b'" , "', b"web:01", b"\xe9", b"\x00", b"\xef\xbb\xbf", b"---"]
_VALUE = re.compile(rb"(?<=: )[^\s{}\[\],#][^\n,}\]#]*|(?<=- )[^\s{}\[\],#][^\n,}\]#]*")
_DIAGNOSTIC = re.compile(r"^.+?(:\d+:\d+)?: error: \S", re.M)


@st.composite
def mutated_design(draw: st.DrawFn) -> bytes:
    data = draw(st.sampled_from(SOURCES))
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["truncate", "delete", "retype", "noise", "duplicate"]))
        n = len(data)
        if kind == "truncate":
            data = data[: draw(st.integers(0, n))]
        elif kind == "delete":
            start = draw(st.integers(0, n))
            data = data[:start] + data[start + draw(st.integers(1, 200)) :]
        elif kind == "retype":
            spans = [m.span() for m in _VALUE.finditer(data)]
            if spans:
                a, b = draw(st.sampled_from(spans))
                data = data[:a] + draw(st.sampled_from(REPLACEMENTS)) + data[b:]
        elif kind == "noise":
            at = draw(st.integers(0, n))
            data = data[:at] + draw(st.binary(min_size=1, max_size=4)) + data[at + draw(st.integers(0, 4)) :]
        else:  # a line written twice: duplicate keys, repeated items
            lines = data.splitlines(keepends=True)
            if lines:
                k = draw(st.integers(0, len(lines) - 1))
                data = b"".join(lines[: k + 1] + [lines[k]] + lines[k + 1 :])
    return data


runner = CliRunner()


@pytest.mark.deep
@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=mutated_design(), suffix=st.sampled_from([".yaml", ".json"]))
def test_mutated_examples_load_or_are_refused_located(tmp_path_factory: pytest.TempPathFactory, data: bytes, suffix: str) -> None:
    path = tmp_path_factory.mktemp("fuzz") / f"design{suffix}"
    path.write_bytes(data)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.stderr
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2:
        lines = result.stderr.splitlines()
        assert lines and re.fullmatch(r"\d+ errors?", lines[-1]), result.stderr
        for line in lines[:-1]:
            # every diagnostic names the file, and a line and column (an empty or unreadable file: the file)
            assert line.startswith(f"{path}:"), line
            assert re.match(rf"{re.escape(str(path))}:\d+:\d+: error: \S", line), line
        return
    inv = vinfra.load(path)
    assert vinfra.load_text(to_yaml(inv), "export.yaml") == inv
    assert vinfra.load_text(to_json(inv), "export.json") == inv


def test_the_fuzzer_has_designs_to_mutate() -> None:
    assert len(SOURCES) >= 6 and all(isinstance(s, bytes) for s in SOURCES)
    assert Path(__file__).name.startswith("test_fuzz")
