/**
 * A virtio-net function's netdev hangs off its virtio child (`<bdf>/virtio2/net/eth0`), not
 * `<bdf>/net`. This machine's own NIC is virtio-net and carries its default route: the job view a
 * bind's safety checks read must name that interface, or nothing stops unbinding the host's NIC
 * (the test hypervisor's management NIC was unbound that way before this was read).
 */
import { readFileSync, realpathSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AgentPolicy } from "../src/jobs/index.ts";
import { hostCriticalReason } from "../src/jobs/safety/index.ts";
import { readDeviceView } from "../src/scan/read-device-view.ts";

function defaultRouteInterface(): string {
  const line = readFileSync("/proc/net/route", "utf8")
    .split("\n")
    .slice(1)
    .map((l) => l.trim().split(/\s+/))
    .find((f) => f[1] === "00000000" && f[7] === "00000000");
  if (!line) throw new Error("this machine has no IPv4 default route in /proc/net/route: the test needs one");
  return line[0]!;
}

describe("the netdev of a virtio-net PCI function", () => {
  it("is listed on the PCI device, so the device carrying this machine's default route is host-critical", async () => {
    const ifname = defaultRouteInterface();
    const devicePath = realpathSync(`/sys/class/net/${ifname}/device`);
    const bdf = devicePath.split("/").findLast((p) => /^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/.test(p));
    if (!bdf) throw new Error(`${ifname} is not on a PCI device here (${devicePath}): the test needs a PCI NIC on the default route`);
    const view = await readDeviceView("/", [bdf]);
    expect(view.devices.find((d) => d.address === bdf)?.netInterfaces).toContain(ifname);
    expect(view.host.defaultRouteInterface).toBe(ifname);
    expect(hostCriticalReason(view, AgentPolicy.parse({ adopt: [bdf] }), bdf)).toMatch(/default route/);
  });
});
