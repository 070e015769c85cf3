#!/usr/bin/env bash
# Builds the test hypervisor's disk from Debian's own packages: a bookworm root with Debian's kernel,
# systemd as PID 1, sshd, iproute2, pciutils, nvme-cli, sysfsutils (/etc/sysfs.d at boot), libvirt (libvirt-daemon-system: its units and sockets, so `virsh -c qemu:///system` answers under systemd) and strace (its fault injection holds the agent between two host writes in the fault tests), plus this machine's Node.js
# binary (bookworm ships Node 18; the agent needs 20+). Output in OUT: rootfs.ext4 (made with
# mke2fs -d, no loop mount), vmlinuz and initrd.img (booted directly by QEMU).
# Usage: build-image.sh OUT NODE_BINARY AUTHORIZED_KEY_FILE DEBIAN_MIRROR_URL. Needs root (mmdebstrap's root mode).
set -euo pipefail
out=$1 node_bin=$2 pubkey=$3
mirror=$4
work="$out.tmp"
rm -rf "$work" && mkdir -p "$work"
root="$work/root"

packages=(
  systemd-sysv udev kmod dbus linux-image-amd64 openssh-server iproute2 pciutils nvme-cli
  libstdc++6 libvirt-daemon-system libvirt-daemon-driver-qemu libvirt-clients qemu-system-x86 procps sysfsutils strace
)
join() {
  local IFS=,
  echo "$*"
}

# MODULES=list: the initrd carries only what mounts the root (virtio disk, ext4): a small initrd
# boots faster under TCG than Debian's default "most".
essential_hook='mkdir -p "$1/etc/initramfs-tools/conf.d" "$1/usr/share/initramfs-tools/modules.d"
echo MODULES=list > "$1/etc/initramfs-tools/conf.d/vfleet-modules"
printf "virtio_pci\nvirtio_blk\next4\ncrc32c_generic\n" > "$1/usr/share/initramfs-tools/modules.d/vfleet"'

mmdebstrap --variant=minbase --mode=root \
  --include="$(join "${packages[@]}")" \
  --aptopt='APT::Install-Recommends "false"' \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*' \
  --essential-hook="$essential_hook" \
  bookworm "$root" "deb $mirror bookworm main"

# Kernel modules no test hypervisor loads (sound, GPUs, wireless, media, InfiniBand, filesystems
# other than ext4): a third of the image.
kver=$(ls "$root/usr/lib/modules" | head -n1)
mods="$root/usr/lib/modules/$kver/kernel"
rm -rf "$mods/sound" "$mods/drivers/gpu" "$mods/drivers/media" "$mods/drivers/net/wireless" \
  "$mods/drivers/infiniband" "$mods/drivers/staging" "$mods/drivers/bluetooth" "$mods/drivers/isdn" \
  "$mods/drivers/net/can" "$mods/drivers/hid" "$mods/drivers/input/touchscreen" "$mods/net/bluetooth" \
  "$mods/net/wireless" "$mods/net/mac80211" "$mods/fs/btrfs" "$mods/fs/xfs" "$mods/fs/ocfs2" \
  "$mods/fs/gfs2" "$mods/fs/nfs" "$mods/fs/nfsd" "$mods/fs/ceph" "$mods/fs/smb" "$mods/fs/f2fs"
chroot "$root" depmod -a "$kver"

install -m 0755 "$node_bin" "$root/usr/local/bin/node"
install -d -m 0700 "$root/root/.ssh"
install -m 0600 "$pubkey" "$root/root/.ssh/authorized_keys"
echo "/dev/vda / ext4 defaults 0 1" > "$root/etc/fstab"
echo testhost > "$root/etc/hostname"
# The management NIC (fixed MAC on QEMU's user network) takes DHCP and the default route; networkd
# leaves every other link (the igb PFs, their VFs) alone.
cat > "$root/etc/systemd/network/10-mgmt.network" <<'EOF'
[Match]
MACAddress=52:54:00:12:34:56
[Network]
DHCP=ipv4
EOF
chroot "$root" systemctl enable systemd-networkd.service >/dev/null 2>&1
# Nothing waits on a network that is never "online" beyond the management NIC.
chroot "$root" systemctl mask systemd-networkd-wait-online.service >/dev/null 2>&1
# sshd answers as soon as it is up (no DNS lookups of clients on QEMU's user network), with one host
# key: the ed25519 one clients pin (a client preferring ECDSA or RSA would otherwise see another key).
# A client gone with a cut network is dropped within 15 s, so its reverse forward's port is free again
# for the session that replaces it when the network is back.
printf "UseDNS no\nHostKey /etc/ssh/ssh_host_ed25519_key\nClientAliveInterval 5\nClientAliveCountMax 3\n" > "$root/etc/ssh/sshd_config.d/vfleet.conf"
rm -f "$root"/etc/ssh/ssh_host_rsa_key* "$root"/etc/ssh/ssh_host_ecdsa_key*
# The guest's libvirtd starts when first called (socket activation), not at every boot: its sockets
# are enabled, the service itself is not (disabling it disables its sockets too, so they come back).
chroot "$root" systemctl disable libvirtd.service >/dev/null 2>&1 || true
chroot "$root" systemctl enable libvirtd.socket libvirtd-ro.socket libvirtd-admin.socket virtlogd.socket >/dev/null 2>&1
# libvirt's "default" NAT network would start a bridge (virbr0) and a route at the first call: the
# test hypervisor's only network is its management NIC, and guests here hold VFs, not NAT ports.
rm -f "$root/etc/libvirt/qemu/networks/autostart/default.xml"

cp "$root/boot/vmlinuz-$kver" "$work/vmlinuz"
# Every VM from this image answers with this host key: clients pin it instead of trusting on first use.
cp "$root/etc/ssh/ssh_host_ed25519_key.pub" "$work/host-key.pub"
cp "$root/boot/initrd.img-$kver" "$work/initrd.img"
rm -rf "$root/var/cache/apt/archives"/*.deb "$root/var/lib/apt/lists"/*_Packages
# Room for what the tests write (the agent, its state, libvirt files): the file is sparse.
used_mb=$(du -sm "$root" | cut -f1)
mke2fs -q -t ext4 -L vfleet-root -d "$root" "$work/rootfs.ext4" "$((used_mb + 1024))M"
rm -rf "$root"
rm -rf "$out" && mv "$work" "$out"
echo "build-image: $out ($(du -sh --apparent-size "$out/rootfs.ext4" | cut -f1) root, kernel $kver)"
