"""A real SMTP relay on 127.0.0.1 (aiosmtpd) that records what it takes: the admins' receive connector in tests.

Optionally with STARTTLS (a throwaway CA and certificate for 127.0.0.1, as the HTTPS EWS server uses) and a
login it checks, as an Exchange receive connector or a Postfix submission port would.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.ews.tls import make_server_context


@dataclass(frozen=True)
class Received:
    """One mail as the relay took it: the envelope and the bytes of the DATA phase."""

    sender: str
    recipients: tuple[str, ...]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.raw, policy=policy.default)  # type: ignore[return-value]

    @property
    def text(self) -> str:
        body = self.message.get_body(preferencelist=("plain",))
        assert body is not None
        return body.get_content().replace("\r\n", "\n")  # type: ignore[no-any-return]


@dataclass
class _Recorder:
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        with self.lock:
            self.received.append(Received(envelope.mail_from, tuple(envelope.rcpt_tos), envelope.original_content))
        return "250 2.6.0 Queued mail for delivery"


@dataclass
class SmtpRelay:
    """The running relay: where it listens, what it took, and the CA that signed its certificate (with TLS)."""

    port: int
    ca_file: Path | None
    recorder: _Recorder

    @property
    def received(self) -> list[Received]:
        with self.recorder.lock:
            return list(self.recorder.received)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_relay(tls_dir: Path | None = None, login: tuple[str, str] | None = None) -> Iterator[SmtpRelay]:
    """A relay until the block ends; ``tls_dir``: STARTTLS required, ``login``: AUTH required (user, password)."""
    recorder = _Recorder()
    options: dict[str, Any] = {}
    ca_file = None
    if tls_dir is not None:
        tls_dir.mkdir(parents=True, exist_ok=True)
        context, ca_file = make_server_context(tls_dir)
        options |= {"tls_context": context, "require_starttls": True}
    if login is not None:
        def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
            ok = isinstance(data, LoginPassword) and (data.login.decode(), data.password.decode()) == login
            return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535 itself

        options |= {"authenticator": check, "auth_required": True, "auth_require_tls": tls_dir is not None}
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port, server_hostname="relay.koblenz.example",
                            **options)
    controller.start()
    try:
        yield SmtpRelay(port, ca_file, recorder)
    finally:
        controller.stop()


def use_relay(config_dir: Path, relay: SmtpRelay | None, *, port: int | None = None,
              login: tuple[str, str] | None = None) -> None:
    """``[mail.alert_relay]`` in the config's settings.toml pointing at ``relay`` (or at ``port``, where nothing
    listens); with a login, its environment variables are named (the test sets their values)."""
    lines = ["", "[mail.alert_relay]", 'host = "127.0.0.1"', f"port = {relay.port if relay else port}"]
    if relay is not None and relay.ca_file is not None:
        lines.append(f'ca_bundle = "{relay.ca_file}"')
    else:
        lines.append("starttls = false")
    if login is not None:
        lines += ['username_env = "KGRZ_RELAY_USERNAME"', 'password_env = "KGRZ_RELAY_PASSWORD"']
    lines.append("timeout_seconds = 5")
    settings = config_dir / "settings.toml"
    settings.write_text(settings.read_text(encoding="utf-8") + "\n".join(lines) + "\n", encoding="utf-8")
