import type { AuditRule } from "./types.ts";
import { iommuGroupsRule } from "./rules/iommu-groups.ts";
import { kernelIommuEnableRule } from "./rules/kernel-iommu-enable.ts";
import { kernelIommuPtRule } from "./rules/kernel-iommu-pt.ts";
import { interruptRemappingRule } from "./rules/interrupt-remapping.ts";
import { vfioModulesRule } from "./rules/vfio-modules.ts";
import { plannedOnVfioRule } from "./rules/planned-on-vfio.ts";
import { hostDevicesKeptRule } from "./rules/host-devices-kept.ts";
import { groupViabilityRule } from "./rules/group-viability.ts";
import { acsIsolationRule } from "./rules/acs-isolation.ts";
import { sriovVfCountRule } from "./rules/sriov-vf-count.ts";
import { vfMacUniqueRule } from "./rules/vf-mac-unique.ts";
import { vfVlanRule } from "./rules/vf-vlan.ts";
import { pfCarrierRule } from "./rules/pf-carrier.ts";
import { persistVfCountRule } from "./rules/persist-vf-count.ts";
import { persistVfioBindingRule } from "./rules/persist-vfio-binding.ts";
import { guestInterruptVectorsRule } from "./rules/guest-interrupt-vectors.ts";
import { guestMemoryRule } from "./rules/guest-memory.ts";
import { guestMemlockRule } from "./rules/guest-memlock.ts";
import { guestMachineTypeRule } from "./rules/guest-machine-type.ts";
import { guestHugepagesRule } from "./rules/guest-hugepages.ts";
import { guestNumaLocalityRule } from "./rules/guest-numa-locality.ts";

/**
 * Bump when a rule's verdict logic changes: the control plane stores each host's check statuses
 * with the revision they were computed with, and audits again those of an older one.
 */
export const AUDIT_RULES_REVISION = 2;

/** Every rule, in layer order (AUDIT_LAYERS); auditHost keeps this order in its report. */
export const AUDIT_RULES: readonly AuditRule[] = [
  iommuGroupsRule,
  kernelIommuEnableRule,
  kernelIommuPtRule,
  interruptRemappingRule,
  vfioModulesRule,
  plannedOnVfioRule,
  hostDevicesKeptRule,
  groupViabilityRule,
  acsIsolationRule,
  sriovVfCountRule,
  vfMacUniqueRule,
  vfVlanRule,
  pfCarrierRule,
  persistVfCountRule,
  persistVfioBindingRule,
  guestInterruptVectorsRule,
  guestMemoryRule,
  guestMemlockRule,
  guestMachineTypeRule,
  guestHugepagesRule,
  guestNumaLocalityRule,
];
