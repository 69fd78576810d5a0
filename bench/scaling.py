"""Issue 9's scaling report, computed from the benchmark's own measurements (CPU seconds of each case).

- The exponent k of cost ~ N^k for validate, check and reach between 500 and 10,000 hosts (16 VMs each):
  k = log(cpu_large / cpu_small) / log(hosts_large / hosts_small); target k <= 1.1.
- At 2,500 / 40,000: reach <= 2x validate, check <= 2x validate, validate <= 3x the raw parse.

Figures are the cases' in-process CPU seconds (the timed call); the whole-process CPU (start-up, imports
and exit included) is printed beside them.
"""

from __future__ import annotations

import math

from rich.console import Console

from .cases import LARGE, MID, XL
from .registry import SIZES

SCALED = ("validate", "check", "reach")
MAX_EXPONENT = 1.1
#: (case, reference case, the most the case may cost as a multiple of the reference), at 2,500 / 40,000
RATIOS = (("reach", "validate", 2.0), ("check", "validate", 2.0), ("validate", "parse", 3.0))

Figures = dict[tuple[str, str], tuple[float, float]]  # (case, size) -> (CPU s, whole-process CPU s)


def exponent(small: float, large: float, n_small: int, n_large: int) -> float:
    return math.log(large / small) / math.log(n_large / n_small)


def report(figures: Figures, console: Console) -> int:
    """Print the scaling and ratio lines that the measurements allow; return how many targets were missed."""
    missed = 0
    lo, hi = SIZES[MID.name], SIZES[XL.name]
    for name in SCALED:
        a, b = figures.get((name, lo.name)), figures.get((name, hi.name))
        if a is None or b is None:
            continue
        k = exponent(a[0], b[0], lo.hosts, hi.hosts)
        k_proc = exponent(a[1], b[1], lo.hosts, hi.hosts)
        ok = k <= MAX_EXPONENT
        missed += not ok
        console.print(f"scaling {name}: {lo.name} {a[0]:.2f} s -> {hi.name} {b[0]:.2f} s CPU: exponent {k:.2f} "
                      f"(whole process {a[1]:.2f} -> {b[1]:.2f} s: {k_proc:.2f}), target <= {MAX_EXPONENT} "
                      + ("[green]PASS[/]" if ok else "[red]FAIL[/]"))
    for name, ref, most in RATIOS:
        a, b = figures.get((name, LARGE.name)), figures.get((ref, LARGE.name))
        if a is None or b is None:
            continue
        ratio = a[0] / b[0]
        ok = ratio <= most
        missed += not ok
        console.print(f"ratio at {LARGE.name}: {name} {a[0]:.2f} s / {ref} {b[0]:.2f} s CPU = {ratio:.2f}x "
                      f"(whole process {a[1] / b[1]:.2f}x), target <= {most:g}x "
                      + ("[green]PASS[/]" if ok else "[red]FAIL[/]"))
    return missed
