#!/usr/bin/env bash
# Refresh the lock files (exact versions with hashes) from pyproject.toml with uv.
#   scripts/lock.sh             add what pyproject.toml now asks for, keep every other pin
#   scripts/lock.sh --upgrade   re-resolve everything to the newest releases allowed
# Then run `bash scripts/setup.sh --test && .venv/bin/python -m pytest -q` before committing.
#
# requirements/test.txt  the tool, offline MT, embeddings, the PostgreSQL driver (team), test and lint
#                        tools, build back end
# requirements/run.txt   the same pins without the test and lint tools
# torch is the CPU build, taken from BILINGUAL_PR_TORCH_WHEELS (a folder or an index page
# holding PyTorch's CPU wheels; /opt/wheels on the project's machines).
set -euo pipefail
cd "$(dirname "$0")/.."

UV_VERSION=0.13.10
TORCH_WHEELS=${BILINGUAL_PR_TORCH_WHEELS:-/opt/wheels}
upgrade=()
case "${1:-}" in
  "") ;;
  --upgrade) upgrade=(--upgrade) ;;
  *) echo "usage: scripts/lock.sh [--upgrade]" >&2; exit 2 ;;
esac

tools=$(mktemp -d)
trap 'rm -rf "$tools"' EXIT
python3 -m venv "$tools/venv"
"$tools/venv/bin/python" -m pip --disable-pip-version-check -q install "uv==$UV_VERSION"
compile() {
  "$tools/venv/bin/uv" pip compile --quiet --generate-hashes --python-version 3.11 \
    --find-links "$TORCH_WHEELS" --override requirements/overrides.txt \
    --custom-compile-command "scripts/lock.sh" "${upgrade[@]}" "$@"
}
compile pyproject.toml requirements/build.in --extra mt --extra embed --extra team --extra test --extra lint \
  -o requirements/test.txt
# The runtime lock is constrained by the test lock, so what users get is what CI tested.
compile pyproject.toml requirements/build.in --extra mt --extra embed --extra team -c requirements/test.txt \
  -o requirements/run.txt
echo "lock: requirements/test.txt ($(grep -c '==' requirements/test.txt) pins)," \
     "requirements/run.txt ($(grep -c '==' requirements/run.txt) pins)"
