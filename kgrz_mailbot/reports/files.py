"""The three files of one draft version (.json, .html, .docx), named by committee, session and version."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kgrz_mailbot.domain.drafting import Draft
from kgrz_mailbot.reports.render import Renderer
from kgrz_mailbot.reports.vorlage_docx import write_docx
from kgrz_mailbot.reports.vorlage_html import render_html
from kgrz_mailbot.reports.vorlage_json import write_json


@dataclass(frozen=True)
class DraftFiles:
    """Paths of the written files of one draft version."""

    json: Path
    html: Path
    docx: Path


def draft_stem(draft: Draft) -> str:
    """``werkausschuss-2018-09-19-v2``: sorts by session and version, unique per committee."""
    return f"{draft.committee_key}-{draft.session_date.isoformat()}-v{draft.version}"


def atomic_write(path: Path, write: Callable[[Path], object]) -> Path:
    """Let ``write`` fill a temporary file beside ``path``, then rename it into place.

    A reader (the mail job attaching the .docx, an admin's file share) sees the old file or the complete new
    one, never half a file; ``os.replace`` is atomic within one file system, hence the temp file in the same
    folder.
    """
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)  # mkstemp makes the file 0600: drafts name staff and their reports, for the service account only
        with open(tmp, "rb") as written:
            os.fsync(written.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def write_draft_files(draft: Draft, output_dir: Path, renderer: Renderer, changes: Sequence[str] = (),
                      since: int | None = None, *, created: datetime) -> DraftFiles:  # fmt: skip
    """Write ``<committee>-<session>-v<version>.{json,html,docx}`` into ``output_dir/<session>/``.

    ``changes`` are the lines "what changed since version ``since``" shown in the HTML overview.
    """
    folder = Path(output_dir) / draft.session_date.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    stem = draft_stem(draft)
    html = render_html(draft, renderer, changes, since)
    return DraftFiles(
        json=atomic_write(folder / f"{stem}.json", lambda tmp: write_json(draft, tmp)),
        html=atomic_write(folder / f"{stem}.html", lambda tmp: tmp.write_text(html, encoding="utf-8")),
        docx=atomic_write(folder / f"{stem}.docx", lambda tmp: write_docx(draft, tmp, created)),
    )
