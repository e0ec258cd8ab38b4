#!/usr/bin/env bash
# Installs what the tests need beyond cargo: Debian's `chromium` (the /docs page test) and
# `chromium-driver` (its WebDriver server: the portal test drives the browser through it), a
# pinned schemathesis (the API conformance test) and pinned Python clients (the metrics test's
# Prometheus parser), each in a virtualenv. Idempotent and quiet: when
# both are already there it prints nothing and returns in well under a second.
#
#   bash scripts/ci-setup.sh            # install if missing
#   source <(bash scripts/ci-setup.sh --env)   # export HOOKWIRE_CHROMIUM, _CHROMEDRIVER, _SCHEMATHESIS, _PYTHON
set -euo pipefail

SCHEMATHESIS_VERSION="4.32.5"
# Python packages the tests drive as real clients (prometheus_client's text parser reads the
# worker's /metrics; Svix's official client drives `hookwire server` and verifies its
# deliveries); one pinned virtualenv, named after its requirements.
PYTHON_REQUIREMENTS="prometheus_client==0.26.0 svix==2.9.1"
TOOLS="${HOOKWIRE_TOOLS_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/hookwire-ci}"
VENV="$TOOLS/schemathesis-$SCHEMATHESIS_VERSION"
ST="$VENV/bin/schemathesis"
PY_VENV="$TOOLS/python-$(printf '%s' "$PYTHON_REQUIREMENTS" | sha256sum | cut -c1-12)"

chromium_path() { command -v chromium || command -v chromium-browser || true; }
chromedriver_path() { command -v chromedriver || true; }

if [[ "${1:-}" == "--env" ]]; then
    echo "export HOOKWIRE_CHROMIUM=$(chromium_path)"
    echo "export HOOKWIRE_CHROMEDRIVER=$(chromedriver_path)"
    echo "export HOOKWIRE_SCHEMATHESIS=$ST"
    echo "export HOOKWIRE_PYTHON=$PY_VENV/bin/python"
    exit 0
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
run() { "$@" >>"$log" 2>&1 || { cat "$log" >&2; echo "ci-setup: failed: $*" >&2; exit 1; }; }

if [[ -z "$(chromium_path)" || -z "$(chromedriver_path)" ]]; then
    echo "ci-setup: installing chromium and chromium-driver (apt)" >&2
    export DEBIAN_FRONTEND=noninteractive
    SUDO=""; [[ "$(id -u)" != 0 ]] && SUDO="sudo"
    run $SUDO apt-get update -qq
    run $SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-dejavu-core
fi

# The marker is written only after a complete install, so an interrupted one is redone.
MARKER="$VENV/.hookwire-installed"
if [[ ! -x "$ST" || ! -f "$MARKER" ]]; then
    echo "ci-setup: installing schemathesis $SCHEMATHESIS_VERSION (pip, $VENV)" >&2
    rm -rf "$VENV"
    if ! python3 -c "import venv, ensurepip" >/dev/null 2>&1; then
        SUDO=""; [[ "$(id -u)" != 0 ]] && SUDO="sudo"
        run $SUDO apt-get update -qq
        run $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
    fi
    run python3 -m venv "$VENV"
    run "$VENV/bin/pip" install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
    run "$ST" --version
    touch "$MARKER"
fi

PY_MARKER="$PY_VENV/.hookwire-installed"
if [[ ! -x "$PY_VENV/bin/python" || ! -f "$PY_MARKER" ]]; then
    echo "ci-setup: installing $PYTHON_REQUIREMENTS (pip, $PY_VENV)" >&2
    rm -rf "$PY_VENV"
    run python3 -m venv "$PY_VENV"
    # shellcheck disable=SC2086 # the requirements are words
    run "$PY_VENV/bin/pip" install -q --disable-pip-version-check $PYTHON_REQUIREMENTS
    touch "$PY_MARKER"
fi
