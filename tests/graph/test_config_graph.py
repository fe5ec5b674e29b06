"""``[mail.graph]`` in ``check``: every key checked with a German message; the certificate login against Entra."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kgrz_mailbot.cli.main import main
from kgrz_mailbot.config.load import load_config
from kgrz_mailbot.errors import ConfigError
from kgrz_mailbot.transports.errors import TransportError
from kgrz_mailbot.transports.graph.transport import GraphMailbox

from .certs import app_certificate
from .conftest import SECRET_ENV, mail
from .server import GraphTestServer


def with_graph(config_dir: Path, section: str) -> None:
    settings = config_dir / "settings.toml"
    text = settings.read_text(encoding="utf-8").replace('transport = "maildir"', 'transport = "graph"')
    settings.write_text(text + "\n" + section, encoding="utf-8")


def problems(config_dir: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config(config_dir)
    return caught.value.problems


def test_every_bad_value_is_named_at_once(config_dir: Path) -> None:
    with_graph(config_dir, '[mail.graph]\ntenant_id = "common"\nclient_id = "mailbot"\n'
                           'client_secret_env = "KGRZ_GRAPH_SECRET"\ncertificate = "certs/mailbot.pem"\n'
                           'authority = "https://login.microsoftonline.com/koblenz.onmicrosoft.com"\n'
                           'graph_url = "https://graph.microsoft.com/beta"\nprocessed_folder = "Erledigt"\n'
                           'failed_folder = "erledigt"\nmax_wait_seconds = -1\n')
    found = "\n".join(problems(config_dir))
    for expected in ("[mail.graph] tenant_id: „common“ nennt keinen Mandanten",
                     "[mail.graph] client_id: „mailbot“ ist keine GUID",
                     "client_secret_env und certificate sind beide gesetzt",
                     "[mail.graph] authority: „https://login.microsoftonline.com/koblenz.onmicrosoft.com“ muss eine "
                     "https-Adresse ohne Pfad sein",
                     "[mail.graph] graph_url: „https://graph.microsoft.com/beta“ muss eine https-Adresse sein, die auf "
                     "/v1.0 endet",
                     "processed_folder und failed_folder müssen verschiedene Ordner sein",
                     "[mail.graph] max_wait_seconds: darf nicht negativ sein"):
        assert expected in found


def test_a_missing_section_and_a_missing_credential_are_named(config_dir: Path) -> None:
    with_graph(config_dir, "")
    assert any("[mail.graph]: fehlt, obwohl transport = \"graph\"" in p for p in problems(config_dir))
    with_graph(config_dir, '[mail.graph]\ntenant_id = "koblenz.onmicrosoft.com"\n'
                           'client_id = "5d37a155-2af8-4878-b96a-6faad5207137"\nclient_secret = "geheim"\n')
    found = "\n".join(problems(config_dir))
    assert "unbekannter Schlüssel „client_secret“. Meinten Sie „client_secret_env“?" in found
    assert "weder client_secret_env noch certificate angegeben" in found


def configure(config_dir: Path, graph: GraphTestServer, credential: str) -> None:
    with_graph(config_dir, f'[mail.graph]\ntenant_id = "{graph.tenant}"\nclient_id = "{graph.client_id}"\n'
                           f'{credential}\nauthority = "{graph.authority}"\ngraph_url = "{graph.graph_url}"\n'
                           f'ca_bundle = "{graph.ca_file}"\n')


def test_check_names_an_unset_secret_variable(config_dir: Path, graph: GraphTestServer,
                                              monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    configure(config_dir, graph, f'client_secret_env = "{SECRET_ENV}"')
    monkeypatch.delenv(SECRET_ENV, raising=False)
    assert main(["check", "--config", str(config_dir)]) == 1
    assert f"Umgebungsvariable {SECRET_ENV} ist nicht gesetzt" in capsys.readouterr().err


@pytest.mark.parametrize(("case", "message"), [
    ("missing", "certificate: Datei {path} nicht gefunden"),
    ("no-key", "In {path} fehlt der private Schlüssel"),
    ("expired", "ist am"),
])
def test_check_names_a_certificate_that_cannot_work(config_dir: Path, graph: GraphTestServer, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str], case: str,
                                                    message: str) -> None:
    path = tmp_path / "mailbot.pem"
    if case != "missing":
        app_certificate(path, days=-1 if case == "expired" else 365)
    if case == "no-key":
        path.write_bytes(path.read_bytes().split(b"-----END PRIVATE KEY-----\n", 1)[1])
    configure(config_dir, graph, f'certificate = "{path}"')
    assert main(["check", "--config", str(config_dir)]) == 1
    assert message.format(path=path) in capsys.readouterr().err


def test_check_warns_a_month_before_the_certificate_expires(config_dir: Path, graph: GraphTestServer, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    app_certificate(tmp_path / "mailbot.pem", days=10)
    configure(config_dir, graph, f'certificate = "{tmp_path / "mailbot.pem"}"')
    assert main(["check", "--config", str(config_dir)]) == 0
    assert "läuft am" in capsys.readouterr().out + capsys.readouterr().err


@pytest.mark.parametrize("password", [None, "Zertifikats-Kennwort"])
def test_the_app_signs_in_with_its_certificate(graph_server: GraphTestServer, tmp_path: Path, password: str | None,
                                               make_mailbox: Callable[..., GraphMailbox]) -> None:
    graph_server.identity.certificates.append(app_certificate(tmp_path / "mailbot.pem", password=password))
    graph_server.identity.secrets.clear()  # no secret would work
    env = {"KGRZ_CERT_PASSWORD": password} if password else {}
    box = make_mailbox(env=env, client_secret_env=None, certificate=tmp_path / "mailbot.pem",
                       certificate_password_env="KGRZ_CERT_PASSWORD" if password else None)
    graph_server.deliver(mail(1))
    assert len(list(box.fetch_new())) == 1  # the token endpoint verified the signed client assertion


def test_a_certificate_not_uploaded_to_the_app_is_refused_in_german(graph_server: GraphTestServer, tmp_path: Path,
                                                                     make_mailbox: Callable[..., GraphMailbox]) -> None:
    graph_server.identity.certificates.append(app_certificate(tmp_path / "registered.pem"))
    app_certificate(tmp_path / "other.pem")
    box = make_mailbox(env={}, client_secret_env=None, certificate=tmp_path / "other.pem")
    with pytest.raises(TransportError, match=r"OAuth2 invalid_client: AADSTS700027.*Zertifikat .*other.pem prüfen"):
        list(box.fetch_new())
