"""The README's first quick-start command: ``demo`` runs a whole cycle and ends with the draft's paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgrz_mailbot.cli.main import main


def test_the_demo_runs_the_june_and_september_cycles_and_names_the_draft(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--dir", str(tmp_path / "demo")]) == 0
    out = capsys.readouterr().out
    docx = Path(out.rsplit("Word:", 1)[1].strip())
    assert docx.is_file() and docx.suffix == ".docx"
    assert "Entwurf Version 1 an die Werkleitung versandt" in out
