#!/usr/bin/env bash
# Set up everything Kechuang needs on a fresh Debian machine: the system packages (Chromium for the
# browser tests, a CJK font for Chinese PDFs, Pango for WeasyPrint, poppler for PDF checks) and a
# virtual environment in .venv with the package and its development tools.
#
# Usage: scripts/bootstrap.sh [--dev]
set -euo pipefail
cd "$(dirname "$0")/.."

want_dev=0
[ "${1:-}" = "--dev" ] && want_dev=1

debian_packages=(fonts-wqy-microhei libpango-1.0-0 libpangoft2-1.0-0)
[ "$want_dev" = 1 ] && debian_packages+=(chromium poppler-utils)

missing=()
for pkg in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ] && command -v apt-get >/dev/null; then
  echo "bootstrap: installing Debian packages: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}"
elif [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: please install these Debian/Ubuntu packages (or your system's equivalent): ${missing[*]}" >&2
fi

python=${PYTHON:-python3.11}
command -v "$python" >/dev/null || python=python3
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
  .venv/bin/pip install -q --upgrade pip
fi
if [ "$want_dev" = 1 ]; then
  # torch (the 'finetune' extra, for the routing fine-tuning tests) from PyTorch's CPU index first:
  # the default Linux build on PyPI brings several GB of CUDA libraries the tests never use. Only
  # torch itself comes from there (its dependencies from PyPI, below); where the index is out of
  # reach pip gives up quickly and takes the pinned release from the usual sources.
  if ! .venv/bin/python -c "import torch" 2>/dev/null; then
    .venv/bin/pip install -q --no-deps --retries 1 --timeout 15 \
      --index-url https://download.pytorch.org/whl/cpu torch==2.13.0 || true
  fi
  .venv/bin/pip install -q -e '.[dev,finetune]'
else
  .venv/bin/pip install -q -e .
fi
