import { describe, expect, it } from "vitest";
import type { VfDetail } from "./vf-details.ts";
import { vfMatches } from "./vf-details.ts";

const vf = (over: Partial<VfDetail>): VfDetail => ({
  address: "0000:86:00.2",
  index: 0,
  pf: "0000:86:00.0",
  pfIfname: "enp134s0f0",
  driver: "vfio-pci",
  state: "vfio",
  mac: "52:54:00:6d:90:02",
  vlan: 42,
  qos: null,
  trust: null,
  spoofchk: null,
  linkState: null,
  netReported: true,
  guest: "guestVM",
  guestRunning: true,
  heldAs: "interface",
  numaNode: 0,
  iommuGroup: 7,
  assignment: null,
  netdev: null,
  model: { name: "Mellanox Technologies MT27800 Family [ConnectX-5 Virtual Function]", ids: "15b3:1018" },
  msixVectors: 12,
  ...over,
});

describe("vfMatches", () => {
  it("finds a VF by address, MAC in either notation, guest or PF interface", () => {
    expect(vfMatches(vf({}), "86:00.2")).toBe(true);
    expect(vfMatches(vf({}), "52-54-00-6D")).toBe(true);
    expect(vfMatches(vf({}), "guestvm")).toBe(true);
    expect(vfMatches(vf({}), "enp134s0f0")).toBe(true);
    expect(vfMatches(vf({}), "86:00.3")).toBe(false);
  });

  it("reads a bare number or 'vlan N' as the VLAN id, and 'vlan N' only as the VLAN", () => {
    expect(vfMatches(vf({}), "42")).toBe(true);
    expect(vfMatches(vf({}), "vlan 42")).toBe(true);
    expect(vfMatches(vf({ vlan: 7 }), "vlan 42")).toBe(false);
    expect(vfMatches(vf({ vlan: null, address: "0000:42:00.1" }), "vlan 42")).toBe(false);
    // A bare number still finds addresses that contain it.
    expect(vfMatches(vf({ vlan: null, address: "0000:42:00.1" }), "42")).toBe(true);
  });

  it("finds a VF vfleet reserved for a guest whose definition does not name it yet", () => {
    expect(
      vfMatches(vf({ guest: null, assignment: { state: "reserved", guest: "db-7", planId: "p1", pool: "cx5", drift: null } }), "db-7"),
    ).toBe(true);
  });

  it("finds a VF by its own interface's name or MAC, as `ip link` shows them on the host", () => {
    const own = vf({ mac: null, netdev: { name: "enp93s0v8", mac: "02:01:00:5d:09:08", link: "down, no carrier" } });
    expect(vfMatches(own, "02:01:00:5d:09:08")).toBe(true);
    expect(vfMatches(own, "02-01-00-5D-09-08")).toBe(true);
    expect(vfMatches(own, "enp93s0v8")).toBe(true);
    expect(vfMatches(own, "enp93s0v9")).toBe(false);
  });

  it("needs every word to match", () => {
    expect(vfMatches(vf({}), "guestvm vlan 42")).toBe(true);
    expect(vfMatches(vf({}), "guestvm vlan 7")).toBe(false);
  });
});
