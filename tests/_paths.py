"""Where the tests find design files.

The team's shared directory (``shared/examples``, ``shared/data``) sits next to the repository in a
plain checkout, and two levels up when the repository is a worktree under a common folder; the
environment variable ``VINFRA_SHARED`` overrides both.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
OWN_EXAMPLES = ROOT / "examples"


def _shared() -> Path | None:
    env = os.environ.get("VINFRA_SHARED")
    candidates = [Path(env)] if env else []
    candidates += [ROOT.parent / "shared", ROOT.parent.parent / "shared"]
    for path in candidates:
        if (path / "examples").is_dir():
            return path
    return None


SHARED = _shared()
SHARED_EXAMPLES = SHARED / "examples" if SHARED else None


def designs(directory: Path | None) -> list[Path]:
    """Design files in ``directory`` (``*.expect.yaml`` files are expectations and ``*.scenario.yaml`` files
    scenarios, not designs)."""
    if directory is None or not directory.is_dir():
        return []
    return sorted(p for p in directory.rglob("*.yaml") if not p.name.endswith((".expect.yaml", ".scenario.yaml")))


def shared_example(name: str) -> Path:
    if SHARED_EXAMPLES is None:
        raise FileNotFoundError("the shared examples are not found; set VINFRA_SHARED")
    return SHARED_EXAMPLES / name
