#!/usr/bin/env bash
# Install the Debian 12 packages kofu needs, only those missing; apt-get runs only if needed.
set -euo pipefail

# HarfBuzz subsetting and Pango for WeasyPrint, the IPAex fonts the forms use, IPAmj明朝 (the
# 文字情報基盤 MJ characters, with IVS) for names and addresses IPAex cannot draw, pdftotext.
packages=(libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 fontconfig fonts-ipaexfont fonts-ipamj-mincho
    poppler-utils)
# Cairo for CairoSVG: an uploaded SVG 公印 is rasterised to PNG before anything prints it.
packages+=(libcairo2)
# pyscard builds from source: the PC/SC headers, swig and a compiler.
packages+=(libpcsclite-dev swig gcc python3-dev)
# The kiosk terminal: pcscd with vsmartcard's virtual reader, Debian's chromium for the browser
# tests (chromium-l10n: the portal's run in Japanese, as a clerk's browser does), and
# `ip netns` to keep the virtual reader's TCP port off the network.
packages+=(pcscd vsmartcard-vpcd chromium chromium-l10n iproute2)
# Printing with `lp` to CUPS; the tests print to a cups-pdf queue on a private cupsd.
packages+=(cups-daemon cups-client cups-bsd printer-driver-cups-pdf)
# promtool, to test the alert rules in infra/prometheus/ (`promtool test rules`).
packages+=(prometheus)

# A Python >= 3.11 with venv support: python3.11 if present, else python3.
python=""
for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1; then
        python="$candidate"
        break
    fi
done
if [ -z "$python" ]; then
    packages+=(python3 python3-venv)
elif ! "$python" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    packages+=(python3-venv)
fi

installed() {
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = "installed" ]
}

missing=()
for package in "${packages[@]}"; do
    installed "$package" || missing+=("$package")
done

if [ "${#missing[@]}" -eq 0 ]; then
    echo "setup-system: all Debian packages present (${packages[*]})"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    sudo=()
elif command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
else
    echo "setup-system: missing ${missing[*]}; run as root or install sudo" >&2
    exit 1
fi

echo "setup-system: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Another apt (unattended upgrades, a second checkout's `make setup`) may hold the lock: wait.
wait_for_lock=(-o DPkg::Lock::Timeout=600)
"${sudo[@]}" apt-get "${wait_for_lock[@]}" update
"${sudo[@]}" apt-get "${wait_for_lock[@]}" install -y --no-install-recommends "${missing[@]}"
