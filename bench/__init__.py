"""Benchmarks: ``make bench`` (``python -m bench``).

Every case runs in a fresh subprocess, so its peak memory (``ru_maxrss``) is its own.  Cases
live in a registry (:mod:`bench.registry`); an analysis adds its own with::

    from bench.registry import Target, case

    @case("reach", input="inventory", targets={"2500h-40k": Target(seconds=30)})
    def reach(inv):
        ...

and imports its module from :mod:`bench.cases`.
"""
