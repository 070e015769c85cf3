import { buildGuestDomainXml, buildHostdevXml, parseDomainXml } from "@vfleet/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertLibvirtReachable, createVirsh } from "../src/libvirt/index.ts";

/**
 * Batch attach (one virsh process fed a script on stdin) against one virsh process per device,
 * on the real libvirtd: same outcome per device, and the time each takes for 16..160 devices.
 */

const virsh = createVirsh({ uri: "qemu:///system" });
const runId = `${process.pid}-${Date.now().toString(36)}`;
const defined: string[] = [];

const addresses = (n: number) => Array.from({ length: n }, (_, i) => `0000:${(0x20 + (i >> 3)).toString(16)}:00.${i & 7}`);

async function defineGuest(suffix: string, hostdevs: Array<{ address: string }> = []): Promise<string> {
  const name = `vfleet-it-${runId}-${suffix}`;
  defined.push(name);
  await virsh.defineDomain(buildGuestDomainXml({ name, vcpus: 16, memoryMiB: 8192, machine: "q35", hostdevs }));
  return name;
}

const hostdevAddresses = async (name: string) =>
  parseDomainXml(await virsh.dumpXml(name, { inactive: true }))
    .hostdevs.map((h) => h.address)
    .sort();

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, Math.round(performance.now() - start)];
}

beforeAll(async () => {
  await assertLibvirtReachable(virsh);
});

afterAll(async () => {
  for (const name of defined) await virsh.undefineDomain(name, { ifExists: true });
});

describe("batch attach/detach against the real libvirtd", () => {
  it("reports each device's own outcome when some in the middle of a batch fail", async () => {
    const name = await defineGuest("partial");
    const xmls = addresses(10).map((address) => buildHostdevXml({ address }));
    await virsh.attachDevice(name, xmls[4]!, { config: true });
    await virsh.attachDevice(name, xmls[7]!, { config: true });
    const results = await virsh.attachDevices(name, xmls, { config: true });
    expect(results.map((r) => (r.ok ? "ok" : r.error.code))).toEqual([
      "ok",
      "ok",
      "ok",
      "ok",
      "already-attached",
      "ok",
      "ok",
      "already-attached",
      "ok",
      "ok",
    ]);
    expect(await hostdevAddresses(name)).toEqual(addresses(10).sort());
    const missing = await virsh.detachDevices(name, [...xmls, buildHostdevXml({ address: "0000:ff:1f.7" })], { config: true });
    expect(missing.map((r) => r.ok)).toEqual([...Array(10).fill(true), false]);
    expect(missing[10]!.ok ? null : missing[10]!.error.code).toBe("not-attached");
    expect(await hostdevAddresses(name)).toEqual([]);
  }, 60_000);

  it("works where the home is not writable (the agent's systemd unit: ProtectHome=yes), though virsh's shell mode keeps a history there", async () => {
    const name = await defineGuest("no-home");
    const xmls = addresses(2).map((address) => buildHostdevXml({ address }));
    const saved = { HOME: process.env.HOME, XDG_CACHE_HOME: process.env.XDG_CACHE_HOME };
    // Not even root can make a directory under /proc: where virsh's cache would go under the unit.
    Object.assign(process.env, { HOME: "/proc/vfleet-no-home", XDG_CACHE_HOME: "/proc/vfleet-no-home/.cache" });
    try {
      expect((await virsh.attachDevices(name, xmls, { config: true })).map((r) => r.ok)).toEqual([true, true]);
      expect((await virsh.detachDevices(name, xmls, { config: true })).map((r) => r.ok)).toEqual([true, true]);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    expect(await hostdevAddresses(name)).toEqual([]);
  }, 60_000);

  it("gives the same guest as one process per device, faster; figures for 16, 80 and 160 devices", async () => {
    const rows: string[] = [];
    for (const n of [16, 80, 160]) {
      const xmls = addresses(n).map((address) => buildHostdevXml({ address }));
      const single = await defineGuest(`single-${n}`);
      const [, oneByOneAttach] = await timed(async () => {
        for (const xml of xmls) await virsh.attachDevice(single, xml, { config: true });
      });
      const singleResult = await hostdevAddresses(single);
      const [, oneByOneDetach] = await timed(async () => {
        for (const xml of xmls) await virsh.detachDevice(single, xml, { config: true });
      });

      const batch = await defineGuest(`batch-${n}`);
      const [attached, batchAttach] = await timed(() => virsh.attachDevices(batch, xmls, { config: true }));
      expect(attached.every((r) => r.ok)).toBe(true);
      const batchResult = await hostdevAddresses(batch);
      const [detached, batchDetach] = await timed(() => virsh.detachDevices(batch, xmls, { config: true }));
      expect(detached.every((r) => r.ok)).toBe(true);

      // A stopped guest can also get all its devices in its definition: one libvirt call.
      const [, defineWithDevices] = await timed(() =>
        defineGuest(
          `define-${n}`,
          addresses(n).map((address) => ({ address })),
        ),
      );
      const definedResult = await hostdevAddresses(`vfleet-it-${runId}-define-${n}`);

      expect(singleResult).toEqual(addresses(n).sort());
      expect(batchResult).toEqual(singleResult);
      expect(definedResult).toEqual(singleResult);
      expect(await hostdevAddresses(single)).toEqual([]);
      expect(await hostdevAddresses(batch)).toEqual([]);
      rows.push(
        `${String(n).padStart(3)} devices: attach one-by-one ${oneByOneAttach} ms, batched ${batchAttach} ms; ` +
          `detach one-by-one ${oneByOneDetach} ms, batched ${batchDetach} ms; define-with-devices ${defineWithDevices} ms`,
      );
    }
    console.log(`virsh on ${virsh.uri} (--config):\n${rows.join("\n")}`);
  }, 180_000);
});
