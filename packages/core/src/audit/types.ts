import type { Guest, Inventory, IommuGroup, NetInterface, PciDevice } from "@vfleet/protocol";

/** Layers in the order an operator fixes them: nothing above works while a layer below fails. */
export const AUDIT_LAYERS = ["firmware", "kernel", "modules", "drivers", "groups", "sriov", "persistence", "guest"] as const;
export type AuditLayer = (typeof AUDIT_LAYERS)[number];

export const LAYER_TITLES: Record<AuditLayer, string> = {
  firmware: "Firmware / BIOS and IOMMU",
  kernel: "Kernel arguments",
  modules: "Modules",
  drivers: "Drivers",
  groups: "IOMMU groups",
  sriov: "SR-IOV",
  persistence: "Persistence across reboot",
  guest: "Guest sizing",
};

/** `unknown`: "could not tell" — the evidence was absent (a source the scan could not read) or contradictory; never a pass or a fail. */
export type AuditStatus = "pass" | "warn" | "fail" | "unknown" | "not-applicable";

export interface AuditCheck {
  id: string;
  title: string;
  layer: AuditLayer;
  status: AuditStatus;
  /** What was read, each line naming its path or source. */
  evidence: string[];
  /** The exact change that fixes it (kernel argument, config line, command, XML), or null. */
  remediation: string | null;
}

export type AuditSummary = Record<AuditStatus, number>;

export interface AuditReport {
  host: string;
  guest: string | null;
  checks: AuditCheck[];
  summary: AuditSummary;
  /** When the audit ran and when the inventory it read was scanned (ISO 8601), for exports and prints. */
  auditedAt?: string;
  scannedAt?: string | null;
}

export interface AuditOptions {
  /** The guest whose passthrough plan is audited (from the inventory or a pasted domain XML). */
  guest?: Guest;
  /** Devices planned for the guest that its XML does not name yet. */
  plannedDevices?: string[];
  /** MAC -> hosts whose VFs carry it, across the fleet (auditFleet builds it). */
  fleetMacs?: Map<string, string[]>;
  /** VFs wanted per PF address. */
  wantedVfs?: Record<string, number>;
}

/** A planned or assigned device and who holds it. */
export interface PlannedDevice {
  address: string;
  /** Guest name, or null for a bare plan. */
  guest: string | null;
  /** libvirt detaches it from the host driver itself at guest start. */
  managed: boolean;
  /** Part of the audited guest (as opposed to another guest on the host). */
  audited: boolean;
}

/** Indexes built once per audit so each rule stays linear in the inventory. */
export interface AuditContext {
  inventory: Inventory;
  options: AuditOptions;
  deviceByAddress: Map<string, PciDevice>;
  groupById: Map<number, IommuGroup>;
  interfaceByName: Map<string, NetInterface>;
  /** Devices of the audited guest plus plannedDevices (deduplicated, in order). */
  planned: PlannedDevice[];
  /** Devices named by any guest defined on the host, by address -> guest names. */
  assignedTo: Map<string, string[]>;
  /** VF address -> its PF device. */
  pfOfVf: Map<string, PciDevice>;
}

export interface RuleResult {
  status: AuditStatus;
  evidence: string[];
  remediation: string | null;
}

export interface AuditRule {
  id: string;
  title: string;
  layer: AuditLayer;
  run(ctx: AuditContext): RuleResult;
}
