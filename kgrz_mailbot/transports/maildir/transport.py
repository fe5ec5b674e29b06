"""Maildir transport (C3): the embedded default and the test transport, on plain files."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import socket
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from kgrz_mailbot.clock import SystemClock
from kgrz_mailbot.crashpoints import crashpoint
from kgrz_mailbot.transports.base import Disposition, InboundMail, Mailbox, Staged
from kgrz_mailbot.transports.errors import TransportError
from kgrz_mailbot.trust.authresults import authres_verified
from kgrz_mailbot.trust.sender import strict_from

SUBDIRS = ("tmp", "new", "cur")
log = logging.getLogger("kgrz_mailbot.transport")


def ensure_maildir(path: Path) -> Path:
    for sub in SUBDIRS:
        (path / sub).mkdir(parents=True, exist_ok=True)
    return path


def _unusable(path: Path, what: str, exc: OSError) -> TransportError:
    return TransportError(f"Maildir {path} {what} ({exc.strerror or exc}). Bitte [mail.maildir] path und die Rechte "
                          "des Dienstkontos prüfen; liegt der Ordner auf einem Netzlaufwerk: ist es eingehängt?")


def sent_name(message_id: str) -> str:
    """A deterministic unique name: an existing file proves the mail was sent (exactly once)."""
    return "kgrz." + hashlib.sha256(message_id.encode()).hexdigest()[:32]


STALE_TMP = 36 * 3600  # seconds; the Maildir convention for leftovers in tmp/ of unknown writers
_TMP_NAME = re.compile(r"^kgrz\.[0-9a-f]{32}\.(?P<pid>\d+)\.(?P<host>.+)$")  # what ``send`` writes


def clean_stale_tmp(folder: Path) -> int:
    """Remove half-written sends a killed process left in ``sent/tmp`` (``NAME.PID.HOST``): at once when the
    writer is a process of this host that no longer runs, else after 36 hours. Only ``new/`` and ``cur/``
    prove a send, so a leftover never counted as sent; removing it only keeps tmp/ from growing."""
    removed = 0
    host, now = socket.gethostname(), SystemClock().now().timestamp()  # file ages are real time, not --now
    for entry in os.scandir(folder):
        ours = _TMP_NAME.match(entry.name)
        gone = ours is not None and ours["host"] == host and not _running(int(ours["pid"]))
        try:
            if gone or now - entry.stat().st_mtime > STALE_TMP:
                os.unlink(entry.path)
                removed += 1
        except FileNotFoundError:
            continue
    if removed:
        log.warning("maildir: %s unfinished sends from ended processes removed from %s", removed, folder)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _fsync(path: Path) -> OSError | None:
    try:
        descriptor = os.open(path, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
    except OSError as exc:
        return exc
    return None


def _fsync_all(paths: list[Path]) -> list[OSError | None]:
    if len(paths) < 2:
        return [_fsync(path) for path in paths]
    with ThreadPoolExecutor(max_workers=min(8, len(paths)), thread_name_prefix="maildir-fsync") as pool:
        return list(pool.map(_fsync, paths))


def _fsync_folder(folder: Path) -> None:
    """The renames into ``new/`` survive a power cut too; a file system that cannot sync folders is left as is."""
    if (failure := _fsync(folder)) is not None:
        log.debug("maildir: %s nicht synchronisiert: %s", folder, failure)


class MaildirMailbox(Mailbox):
    """``<path>/inbox`` is read, ``<path>/sent`` receives every sent mail; nothing is ever deleted.

    Processed mail moves from ``inbox/new`` to ``inbox/cur`` with the flag ``S`` (C3). Mail that could
    not be processed moves to the separate Maildir ``<path>/failed`` so an admin sees it at once.
    """

    name = "maildir"
    idempotent_send = True

    def __init__(self, path: Path, authserv_id: str | None = None) -> None:
        self.path = path
        # Set when our own MTA delivers into the Maildir and stamps Authentication-Results; without it the
        # file drop itself is trusted (local use, tests), as RELIABILITY.md §5.1 says.
        self.authserv_id = authserv_id
        try:
            self.inbox = ensure_maildir(path / "inbox")
            self.sent = ensure_maildir(path / "sent")
            self.failed = ensure_maildir(path / "failed")
        except OSError as exc:
            raise _unusable(path, "kann nicht angelegt werden", exc) from exc
        clean_stale_tmp(self.sent / "tmp")

    def fetch_new(self) -> Iterator[InboundMail]:
        """See Mailbox; oldest file first (mtime, then name), dot files ignored."""
        try:
            entries = [e for e in os.scandir(self.inbox / "new") if e.is_file() and not e.name.startswith(".")]
        except OSError as exc:  # the share is gone, the folder was removed or its rights changed
            raise _unusable(self.inbox / "new", "kann nicht gelesen werden", exc) from exc
        entries.sort(key=lambda e: (e.stat().st_mtime_ns, e.name))
        for entry in entries:
            try:
                raw = Path(entry.path).read_bytes()
            except FileNotFoundError:  # moved by a concurrent poll; it is that one's now
                continue
            yield self._inbound(entry.name, raw)

    def _inbound(self, key: str, raw: bytes) -> InboundMail:
        if self.authserv_id is None:
            return InboundMail(key=key, raw=raw)
        sender = strict_from(raw)
        verified = sender if sender and authres_verified(raw, self.authserv_id, sender) else None
        return InboundMail(key=key, raw=raw, verified_sender=verified, checked=True)

    def acknowledge(self, key: str, disposition: Disposition) -> None:
        """See Mailbox."""
        source = self.inbox / "new" / key
        base = key.split(":2,")[0]
        if disposition is Disposition.PROCESSED:
            target = self.inbox / "cur" / f"{base}:2,S"
        else:
            target = self.failed / "new" / base
        try:
            os.replace(source, target)
        except FileNotFoundError:  # already moved (by us or a concurrent poll) or never there: nothing to do
            if not target.exists():
                log.warning("Maildir: %s liegt nicht mehr in inbox/new, nichts zu quittieren", key)

    def send(self, raw: bytes, *, message_id: str, recipients: Sequence[str]) -> None:
        """See Mailbox."""
        failure = self.send_many([(raw, message_id, recipients)])[0]
        if failure is not None:
            raise failure

    def send_many(self, messages: Sequence[tuple[bytes, str, Sequence[str]]], *,
                  refs: Mapping[str, str] | None = None,
                  record: Callable[[Staged], None] | None = None) -> list[Exception | None]:
        """See Mailbox; each mail is written to ``tmp/``, made durable, then renamed into ``new/`` so a reader never
        sees half a mail. The fsyncs of a batch run side by side: the file system commits them together instead of
        one journal commit each, which was the largest single cost of answering a backlog (issue 15, item 6)."""
        results: list[Exception | None] = [None] * len(messages)
        written: list[tuple[int, Path, str]] = []
        for index, (raw, message_id, _) in enumerate(messages):
            if self.was_sent(message_id):
                continue
            tmp = self.sent / "tmp" / f"{sent_name(message_id)}.{os.getpid()}.{socket.gethostname()}"
            try:
                tmp.write_bytes(raw)
            except OSError as exc:
                results[index] = exc
                continue
            written.append((index, tmp, message_id))
        for (index, tmp, message_id), failure in zip(written, _fsync_all([tmp for _, tmp, _ in written]), strict=True):
            if failure is not None:
                results[index] = failure
                continue
            crashpoint("mid-send")
            try:
                os.replace(tmp, self.sent / "new" / sent_name(message_id))
            except OSError as exc:
                results[index] = exc
        if written:
            _fsync_folder(self.sent / "new")
        return results

    def was_sent(self, message_id: str, ref: str | None = None) -> bool:
        """See Mailbox."""
        name = sent_name(message_id)
        if (self.sent / "new" / name).exists():
            return True
        return any(entry.name.split(":2,")[0] == name for entry in os.scandir(self.sent / "cur"))
