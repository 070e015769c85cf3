import { Inventory } from "@vfleet/protocol";
import { describe, expect, it } from "vitest";
import { buildDgx2Inventory } from "../test/dgx2-inventory.ts";
import { checkInventoryRefs } from "./check-inventory-refs.ts";
import { inventoryToRows } from "./inventory-to-rows.ts";
import { normalizeInventory } from "./normalize-inventory.ts";
import { rowsToInventory, type StoredRows } from "./rows-to-inventory.ts";

describe("inventory <-> rows", () => {
  const inventory = buildDgx2Inventory();

  it("the DGX-2 fixture is a valid protocol inventory with 160 VFs", () => {
    expect(Inventory.safeParse(inventory).error).toBeUndefined();
    expect(inventory.devices.filter((d) => d.physfn !== null)).toHaveLength(160);
    expect(inventory.guests[0]?.hostdevs).toHaveLength(80);
  });

  it("rebuilds the normalised inventory from the rows it produces", () => {
    const rows = inventoryToRows("h1", inventory);
    expect(rows.virtualFunctions).toHaveLength(160);
    expect(rows.physicalFunctions).toHaveLength(10);
    // Rows come back from the database in any order.
    const shuffled = Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, [...v].reverse()]));
    const rebuilt = rowsToInventory({ facts: inventory.host, ...shuffled } as unknown as StoredRows);
    expect(rebuilt).toEqual(normalizeInventory(inventory));
  });

  it("keeps a VF config whose index has no virtfn link, and a PF with no configs", () => {
    const pf = inventory.devices.find((d) => d.sriov)!;
    const odd = {
      ...inventory,
      devices: inventory.devices.map((d) =>
        d.address === pf.address
          ? { ...d, sriov: { ...d.sriov!, vfs: d.sriov!.vfs.slice(0, 2), vfConfigs: d.sriov!.vfConfigs.slice(0, 3).reverse() } }
          : d.sriov
            ? { ...d, sriov: { ...d.sriov, vfConfigs: [] } }
            : d,
      ),
    };
    const rebuilt = rowsToInventory({ facts: odd.host, ...inventoryToRows("h1", odd) } as unknown as StoredRows);
    expect(rebuilt).toEqual(normalizeInventory(odd));
  });

  it("keeps each device's PCIe path (a root-bus device's empty one apart from an older agent's absent one), mdev types and guests' mdevs", () => {
    const [a, b, ...rest] = inventory.devices;
    const withPaths = {
      ...inventory,
      devices: [
        {
          ...a!,
          pciPath: ["0000:2f:00.0", "0000:30:00.0"],
          mdevTypes: [{ type: "nvidia-199", name: "GRID V100DX-8Q", description: null, deviceApi: "vfio-pci", availableInstances: 3 }],
        },
        { ...b!, pciPath: [] },
        ...rest,
      ],
      guests: inventory.guests.map((g, i) => (i === 0 ? { ...g, mdevs: ["6f1c9a52-0b7e-4d3a-9c51-2e8f7a6b5c40"] } : g)),
    };
    const rebuilt = rowsToInventory({ facts: withPaths.host, ...inventoryToRows("h1", withPaths) } as unknown as StoredRows);
    expect(rebuilt).toEqual(normalizeInventory(withPaths));
    const by = new Map(rebuilt.devices.map((d) => [d.address, d.pciPath]));
    expect(by.get(a!.address)).toEqual(["0000:2f:00.0", "0000:30:00.0"]);
    expect(by.get(b!.address)).toEqual([]);
    expect(by.get(rest[0]!.address)).toBeNull();
  });

  it("normalises device order, group members and absent newer guest fields", () => {
    const reordered = { ...inventory, devices: [...inventory.devices].reverse(), iommuGroups: [...inventory.iommuGroups].reverse() };
    const normal = normalizeInventory(reordered);
    expect(normal.devices.map((d) => d.address)).toEqual(inventory.devices.map((d) => d.address).sort());
    expect(normal.iommuGroups.map((g) => g.id)).toEqual(inventory.iommuGroups.map((g) => g.id).sort((a, b) => a - b));
    expect(normal.guests.find((g) => g.name === "build-vm")).toMatchObject({ memoryHardLimitKiB: null, numaMemoryNodes: null });
  });
});

describe("checkInventoryRefs", () => {
  const inventory = buildDgx2Inventory();

  it("accepts a consistent inventory", () => {
    expect(() => checkInventoryRefs(inventory)).not.toThrow();
  });

  it("names the group entry that lists an unknown device", () => {
    const bad = { ...inventory, iommuGroups: [...inventory.iommuGroups, { id: 999, devices: ["0000:ff:1f.7"] }] };
    expect(() => checkInventoryRefs(bad)).toThrow(
      `inventory.iommuGroups[${inventory.iommuGroups.length}].devices[0]: 0000:ff:1f.7 is not in inventory.devices`,
    );
  });

  it("names the device whose group does not list it", () => {
    const bad = { ...inventory, iommuGroups: inventory.iommuGroups.slice(1) };
    expect(() => checkInventoryRefs(bad)).toThrow(
      "inventory.devices[0]: 0000:00:00.0 has iommuGroup 0 but no inventory.iommuGroups entry lists it",
    );
  });
});
