"""The change lines of a new draft version: per project, against the version the recipients last received."""

from __future__ import annotations

import copy
from typing import Any

from kgrz_mailbot.domain.changes import EarlierVersion, describe_changes, version_changes
from kgrz_mailbot.domain.drafting import draft_contract
from tests.reports.seed_draft import seed_draft

BASE: dict[str, Any] = draft_contract(seed_draft())


def changed(**per_key: dict[str, Any]) -> dict[str, Any]:
    contract = copy.deepcopy(BASE)
    for project in contract["projects"]:
        project.update(per_key.get(project["key"], {}))
    return contract


def test_each_kind_of_change_is_named_per_project_in_the_order_of_the_vorlage():
    new = changed(
        ecollaboration={"ampel": "rot"},
        egovernment={"stand": "Neu."},
        time={"answered": True, "answered_by": "tina.zeit@koblenz.example", "stand": "Da."},
        umbau={"answered_by": "vertretung@koblenz.example"},
    )
    assert describe_changes(BASE, new) == [
        "eCollaboration: Ampel grün → rot",
        "E-Government & Verwaltungsmodernisierung: geändert (Text)",
        "Umbaumaßnahmen innerhalb des KGRZ: geändert (Absender)",
        "TIME – neue Zeitwirtschaft: neue Rückmeldung",
    ]


def test_nothing_changed_means_no_lines():
    assert describe_changes(BASE, copy.deepcopy(BASE)) == []


def test_changes_count_from_the_last_version_that_was_mailed():
    v1 = EarlierVersion(1, sent=True, approved=False, contract=BASE)
    v2 = EarlierVersion(2, sent=False, approved=False, contract=changed(ecollaboration={"ampel": "rot"}))
    result = version_changes([v2, v1], changed(ecollaboration={"ampel": "rot"}, egovernment={"stand": "Neu."}))
    assert result.since == 1
    assert result.lines == (
        "eCollaboration: Ampel grün → rot",
        "E-Government & Verwaltungsmodernisierung: geändert (Text)",
    )


def test_an_approval_is_reported_superseded_once_until_a_later_mail_said_so():
    approved = EarlierVersion(1, sent=True, approved=True, contract=BASE)
    assert version_changes([approved], changed(egovernment={"stand": "Neu."})).lines[0] == (
        "Version 1 war freigegeben und ist durch diese Version überholt."
    )
    v2 = EarlierVersion(2, sent=True, approved=False, contract=changed(egovernment={"stand": "Neu."}))
    later = version_changes([approved, v2], changed(egovernment={"stand": "Neuer."}))
    assert later.since == 2 and not any("freigegeben" in line for line in later.lines)


def test_the_first_version_reports_no_changes():
    assert version_changes([], BASE).since is None and version_changes([], BASE).lines == ()
