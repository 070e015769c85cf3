#!/usr/bin/env bash
# System packages the test suite uses for real (not mocked): lspci reads sysfs trees, Chromium runs the
# browser tests, libvirtd+QEMU take real attach/detach calls. Debian packages; needs root.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
packages=(pciutils pci.ids iproute2 chromium libvirt-daemon libvirt-clients qemu-system-x86 openssh-server sudo systemd)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then echo "setup-system: need root to install: ${missing[*]}" >&2; exit 1; fi
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
if [ -x scripts/start-libvirtd.sh ]; then scripts/start-libvirtd.sh; fi
echo "setup-system: ok (${packages[*]})"
