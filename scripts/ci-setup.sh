#!/usr/bin/env bash
# Installs what the tests need beyond cargo: Debian's `chromium` (the /docs page test) and a
# pinned schemathesis (the API conformance test) in a virtualenv. Idempotent and quiet: when
# both are already there it prints nothing and returns in well under a second.
#
#   bash scripts/ci-setup.sh            # install if missing
#   source <(bash scripts/ci-setup.sh --env)   # export HOOKWIRE_CHROMIUM / HOOKWIRE_SCHEMATHESIS
set -euo pipefail

SCHEMATHESIS_VERSION="4.32.5"
TOOLS="${HOOKWIRE_TOOLS_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/hookwire-ci}"
VENV="$TOOLS/schemathesis-$SCHEMATHESIS_VERSION"
ST="$VENV/bin/schemathesis"

chromium_path() { command -v chromium || command -v chromium-browser || true; }

if [[ "${1:-}" == "--env" ]]; then
    echo "export HOOKWIRE_CHROMIUM=$(chromium_path)"
    echo "export HOOKWIRE_SCHEMATHESIS=$ST"
    exit 0
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
run() { "$@" >>"$log" 2>&1 || { cat "$log" >&2; echo "ci-setup: failed: $*" >&2; exit 1; }; }

if [[ -z "$(chromium_path)" ]]; then
    echo "ci-setup: installing chromium (apt)" >&2
    export DEBIAN_FRONTEND=noninteractive
    SUDO=""; [[ "$(id -u)" != 0 ]] && SUDO="sudo"
    run $SUDO apt-get update -qq
    run $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core
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
