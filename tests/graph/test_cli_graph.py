"""The command line works unchanged with ``transport = "graph"``; ``check`` and ``check --connect`` know Graph."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgrz_mailbot.cli.main import main

from .server import GraphTestServer


def run(config_dir: Path, *args: str) -> int:
    return main([args[0], "--config", str(config_dir), *args[1:]])


def test_send_requests_tick_compile_and_status_run_on_graph(
    graph_config: Path, graph: GraphTestServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(graph_config, "send-requests", "--session", "2018-09-19", "--now", "2018-08-29T08:00") == 0
    assert len(graph.sent) == 6
    assert run(graph_config, "send-requests", "--session", "2018-09-19", "--now", "2018-08-29T09:00") == 0
    assert len(graph.sent) == 6  # nothing twice
    assert run(graph_config, "poll", "--now", "2018-08-30T09:00") == 0
    assert run(graph_config, "tick", "--now", "2018-09-05T08:00") == 0
    assert len(graph.sent) == 12  # the first reminder to all six
    assert run(graph_config, "compile", "--session", "2018-09-19", "--send", "--now", "2018-09-11T08:00") == 0
    assert len(graph.sent) == 13
    capsys.readouterr()
    assert run(graph_config, "status", "--session", "2018-09-19", "--json") == 0
    assert '"reminders": 1' in capsys.readouterr().out
    assert graph.without_immutable == 0  # every request asked for immutable ids


def test_check_and_check_connect_report_every_step(graph_config: Path, graph: GraphTestServer,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert run(graph_config, "check") == 0
    assert run(graph_config, "check", "--connect") == 0
    out = capsys.readouterr().out
    for line in ("[ok] Anmeldung bei Microsoft Entra ID (Token): in Ordnung",
                 "[ok] Zugriff auf das Postfach projektstatus@koblenz.example: in Ordnung "
                 "(0 Nachrichten im Posteingang)",
                 "[ok] Ordner „Verarbeitet“ im Posteingang: in Ordnung (neu angelegt)",
                 "[ok] Senden erlaubt (Application Mail.Send): in Ordnung (Probe ohne Empfänger abgewiesen wie "
                 "erwartet, nichts versendet)",
                 "[ok] Probe-Entwurf gelöscht: in Ordnung"):
        assert line in out
    assert graph.sent == [] and graph.box.items == {}  # nobody was mailed, no probe left behind


def test_check_connect_names_the_missing_send_role_and_sends_nothing(graph_config: Path, graph: GraphTestServer,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    graph.roles[graph.address] = {"Mail.ReadWrite"}
    assert run(graph_config, "check", "--connect") == 1
    out = capsys.readouterr().out
    assert "[ok] Schreiben und Verschieben (Probe-Entwurf angelegt und verschoben): in Ordnung" in out
    assert "[FEHLER] Senden erlaubt (Application Mail.Send) fehlgeschlagen: Keine Berechtigung für Senden" in out
    assert "„Application Mail.Send“, per RBAC for Applications auf dieses Postfach beschränkt" in out
    assert "[ok] Probe-Entwurf gelöscht: in Ordnung" in out
    assert graph.sent == [] and graph.box.items == {}


def test_check_connect_stops_at_a_mailbox_outside_the_apps_scope(graph_config: Path, graph: GraphTestServer,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    graph.roles.clear()
    assert run(graph_config, "check", "--connect") == 1
    out = capsys.readouterr().out
    assert "[ok] Anmeldung bei Microsoft Entra ID (Token): in Ordnung" in out
    assert "[FEHLER] Zugriff auf das Postfach projektstatus@koblenz.example fehlgeschlagen: Keine Berechtigung" in out
    assert "Ordner" not in out  # nothing further is tried


def test_a_throttled_poll_ends_in_german_and_the_next_poll_takes_every_mail_once(
        graph_config: Path, graph: GraphTestServer, capsys: pytest.CaptureFixture[str]) -> None:
    from .conftest import mail

    for n in range(30):
        graph.deliver(mail(n, sender="news@example.org"))
    graph.inject("value", "throttle", times=1000, retry_after=30)  # longer than max_wait_seconds = 2
    assert run(graph_config, "poll", "--now", "2018-08-30T09:00") == 1
    assert "Microsoft Graph vorübergehend nicht verfügbar (Nachrichten abrufen; HTTP 429" in capsys.readouterr().err
    assert len(graph.folder_items("inbox")) == 30
    graph.clear_faults()
    assert run(graph_config, "poll", "--now", "2018-08-30T09:05") == 0
    assert "30 neue Mails" in capsys.readouterr().out
    assert graph.folder_items("inbox") == [] and len(graph.folder_items("inbox", "Verarbeitet")) == 30
