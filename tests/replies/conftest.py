"""Fixtures of the replies tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import CORPORA_DIR


@pytest.fixture(scope="session")
def corpora() -> Path:
    if not CORPORA_DIR.is_dir():
        pytest.skip(f"shared corpora not found at {CORPORA_DIR} (they live beside the repository)")
    return CORPORA_DIR
