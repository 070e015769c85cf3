import type { AuditRule } from "../types.ts";
import { capLines, couldNotTell, notApplicable, result } from "../rule-helpers.ts";

/**
 * VF counts come back after a reboot. Sources: seed 000 (sysfsutils: /etc/sysfs.d/mlnx-vfs.conf
 * `class/net/enp134s0f0/device/sriov_numvfs = 8`), DOMAIN.md (the udev rule form
 * `ACTION=="add", SUBSYSTEM=="net", ENV{ID_NET_DRIVER}=="ixgbe", ATTR{device/sriov_numvfs}="2"`).
 */
export const persistVfCountRule: AuditRule = {
  id: "persistence.vf-count",
  title: "VF counts persist across reboot (sysfs.d / udev)",
  layer: "persistence",
  run({ inventory, options }) {
    const persistence = inventory.host.persistence;
    const wanted = options.wantedVfs ?? {};
    const pfs = inventory.devices.filter((d) => d.sriov && (wanted[d.address] ?? d.sriov.numVfs) > 0);
    if (pfs.length === 0) return notApplicable("no PF with VFs in use or wanted");
    if (!persistence)
      return couldNotTell([
        `could not tell: /etc was not read (/etc/sysfs.d, /etc/udev/rules.d), so what sets ${pfs.length} PF(s)' VF counts at boot is unknown`,
      ]);
    const evidence: string[] = [];
    const problems: string[] = [];
    const lines: string[] = [];
    for (const pf of pfs) {
      const target = wanted[pf.address] ?? pf.sriov!.numVfs;
      const entry =
        persistence.vfCounts.find((e) => e.address === pf.address || (e.interface !== null && pf.netInterfaces.includes(e.interface))) ??
        persistence.vfCounts.find((e) => e.address === null && e.interface === null && e.driver !== null && e.driver === pf.driver);
      const ifname = pf.netInterfaces[0];
      const line = ifname
        ? `class/net/${ifname}/device/sriov_numvfs = ${target}`
        : `bus/pci/devices/${pf.address}/sriov_numvfs = ${target}`;
      if (!entry) {
        problems.push(`${pf.address}${ifname ? ` (${ifname})` : ""}: ${target} VFs now, nothing sets them at boot`);
        lines.push(line);
      } else if (entry.numVfs !== target) {
        problems.push(`${pf.address}: ${entry.source} sets ${entry.numVfs} VFs at boot, ${target} wanted`);
        lines.push(line);
      } else evidence.push(`${pf.address}: ${target} VFs at boot (${entry.source})`);
    }
    if (problems.length === 0) return result("pass", capLines(evidence));
    return result(
      "fail",
      [
        ...capLines(evidence, 4),
        ...capLines(problems),
        `read: /etc/sysfs.d/*.conf, /etc/udev/rules.d/*.rules (${persistence.vfCounts.length} VF count entries)`,
      ],
      `Add to /etc/sysfs.d/vfleet-sriov.conf (Debian/Ubuntu package sysfsutils):\n${lines.join("\n")}`,
    );
  },
};
