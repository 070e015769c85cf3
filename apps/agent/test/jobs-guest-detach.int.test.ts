import { buildGuestDomainXml, parseDomainXml } from "@vfleet/core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createSimulatedHostIO } from "../src/host-io/create-simulated-host-io.ts";
import { SIMULATOR_POLICY, executeJob } from "../src/jobs/index.ts";
import { assertLibvirtReachable, createVirsh } from "../src/libvirt/index.ts";
import { scanHost } from "../src/scan/index.ts";
import { removeTrees, simTree } from "./jobs-sim-tree.ts";

const virsh = createVirsh();
const guest = `vfleet-detach-${process.pid}-${Date.now().toString(36)}`;

beforeAll(async () => {
  await assertLibvirtReachable(virsh);
});
afterAll(async () => {
  await virsh.undefineDomain(guest, { ifExists: true });
  await removeTrees();
});

it("attaches a <hostdev> and an <interface type='hostdev'> (MAC, VLAN), then detaches both; repeats change nothing", async () => {
  const root = await simTree("dgx2", 0);
  const run = (job: unknown) => executeJob(job, { io: createSimulatedHostIO(root), policy: SIMULATOR_POLICY });
  const vfs = (await run({ kind: "vf.set-count", params: { pf: "0000:86:00.0", count: 2 } })).observed.vfs as string[];
  await virsh.defineDomain(buildGuestDomainXml({ name: guest, vcpus: 2, memoryMiB: 1024, machine: "q35" }));
  const devices = [{ address: vfs[0] }, { address: vfs[1], kind: "interface", mac: "52:54:00:86:00:03", vlan: 42 }];
  const attach = await run({ kind: "guest.attach", params: { guest, devices } });
  expect([attach.status, attach.changed]).toEqual(["succeeded", true]);
  const defined = parseDomainXml(await virsh.dumpXml(guest, { inactive: true })).hostdevs;
  expect(defined.map((h) => [h.kind, h.address, h.mac, h.vlan])).toEqual([
    ["hostdev", vfs[0], null, null],
    ["interface", vfs[1], "52:54:00:86:00:03", 42],
  ]);
  expect((await scanHost(root)).guests.find((g) => g.name === guest)!.hostdevs).toHaveLength(2);

  const live = await run({ kind: "guest.attach", params: { guest, devices, live: true } });
  expect(live.error!.code).toBe("libvirt:domain-not-running");

  const detach = await run({ kind: "guest.detach", params: { guest, devices: devices.map((d) => ({ address: d.address })) } });
  expect([detach.status, detach.changed]).toEqual(["succeeded", true]);
  expect(parseDomainXml(await virsh.dumpXml(guest, { inactive: true })).hostdevs).toEqual([]);
  expect((await scanHost(root)).guests.find((g) => g.name === guest)!.hostdevs).toEqual([]);
  const again = await run({ kind: "guest.detach", params: { guest, devices: devices.map((d) => ({ address: d.address })) } });
  expect([again.status, again.changed]).toEqual(["succeeded", false]);

  const missing = await run({ kind: "guest.attach", params: { guest: `${guest}-nope`, devices: [{ address: vfs[0] }] } });
  expect(missing.error!.code).toBe("libvirt:domain-not-found");
}, 120_000);
