"""``vinfra failures``: output, bad input (exit 2), and the same bytes from every executor."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from _paths import SHARED_EXAMPLES
from vinfra.cli.main import app

runner = CliRunner()


@pytest.fixture(scope="module")
def design() -> Path:
    if SHARED_EXAMPLES is None:
        pytest.skip("the team's shared examples are not next to the repository")
    return SHARED_EXAMPLES / "seed-two-independent-switches.yaml"


def _run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_json_shape_is_the_issues(design: Path) -> None:
    code, out, _ = _run("failures", str(design), "--format", "json", "--workers", "1")
    assert code == 0
    data = json.loads(out)
    assert list(data) == ["scenarios"]
    for row in data["scenarios"]:
        assert set(row) == {"fail", "impact", "lost", "blackholed", "recovery_s", "explanation"}
        assert row["impact"] in ("none", "degraded", "outage")
    assert [r["fail"] for r in data["scenarios"]][:4] == [["dist-1"], ["dist-2"], ["sw-a"], ["sw-b"]]


def test_text_table_and_summary(design: Path) -> None:
    code, out, _ = _run("failures", str(design), "--only", "switches,hosts", "--workers", "1")
    assert code == 0 and "6 failure scenarios" in out and "degraded" in out
    assert out.strip().splitlines()[-1].endswith("none")


def test_depth_2_black_holes_in_text(design: Path) -> None:
    code, out, _ = _run("failures", str(design), "--only", "links", "--depth", "2", "--workers", "1")
    assert code == 0 and "link status cannot see sw-a's lost upstream" in out


def test_local_pool_gives_the_same_bytes_as_one_process(design: Path) -> None:
    one = _run("failures", str(design), "--format", "json", "--depth", "2", "--only", "links,nics", "--workers", "1")
    two = _run("failures", str(design), "--format", "json", "--depth", "2", "--only", "links,nics", "--workers", "2")
    assert one[0] == two[0] == 0 and one[1] == two[1]


def test_dask_local_cluster_gives_the_same_bytes_as_the_local_pool(design: Path) -> None:
    import distributed  # a dependency (pyproject): never skipped
    local = _run("failures", str(design), "--format", "json", "--depth", "2", "--only", "links,nics", "--workers", "2")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        remote = _run("failures", str(design), "--format", "json", "--depth", "2", "--only", "links,nics",
                      "--scheduler", cluster.scheduler_address)
    assert remote[0] == 0, remote[2]
    assert remote[1] == local[1] and '"outage"' in local[1]


@pytest.mark.parametrize(("args", "message"), [
    (["--depth", "3"], "error: --depth: Input should be less than or equal to 2"),
    (["--only", "cables"], "--only cables: expected one of switches, links, nics, hosts"),
    (["--format", "xml"], "error: --format: 'xml' is not one of 'text', 'json'"),
    (["--workers", "0"], "error: --workers: Input should be greater than or equal to 1"),
    (["--scheduler", "localhost:8786"], "expected an address such as tcp://HOST:8786"),
    (["--scheduler", "tcp://127.0.0.1:9"], "cannot reach the Dask scheduler at tcp://127.0.0.1:9"),
])
def test_bad_input_exits_2(design: Path, args: list[str], message: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("vinfra.execute.CONNECT_TIMEOUT_S", 1)
    code, out, err = _run("failures", str(design), *args)
    assert code == 2 and message in err and "Traceback" not in out + err


def test_bad_design_exits_2_with_located_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nswitches:\n  sw-a: {vlanz: [1]}\n")
    code, _, err = _run("failures", str(bad))
    assert code == 2 and f"{bad}:3:" in err
