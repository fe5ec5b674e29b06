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


@pytest.mark.parametrize("content", ["config/settings.toml", "notizen.txt"])
def test_the_demo_refuses_a_directory_that_is_not_empty_and_leaves_it_alone(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str) -> None:
    kept = tmp_path / "projekt" / content
    kept.parent.mkdir(parents=True)
    kept.write_text("wichtig\n", encoding="utf-8")
    assert main(["demo", "--dir", str(tmp_path / "projekt")]) == 1
    err = capsys.readouterr().err
    assert f"Das Verzeichnis {tmp_path / 'projekt'} ist nicht leer" in err and "--dir weglassen" in err
    assert kept.read_text(encoding="utf-8") == "wichtig\n"
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == sorted(
        [Path("projekt"), Path("projekt") / content, *([Path("projekt/config")] if "/" in content else [])])


def test_the_demo_refuses_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "demo").write_text("x", encoding="utf-8")
    assert main(["demo", "--dir", str(tmp_path / "demo")]) == 1
    assert "ist eine Datei" in capsys.readouterr().err
