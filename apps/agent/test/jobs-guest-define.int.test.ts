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

beforeAll(async () => {
  await assertLibvirtReachable(virsh);
});
afterAll(async () => {
  await virsh.undefineDomain(guest, { ifExists: true });
  await virsh.undefineDomain(other, { ifExists: true });
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
