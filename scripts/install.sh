#!/usr/bin/env bash
# This file is part of Zhidu.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
#
# Idempotent installer shared by ./run, ./test, .ci/run and docker/Dockerfile.
#
#   scripts/install.sh [--system-deps] [--no-web] [--force]
#
# 1. --system-deps (or ZHIDU_SYSTEM_DEPS=1): apt-get install what is missing
#    among chromium, chromium-driver, postgresql, nodejs and npm.
# 2. Creates the virtualenv (ZHIDU_VENV, default .venv) when missing and runs
#    `pip install -e '.[test,server]'`.  The step is skipped while a stamp
#    keyed on pyproject.toml, setup.py and the list of modules/*/tryton.cfg
#    is unchanged (setup.py maps each module folder at install time, so a
#    new module needs a reinstall).
# 3. Installs the sao web client pinned in web/package.json under
#    var/sao/package (ZHIDU_SAO_DIR), the folder trytond serves as web root.
#    --no-web (or ZHIDU_NO_WEB=1) skips it.
# --force (or ZHIDU_FORCE_INSTALL=1) ignores the stamps.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

SYSTEM_DEPS=${ZHIDU_SYSTEM_DEPS:-0}
NO_WEB=${ZHIDU_NO_WEB:-0}
FORCE=${ZHIDU_FORCE_INSTALL:-0}
PYTHON=${PYTHON:-python3}
VENV=${ZHIDU_VENV:-$ROOT/.venv}
SAO_DIR=${ZHIDU_SAO_DIR:-$ROOT/var/sao}

for arg in "$@"; do
    case "$arg" in
        --system-deps) SYSTEM_DEPS=1 ;;
        --no-web) NO_WEB=1 ;;
        --force) FORCE=1 ;;
        -h|--help)
            sed -n '5,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
            exit 0 ;;
        *) echo "install.sh: unknown option $arg" >&2; exit 2 ;;
    esac
done

log() { echo "install: $*"; }

mkdir -p "$ROOT/var"
# Serialise concurrent runs (./run and ./test started together).
if command -v flock >/dev/null 2>&1; then
    exec 9>"$ROOT/var/.install.lock"
    flock 9
fi

# --- 1. system packages ------------------------------------------------------
if [ "$SYSTEM_DEPS" = 1 ]; then
    missing=()
    command -v chromium >/dev/null 2>&1 || missing+=(chromium)
    command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
    if ! command -v initdb >/dev/null 2>&1 \
            && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
        missing+=(postgresql)
    fi
    command -v node >/dev/null 2>&1 || missing+=(nodejs)
    command -v npm >/dev/null 2>&1 || missing+=(npm)
    if [ ${#missing[@]} -gt 0 ]; then
        log "apt-get install ${missing[*]}"
        SUDO=
        [ "$(id -u)" = 0 ] || SUDO=sudo
        export DEBIAN_FRONTEND=noninteractive
        $SUDO apt-get update -q
        $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
    else
        log "system packages present"
    fi
fi

# --- 2. python ---------------------------------------------------------------
install_hash() {
    {
        cat pyproject.toml setup.py
        "$VENV/bin/python" -c 'import sys; print(sys.version)'
        # setup.py maps modules/<name>/ at install time: a new module needs
        # a reinstall (its sub-packages are found through its __path__).
        ls -1 modules/*/tryton.cfg 2>/dev/null || true
    } | sha256sum | cut -d' ' -f1
}

if [ ! -x "$VENV/bin/python" ]; then
    log "creating virtualenv $VENV"
    "$PYTHON" -m venv "$VENV"
fi
PY_STAMP="$VENV/.zhidu-install"
hash_now=$(install_hash)
if [ "$FORCE" != 1 ] && [ -f "$PY_STAMP" ] \
        && [ "$(cat "$PY_STAMP")" = "$hash_now" ]; then
    log "python packages up to date"
else
    log "pip install -e '.[test,server]' (log: var/log/pip-install.log)"
    mkdir -p "$ROOT/var/log"
    # setuptools prints pages of BuildBackendWarning: keep them in the log.
    if ! "$VENV/bin/python" -m pip install --disable-pip-version-check \
            -e "$ROOT[test,server]" > "$ROOT/var/log/pip-install.log" 2>&1
    then
        tail -n 40 "$ROOT/var/log/pip-install.log" >&2
        echo "install: pip install failed, see var/log/pip-install.log" >&2
        exit 1
    fi
    echo "$hash_now" > "$PY_STAMP"
fi

# --- 3. sao web client -------------------------------------------------------
if [ "$NO_WEB" = 1 ]; then
    exit 0
fi
SAO_VERSION=$("$VENV/bin/python" -c '
import json, sys
print(json.load(open(sys.argv[1]))["dependencies"]["tryton-sao"])' \
    "$ROOT/web/package.json")
SAO_STAMP="$SAO_DIR/.installed"
if [ "$FORCE" != 1 ] && [ -f "$SAO_STAMP" ] \
        && [ "$(cat "$SAO_STAMP")" = "$SAO_VERSION" ] \
        && [ -f "$SAO_DIR/package/index.html" ]; then
    log "sao $SAO_VERSION up to date"
    exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
    echo "install: npm is missing; run scripts/install.sh --system-deps" >&2
    exit 1
fi
log "installing sao $SAO_VERSION into $SAO_DIR/package"
rm -rf "$SAO_DIR"
mkdir -p "$SAO_DIR"
(
    cd "$SAO_DIR"
    tarball=$(npm pack --silent "tryton-sao@$SAO_VERSION" | tail -n 1)
    tar -xzf "$tarball"
    rm -f "$tarball"
    cd package
    # A plain `npm install tryton-sao` leaves "sao is not fully installed":
    # the runtime libraries must be installed inside the package itself.
    npm install --omit=dev --legacy-peer-deps --no-audit --no-fund \
        --loglevel=error
)
echo "$SAO_VERSION" > "$SAO_STAMP"
log "sao $SAO_VERSION installed"
