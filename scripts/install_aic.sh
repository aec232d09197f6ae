#!/usr/bin/env bash
# Installs the pinned AIConfigurator into a virtual environment under
# .tools/aic/ (ignored by git), once per machine: when .tools/aic/bin/aiconfigurator
# already reports the pinned version, nothing is downloaded.
#
#   scripts/install_aic.sh            install or confirm; prints the binary's path last
#   AIC_VERSION=0.11.0 scripts/install_aic.sh   another version (tests cover 0.12.0)
#
# Needs python3 (>= 3.9) with the venv module and access to PyPI (or the pip
# index configured for this machine). Exit 0 on success, 1 when the install failed.
set -euo pipefail
cd "$(dirname "$0")/.."

AIC_VERSION="${AIC_VERSION:-0.12.0}"
PYTHON="${PYTHON:-python3}"
VENV=".tools/aic"
BIN="$VENV/bin/aiconfigurator"

installed_version() {
  [ -x "$VENV/bin/python" ] || return 1
  "$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("aiconfigurator"))' 2>/dev/null
}

if [ -x "$BIN" ] && [ "$(installed_version || true)" = "$AIC_VERSION" ]; then
  echo "aiconfigurator ${AIC_VERSION} already installed in ${VENV}"
  echo "$(pwd)/$BIN"
  exit 0
fi

if ! command -v "$PYTHON" >/dev/null 2>&1; then
  echo "install_aic: ${PYTHON} not found; install Python 3.9 or later (or set PYTHON=...)" >&2
  exit 1
fi

echo "== installing aiconfigurator ${AIC_VERSION} into ${VENV}"
# Keep the previous environment aside and put it back when the install fails (no network,
# unknown version), so a failed upgrade leaves a working install. (A venv records its own
# path, so it is moved back to the same place, never used from elsewhere.)
OLD="${VENV}.previous"
rm -rf "$OLD"
mkdir -p .tools
[ -d "$VENV" ] && mv "$VENV" "$OLD"
restore() {
  rm -rf "$VENV"
  if [ -d "$OLD" ]; then mv "$OLD" "$VENV"; echo "install_aic: kept the previous install" >&2; fi
  exit 1
}
if ! "$PYTHON" -m venv "$VENV"; then
  echo "install_aic: '${PYTHON} -m venv' failed (on Debian/Ubuntu: apt-get install python3-venv)" >&2
  restore
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip || true
if ! "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "aiconfigurator==${AIC_VERSION}"; then
  echo "install_aic: pip could not install aiconfigurator==${AIC_VERSION}" >&2
  restore
fi
got="$(installed_version || true)"
if [ "$got" != "$AIC_VERSION" ] || [ ! -x "$BIN" ]; then
  echo "install_aic: expected aiconfigurator ${AIC_VERSION} at ${BIN}, found '${got}'" >&2
  restore
fi
rm -rf "$OLD"
echo "aiconfigurator ${AIC_VERSION} installed in ${VENV}"
echo "$(pwd)/$BIN"
