#!/usr/bin/env bash
# Refresh the English catalogue from the source (Danish) strings: extract, then update.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
$BIN/pybabel extract -F babel.cfg -k _l -k N_ -k lazy_gettext --no-location --sort-output -o app/translations/messages.pot .
if [ -f app/translations/en/LC_MESSAGES/messages.po ]; then
  $BIN/pybabel update --no-fuzzy-matching -i app/translations/messages.pot -d app/translations -l en
else
  $BIN/pybabel init -i app/translations/messages.pot -d app/translations -l en
fi
