"""``check`` and ``check --connect`` for every transport: configuration problems and a live probe, in German."""

from __future__ import annotations

from collections.abc import Mapping

from kgrz_mailbot.config.relay_section import relay_problems
from kgrz_mailbot.config.settings import Config
from kgrz_mailbot.transports.errors import TransportError
from kgrz_mailbot.transports.ews.problems import WARNING, exchange_problems
from kgrz_mailbot.transports.maildir.check import check_maildir, trust_warning

Result = tuple[bool, str]


def check_connection(config: Config, environ: Mapping[str, str]) -> list[Result]:
    """Open the configured mailbox and report each step; never raises for a mail-server problem."""
    if config.mail.transport == "exchange":
        assert config.mail.exchange is not None  # load_config rejects transport = "exchange" without the section
        return _check_exchange(config, environ)
    if config.mail.transport == "graph":
        return _check_graph(config, environ)
    return check_maildir(config.mail.maildir_path)


def _check_graph(config: Config, environ: Mapping[str, str]) -> list[Result]:
    from kgrz_mailbot.transports.graph.transport import GraphMailbox  # noqa: PLC0415 - Graph stack only when needed

    assert config.mail.graph is not None  # load_config rejects transport = "graph" without the section
    try:
        box = GraphMailbox(config.mail.graph, config.mail.address, environ)
    except TransportError as e:  # missing variable, unreadable certificate or CA file
        return [(False, f"Anmeldung bei Microsoft Entra ID nicht möglich: {e}")]
    try:
        return box.diagnose()
    finally:
        box.close()


def _check_exchange(config: Config, environ: Mapping[str, str]) -> list[Result]:
    from kgrz_mailbot.transports.ews.transport import ExchangeMailbox  # noqa: PLC0415 - EWS stack only when needed

    assert config.mail.exchange is not None
    try:
        box = ExchangeMailbox(config.mail.exchange, config.mail.address, environ)
    except TransportError as e:  # missing variable, missing CA file, unknown auth/version
        return [(False, f"Anmeldung am Exchange-Server nicht möglich: {e}")]
    try:
        return box.diagnose()
    finally:
        box.close()


def problems(config: Config, environ: Mapping[str, str]) -> list[str]:
    """Transport problems ``check`` reports beyond the TOML checks; entries starting with WARNING are advice."""
    if config.mail.transport == "graph":
        from kgrz_mailbot.transports.graph.problems import graph_problems  # noqa: PLC0415 - Graph stack when needed

        return graph_problems(config, environ) + relay_problems(config, environ)
    problems = exchange_problems(config, environ) + relay_problems(config, environ)
    if config.mail.transport == "maildir" and (warning := trust_warning(config.mail.maildir_authserv_id)):
        problems.append(WARNING + warning)
    return problems


__all__ = ["WARNING", "check_connection", "problems"]
