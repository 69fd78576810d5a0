"""Fixtures of the web client's browser tests: ``browser`` (Debian's chromium through Playwright; skipped with
the reason when missing, failed under CI where ``.ci/run`` installs it) and ``shot`` (screenshots into the
report directory, see :mod:`webserve`)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from webserve import CHROMIUM, REPORT, missing


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    problem = missing()
    if problem is not None:
        if os.environ.get("CI"):
            pytest.fail(problem)
        pytest.skip(problem)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture
def shot(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """``shot(page, label)`` saves a full-page screenshot named after the test."""
    REPORT.mkdir(parents=True, exist_ok=True)

    def take(page, label: str = "") -> Path:  # type: ignore[no-untyped-def]
        path = REPORT / f"{request.node.name}{'-' + label if label else ''}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


