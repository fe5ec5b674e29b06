#!/bin/bash
# Installs kgrz-mailbot as a systemd service on Debian/Ubuntu (README, "Installation"). Run as root from the
# checkout in /opt/kgrz-mailbot:   sudo /opt/kgrz-mailbot/deploy/install.sh
#
# What it does, each step idempotent and never overwriting what an admin already changed:
#   1. the system account kgrz-mailbot (no login, no home of its own)
#   2. the program: a venv in /opt/kgrz-mailbot/.venv with the checkout installed into it (root's, read-only),
#      and the command /usr/local/bin/kgrz-mailbot, which reads /etc/kgrz-mailbot and runs as the service account
#   3. the configuration in /etc/kgrz-mailbot (root:kgrz-mailbot): settings.toml from deploy/settings.toml,
#      schedule.toml and projects.toml from the example config/, and secrets.env (root only, mode 600)
#   4. the state in /var/lib/kgrz-mailbot (kgrz-mailbot only, mode 700): database, Maildirs, drafts
#   5. the unit /etc/systemd/system/kgrz-mailbot.service, enabled, checked with systemd-analyze verify
# It does not start the service: first fill in the configuration, then "kgrz-mailbot check", then start.
#
# ROOT=/some/dir installs into a throwaway root instead of this system (the test does that): no daemon-reload,
# the unit is enabled with "systemctl --root" and verified with "systemd-analyze verify --root".
# VENV_OPTS and PIP let the test create the venv without bootstrapping pip (PIP="pip --python VENV/bin/python").
set -euo pipefail

ROOT=${ROOT:-}
SERVICE_USER=kgrz-mailbot  # also named in the unit and in deploy/kgrz-mailbot
PREFIX=/opt/kgrz-mailbot
CONF=/etc/kgrz-mailbot
STATE=/var/lib/kgrz-mailbot
UNIT=/etc/systemd/system/kgrz-mailbot.service
SRC=$(cd "$(dirname "$0")/.." && pwd)
VENV_OPTS=${VENV_OPTS:-}

say() { printf '%s\n' "$*"; }
die() { printf 'Fehler: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "bitte als root ausführen (sudo $0)."
[ "$SRC" = "$ROOT$PREFIX" ] || die "das Programm gehört nach $PREFIX (git clone … $PREFIX), es liegt aber in $SRC."
python3 -c 'import sys, venv; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
    || die "Python 3.11 oder neuer mit venv wird gebraucht (Debian/Ubuntu: apt-get install python3 python3-venv)."

say "1. Dienstkonto $SERVICE_USER"
if ! grep -q "^$SERVICE_USER:" "$ROOT/etc/passwd"; then
    useradd ${ROOT:+--root "$ROOT"} --system --user-group --home-dir "$STATE" --no-create-home \
        --shell /usr/sbin/nologin --comment "kgrz-mailbot Dienst" "$SERVICE_USER"
fi
# numeric ids from the root's own passwd: in a throwaway root the account does not exist on the host
uid=$(awk -F: -v u="$SERVICE_USER" '$1 == u { print $3 }' "$ROOT/etc/passwd")
gid=$(awk -F: -v u="$SERVICE_USER" '$1 == u { print $4 }' "$ROOT/etc/passwd")

say "2. Programm in $PREFIX/.venv"
if [ ! -x "$ROOT$PREFIX/.venv/bin/python" ]; then
    # shellcheck disable=SC2086 # VENV_OPTS is a list of options
    python3 -m venv $VENV_OPTS "$ROOT$PREFIX/.venv"
fi
# shellcheck disable=SC2086 # PIP may be a command with options
${PIP:-"$ROOT$PREFIX/.venv/bin/pip"} install --quiet --editable "$ROOT$PREFIX"
chown -R root:root "$ROOT$PREFIX"
chmod -R u+rwX,go+rX,go-w "$ROOT$PREFIX"  # root's, readable by the service (a strict umask at clone time)
install -d -m 0755 "$ROOT/usr/local/bin"
install -o root -g root -m 0755 "$SRC/deploy/kgrz-mailbot" "$ROOT/usr/local/bin/kgrz-mailbot"

say "3. Konfiguration in $CONF"
# 1770: the service edits schedule.toml itself (sessions sync, session add); the sticky bit keeps it from
# replacing the files that belong to root (settings.toml, projects.toml, secrets.env)
install -d -o root -g "$gid" -m 1770 "$ROOT$CONF"
copy_once() {  # source, name, owner, mode: an admin's file is never overwritten
    if [ ! -e "$ROOT$CONF/$2" ]; then install -o "$3" -g "$gid" -m "$4" "$1" "$ROOT$CONF/$2"; fi
}
copy_once "$SRC/deploy/settings.toml" settings.toml root 0640
copy_once "$SRC/config/projects.toml" projects.toml root 0640
copy_once "$SRC/config/schedule.toml" schedule.toml "$uid" 0640
if [ ! -e "$ROOT$CONF/secrets.env" ]; then
    install -o root -g root -m 0600 /dev/null "$ROOT$CONF/secrets.env"
    printf '%s\n' "# Geheimnisse für kgrz-mailbot, nur für root lesbar; systemd liest sie vor dem Start." \
        "# KGRZ_EWS_USERNAME=KGRZ\\svc-mailbot" "# KGRZ_EWS_PASSWORD=…" "# KGRZ_GRAPH_SECRET=…" \
        > "$ROOT$CONF/secrets.env"
fi

say "4. Zustand in $STATE"
install -d -o "$uid" -g "$gid" -m 0700 "$ROOT$STATE"

say "5. systemd-Unit $UNIT"
install -d -m 0755 "$ROOT$(dirname "$UNIT")"
install -o root -g root -m 0644 "$SRC/deploy/kgrz-mailbot.service" "$ROOT$UNIT"
if [ -n "$ROOT" ]; then
    systemctl --root="$ROOT" enable kgrz-mailbot.service
else
    systemctl daemon-reload
    systemctl enable kgrz-mailbot.service
fi
if command -v systemd-analyze >/dev/null; then
    systemd-analyze verify ${ROOT:+--root="$ROOT"} "$ROOT$UNIT"
fi

say ""
say "Installiert. Der Dienst läuft noch nicht. Als Nächstes:"
say "  - $CONF/settings.toml, schedule.toml, projects.toml anpassen; Zugangsdaten in $CONF/secrets.env"
say "  - prüfen:  kgrz-mailbot check   (läuft als $SERVICE_USER mit $CONF)"
say "  - starten: systemctl start kgrz-mailbot; Protokoll: journalctl -u kgrz-mailbot -f"
