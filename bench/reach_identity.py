"""Check that a change leaves every reach answer byte-identical: ``vinfra reach --format json`` with two source trees.

    python -m bench.reach_identity BEFORE_SRC [AFTER_SRC] [--hosts N] [--command reach|check]

runs ``vinfra reach DESIGN --format json`` (or ``vinfra check``) with ``PYTHONPATH=BEFORE_SRC`` and with ``AFTER_SRC`` (default: this
tree's src) on the shared examples, this tree's examples/ and a generated design of every pattern, and
compares the outputs byte for byte (exit status and standard output).  Exits 1 on any difference.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED_EXAMPLES = Path("/work/shared/examples")
PATTERNS = ("independent", "stacked", "mlag", "mixed")


def _reach(src: Path, design: Path, command: str = "reach") -> tuple[int, bytes]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    proc = subprocess.run([sys.executable, "-c", "from vinfra.cli.main import main; main()", command, str(design),
                           "--format", "json"], env=env, capture_output=True, check=False)
    return proc.returncode, proc.stdout


def designs(workdir: Path, hosts: int) -> list[Path]:
    found = [p for d in (SHARED_EXAMPLES, ROOT / "examples") if d.is_dir()
             for p in sorted(d.glob("*.yaml")) if not p.name.endswith(".expect.yaml")]
    from vinfra.generate import dump_design, generate_design

    for pattern in PATTERNS:
        path = workdir / f"generated-{pattern}-{hosts}h.yaml"
        dump_design(generate_design(hosts, hosts * 8, seed=1, pattern=pattern), path, "yaml")
        found.append(path)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reach_identity", description=__doc__)
    parser.add_argument("before", type=Path, help="the src folder of the reference tree")
    parser.add_argument("after", type=Path, nargs="?", default=ROOT / "src", help="the src folder to check")
    parser.add_argument("--hosts", type=int, default=96, help="hosts of each generated design (default 96)")
    parser.add_argument("--command", choices=("reach", "check"), default="reach", help="the command compared (default reach)")
    args = parser.parse_args(argv)
    differ = 0
    with tempfile.TemporaryDirectory(prefix="vinfra-identity-") as tmp:
        for design in designs(Path(tmp), args.hosts):
            before, after = _reach(args.before, design, args.command), _reach(args.after, design, args.command)
            same = before == after
            differ += not same
            print(f"{'same' if same else 'DIFFERENT'}: {design.name} (exit {after[0]}, {len(after[1])} bytes)")
    print(f"{differ} design(s) differ" if differ else f"every {args.command} answer is byte-identical")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
