#!/usr/bin/env bash
# Install DKFDS from npm and copy its dist into app/static/dkfds (not committed).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f node_modules/dkfds/dist/css/dkfds.min.css ] || [ ! -f node_modules/axe-core/axe.min.js ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
rm -rf app/static/dkfds
mkdir -p app/static/dkfds
cp -r node_modules/dkfds/dist/css node_modules/dkfds/dist/js node_modules/dkfds/dist/fonts node_modules/dkfds/dist/img app/static/dkfds/
