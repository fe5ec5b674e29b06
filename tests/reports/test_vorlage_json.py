"""compile writes the C5 JSON beside the .docx and .html."""

import json

from kgrz_mailbot.domain.drafting import draft_contract
from kgrz_mailbot.reports.vorlage_json import write_json
from tests.reports.seed_draft import seed_draft


def test_the_json_file_is_exactly_the_c5_contract(tmp_path):
    draft = seed_draft()
    path = write_json(draft, tmp_path / "entwurf.json")
    assert path == tmp_path / "entwurf.json"
    assert json.loads(path.read_text(encoding="utf-8")) == draft_contract(draft)


def test_the_json_file_is_readable_utf8_indented_by_two(tmp_path):
    raw = write_json(seed_draft(), tmp_path / "e.json").read_bytes().decode("utf-8")
    assert "Übernahme der Aufgabe Telefonie" in raw
    assert "\\u00dc" not in raw
    assert raw.startswith('{\n  "committee": "Werkausschuss \\"Kommunales Gebietsrechenzentrum Koblenz\\"",')
    assert '"missing": [\n    "time"\n  ]' in raw
