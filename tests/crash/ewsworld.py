"""The crash scenario's world on the EWS test server: the config points at a server the harness runs, and
the drivers (other processes) deliver and read mail through the server's test API, as an MTA and a user would.

Sender verification is Exchange's: mails from ``@koblenz.example`` arrive as internal (``AuthAs: Internal`` and a
resolved sender), all others as external. A send claim is leased for three seconds, so a killed sender's mails are
settled by Sent Items within the run (a restarted driver that finds one waits the lease out).
"""

from __future__ import annotations

import base64
import json
import urllib.request
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path

from tests.crash.scenario import Place, World

ADDRESS = "projektstatus@koblenz.example"
ENV = {"KGRZ_EWS_USERNAME": "KGRZ\\svc-mailbot", "KGRZ_EWS_PASSWORD": "geheim"}
#: Longer than the test server may take, on a busy machine, to finish a CreateItem whose client was killed (the
#: kernel still delivers the request). The product's default is 120 s (``[mail] send_lease_seconds``). The
#: confirmations bench/crash.py once found sent twice were not a lease too short: the test server kept the fold
#: of their Message-ID header in InternetMessageId, so Sent Items never found them (see tests/ews/store.py).
LEASE_SECONDS = 3
FOLDERS = {"Posteingang": "inbox", "Verarbeitet": "processed", "Fehlgeschlagen": "failed"}


@dataclass(frozen=True)
class EwsWorld(World):
    transport = "exchange"

    @property
    def endpoint(self) -> str:
        return (self.root / "ews.url").read_text()

    def create_on(self, endpoint: str) -> EwsWorld:
        super().create()
        (self.root / "ews.url").write_text(endpoint)
        settings = self.config / "settings.toml"
        text = settings.read_text(encoding="utf-8").replace('transport = "maildir"', 'transport = "exchange"')
        text = text.replace("[mail]\n", f"[mail]\nsend_lease_seconds = {LEASE_SECONDS}\n", 1)
        text += (f'\n[mail.exchange]\nendpoint = "{endpoint}"\nauth = "basic"\nversion = "2019"\n'
                 'username_env = "KGRZ_EWS_USERNAME"\npassword_env = "KGRZ_EWS_PASSWORD"\n'
                 "max_wait_seconds = 2\ntimeout_seconds = 20\n")
        settings.write_text(text, encoding="utf-8")
        return self

    def _api(self, path: str, payload: dict[str, object] | None = None) -> dict[str, object]:
        base = self.endpoint.rsplit("/EWS/", 1)[0]
        request = urllib.request.Request(base + path, data=json.dumps(payload or {}).encode(), method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as answer:
            return json.load(answer)  # type: ignore[no-any-return]

    def _mailbox(self) -> dict[str, object]:
        return self._api("/test/mailbox")

    def sent_files(self) -> list:  # type: ignore[type-arg]
        raise NotImplementedError("an Exchange world has no files; use sent_mails()")

    def sent_mails(self) -> list[tuple[str, bytes]]:
        sent = self._mailbox()["sent"]
        return [(f"Gesendete Elemente #{n}", base64.b64decode(raw)) for n, raw in enumerate(sent)]  # type: ignore[arg-type]

    def places_of(self, name: str) -> list[Place]:
        items = self._mailbox()["items"]
        return [Place(FOLDERS.get(i["folder"], i["folder"]), base64.b64decode(i["raw"]))
                for i in items if i["tag"] == name]  # type: ignore[attr-defined, index, union-attr]

    def deliver(self, name: str, raw: bytes) -> None:
        """As Exchange transport delivers: the mail of an internal sender is stamped ``AuthAs: Internal``."""
        head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0].decode("utf-8", "replace")
        sender = next((parseaddr(line[5:])[1] for line in head.splitlines() if line.lower().startswith("from:")), "")
        internal = sender.lower() if sender.lower().endswith("@koblenz.example") else None
        self._api("/test/deliver", {"name": name, "raw": base64.b64encode(raw).decode(), "internal_sender": internal})

    def key_of(self, name: str) -> str | None:
        ids = self._mailbox()["ids"]
        return f"exchange:{ids[name]}" if name in ids else None  # type: ignore[operator, index]

    def name_of(self, key: str) -> str:
        ids = {v: k for k, v in self._mailbox()["ids"].items()}  # type: ignore[attr-defined]
        return str(ids.get(key.removeprefix("exchange:"), key))


def world_at(root: Path) -> World:
    """The world of a directory, as its driver finds it: on Exchange when the harness gave it a server."""
    return EwsWorld(root) if (root / "ews.url").exists() else World(root)
