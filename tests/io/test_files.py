"""The one atomic writer (vinfra.io.files) behind ``export -o`` and ``generate -o``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import vinfra.generate
import vinfra.io.export
from vinfra.io import files
from vinfra.io.files import write_atomic


def _normal_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def test_write_atomic_replaces_the_file_and_keeps_a_normal_mode(tmp_path: Path) -> None:
    target = tmp_path / "design.yaml"
    target.write_text("old\n", encoding="utf-8")
    write_atomic(target, "new\n")
    assert target.read_text(encoding="utf-8") == "new\n"
    assert target.stat().st_mode & 0o777 == _normal_mode()


def test_write_atomic_writes_bytes_as_given_and_text_as_utf8(tmp_path: Path) -> None:
    write_atomic(tmp_path / "a.bin", b"\x00\xffabc")
    assert (tmp_path / "a.bin").read_bytes() == b"\x00\xffabc"
    write_atomic(tmp_path / "b.yaml", "name: caf\u00e9\n")
    assert (tmp_path / "b.yaml").read_bytes() == "name: caf\u00e9\n".encode()


@pytest.mark.parametrize("fail_at", ["write", "replace"])
def test_write_atomic_never_leaves_a_half_written_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       fail_at: str) -> None:
    target = tmp_path / "design.yaml"
    target.write_text("old and whole\n", encoding="utf-8")

    def broken(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync" if fail_at == "write" else "replace", broken)
    with pytest.raises(OSError, match="No space left"):
        write_atomic(target, "new\n" * 1000)
    assert target.read_text(encoding="utf-8") == "old and whole\n"
    assert [p.name for p in tmp_path.iterdir()] == ["design.yaml"]


def test_export_and_generate_share_the_writer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert vinfra.io.export.write_atomic is files.write_atomic is vinfra.generate.write_atomic
    calls: list[str] = []
    real = files.write_atomic

    def spy(path: str | os.PathLike[str], data: str | bytes) -> None:
        calls.append(Path(path).name)
        real(path, data)

    monkeypatch.setattr(vinfra.io.export, "write_atomic", spy)
    monkeypatch.setattr(vinfra.generate, "write_atomic", spy)
    vinfra.generate.dump_design(vinfra.generate.generate_design(2, 2, seed=1), tmp_path / "g.yaml")
    vinfra.io.export.export(vinfra.load(tmp_path / "g.yaml"), "json", tmp_path / "e.json")
    assert calls == ["g.yaml", "e.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e.json", "g.yaml"]
