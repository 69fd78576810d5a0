"""vinfra.execute: results in item order whatever the executor; the payload set up once per worker."""

from __future__ import annotations

import os

import pytest

from vinfra import execute

SETUPS: list[object] = []


def _setup(payload: int) -> dict[str, int]:
    SETUPS.append(payload)
    return {"base": payload, "pid": os.getpid()}


def _job(ctx: dict[str, int], x: int) -> tuple[int, int]:
    return ctx["base"] + x, ctx["pid"]


def test_in_process_sets_up_once_and_keeps_order() -> None:
    SETUPS.clear()
    seen: list[int] = []
    out = execute.run(_job, list(range(50)), 1000, _setup, workers=1, progress=seen.append)
    assert [v for v, _ in out] == list(range(1000, 1050)) and SETUPS == [1000] and sum(seen) == 50


def test_process_pool_keeps_order_and_sets_up_per_process() -> None:
    seen: list[int] = []
    out = execute.run(_job, list(range(200)), 7, _setup, workers=2, progress=seen.append)
    assert [v for v, _ in out] == [7 + x for x in range(200)] and sum(seen) == 200
    assert os.getpid() not in {pid for _, pid in out} and len({pid for _, pid in out}) <= 2


def test_dask_scatters_once_and_keeps_order() -> None:
    distributed = pytest.importorskip("distributed")
    SETUPS.clear()
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster:
        out = execute.run(_job, list(range(300)), 11, _setup, scheduler=cluster.scheduler_address)
    assert [v for v, _ in out] == [11 + x for x in range(300)]
    assert SETUPS == [11]  # one worker: one context, however many chunks


def test_no_items() -> None:
    assert execute.run(_job, [], 1, _setup, workers=2) == []
