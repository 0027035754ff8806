#!/usr/bin/env bash
# Set up policykg on a fresh Debian/Ubuntu machine: system packages (as root),
# a virtual environment in .venv with policykg and its test tools.
#   bash scripts/setup.sh            # everything
#   POLICYKG_NO_APT=1 bash scripts/setup.sh   # skip system packages
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: Java for the HermiT reasoner, Virtuoso (a real SPARQL
# server for the tests), Chromium and a CJK font for the browser tests.
APT_PACKAGES=(virtuoso-opensource chromium fonts-noto-cjk)
command -v java >/dev/null 2>&1 || APT_PACKAGES+=(default-jre-headless)

if [ -z "${POLICYKG_NO_APT:-}" ] && command -v apt-get >/dev/null 2>&1; then
  missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ]; then
      echo "setup: installing system packages: ${missing[*]}"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
      echo "setup: not root; install these system packages for the full test suite: ${missing[*]}" >&2
    fi
  fi
fi

PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
echo "setup: done. Try: .venv/bin/policykg demo"
