#!/usr/bin/env bash
# System packages the test suite uses for real (not mocked): lspci reads sysfs trees, Chromium runs the
# browser tests, libvirtd+QEMU take real attach/detach calls, xmllint (libxml2-utils) is what
# virt-xml-validate calls, python3 runs the agent that reads nothing (a raw socket); mmdebstrap and
# mke2fs build the test hypervisor's image from Debian's packages (scripts/testhost; its QEMU 10 is
# fetched and unpacked under .vfleet/ on first use, beside the system's QEMU 7.2 that libvirtd keeps). Debian packages; needs root. Idempotent: every run also repairs what a new
# machine lacks beyond packages (the kvm device node, the libvirt users, the daemons).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
packages=(pciutils pci.ids iproute2 chromium libvirt-daemon libvirt-clients qemu-system-x86 libxml2-utils openssh-server sudo systemd python3
  mmdebstrap e2fsprogs openssh-client debian-archive-keyring)
missing=()
# dpkg -s succeeds for a removed package whose config files remain: ask for the installed state.
installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }
for p in "${packages[@]}"; do installed "$p" || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then echo "setup-system: need root to install: ${missing[*]}" >&2; exit 1; fi
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
bash scripts/start-libvirtd.sh
echo "setup-system: ok (${packages[*]})"
