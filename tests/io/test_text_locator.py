"""The fast locator (:mod:`vinfra.io.locate`) gives exactly what ruamel.yaml's marks give, on every path of
every example, and says when it cannot follow the text (then ruamel.yaml answers)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import vinfra
from _paths import DATA, OWN_EXAMPLES, SHARED_EXAMPLES, designs
from vinfra.generate import generate_design, render_design
from vinfra.io import design as design_module
from vinfra.io.design import _Locator, _parse
from vinfra.io.export import to_json, to_yaml
from vinfra.io.locate import TextLocator, Unsure
from vinfra.io.source_map import SourceMap

LOCATE = DATA / "locate"


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, prefix + (i,))


def _compare(text: str, source: str) -> tuple[int, int]:
    """(paths compared, paths the fast locator left to ruamel.yaml); asserts every answer given is ruamel's."""
    data, json_text = _parse(text, source)
    fast, slow = TextLocator(text, data, json_text=json_text), SourceMap(text)
    compared = unsure = 0
    for path in _paths(data):
        for at in ("key", "value"):
            compared += 1
            try:
                got = fast.locate(path, at)
            except Unsure:
                unsure += 1
                continue
            assert got == slow.locate(path, at), (source, path, at)
    # and paths that leave the document stop at the deepest node, as ruamel's do
    for path in [("hosts", "nope"), ("vms", "x", "y"), ("links", 10_000), ("name", "deeper")]:
        try:
            assert fast.locate(path) == slow.locate(path), (source, path)
        except Unsure:
            unsure += 1
    return compared, unsure


EXAMPLES = [*designs(SHARED_EXAMPLES), *designs(OWN_EXAMPLES), DATA / "broken.yaml", LOCATE / "every-style.yaml"]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_path_of_the_examples_is_located_as_ruamel_locates_it(path: Path) -> None:
    compared, unsure = _compare(path.read_text(encoding="utf-8"), str(path))
    assert compared > 10 and unsure == 0


@pytest.mark.parametrize("fmt", ["yaml", "yaml-anchors", "json"])
def test_generated_designs_are_located_as_ruamel_locates_them(fmt: str) -> None:
    data = generate_design(12, 30, seed=3)
    text = render_design(data, "yaml" if fmt != "json" else "json", anchors=fmt == "yaml-anchors").decode()
    compared, unsure = _compare(text, f"g.{'json' if fmt == 'json' else 'yaml'}")
    assert compared > 1000 and unsure == 0


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_exports_are_located_as_ruamel_locates_them(fmt: str) -> None:
    inv = vinfra.load(OWN_EXAMPLES / "mlag-vds-lacp.yaml")
    text = to_yaml(inv) if fmt == "yaml" else to_json(inv)
    assert _compare(text, f"export.{fmt}")[1] == 0


def test_what_the_fast_locator_cannot_follow_is_left_to_ruamel() -> None:
    """Escaped and complex ('?') keys, and multi-line plain scalars in flow collections: the fast locator says
    so rather than guess, and the combined locator answers as ruamel does."""
    text = (LOCATE / "fallbacks.yaml").read_text(encoding="utf-8")
    _, unsure = _compare(text, "fallbacks.yaml")
    assert unsure > 0
    data, _ = _parse(text, "fallbacks.yaml")
    both, slow = _Locator(text, data, False), SourceMap(text)
    for path in _paths(data):
        assert both(path, "key") == slow.locate(path, "key"), path


def test_an_error_at_the_end_of_a_large_design_is_located_without_ruamel(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 8: the error path costs about what the success path costs: no whole-file parse with marks."""
    data = generate_design(64, 400, seed=1)
    data["links"][-1]["speed"] = 10**9
    text = render_design(data, "yaml").decode()

    def no_slow_parse(*_: Any) -> None:
        raise AssertionError("ruamel.yaml parsed the whole design")

    monkeypatch.setattr(design_module, "SourceMap", no_slow_parse)
    with pytest.raises(vinfra.DesignError) as info:
        vinfra.load_text(text, "big.yaml")
    (diag,) = info.value.diagnostics
    last_line = text.rstrip("\n").count("\n") + 1
    assert (diag.line, diag.message) == (last_line, f"links[{len(data['links']) - 1}].speed: Input should be less "
                                                    "than or equal to 800000 (got 1000000000)")
    assert text.splitlines()[diag.line - 1][diag.column - 1 :].startswith("1000000000")
