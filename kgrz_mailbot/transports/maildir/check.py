"""``check --connect`` on Maildir: each folder the bot uses exists (or can be created) and accepts a file."""

from __future__ import annotations

import tempfile
from pathlib import Path

Result = tuple[bool, str]


def trust_warning(authserv_id: str | None) -> str | None:
    """Advice when no mail server vouches for senders: then anyone who can mail the bot can act as a lead."""
    if authserv_id:
        return None
    return ("settings.toml, [mail.maildir]: authserv_id ist nicht gesetzt – jede Mail im Maildir gilt als vom "
            "Absender im From geschrieben. Wer dem Postfach eine Mail mit gefälschtem Absender schickt, kann dann den "
            "Stand eines Projekts ändern, Befehle auslösen oder einen Entwurf freigeben. Stellt Ihr eigener "
            "Mailserver die Mails zu, dessen Kennung aus seinem Kopf „Authentication-Results“ eintragen (z. B. "
            "authserv_id = \"mx.koblenz.example\"); ohne eigenen Mailserver, der DMARC/DKIM prüft, das Maildir nur "
            "zum Testen und für die Vorführung verwenden.")


def check_maildir(root: Path) -> list[Result]:
    """Each Maildir the bot uses exists (or can be created on first start) and accepts a file."""
    return [_maildir_writable(root / name, label) for name, label in
            (("inbox", "Posteingang"), ("sent", "Gesendet"), ("failed", "Fehlgeschlagen"))]


def _maildir_writable(folder: Path, label: str) -> Result:
    what = f"Maildir {label} ({folder})"
    if not folder.exists():
        parent = next((p for p in folder.parents if p.exists()), None)
        if parent is not None and _can_write(parent):
            return True, f"{what}: fehlt noch, wird beim ersten Start angelegt"
        return False, (f"{what} fehlt und kann nicht angelegt werden: Verzeichnis anlegen und dem Dienstkonto "
                       "Schreibrecht geben")
    missing = [sub for sub in ("tmp", "new", "cur") if not (folder / sub).is_dir()]
    if missing:
        return False, (f"{what} unvollständig: Unterverzeichnis {', '.join(missing)} fehlt "
                       "(ein Maildir braucht tmp/, new/ und cur/)")
    if not _can_write(folder / "tmp"):
        return False, f"{what} nicht beschreibbar: Schreibrecht für das Dienstkonto auf {folder} vergeben"
    return True, f"{what}: in Ordnung"


def _can_write(directory: Path) -> bool:
    # a real write: os.access() is wrong for root and on network file systems
    try:
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".kgrz-check-"):
            return True
    except OSError:
        return False
