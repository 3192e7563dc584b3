#!/usr/bin/env bash
# Install the Debian packages the tests need, where missing: Chromium for the browser tests,
# Java + PDFBox Preflight for the PDF/A checks, poppler for PDF pictures, Node.js for DKFDS (and the test OpenID
# Connect provider), xmlsec1 for SAML signatures and encryption (pysaml2).
set -euo pipefail
PACKAGES=(chromium fonts-dejavu-core default-jre-headless libpdfbox2-java libactivation-java libjaxb-api-java
          poppler-utils xmlsec1)
missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# Node.js may come from elsewhere than Debian (with its own npm): only ask Debian when there is none.
command -v npm >/dev/null || missing+=(nodejs npm)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: ${missing[*]} (run: sudo apt-get install ${missing[*]})" >&2
  exit 0
fi
echo "== installing Debian packages: ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
