"""TLS for the mail server: verify against the city's internal CA bundle, never switch verification off."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import requests
import requests.adapters

# exchangelib has no verify= option (maintainer's answer: a custom HTTP adapter class). The adapter class is
# process-wide, so it looks the bundle up per endpoint; verification is never switched off.
_CA_BUNDLES: dict[str, str] = {}
_CA_LOCK = threading.Lock()


class CABundleAdapter(requests.adapters.HTTPAdapter):
    """HTTP adapter that verifies an endpoint's certificate against its configured CA bundle."""

    def send(self, request: requests.PreparedRequest, stream: bool = False, timeout: Any = None,
             verify: bool | str = True, cert: Any = None, proxies: Any = None) -> requests.Response:
        # A bundle from REQUESTS_CA_BUNDLE arrives here as a path; the endpoint's own bundle still wins.
        if verify is not False:
            for prefix, bundle in _CA_BUNDLES.items():
                if (request.url or "").startswith(prefix):
                    verify = bundle
                    break
        return super().send(request, stream=stream, timeout=timeout, verify=verify, cert=cert, proxies=proxies)


def register_bundle(base_url: str, bundle: Path) -> None:
    with _CA_LOCK:
        _CA_BUNDLES[base_url] = str(bundle)
