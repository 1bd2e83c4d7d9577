#!/usr/bin/env bash
# Installs what the benchmark needs beyond the project: the wrk load generator (Debian).
set -euo pipefail
if ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && apt-get install -y -qq wrk
  else
    sudo apt-get update -qq && sudo apt-get install -y -qq wrk
  fi
fi
wrk --version 2>&1 | head -1 || true  # wrk exits 1 after printing its version
