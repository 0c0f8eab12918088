#!/usr/bin/env bash
# Set up bilingual-pr in a new ./.venv (Debian, Python 3.11), from the lock files.
#   scripts/setup.sh             the tool with offline MT and embeddings (requirements/run.txt)
#   scripts/setup.sh --test      also the test and lint tools (requirements/test.txt) and the
#                                Debian packages the interoperability tests drive (OmegaT,
#                                Chromium, PostgreSQL)
#   scripts/setup.sh --latest    the newest releases pyproject.toml allows instead of the lock
#                                (with --test: both); to see whether a refresh would break
#   scripts/setup.sh --editable  install the package editable (for development)
# The virtual environment is made anew every time: old wheels left in it would hide breakage.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0 latest=0 editable=0
for arg in "$@"; do
  case "$arg" in
    --test) want_test=1 ;;
    --latest) latest=1 ;;
    --editable) editable=1 ;;
    *) echo "usage: scripts/setup.sh [--test] [--latest] [--editable]" >&2; exit 2 ;;
  esac
done

# PyTorch's CPU wheels: argostranslate -> stanza -> torch, and PyPI's torch is a multi-GB CUDA
# build. A folder or an index page that holds torch-2.13.0+cpu (see docs/dependencies.md).
TORCH_WHEELS=${BILINGUAL_PR_TORCH_WHEELS:-/opt/wheels}
links=() deps=()
if [ -e "$TORCH_WHEELS" ] || [[ "$TORCH_WHEELS" == *://* ]]; then
  links=(--find-links "$TORCH_WHEELS")
fi

python3 -m venv --clear .venv
pip() { .venv/bin/python -m pip --disable-pip-version-check -q "$@"; }

extras=mt,embed,team
lock=requirements/run.txt
if [ $want_test = 1 ]; then
  extras=mt,embed,team,test,lint
  lock=requirements/test.txt
fi
if [ $latest = 1 ]; then
  pip install "${links[@]}" "torch==2.13.0+cpu" setuptools
  target=".[$extras]"
else
  # Exactly the locked versions, each checked against its hash; nothing else is resolved.
  pip install "${links[@]}" --require-hashes --no-deps -r "$lock"
  target="."
  deps=(--no-deps)
fi
if [ $editable = 1 ]; then
  pip install "${links[@]}" --no-build-isolation "${deps[@]}" -e "$target"
else
  pip install "${links[@]}" --no-build-isolation "${deps[@]}" "$target"
fi
pip check >/dev/null

if [ $want_test = 1 ]; then
  need=()
  command -v omegat >/dev/null 2>&1 || [ -f /usr/share/omegat/OmegaT.jar ] || need+=(omegat)
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  # The team memory's tests start a throwaway PostgreSQL cluster (initdb, pg_ctl) as user postgres.
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || need+=(postgresql)
  if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" fonts-dejavu-core >/dev/null
    else
      echo "setup: ${need[*]} missing and not root; interoperability tests will be skipped" >&2
    fi
  fi
fi
echo "setup: .venv ready ($([ $latest = 1 ] && echo 'newest releases' || echo "locked: $lock"))"
