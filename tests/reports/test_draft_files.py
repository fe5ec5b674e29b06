"""compile writes the three files of a draft version atomically into the session's folder."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from kgrz_mailbot.reports.files import atomic_write, write_draft_files
from kgrz_mailbot.reports.render import Renderer
from tests.reports.seed_draft import seed_draft

CREATED = datetime(2018, 9, 11, 6, 0, tzinfo=UTC)  # the moment the draft is written


def test_the_files_are_named_by_committee_session_and_version_in_the_session_folder(tmp_path):
    files = write_draft_files(seed_draft(version=2), tmp_path / "reports", Renderer(), created=CREATED)
    folder = tmp_path / "reports" / "2018-09-19"
    assert files.json == folder / "werkausschuss-2018-09-19-v2.json"
    assert files.html == folder / "werkausschuss-2018-09-19-v2.html"
    assert files.docx == folder / "werkausschuss-2018-09-19-v2.docx"
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in (files.docx, files.html, files.json))
    assert json.loads(files.json.read_text(encoding="utf-8"))["version"] == 2
    assert files.html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert files.docx.read_bytes()[:2] == b"PK"


def test_a_new_version_sits_beside_the_earlier_one_and_the_same_version_is_replaced(tmp_path):
    renderer = Renderer()
    first = write_draft_files(seed_draft(version=1), tmp_path, renderer, created=CREATED)
    write_draft_files(seed_draft(version=2), tmp_path, renderer, created=CREATED)
    again = write_draft_files(seed_draft(version=1), tmp_path, renderer, created=CREATED)
    assert again == first
    assert len(list((tmp_path / "2018-09-19").iterdir())) == 6


def test_a_failed_write_leaves_the_previous_file_and_no_temporary_file(tmp_path):
    target = tmp_path / "entwurf.html"
    target.write_text("alt", encoding="utf-8")

    def broken(tmp):
        tmp.write_text("halb", encoding="utf-8")
        raise OSError("Platte voll")

    with pytest.raises(OSError):
        atomic_write(target, broken)
    assert target.read_text(encoding="utf-8") == "alt"
    assert list(tmp_path.iterdir()) == [target]


def test_written_files_are_private_to_the_service_account(tmp_path):
    # drafts name staff and quote their reports (issue 15, item 4): admins read them as root or as the account
    path = atomic_write(tmp_path / "x.json", lambda tmp: tmp.write_text("{}", encoding="utf-8"))
    assert path.stat().st_mode & 0o777 == 0o600
