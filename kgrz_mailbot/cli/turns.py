"""One-shot commands that send or poll (tick, poll, send-requests, compile, quarantine retry) wait for a running
service's current tick, and the service skips a tick while such a command runs.

Decided for issue 13, item 1: waiting, not handing the work to the service. The admin sees the command's own
result at once, the command works the same whether a service runs or not, and nothing new has to pass between
processes; a tick takes seconds to minutes, so the wait is short. The exactly-once guarantees do not rest on
this: outbox claims carry an owner and a lease (``outbox/relay.py``), for commands on other hosts too.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from kgrz_mailbot.app import App
from kgrz_mailbot.errors import MailbotError
from kgrz_mailbot.service.lock import running_service

WAIT_SECONDS = 600


@contextmanager
def one_at_a_time(app: App) -> Iterator[None]:
    """The body runs while no service tick and no other such command runs on this database."""
    with app.tick_lock() as free:
        if free:
            yield
            return
    pid = running_service(app.config.storage_url, app.config.state_dir)
    who = f"Der Dienst (Prozess {pid}) führt gerade einen Durchgang aus" if pid else \
        "Ein anderer Befehl arbeitet gerade mit dieser Datenbank"
    print(f"{who}; dieser Befehl wartet, bis er fertig ist (höchstens {WAIT_SECONDS // 60} Minuten).",
          file=sys.stderr, flush=True)
    with app.tick_lock(wait=WAIT_SECONDS) as free:
        if not free:
            raise MailbotError(f"{who} und ist nach {WAIT_SECONDS // 60} Minuten noch nicht fertig. Bitte später "
                               "erneut versuchen; hängt der Prozess, ihn beenden (das Protokoll des Dienstes: "
                               "journalctl -u kgrz-mailbot).")
        yield
