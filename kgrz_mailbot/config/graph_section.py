"""Meaning checks of ``[mail.graph]`` (C1): ids, one way to authenticate, URLs; German, one problem per finding."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

WHERE = "[mail.graph]"
GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
DOMAIN = re.compile(r"^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$", re.I)
#: tenant aliases that name no tenant: client credentials need the KGRZ tenant itself
MULTI_TENANT = ("common", "organizations", "consumers")


def graph_problems(data: dict[str, Any]) -> list[tuple[str, str]]:
    """``(where, message)`` for every value of ``[mail.graph]`` that cannot work; empty when all is well."""
    found: list[tuple[str, str]] = []
    tenant, client = str(data.get("tenant_id", "")), str(data.get("client_id", ""))
    if tenant.lower() in MULTI_TENANT:
        found.append((f"{WHERE} tenant_id", f"„{tenant}“ nennt keinen Mandanten; die App meldet sich ohne Benutzer "
                      "an und braucht die Verzeichnis-ID (GUID) oder die Domäne des Mandanten, "
                      "z. B. koblenz.onmicrosoft.com."))
    elif tenant and not (GUID.match(tenant) or DOMAIN.match(tenant)):
        found.append((f"{WHERE} tenant_id", f"„{tenant}“ ist weder eine GUID noch eine Domäne. Bitte die "
                      "Verzeichnis-ID (Mandanten-ID) aus Entra ID → Übersicht eintragen."))
    if client and not GUID.match(client):
        found.append((f"{WHERE} client_id", f"„{client}“ ist keine GUID. Bitte die Anwendungs-ID (Client-ID) aus "
                      "Entra ID → App-Registrierungen → Übersicht eintragen."))
    secret, certificate = data.get("client_secret_env"), data.get("certificate")
    if not secret and not certificate:
        found.append((WHERE, "weder client_secret_env noch certificate angegeben. Bitte eins von beiden setzen "
                      "(empfohlen: certificate = Pfad zur PEM-Datei mit Schlüssel und Zertifikat)."))
    elif secret and certificate:
        found.append((WHERE, "client_secret_env und certificate sind beide gesetzt. Bitte nur eins angeben, "
                      "damit klar ist, womit sich die App anmeldet."))
    if data.get("certificate_password_env") and not certificate:
        found.append((f"{WHERE} certificate_password_env", "ist nur zusammen mit certificate sinnvoll."))
    authority = str(data.get("authority", "https://login.microsoftonline.com"))
    parts = urlsplit(authority)
    if parts.scheme != "https" or not parts.netloc or parts.path.strip("/") or parts.query:
        found.append((f"{WHERE} authority", f"„{authority}“ muss eine https-Adresse ohne Pfad sein, z. B. "
                      "https://login.microsoftonline.com (die Mandanten-ID hängt der Bot selbst an)."))
    graph_url = str(data.get("graph_url", "https://graph.microsoft.com/v1.0"))
    parts = urlsplit(graph_url)
    if parts.scheme != "https" or not parts.netloc or parts.path.rstrip("/") != "/v1.0":
        found.append((f"{WHERE} graph_url", f"„{graph_url}“ muss eine https-Adresse sein, die auf /v1.0 endet, "
                      "z. B. https://graph.microsoft.com/v1.0."))
    processed, failed = data.get("processed_folder", "Verarbeitet"), data.get("failed_folder", "Fehlgeschlagen")
    for key, name in (("processed_folder", processed), ("failed_folder", failed)):
        if not str(name).strip() or "/" in str(name):
            found.append((f"{WHERE} {key}", "muss ein Ordnername ohne „/“ sein (der Ordner liegt im Posteingang)."))
    if str(processed).strip().lower() == str(failed).strip().lower():
        found.append((WHERE, "processed_folder und failed_folder müssen verschiedene Ordner sein."))
    if data.get("timeout_seconds", 60) < 1:
        found.append((f"{WHERE} timeout_seconds", "muss mindestens 1 sein."))
    if data.get("max_wait_seconds", 120) < 0:
        found.append((f"{WHERE} max_wait_seconds", "darf nicht negativ sein."))
    return found
