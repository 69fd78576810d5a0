"""From the bytes of a design file to its text: UTF-8 only, every character one YAML allows.

Editors write a UTF-8 byte order mark: it is dropped.  Anything else that is not UTF-8 (Latin-1,
UTF-16 with or without its byte order mark) is refused at the line and column of the first bad
byte, saying how to fix it; so is a character YAML does not allow in a file (a NUL silently ended
the document in the fast parser, dropping the rest of the design).
"""

from __future__ import annotations

import re

from .errors import DesignError, Diagnostic

UTF8_BOM = b"\xef\xbb\xbf"
_NOT_PRINTABLE_ASCII = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PRINTABLE_ASCII_BYTES = bytes([0x09, 0x0A, 0x0D, *range(0x20, 0x7F)])  # what _NOT_PRINTABLE_ASCII does not match
# YAML 1.2 c-printable, inverted; the BOM is allowed only first and was dropped by then
_NOT_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_SAVE = "save the file as UTF-8 (in most editors: 'Save with encoding' or 'File encoding', then UTF-8)"


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of character ``offset`` in ``text``."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def decode_design(data: bytes, source: str) -> str:
    """The text of a design file; raise :class:`DesignError` at the first byte that is not UTF-8
    (the characters are checked by :func:`check_characters`, for text given directly too)."""
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM):]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DesignError([Diagnostic(source, 1, 1, f"the file is UTF-16 (it starts with a UTF-16 byte order mark); {_SAVE}")])
    if _looks_utf16(data):
        line, col = _byte_line_col(data, data.index(0))
        raise DesignError([Diagnostic(source, line, col, f"the file is UTF-16 (every other byte is NUL); {_SAVE}")])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _byte_line_col(data, exc.start)
        bad = data[exc.start : exc.start + 1].hex().upper()
        hint = " (Latin-1 or Windows-1252?)" if _looks_single_byte(data, exc.start) else ""
        raise DesignError([Diagnostic(source, line, col, f"the file is not UTF-8: byte 0x{bad} cannot start or continue a "
                                                         f"character here{hint}; {_SAVE}")]) from None
    return text


def check_characters(text: str, source: str) -> None:
    """Refuse the first character YAML does not allow in a file (control characters: a NUL silently ended
    the document in the fast parser).  Printable ASCII text, the common case, costs one search in C."""
    if text.isascii():
        # deleting every allowed byte leaves nothing: 5 ms where the search took 30 (a 14 MB design), in pieces
        # that stay in the cache; only a text with something left is searched, for where it is
        step = 1 << 18
        if not any(text[i : i + step].encode("ascii").translate(None, _PRINTABLE_ASCII_BYTES)
                   for i in range(0, len(text), step)):
            return
        m = _NOT_PRINTABLE_ASCII.search(text)
    else:
        m = _NOT_PRINTABLE.search(text)
    if m is not None:
        offset = m.start()
        line, col = line_col(text, offset)
        raise DesignError([Diagnostic(source, line, col, f"control character U+{ord(m.group()):04X} is not allowed in a "
                                                             "design file; delete it (or write it as an escape such as "
                                                             "\"\\t\" inside a double-quoted string)")])


def _byte_line_col(data: bytes, offset: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column


def _looks_single_byte(data: bytes, offset: int) -> bool:
    # a lone byte 0x80-0xFF between ASCII bytes: a single-byte code page, not a broken UTF-8 sequence
    nxt = data[offset + 1 : offset + 2]
    return data[offset] >= 0xA0 and (not nxt or nxt[0] < 0x80)


def _looks_utf16(data: bytes) -> bool:
    """Every other byte NUL at the start: ASCII text written as UTF-16 without a byte order mark."""
    head = data[:64]
    if 0 not in head:
        return False
    return len(head) >= 4 and (head[1::2].count(0) >= len(head) // 4 or head[0::2].count(0) >= len(head) // 4)
