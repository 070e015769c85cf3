import { describe, expect, it } from "vitest";
import { makeInventory } from "../audit/testing/make-inventory.ts";
import { adoptionRefusals } from "./adoption-refusals.ts";

const PF = "0000:86:00.0";
const NIC = "0000:01:00.0";

describe("adoptionRefusals", () => {
  const inv = makeInventory({ vfs: 2 });
  const vf = inv.devices.find((d) => d.physfn)!.address;

  it("refuses what a listed policy did not adopt, and takes a PF's VFs with it", () => {
    const adoption = { adopt: [PF], simulatorDefault: false };
    expect(adoptionRefusals({ kind: "device.bind", params: { device: vf, driver: "host" } }, inv, adoption)).toEqual([]);
    expect(adoptionRefusals({ kind: "vf.set-count", params: { pf: PF, count: 4 } }, inv, adoption)).toEqual([]);
    expect(
      adoptionRefusals(
        { kind: "guest.attach", params: { guest: "g", devices: [{ address: NIC, kind: "hostdev" }], live: false, config: true } },
        inv,
        adoption,
      ),
    ).toEqual([
      `${NIC} is not adopted: the agent's policy adopts ${PF}; add ${NIC} to "adopt" in its policy file if vfleet may manage it: the agent refuses.`,
    ]);
  });

  it("with all-sriov refuses a device that is no PF's, naming the simulator's default", () => {
    const [refusal] = adoptionRefusals({ kind: "device.bind", params: { device: NIC, driver: "vfio-pci" } }, inv, {
      adopt: "all-sriov",
      simulatorDefault: true,
    });
    expect(refusal).toContain("adopts SR-IOV PFs and their VFs only (the simulator's default)");
  });

  it("predicts nothing for a device the job leaves as it is, or when the agent did not say (could not tell)", () => {
    // The VF is already on vfio-pci: the agent skips it without asking its policy.
    expect(
      adoptionRefusals({ kind: "device.bind", params: { device: vf, driver: "vfio-pci" } }, inv, { adopt: [], simulatorDefault: false }),
    ).toEqual([]);
    expect(adoptionRefusals({ kind: "device.bind", params: { device: NIC, driver: "vfio-pci" } }, inv, null)).toEqual([]);
  });

  it("leaves VFs an earlier job of the plan creates to their PF's adoption (not in the inventory yet)", () => {
    const created = "0000:86:10.6";
    const bind = { kind: "device.bind", params: { device: created, driver: "vfio-pci" } } as const;
    const adoption = { adopt: "all-sriov", simulatorDefault: true } as const;
    expect(adoptionRefusals(bind, inv, adoption, new Set([created]))).toEqual([]);
    // Without saying so, an address the inventory lacks is no PF's VF: refused.
    expect(adoptionRefusals(bind, inv, adoption)).toHaveLength(1);
  });
});
