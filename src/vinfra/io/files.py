"""Writing files whole or not at all: the one writer behind ``vinfra export -o`` and ``vinfra generate -o``."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_atomic(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the whole new one.

    The data goes to a temporary file in the same directory (same file system, so the rename is
    atomic), is flushed to disk, gets the mode an ordinary new file would have (``mkstemp`` makes
    it 0600), and then replaces ``path``.  On any error the temporary file is removed and ``path``
    is untouched.  Text is written as UTF-8 with ``\\n`` line ends.
    """
    blob = data.encode("utf-8") if isinstance(data, str) else data
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


__all__ = ["write_atomic"]
