#!/usr/bin/env bash
# Runs CI as a new machine would: a fresh clone of this repository's committed HEAD in a temp dir,
# with ../shared beside it (when this checkout has one), and empty HOME, DENO_DIR, npm cache,
# XDG dirs and Go caches. Prints CI's closing line and the wall time.
#
#   bash scripts/fresh_check.sh            # clone HEAD, run `bash .ci/run` there
#   KEEP=1 bash scripts/fresh_check.sh     # keep the temp dir for inspection
#   WARM=1 bash scripts/fresh_check.sh     # keep Go's module and build caches of this machine
#                                          # (a rebuild of the test bed takes long; the Deno and
#                                          # npm caches are still empty)
set -uo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d -t grove-fresh-XXXXXX)"
cleanup() { [ "${KEEP:-0}" = 1 ] && echo "kept: ${work}" || rm -rf "${work}"; }
trap cleanup EXIT

git clone --quiet --no-hardlinks "${repo}" "${work}/main" || { echo "clone failed"; exit 1; }
if [ -d "${repo}/../shared" ]; then cp -r "${repo}/../shared" "${work}/shared"; chmod -R a-w "${work}/shared"; fi
mkdir -p "${work}/home" "${work}/deno" "${work}/npm" "${work}/tmp"

envs=(
  HOME="${work}/home"
  DENO_DIR="${work}/deno"
  npm_config_cache="${work}/npm"
  XDG_CACHE_HOME="${work}/home/.cache"
  XDG_CONFIG_HOME="${work}/home/.config"
  TMPDIR="${work}/tmp"
  CI=true
)
if [ "${WARM:-0}" = 1 ]; then
  envs+=(GOMODCACHE="$(go env GOMODCACHE 2>/dev/null)" GOCACHE="$(go env GOCACHE 2>/dev/null)")
fi

start=$(date +%s)
cd "${work}/main"
env -u DENO_DIR -u npm_config_cache "${envs[@]}" bash .ci/run </dev/null > "${work}/ci.log" 2>&1
rc=$?
end=$(date +%s)
tail -n 40 "${work}/ci.log"
echo "fresh check: exit ${rc}, wall time $((end - start)) s (log: ${work}/ci.log$([ "${KEEP:-0}" = 1 ] || echo ', removed'))"
exit ${rc}
