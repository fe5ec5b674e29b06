"""Shared fixtures: the example config copied into a temporary directory, a fixed clock, the real app."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from kgrz_mailbot.app import App, build_app
from kgrz_mailbot.clock import FixedClock
from kgrz_mailbot.config.load import load_config
from tests.support import REPO, at


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    """A private copy of the repository's example config (six seed projects, the Werkausschuss)."""
    target = tmp_path / "config"
    shutil.copytree(REPO / "config", target, ignore=shutil.ignore_patterns("var"))
    return target


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(at("2018-08-29T08:00"))


@pytest.fixture
def app(config_dir: Path, clock: FixedClock) -> Iterator[App]:
    application = build_app(load_config(config_dir), clock=clock)
    yield application
    application.close()
