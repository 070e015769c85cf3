#!/usr/bin/env bash
# Start a real libvirtd (QEMU driver) for vfleet's libvirt integration tests.
# Idempotent: safe to call from .ci/run every time and while libvirtd already runs.
# These machines run no systemd, so the daemon is started by hand (PLATFORM.md).
set -euo pipefail

URI="qemu:///system"
WAIT_SECONDS="${LIBVIRTD_WAIT_SECONDS:-30}"

die() { echo "start-libvirtd: $*" >&2; exit 1; }

for bin in libvirtd virsh; do
  command -v "$bin" >/dev/null 2>&1 \
    || die "'$bin' not found: install it with 'apt-get install -y libvirt-daemon libvirt-clients qemu-system-x86'"
done

answers() { virsh -c "$URI" version >/dev/null 2>&1; }

# libvirtd hands each guest's console log to virtlogd; without it every 'virsh start' fails
# with "Failed to connect socket to '/run/libvirt/virtlogd-sock'" before reaching QEMU.
start_virtlogd() {
  if command -v virtlogd >/dev/null 2>&1 && ! pgrep -x virtlogd >/dev/null 2>&1; then
    mkdir -p /var/run/libvirt
    virtlogd -d
  fi
}

# Debian's QEMU driver runs guests as user libvirt-qemu, group libvirt-qemu (its compiled-in
# default when /etc/libvirt/qemu.conf is absent) with /dev/kvm owned by group kvm; libvirtd's
# QEMU driver fails to initialise ("Failed to parse group 'libvirt-qemu'") without them.
ensure_users() {
  getent group kvm >/dev/null || groupadd -r kvm
  getent group libvirt-qemu >/dev/null || groupadd -r libvirt-qemu
  getent passwd libvirt-qemu >/dev/null \
    || useradd -r -g libvirt-qemu -G kvm -d /var/lib/libvirt -s /usr/sbin/nologin libvirt-qemu
}

# A new machine has /dev/kvm as root:root 0600 and no udev to apply Debian's rule (group kvm,
# 0660). libvirtd then finds its cached QEMU capabilities invalid and re-probes every QEMU binary
# on every call: 47 s per 'virsh define' instead of 0.03 s. Repaired on every run, not only at
# install time, because a reboot or a new container brings the old mode back.
repair_kvm_node() {
  [ -e /dev/kvm ] || return 0
  local was
  was="$(stat -c '%U:%G %a' /dev/kvm)"
  if [ "${was#*:}" != "kvm 660" ]; then
    chgrp kvm /dev/kvm && chmod 0660 /dev/kvm
    echo "start-libvirtd: /dev/kvm was ${was}; set to root:kvm 660 as Debian's udev rule does"
    return 1
  fi
}

if [ "$(id -u)" -eq 0 ]; then
  ensure_users
  if ! repair_kvm_node && pgrep -x libvirtd >/dev/null 2>&1; then
    # The running daemon cached "no usable KVM": restart it so it probes once with the repaired node.
    echo "start-libvirtd: restarting libvirtd so it sees the repaired /dev/kvm"
    pkill -x libvirtd || true
    for _ in $(seq 1 50); do pgrep -x libvirtd >/dev/null 2>&1 || break; sleep 0.1; done
  fi
fi

if answers; then
  [ "$(id -u)" -ne 0 ] || start_virtlogd
  echo "start-libvirtd: libvirtd already answers on $URI"
  exit 0
fi

[ "$(id -u)" -eq 0 ] || die "must run as root to create the kvm group, the libvirt-qemu user and start libvirtd"

mkdir -p /var/log/libvirt /var/run/libvirt /var/lib/libvirt /var/cache/libvirt
start_virtlogd

# A daemon may be starting already (another caller, a slow previous start): only start a
# second one when no libvirtd process exists, or the two fight over the pid file.
if ! pgrep -x libvirtd >/dev/null 2>&1; then
  libvirtd -d
fi

for _ in $(seq 1 "$((WAIT_SECONDS * 5))"); do
  if answers; then
    echo "start-libvirtd: libvirtd answers on $URI"
    exit 0
  fi
  # A daemon that failed its driver initialisation exits: report why at once, not after the wait.
  if ! pgrep -x libvirtd >/dev/null 2>&1; then
    echo "start-libvirtd: libvirtd exited; last lines of /var/log/libvirt/libvirtd.log:" >&2
    tail -n 8 /var/log/libvirt/libvirtd.log >&2 2>/dev/null || true
    die "libvirtd failed to start"
  fi
  sleep 0.2
done

die "libvirtd did not answer 'virsh -c $URI version' within ${WAIT_SECONDS}s; see /var/log/libvirt and run 'libvirtd' in the foreground to read its error"
