"""``python -m bench``: generate the designs, run every case in its own process, report."""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from . import cases as _cases  # noqa: F401  (registers the sizes and cases)
from . import scaling
from .registry import CASES, SIZES, Case, Size

ROOT = Path(__file__).resolve().parents[1]
# yaml-anchors: each cluster's hosts as one anchor and merge keys, as the shared examples write them
SUFFIX = {"yaml": ".yaml", "yaml-anchors": "-anchors.yaml", "json": ".json"}


@dataclass
class Result:
    case: str
    size: str
    fmt: str
    file_mb: float
    seconds: float
    cpu_seconds: float
    sys_seconds: float  # the kernel's share of cpu_seconds (page faults, mostly)
    rss_mib: float
    process_seconds: float
    process_cpu_seconds: float
    target: str
    ok: bool | None  # None: no target
    figures: dict | None = None  # what the case's answer showed (Case.figures)


def _peak_rss_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def run_child(case_name: str, path: str) -> None:
    """In the fresh subprocess: run one case once, print one JSON line."""
    import vinfra

    c = CASES[case_name]
    arg: object = Path(path)
    if c.input == "inventory":
        arg = vinfra.load(path)
    if c.prepare is not None:
        arg = c.prepare(arg)
    gc.collect()  # the collection loading left pending is not the case's cost
    sys_start = resource.getrusage(resource.RUSAGE_SELF).ru_stime
    start, cpu_start = time.perf_counter(), time.process_time()
    answer = c.fn(arg)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    sys_cpu = resource.getrusage(resource.RUSAGE_SELF).ru_stime - sys_start
    rss = _peak_rss_mib()
    figures = c.figures(answer) if c.figures is not None else None  # untimed
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "sys_seconds": sys_cpu, "rss_mib": rss,
                      "figures": figures}))
    # end as the ``vinfra`` entry point does (cli.heap.leave): the whole-process figure is the command's, not
    # that of tearing a loaded design down object by object
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _child_env() -> dict[str, str]:
    """The children's environment.  Bytecode is written and read as an installed ``vinfra`` has it (pip compiles
    on install; a checkout writes ``__pycache__`` on first use): an environment that forbids writing it
    (``PYTHONDONTWRITEBYTECODE``) would make every child compile every module again, start-up the issue's
    targets do not mean."""
    # this checkout's own sources first: an environment whose vinfra is installed from another checkout would
    # otherwise time that one
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), str(ROOT / "src"),
                                                                     os.environ.get("PYTHONPATH")]))}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _compile_sources() -> None:
    """Write the bytecode of vinfra and the benchmark once, before any timed child (see :func:`_child_env`)."""
    import compileall

    for folder in (ROOT / "src" / "vinfra", ROOT / "bench"):
        if folder.is_dir():
            compileall.compile_dir(folder, quiet=1)


#: how the benchmark runs a ``vinfra`` command as users do (the entry point's own code: cli.main.main)
CLI = "from vinfra.cli.main import main; main()"


def _run(argv: list[str], what: str, codes: tuple[int, ...] = (0,)) -> tuple[str, float, float]:
    """Run a child; return its output, its wall seconds and its own CPU seconds (start-up and exit included).
    ``codes``: the exit statuses that are not a failure."""
    env = _child_env()
    with tempfile.TemporaryFile() as out_f, tempfile.TemporaryFile() as err_f:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out_f, stderr=err_f)
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage
        seconds = time.perf_counter() - start
        out_f.seek(0)
        err_f.seek(0)
        stdout, stderr = out_f.read().decode(), err_f.read().decode()
    if os.waitstatus_to_exitcode(status) not in codes:
        raise SystemExit(f"{what} failed:\n{stderr.strip()}")
    return stdout, seconds, usage.ru_utime + usage.ru_stime


def prime_memory(gib: float) -> float:
    """Touch ``gib`` GiB once in a throwaway child, so that no case pays for the machine's never-used memory.

    On this virtual machine the first touch of guest memory that nothing has used since boot costs the
    kernel several times what reusing freed memory does: a 10,000-host validate took 3.2-3.9 s of system
    time on a fresh machine and 0.8-1.1 s after 8 GiB had been touched once (user time 6.1-6.7 s both
    ways, the same 388,000 page faults).  Without priming, whichever large case runs first is charged for
    the machine's age, not for its own work.  Returns the seconds it took."""
    start = time.perf_counter()
    code = ("import mmap\n"
            f"m = mmap.mmap(-1, {int(gib * 2**30)})\n"
            f"for i in range(0, {int(gib * 2**30)}, 4096):\n    m[i] = 1\n")
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - start


def _spawn(case_name: str, path: Path, alone: bool = False) -> tuple[float, float, float, float, float, dict | None,
                                                                      float]:
    """Run a case in a child; ``alone``: take the whole-process figures from its ``vinfra`` command run alone."""
    # Linux carries the parent's peak RSS into a child's ru_maxrss across fork and exec, so this
    # process stays lean (designs are generated in subprocesses too): then a case's peak is its own.
    stdout, seconds, cpu = _run([sys.executable, "-m", "bench", "--child", case_name, str(path)],
                                f"case {case_name} on {path.name}")
    out = json.loads(stdout.strip().splitlines()[-1])
    command = CASES[case_name].command
    if alone and command is not None:
        # the command's own whole process: ``vinfra ARGS`` from start-up to exit (1 is a negative answer: check's
        # findings), not the benchmark child, whose harness imports more than the command needs
        _, seconds, cpu = _run([sys.executable, "-c", CLI, *command(path)], f"vinfra {case_name} on {path.name}",
                               codes=(0, 1))
    return (float(out["seconds"]), float(out["cpu_seconds"]), float(out["rss_mib"]), seconds, cpu, out.get("figures"),
            float(out["sys_seconds"]))


def generate_child(size_name: str, formats: str, workdir: str) -> None:
    """In a subprocess: write one size's design in each format (see :func:`_spawn` on why)."""
    from vinfra.generate import dump_design, generate_design

    size = SIZES[size_name]
    data = generate_design(size.hosts, size.vms, seed=size.seed, pattern=size.pattern, skew=size.skew)
    for fmt in formats.split(","):
        anchors = fmt == "yaml-anchors"
        dump_design(data, Path(workdir) / f"{size.name}{SUFFIX[fmt]}", "yaml" if anchors else fmt, anchors=anchors)


def _generate(size: Size, formats: set[str], workdir: Path, console: Console) -> dict[str, Path]:
    start = time.perf_counter()
    _run([sys.executable, "-m", "bench", "--generate", size.name, ",".join(sorted(formats)), str(workdir)],
         f"generating {size.name}")
    console.print(f"generated {size.name} ({size.hosts} hosts, {size.vms} VMs, pattern {size.pattern}) "
                  f"as {', '.join(sorted(formats))} in {time.perf_counter() - start:.1f} s", style="dim")
    return {fmt: workdir / f"{size.name}{SUFFIX[fmt]}" for fmt in formats}


def _selected(args: argparse.Namespace) -> list[tuple[Case, Size, str]]:
    wanted_cases = set(args.cases.split(",")) if args.cases else None
    wanted_sizes = set(args.sizes.split(",")) if args.sizes else None
    wanted_formats = set(args.formats.split(",")) if args.formats else None
    for label, wanted, known in (("case", wanted_cases, CASES), ("size", wanted_sizes, SIZES),
                                 ("format", wanted_formats, SUFFIX)):
        unknown = sorted((wanted or set()) - set(known))
        if unknown:
            raise SystemExit(f"unknown {label}: {', '.join(unknown)} (known: {', '.join(known)})")
    if wanted_cases is not None:  # a relative target needs the case it is relative to
        wanted_cases |= {t.than for name in wanted_cases for t in CASES[name].targets.values() if t.than}
    runs = []
    for c in CASES.values():
        if wanted_cases is not None and c.name not in wanted_cases:
            continue
        for size in SIZES.values():
            if (c.sizes is not None and size.name not in c.sizes) or (wanted_sizes is not None and size.name not in wanted_sizes):
                continue
            if size.cases is not None and c.name not in size.cases:
                continue
            for fmt in c.formats:
                if wanted_formats is None or fmt in wanted_formats:
                    runs.append((c, size, fmt))
    return runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--cases", help="comma-separated case names (default: all)")
    parser.add_argument("--sizes", help=f"comma-separated sizes (default: all of {', '.join(SIZES)})")
    parser.add_argument("--formats", help="comma-separated formats (default: each case's)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per case; the best time and the highest peak count")
    parser.add_argument("--workdir", type=Path, help="keep the generated designs here (default: a temporary folder)")
    parser.add_argument("--prime-gib", type=float, default=None,
                        help="GiB of memory touched once before the cases (default: 6 when a size has 2,500 hosts "
                             "or more, else 0; see prime_memory)")
    parser.add_argument("--child", nargs=2, metavar=("CASE", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--generate", nargs=3, metavar=("SIZE", "FORMATS", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        run_child(*args.child)
        return 0
    if args.generate:
        generate_child(*args.generate)
        return 0
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    # wide enough for the table when stdout is not a terminal (make, CI logs)
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 120)
    runs = _selected(args)
    _compile_sources()
    with tempfile.TemporaryDirectory(prefix="vinfra-bench-") as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        needed: dict[str, set[str]] = {}
        for _, size, fmt in runs:
            needed.setdefault(size.name, set()).add(fmt)
        files = {name: _generate(SIZES[name], fmts, workdir, console) for name, fmts in needed.items()}
        prime = args.prime_gib if args.prime_gib is not None else (
            6.0 if any(SIZES[name].hosts >= 2500 for name in needed) else 0.0)
        if prime > 0:
            took = prime_memory(prime)
            console.print(f"primed {prime:g} GiB of memory in {took:.1f} s (the first touch of a virtual machine's "
                          "unused memory is not charged to a case; --prime-gib 0 to skip)", style="dim")
        results = []
        for c, size, fmt in runs:
            path = files[size.name][fmt]
            # a start-up target (process seconds) is the command's own, run as users run it
            target = c.targets.get(size.name)
            alone = target is not None and target.process_seconds is not None and c.command is not None
            timings = [_spawn(c.name, path, alone) for _ in range(args.repeat)]
            seconds = min(t[0] for t in timings)
            cpu = min(t[1] for t in timings)
            rss = max(t[2] for t in timings)
            process_s = min(t[3] for t in timings)
            process_cpu = min(t[4] for t in timings)
            sys_cpu = min(t[6] for t in timings)
            results.append(Result(c.name, size.name, fmt, path.stat().st_size / 1e6, seconds, cpu, sys_cpu, rss,
                                  process_s, process_cpu, "-", None, timings[-1][5]))
        for r in results:  # after every run: a relative target compares with another case's result
            target = CASES[r.case].targets.get(r.size)
            if target is None:
                continue
            than = next((o.cpu_seconds for o in results
                         if target.than and (o.case, o.size, o.fmt) == (target.than, r.size, r.fmt)), None)
            # judged on CPU time: the machine is shared, and wall time measures the neighbours too
            r.target, r.ok = target.describe(), target.met(r.seconds if target.wall else r.cpu_seconds, r.rss_mib,
                                                           r.process_cpu_seconds, than)

    table = Table(title="vinfra benchmarks (each case in a fresh process)")
    for col, justify in (("case", "left"), ("size", "left"), ("format", "left"), ("file MB", "right"),
                         ("seconds", "right"), ("CPU s", "right"), ("of it sys", "right"), ("process s", "right"),
                         ("process CPU s", "right"),
                         ("peak RSS MiB", "right"), ("target (CPU)", "left"), ("result", "left")):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    for r in results:
        verdict = "-" if r.ok is None else ("[green]PASS[/]" if r.ok else "[red]FAIL[/]")
        table.add_row(r.case, r.size, r.fmt, f"{r.file_mb:.1f}", f"{r.seconds:.2f}", f"{r.cpu_seconds:.2f}",
                      f"{r.sys_seconds:.2f}", f"{r.process_seconds:.2f}", f"{r.process_cpu_seconds:.2f}", f"{r.rss_mib:.0f}", r.target, verdict)
    console.print(table)
    console.print("process s, process CPU s: the whole process, start-up and exit included: for a case with a "
                  "process target, its vinfra command run alone as users run it; otherwise the benchmark's child",
                  style="dim")
    for r in results:
        if r.figures:
            console.print(f"{r.case} on {r.size}: " + ", ".join(f"{k} {v}" for k, v in r.figures.items()),
                          markup=False)
    misses = scaling.report(
        {(r.case, r.size): (r.cpu_seconds, r.process_cpu_seconds) for r in results if r.fmt == "yaml"}, console)
    failed = [r for r in results if r.ok is False]
    if failed or misses:
        console.print(f"[red]{len(failed) + misses} target(s) missed[/]")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
