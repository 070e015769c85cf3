import { AGENT_PATHS } from "./agent-config.ts";

/** Exit status of `vfleet-agent run` when the control plane refuses it (revoked, renamed): restarting cannot help. */
export const EXIT_REFUSED = 3;

/** Files a `host.persist` job may write (HostIO's CONFIG_PATH); the unit keeps them writable. */
const PERSIST_PATHS = ["/etc/sysfs.d", "/etc/sysfs.conf", "/etc/udev/rules.d", "/etc/modprobe.d", "/etc/modules-load.d", "/etc/modules"];

/**
 * Node options the agent runs with (the unit's NODE_OPTIONS). A young generation of 1 MiB per
 * semi-space instead of V8's 16 (an idle agent allocates little), and an old generation capped at
 * 128 MiB, which makes V8 grow the heap less eagerly (the DGX-2's agent runs within 40). With
 * V8's defaults the bundle on the simulated DGX-2 sat at 111 MiB resident, above the
 * 100 MB an agent may use; with these and MALLOC_ARENA_MAX=2, 90 MiB (94 MB peak) at the same idle CPU
 * (`pnpm bench agent-idle` runs the bundle with the unit's environment).
 */
export const AGENT_NODE_OPTIONS = "--max-semi-space-size=1 --max-old-space-size=128";

/**
 * The agent's systemd unit. It runs as root: it writes sysfs (sriov_numvfs, driver_override,
 * bind/unbind), runs `ip link set` (CAP_NET_ADMIN) and talks to libvirt's system socket. The
 * sandbox takes away what it never needs: the file system is read-only (ProtectSystem=strict)
 * except its state directory, libvirt's run directory and the persistence files; /sys stays
 * writable because ProtectKernelTunables is deliberately not set, and kernel modules are not
 * protected because binding to vfio-pci may autoload vfio modules. MemoryDenyWriteExecute is off:
 * V8 compiles code at run time.
 */
export function renderAgentUnit(nodePath: string, paths = AGENT_PATHS): string {
  if (!nodePath.startsWith("/") || /\s/.test(nodePath)) throw new Error(`nodePath "${nodePath}": must be an absolute path without spaces`);
  return `# Written by vfleet's installer; a re-install replaces it.
[Unit]
Description=vfleet agent (PCIe passthrough and SR-IOV inventory and jobs)
Wants=network-online.target
After=network-online.target libvirtd.service

[Service]
Type=simple
ExecStart=${nodePath} ${paths.artifact} run --config ${paths.config}
Restart=always
RestartSec=5
# Refused by the control plane (revoked credential, renamed host): an operator must act.
RestartPreventExitStatus=${EXIT_REFUSED}
Environment=NODE_ENV=production
Environment="NODE_OPTIONS=${AGENT_NODE_OPTIONS}"
# glibc's malloc keeps an arena per thread (V8's and libuv's); two keep freed memory from piling up.
Environment=MALLOC_ARENA_MAX=2
${paths.stateDir.startsWith("/var/lib/") ? `StateDirectory=${paths.stateDir.slice("/var/lib/".length)}\nStateDirectoryMode=0700\n` : ""}StandardOutput=journal
StandardError=journal
SyslogIdentifier=vfleet-agent
User=root
NoNewPrivileges=yes
ProtectSystem=strict
ReadWritePaths=${paths.stateDir} -/run/libvirt ${PERSIST_PATHS.map((p) => `-${p}`).join(" ")}
ProtectHome=yes
PrivateTmp=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
ProtectKernelLogs=yes
RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
LockPersonality=yes
SystemCallArchitectures=native

[Install]
WantedBy=multi-user.target
`;
}

/** A unit's Environment= settings (one per line, quoted when the value has spaces, as the unit above writes them). */
export function environmentOf(unit: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of unit.split("\n")) {
    const m = /^Environment=("?)([A-Z_]+)=(.*)\1$/.exec(line);
    if (m) env[m[2]!] = m[3]!;
  }
  return env;
}

/** The command line of a unit's ExecStart= (no quoting: the unit above never needs it). */
export function execStartOf(unit: string): string[] {
  const line = unit.split("\n").find((l) => l.startsWith("ExecStart="));
  if (!line) throw new Error("the unit has no ExecStart= line");
  return line.slice("ExecStart=".length).trim().split(/\s+/);
}
