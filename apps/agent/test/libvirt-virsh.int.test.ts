import { existsSync, readdirSync } from "node:fs";
import { buildGuestDomainXml, buildHostdevInterfaceXml, buildHostdevXml, LibvirtInputError, parseDomainXml } from "@vfleet/core";
import { createHostState, profiles } from "@vfleet/simulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertLibvirtReachable, createVirsh, VirshError } from "../src/libvirt/index.ts";

/**
 * Against the REAL libvirtd (qemu:///system, started by scripts/start-libvirtd.sh). No IOMMU on
 * these machines, so guests are defined and changed with --config but cannot start with a hostdev.
 */

const virsh = createVirsh({ uri: "qemu:///system" });
const runId = `${process.pid}-${Date.now().toString(36)}`;
const defined: string[] = [];

/** The 160 VFs of the simulated DGX-2 (seed 000: 10 ConnectX-5 ports x 16), addressed as the kernel does. */
const DGX2_VFS = [...createHostState(profiles.dgx2!, { vfs: 16 }).functions.values()].filter((f) => f.physfn !== null).map((f) => f.bdf);

async function defineGuest(suffix: string, hostdevs: Parameters<typeof buildGuestDomainXml>[0]["hostdevs"] = []): Promise<string> {
  const name = `vfleet-it-${runId}-${suffix}`;
  defined.push(name);
  await virsh.defineDomain(buildGuestDomainXml({ name, vcpus: 16, memoryMiB: 8192, machine: "q35", hostdevs }));
  return name;
}

/** Guest-side PCI bus of each hostdev, and the indexes of the pcie-root-port controllers. */
function guestPlacement(xml: string): { hostdevBuses: number[]; rootPorts: number[] } {
  const hostdevBuses = [...xml.matchAll(/<hostdev\b[\s\S]*?<\/hostdev>/g)].map((m) => {
    const guestAddress = m[0].match(/<\/source>\s*<address type='pci' domain='0x0000' bus='(0x[0-9a-f]+)'/);
    return guestAddress ? Number.parseInt(guestAddress[1]!, 16) : -1;
  });
  const rootPorts = [...xml.matchAll(/<controller type='pci' index='(\d+)' model='pcie-root-port'>/g)].map((m) => Number(m[1]));
  return { hostdevBuses, rootPorts };
}

beforeAll(async () => {
  await assertLibvirtReachable(virsh);
});

afterAll(async () => {
  for (const name of defined) await virsh.undefineDomain(name, { ifExists: true });
  const left = (await virsh.listDomains()).filter((d) => d.includes(runId));
  expect(left).toEqual([]);
});

describe("virsh wrapper against the real libvirtd", () => {
  it("uses 160 distinct DGX-2 VF addresses", () => {
    expect(new Set(DGX2_VFS).size).toBe(160);
    // First VFs of both ports of the dual-port card (offsets 2 and 17) and of a single-port card (offset 1).
    for (const vf of ["0000:86:00.2", "0000:86:00.3", "0000:86:02.2", "0000:35:00.1"]) expect(DGX2_VFS).toContain(vf);
  });

  it("attaches all 160 DGX-2 VFs with --config, each on its own libvirt-allocated PCIe root port, and detaches them", async () => {
    const name = await defineGuest("dgx2");
    expect(await virsh.listDomains()).toContain(name);
    expect(await virsh.domainState(name)).toBe("shut off");
    const xmls = DGX2_VFS.map((address) => buildHostdevXml({ address }));

    const attached = await virsh.attachDevices(name, xmls, { config: true });
    expect(attached.filter((r) => !r.ok)).toEqual([]);

    const xml = await virsh.dumpXml(name, { inactive: true });
    const guest = parseDomainXml(xml);
    expect(guest.hostdevs).toHaveLength(160);
    expect(guest.hostdevs.map((h) => h.address).sort()).toEqual([...DGX2_VFS].sort());
    expect(guest.hostdevs.every((h) => h.kind === "hostdev" && h.managed)).toBe(true);
    const { hostdevBuses, rootPorts } = guestPlacement(xml);
    // The guest has no USB controller or balloon: every root port libvirt added carries one VF.
    expect(rootPorts).toHaveLength(160);
    expect(new Set(hostdevBuses).size).toBe(160);
    expect([...hostdevBuses].sort((a, b) => a - b)).toEqual([...rootPorts].sort((a, b) => a - b));

    // Per-device results: attaching the first three again fails for exactly those three.
    const again = await virsh.attachDevices(name, xmls.slice(0, 3), { config: true });
    expect(again.map((r) => (r.ok ? "ok" : r.error.code))).toEqual(["already-attached", "already-attached", "already-attached"]);
    expect(again[0]!.ok ? "" : again[0]!.error.libvirtMessage).toMatch(
      /^error: Failed to attach device from .*\nerror: Requested operation is not valid: device is already in the domain configuration$/,
    );

    const detached = await virsh.detachDevices(name, xmls, { config: true });
    expect(detached.filter((r) => !r.ok)).toEqual([]);
    expect(parseDomainXml(await virsh.dumpXml(name, { inactive: true })).hostdevs).toEqual([]);
  }, 120_000);

  it("attaches and detaches one device per virsh call, and explains a detach of a device the guest lacks", async () => {
    const name = await defineGuest("single");
    const xml = buildHostdevXml({ address: DGX2_VFS[5]! });
    await virsh.attachDevice(name, xml, { config: true });
    expect(parseDomainXml(await virsh.dumpXml(name, { inactive: true })).hostdevs.map((h) => h.address)).toEqual([DGX2_VFS[5]]);
    await virsh.detachDevice(name, xml, { config: true });
    const err = await virsh.detachDevice(name, xml, { config: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VirshError);
    expect((err as VirshError).code).toBe("not-attached");
    expect((err as VirshError).libvirtMessage).toMatch(
      /^error: Failed to detach device from .*\nerror: device not found: device not present in domain configuration$/,
    );
    // A live change on a shut-off guest is libvirt's error, explained.
    const live = await virsh.attachDevice(name, xml, { live: true }).catch((e: unknown) => e);
    expect(live).toBeInstanceOf(VirshError);
    expect((live as VirshError).code).toBe("domain-not-running");
    expect((live as VirshError).explanation).toMatch(/--config/);

    await virsh.undefineDomain(name);
    expect(await virsh.listDomains()).not.toContain(name);
    const gone = await virsh.undefineDomain(name).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(VirshError);
    expect((gone as VirshError).code).toBe("domain-not-found");
    await expect(virsh.undefineDomain(name, { ifExists: true })).resolves.toBeUndefined();
  }, 60_000);

  it("round-trips an <interface type='hostdev'> with MAC and VLAN through dumpxml", async () => {
    const name = await defineGuest("iface");
    await virsh.attachDevice(name, buildHostdevInterfaceXml({ address: "0000:b8:00.1", mac: "52:54:00:AB:00:01", vlan: { id: 42 } }), {
      config: true,
    });
    const xml = await virsh.dumpXml(name, { inactive: true });
    expect(parseDomainXml(xml).hostdevs).toEqual([
      { kind: "interface", address: "0000:b8:00.1", managed: true, mac: "52:54:00:ab:00:01", vlan: 42 },
    ]);
    expect(xml).toMatch(/<vlan>\s*<tag id='42'\/>\s*<\/vlan>/);
    await virsh.detachDevice(name, buildHostdevInterfaceXml({ address: "0000:b8:00.1", mac: "52:54:00:ab:00:01", vlan: { id: 42 } }), {
      config: true,
    });
    expect(parseDomainXml(await virsh.dumpXml(name, { inactive: true })).hostdevs).toEqual([]);
  }, 60_000);

  it("fails to start a guest with a hostdev and carries libvirt's message plus what to check", async () => {
    const name = await defineGuest("start", [{ address: DGX2_VFS[0]! }]);
    const err = await virsh.startDomain(name).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VirshError);
    const e = err as VirshError;
    expect(e.libvirtMessage).toMatch(new RegExp(`^error: Failed to start domain '${name}'\\n`));
    const groups = "/sys/kernel/iommu_groups";
    if (!existsSync(groups) || readdirSync(groups).length === 0) {
      // This machine has no IOMMU (PLATFORM.md): libvirt refuses before QEMU runs.
      expect(e.libvirtMessage).toMatch(/host doesn't support (passthrough of host PCI devices|VFIO PCI passthrough)/);
      expect(e.code).toBe("no-iommu");
      expect(e.explanation).toMatch(/IOMMU.*VT-d.*intel_iommu=on/s);
      expect(e.message).toContain(e.libvirtMessage);
      expect(e.message).toContain(e.explanation!);
    } else {
      // With an IOMMU the simulated DGX-2 VF still does not exist on this host.
      expect(e.code).not.toBe("no-iommu");
    }
    expect(await virsh.domainState(name)).toBe("shut off");
  }, 60_000);

  it("refuses XML injection and option injection before virsh is ever run", async () => {
    // A virsh that does not exist: reaching it would give a VirshError 'virsh-missing'.
    const nowhere = createVirsh({ virshPath: "/nonexistent/virsh" });
    const evil = "x'/><hostdev mode='subsystem'";
    const hostdev = buildHostdevXml({ address: "0000:86:00.2" });
    const attempts: Array<() => Promise<unknown>> = [
      () => nowhere.attachDevice(evil, hostdev, { config: true }),
      () => nowhere.attachDevices(evil, [hostdev], { config: true }),
      () => nowhere.dumpXml("--help"),
      () => nowhere.undefineDomain("a b"),
      () => nowhere.defineDomain("<domain type='kvm'><name>x&apos;/&gt;&lt;hostdev</name></domain>"),
      () => nowhere.attachDevice("ok-name", hostdev, {}),
    ];
    for (const attempt of attempts) {
      const err = await attempt().then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(LibvirtInputError);
    }
    expect(() => buildGuestDomainXml({ name: evil, vcpus: 1, memoryMiB: 512, machine: "q35" })).toThrow(/^name: must be/);
    // And libvirt holds no guest with such a name.
    expect((await virsh.listDomains()).some((d) => d.includes("<") || d.includes("'"))).toBe(false);
  });
});
