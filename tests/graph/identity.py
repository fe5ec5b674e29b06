"""The Entra ID side of the Graph test server: OpenID metadata and the client-credentials token endpoint.

It checks what Entra checks for an app-only token: the tenant, the client id, the secret or the signature of the
client assertion (PS256/RS256 against the uploaded certificate, found by its x5t#S256 or x5t thumbprint), the
assertion's audience, issuer and expiry, and that the scope is ``<graph>/.default``.
"""

from __future__ import annotations

import base64
import secrets
import threading
import time
from dataclasses import dataclass, field

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class Identity:
    """One tenant with one app registration; tokens live ``token_seconds`` (server time)."""

    tenant: str
    client_id: str
    secrets: set[str] = field(default_factory=set)
    certificates: list[x509.Certificate] = field(default_factory=list)
    token_seconds: int = 3599
    tokens: dict[str, float] = field(default_factory=dict)  # access token -> expiry (time.time())
    issued: int = 0
    refusal: tuple[int, dict[str, str]] | None = None  # answer every token request with this (outage, lockout)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def openid_configuration(self, base: str, tenant: str) -> tuple[int, dict[str, object]]:
        if tenant != self.tenant:
            return 400, {"error": "invalid_tenant", "error_description": f"AADSTS90002: Tenant '{tenant}' not found."}
        root = f"{base}/{tenant}"
        return 200, {"authorization_endpoint": f"{root}/oauth2/v2.0/authorize",
                     "token_endpoint": f"{root}/oauth2/v2.0/token", "issuer": f"{base}/{tenant}/v2.0",
                     "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt"]}

    def token(self, form: dict[str, str], endpoint: str, graph_origin: str) -> tuple[int, dict[str, object]]:
        if self.refusal is not None:
            return self.refusal
        if form.get("grant_type") != "client_credentials":
            return 400, {"error": "unsupported_grant_type", "error_description": "AADSTS70003"}
        if form.get("client_id") != self.client_id:
            return 400, {"error": "unauthorized_client", "error_description": f"AADSTS700016: Application with "
                         f"identifier '{form.get('client_id')}' was not found in the directory."}
        problem = self._client_problem(form, endpoint)
        if problem:
            return 401, {"error": "invalid_client", "error_description": problem}
        if form.get("scope", "").split() != [f"{graph_origin}/.default"]:
            return 400, {"error": "invalid_scope", "error_description": f"AADSTS1002012: The provided value for "
                         f"scope {form.get('scope')} is not valid."}
        token = secrets.token_urlsafe(32)
        with self.lock:
            self.tokens[token] = time.time() + self.token_seconds
            self.issued += 1
        return 200, {"token_type": "Bearer", "expires_in": self.token_seconds, "ext_expires_in": self.token_seconds,
                     "access_token": token}

    def _client_problem(self, form: dict[str, str], endpoint: str) -> str | None:
        if "client_secret" in form:
            return None if form["client_secret"] in self.secrets else \
                "AADSTS7000215: Invalid client secret provided."
        if form.get("client_assertion_type") != ASSERTION_TYPE or not form.get("client_assertion"):
            return "AADSTS7000218: The request body must contain client_assertion or client_secret."
        assertion = form["client_assertion"]
        header = jwt.get_unverified_header(assertion)
        cert = next((c for c in self.certificates  # msal sends the thumbprints base64url with padding
                     if str(header.get("x5t#S256", "")).rstrip("=") == _b64url(c.fingerprint(hashes.SHA256()))
                     or str(header.get("x5t", "")).rstrip("=") == _b64url(c.fingerprint(hashes.SHA1()))), None)
        if cert is None:
            return "AADSTS700027: The certificate with identifier used to sign the client assertion is not " \
                   "registered on application."
        try:
            claims = jwt.decode(assertion, cert.public_key(), algorithms=["PS256", "RS256"], audience=endpoint,
                                issuer=self.client_id, options={"require": ["exp", "aud", "iss", "sub", "jti"]})
        except jwt.PyJWTError as e:
            return f"AADSTS700027: Client assertion failed signature validation ({e})."
        return None if claims.get("sub") == self.client_id else "AADSTS700023: sub does not match client_id."

    def valid(self, token: str) -> bool:
        with self.lock:
            expiry = self.tokens.get(token)
        return expiry is not None and expiry > time.time()

    def expire_all(self) -> None:
        """Every token issued so far stops working (revocation, or their hour is over)."""
        with self.lock:
            self.tokens = dict.fromkeys(self.tokens, 0.0)
