import { buildGuestDomainXml, parseDomainXml } from "@vfleet/core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createSimulatedHostIO } from "../src/host-io/create-simulated-host-io.ts";
import { SIMULATOR_POLICY, executeJob } from "../src/jobs/index.ts";
import { assertLibvirtReachable, createVirsh } from "../src/libvirt/index.ts";
import { scanHost } from "../src/scan/index.ts";
import { removeTrees, simTree } from "./jobs-sim-tree.ts";

const virsh = createVirsh();
const guest = `vfleet-define-${process.pid}-${Date.now().toString(36)}`;
const other = `${guest}-other`;
const held = `${guest}-held`;
const empty = `${guest}-empty`;
const disked = `${guest}-disk`;

beforeAll(async () => {
  await assertLibvirtReachable(virsh);
});
afterAll(async () => {
  await virsh.undefineDomain(guest, { ifExists: true });
  await virsh.undefineDomain(other, { ifExists: true });
  await virsh.undefineDomain(held, { ifExists: true });
  await virsh.undefineDomain(empty, { ifExists: true });
  await virsh.undefineDomain(disked, { ifExists: true });
  await removeTrees();
});

it("guest.define defines a sized, pinned guest on the real libvirtd; again is a no-op; another size is refused", async () => {
  const root = await simTree("dgx2", 0);
  const run = (job: unknown) => executeJob(job, { io: createSimulatedHostIO(root), policy: SIMULATOR_POLICY });
  const define = { kind: "guest.define", params: { name: guest, vcpus: 11, memoryMiB: 3072, cpuset: "0-23" } };
  const first = await run(define);
  expect([first.status, first.changed]).toEqual(["succeeded", true]);
  const xml = await virsh.dumpXml(guest, { inactive: true });
  expect(parseDomainXml(xml)).toMatchObject({ vcpus: 11, memoryKiB: 3072 * 1024, cpuset: "0-23" });
  expect((await scanHost(root)).guests.some((g) => g.name === guest)).toBe(true);

  const again = await run(define);
  expect([again.status, again.changed]).toEqual(["succeeded", false]);

  await virsh.defineDomain(buildGuestDomainXml({ name: other, vcpus: 2, memoryMiB: 1024, machine: "q35" }));
  const clash = await run({ kind: "guest.define", params: { name: other, vcpus: 4, memoryMiB: 1024 } });
  expect(clash.error).toMatchObject({ code: "guest-exists" });
  expect(parseDomainXml(await virsh.dumpXml(other, { inactive: true })).vcpus).toBe(2);
}, 60_000);

it("guest.undefine undefines an empty, shut-off guest (again is a no-op) and refuses one that holds a device or has a disk", async () => {
  const root = await simTree("dgx2", 0);
  const run = (job: unknown) => executeJob(job, { io: createSimulatedHostIO(root), policy: SIMULATOR_POLICY });
  const defined = await run({ kind: "guest.define", params: { name: empty, vcpus: 1, memoryMiB: 256 } });
  expect(defined.status).toBe("succeeded");
  const gone = await run({ kind: "guest.undefine", params: { name: empty } });
  expect([gone.status, gone.changed], JSON.stringify(gone)).toEqual(["succeeded", true]);
  expect(await virsh.listDomains()).not.toContain(empty);
  // The simulated host's own tree follows libvirt: its scan no longer lists the guest.
  expect((await scanHost(root)).guests.some((g) => g.name === empty)).toBe(false);
  const again = await run({ kind: "guest.undefine", params: { name: empty } });
  expect([again.status, again.changed]).toEqual(["succeeded", false]);

  // A guest that still holds a passthrough device is left defined.
  await virsh.defineDomain(
    buildGuestDomainXml({ name: held, vcpus: 1, memoryMiB: 256, machine: "q35", hostdevs: [{ address: "0000:5d:00.2" }] }),
  );
  const refusedHeld = await run({ kind: "guest.undefine", params: { name: held } });
  expect([refusedHeld.status, refusedHeld.error?.code]).toEqual(["failed", "guest-not-empty"]);
  expect(await virsh.listDomains()).toContain(held);

  // A guest with a disk is not one vfleet defined (vfleet's are diskless): left defined.
  const base = buildGuestDomainXml({ name: disked, vcpus: 1, memoryMiB: 256, machine: "q35" });
  await virsh.defineDomain(
    base.replace(
      "<devices>",
      "<devices><disk type='file' device='disk'><source file='/nonexistent.img'/><target dev='vda' bus='virtio'/></disk>",
    ),
  );
  const refusedDisk = await run({ kind: "guest.undefine", params: { name: disked } });
  expect([refusedDisk.status, refusedDisk.error?.code]).toEqual(["failed", "guest-has-disk"]);
  expect(await virsh.listDomains()).toContain(disked);
}, 60_000);
