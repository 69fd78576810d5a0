"""Bytes to text (issue 8): UTF-8 with or without a byte order mark; anything else refused at the line and
column of the first bad byte, saying what to do."""

from __future__ import annotations

from pathlib import Path

import pytest

import vinfra
from vinfra.io.errors import DesignError
from vinfra.io.source_text import decode_design

DESIGN = "name: enc\ndescription: caf\u00e9 r\u00e9seau \u2014 \U0001F600\nhosts:\n  esx01: {}\n"


def _error(data: bytes) -> str:
    with pytest.raises(DesignError) as info:
        decode_design(data, "d.yaml")
    (diag,) = info.value.diagnostics
    return str(diag)


def test_a_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    plain, bom = tmp_path / "plain.yaml", tmp_path / "bom.yaml"
    plain.write_bytes(DESIGN.encode())
    bom.write_bytes(b"\xef\xbb\xbf" + DESIGN.encode())
    assert vinfra.load(bom) == vinfra.load(plain)
    assert vinfra.load_text("\ufeff" + DESIGN) == vinfra.load(plain)
    json_bom = tmp_path / "bom.json"
    json_bom.write_bytes(b"\xef\xbb\xbf" + b'{"name": "j"}')
    assert vinfra.load(json_bom).name == "j"


def test_crlf_and_non_ascii_text_are_accepted() -> None:
    assert decode_design(DESIGN.replace("\n", "\r\n").encode(), "d.yaml") == DESIGN.replace("\n", "\r\n")


def test_latin1_is_located_at_its_first_bad_byte() -> None:
    assert _error(DESIGN.encode("latin-1", errors="replace")).startswith(
        "d.yaml:2:17: error: the file is not UTF-8: byte 0xE9 cannot start or continue a character here "
        "(Latin-1 or Windows-1252?); save the file as UTF-8")


def test_a_broken_utf8_sequence_counts_columns_in_characters() -> None:
    # two good characters (é, 2 bytes each) then a lone continuation byte: column 4
    assert _error("x: \u00e9\u00e9".encode() + b"\x80\n").startswith("d.yaml:1:6: error: the file is not UTF-8: byte 0x80")


@pytest.mark.parametrize(("encoding", "where"), [("utf-16", "1:1"), ("utf-16-le", "1:2"), ("utf-16-be", "1:1")])
def test_utf16_is_named(encoding: str, where: str) -> None:
    message = _error(DESIGN.encode(encoding))
    assert message.startswith(f"d.yaml:{where}: error: the file is UTF-16") and "save the file as UTF-8" in message


@pytest.mark.parametrize(("char", "where"), [("\x00", "2:5"), ("\x07", "2:5"), ("\x7f", "2:5"), ("\x85\x9b", "2:6"),
                                             ("\ufffe", "2:5")])
def test_characters_yaml_forbids_are_located(char: str, where: str) -> None:
    with pytest.raises(DesignError) as info:
        vinfra.load_text(f"name: x\nab: {char}y\n", "d.yaml")
    message = str(info.value)
    assert message.startswith(f"d.yaml:{where}: error: control character U+")


def test_tabs_newlines_and_next_line_are_allowed() -> None:
    text = "name: x\t# tab\r\ndescription: \"a\u0085b\"\n"
    assert decode_design(text.encode(), "d.yaml") == text
