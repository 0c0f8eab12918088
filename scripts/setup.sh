#!/usr/bin/env bash
# Set up bilingual-pr in ./.venv on a fresh machine (Debian/Python 3.11).
#   scripts/setup.sh          the tool with offline MT and embeddings
#   scripts/setup.sh --test   also the test tools and the TM tools the
#                             interoperability tests drive (OmegaT, Chromium)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
pip() { .venv/bin/python -m pip --disable-pip-version-check -q "$@"; }

# torch first and pinned: argostranslate -> stanza -> torch, and an unpinned
# torch would pull a multi-GB CUDA build. 2.13.0 is the CPU build.
pip install "torch==2.13.0"
if [ $want_test = 1 ]; then
  pip install -e '.[mt,embed,test]'
else
  pip install -e '.[mt,embed]'
fi

if [ $want_test = 1 ]; then
  need=()
  command -v omegat >/dev/null 2>&1 || [ -f /usr/share/omegat/OmegaT.jar ] || need+=(omegat)
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" fonts-dejavu-core >/dev/null
    else
      echo "setup: ${need[*]} missing and not root; interoperability tests will be skipped" >&2
    fi
  fi
fi
