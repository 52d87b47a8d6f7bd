#!/usr/bin/env bash
# Headless Chromium for the UI tests (test/ui): Debian's `chromium` package, installed with apt
# when /usr/bin/chromium is missing (CI runs as root). `install` is idempotent; `path` prints it.
set -euo pipefail

bin=/usr/bin/chromium

case "${1:-install}" in
  install)
    if [ -x "$bin" ]; then exit 0; fi
    if [ "$(id -u)" != 0 ]; then
      echo "chromium.sh: $bin is missing and installing it needs root: apt-get install -y chromium" >&2
      exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    # A fresh machine has no package lists yet; an old list may name files the mirror dropped.
    apt-get install -y --no-install-recommends chromium >/dev/null 2>&1 ||
      { apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium >/dev/null; }
    "$bin" --version
    ;;
  path) echo "$bin" ;;
  *)
    echo "usage: $0 install|path" >&2
    exit 2
    ;;
esac
