#!/usr/bin/env bash
# Installs Debian's Chromium (/usr/bin/chromium) for the playground's end-to-end test
# (apps/playground/test/e2e.test.ts), unless it is installed already. Debian/Ubuntu only.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq chromium
/usr/bin/chromium --version
