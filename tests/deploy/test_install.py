"""The documented installation (README "Installation": clone to /opt/kgrz-mailbot, run deploy/install.sh), every
step run in a throwaway root: the account, the program, configuration and state with the documented owners and
modes, the unit enabled and verified, every path the unit names present — and nothing of an admin overwritten."""

from __future__ import annotations

import configparser
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from kgrz_mailbot.cli.main import main
from tests.support import REPO

pytestmark = pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("useradd"),
                                reason="the installation needs root and useradd (it chowns to the service account)")

#: path in the root -> (owner, group, mode) as README "Installation" documents them
DOCUMENTED = {
    "etc/kgrz-mailbot": ("root", "kgrz-mailbot", 0o1770),
    "etc/kgrz-mailbot/settings.toml": ("root", "kgrz-mailbot", 0o640),
    "etc/kgrz-mailbot/projects.toml": ("root", "kgrz-mailbot", 0o640),
    "etc/kgrz-mailbot/schedule.toml": ("kgrz-mailbot", "kgrz-mailbot", 0o640),
    "etc/kgrz-mailbot/secrets.env": ("root", "root", 0o600),
    "var/lib/kgrz-mailbot": ("kgrz-mailbot", "kgrz-mailbot", 0o700),
    "opt/kgrz-mailbot": ("root", "root", 0o755),
    "opt/kgrz-mailbot/.venv/bin/kgrz-mailbot": ("root", "root", 0o755),
    "usr/local/bin/kgrz-mailbot": ("root", "root", 0o755),
    "etc/systemd/system/kgrz-mailbot.service": ("root", "root", 0o644),
}


@pytest.fixture(scope="module")
def root() -> Iterator[Path]:
    """A bare system: root alone in its account files, systemd's units, the checkout cloned to /opt/kgrz-mailbot."""
    path = Path(tempfile.mkdtemp(prefix="kgrz-root-"))
    (path / "etc").mkdir()
    for name, line, mode in (("passwd", "root:x:0:0:root:/root:/bin/bash", 0o644), ("group", "root:x:0:", 0o644),
                             ("shadow", "root:*:19000:0:99999:7:::", 0o640), ("gshadow", "root:*::", 0o640)):
        (path / "etc" / name).write_text(line + "\n")
        os.chmod(path / "etc" / name, mode)
    units = Path("/usr/lib/systemd/system")
    if units.is_dir():  # a Debian system has systemd's own units (multi-user.target …) for the unit to join
        shutil.copytree(units, path / "usr/lib/systemd/system", symlinks=True)
    _clone(path / "opt/kgrz-mailbot")
    yield path
    shutil.rmtree(path)


def _clone(target: Path) -> None:
    """``git clone <repo> /opt/kgrz-mailbot``: the tracked files as they stand in this working tree."""
    listed = subprocess.run(["git", "-C", str(REPO), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def install(root: Path) -> subprocess.CompletedProcess[str]:
    venv = root / "opt/kgrz-mailbot/.venv"
    # The venv is made without bootstrapping pip and the checkout is installed without its dependencies (this
    # test's pip installs it into the new venv): the full download takes minutes; everything else is as on a server.
    env = {**os.environ, "ROOT": str(root), "VENV_OPTS": "--without-pip", "PIP_NO_DEPS": "1",
           "PIP": f"{sys.executable} -m pip --python {venv}/bin/python"}
    return subprocess.run(["bash", str(root / "opt/kgrz-mailbot/deploy/install.sh")], env=env, capture_output=True,
                          text=True, timeout=600)


@pytest.fixture(scope="module")
def installed(root: Path) -> tuple[Path, str]:
    done = install(root)
    assert done.returncode == 0, done.stdout + done.stderr
    return root, done.stdout


def names(root: Path) -> tuple[dict[int, str], dict[int, str]]:
    users = {int(f[2]): f[0] for f in (line.split(":") for line in (root / "etc/passwd").read_text().splitlines())}
    groups = {int(f[2]): f[0] for f in (line.split(":") for line in (root / "etc/group").read_text().splitlines())}
    return users, groups


def test_every_path_has_the_documented_owner_and_mode(installed: tuple[Path, str]) -> None:
    root, out = installed
    assert "Installiert. Der Dienst läuft noch nicht." in out
    users, groups = names(root)
    assert "kgrz-mailbot:x:" in (root / "etc/passwd").read_text()
    assert (root / "etc/passwd").read_text().splitlines()[-1].endswith(":/var/lib/kgrz-mailbot:/usr/sbin/nologin")
    found = {}
    for name in DOCUMENTED:
        info = (root / name).stat()
        found[name] = (users[info.st_uid], groups[info.st_gid], stat.S_IMODE(info.st_mode))
    assert found == DOCUMENTED
    wants = root / "etc/systemd/system/multi-user.target.wants/kgrz-mailbot.service"
    assert wants.is_symlink() and os.readlink(wants) == "/etc/systemd/system/kgrz-mailbot.service"


def test_every_path_the_unit_names_exists_in_the_root(installed: tuple[Path, str]) -> None:
    root, _ = installed
    unit = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read_string((root / "etc/systemd/system/kgrz-mailbot.service").read_text())
    service = unit["Service"]
    assert service["User"] == "kgrz-mailbot" and service["UMask"] == "0077"
    assert service["ProtectSystem"] == "strict" and service["NoNewPrivileges"] == "true"
    assert service["PrivateTmp"] == "true" and service["StateDirectoryMode"] == "0700"
    paths = [service["ExecStart"].split()[0], service["WorkingDirectory"], service["EnvironmentFile"],
             "/etc/" + service["ConfigurationDirectory"], "/var/lib/" + service["StateDirectory"],
             unit["Unit"]["Documentation"].removeprefix("file://")]
    assert [p for p in paths if not (root / p.lstrip("/")).exists()] == []
    assert (root / "etc/kgrz-mailbot/settings.toml").read_text().count('state = "/var/lib/kgrz-mailbot"') == 1


def test_systemd_analyze_verifies_the_unit(installed: tuple[Path, str]) -> None:
    root, out = installed
    if not shutil.which("systemd-analyze"):
        pytest.skip("systemd-analyze is not installed here")
    done = subprocess.run(["systemd-analyze", "verify", f"--root={root}",
                           str(root / "etc/systemd/system/kgrz-mailbot.service")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_installing_again_keeps_what_the_admin_changed(installed: tuple[Path, str]) -> None:
    root, _ = installed
    settings = root / "etc/kgrz-mailbot/settings.toml"
    secrets = root / "etc/kgrz-mailbot/secrets.env"
    settings.write_text(settings.read_text().replace('transport = "maildir"', 'transport = "exchange"'))
    secrets.write_text("KGRZ_EWS_PASSWORD=geheim\n")
    done = install(root)
    assert done.returncode == 0, done.stderr
    assert 'transport = "exchange"' in settings.read_text() and secrets.read_text() == "KGRZ_EWS_PASSWORD=geheim\n"
    assert len([line for line in (root / "etc/passwd").read_text().splitlines()
                if line.startswith("kgrz-mailbot:")]) == 1
    settings.write_text(settings.read_text().replace('transport = "exchange"', 'transport = "maildir"'))


def test_the_installed_configuration_passes_check(installed: tuple[Path, str], capsys: pytest.CaptureFixture[str]
                                                  ) -> None:
    root, _ = installed
    config = root / "etc/kgrz-mailbot"
    # In a throwaway root the state folder is not /var/lib: point [paths] state into the root, nothing else.
    settings = config / "settings.toml"
    original = settings.read_text()
    settings.write_text(original.replace('"/var/lib/kgrz-mailbot"', f'"{root}/var/lib/kgrz-mailbot"'))
    try:
        assert main(["check", "--config", str(config)]) == 0
        assert "Konfiguration in Ordnung: 6 Projekte" in capsys.readouterr().out
        # root may read and check, but not leave files in the service account's state
        assert main(["plan", "--config", str(config)]) == 1
        err = capsys.readouterr().err
        assert f"{root}/var/lib/kgrz-mailbot gehört dem Dienstkonto" in err and "sudo -u" in err
    finally:
        settings.write_text(original)
    assert not any((root / "var/lib/kgrz-mailbot").iterdir())
