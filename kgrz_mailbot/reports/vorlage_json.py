"""The draft as the C5 JSON file written beside the .docx and .html."""

from __future__ import annotations

import json
from pathlib import Path

from kgrz_mailbot.domain.drafting import Draft, draft_contract


def draft_json(draft: Draft) -> str:
    """C5 text: UTF-8 umlauts as they are (``ensure_ascii=False``), indented for people who open the file."""
    return json.dumps(draft_contract(draft), ensure_ascii=False, indent=2) + "\n"


def write_json(draft: Draft, path: Path) -> Path:
    """Write the C5 JSON of ``draft`` to ``path`` and return the path."""
    path.write_text(draft_json(draft), encoding="utf-8")
    return path
