import { describe, expect, it } from "vitest";
import { parseVfinfoList } from "./parse-vfinfo-list.ts";

describe("parseVfinfoList", () => {
  it("reads iproute2 6.x output (address, vlan_list with zero fields omitted)", () => {
    const json = [
      {
        ifname: "enp3s0f0",
        vfinfo_list: [
          {
            vf: 1,
            link_type: "ether",
            address: "52:54:00:6d:90:02",
            vlan_list: [{ vlan: 42, qos: 3 }],
            spoofchk: false,
            link_state: "enable",
            trust: true,
          },
          { vf: 0, link_type: "ether", address: "00:00:00:00:00:00", vlan_list: [{}], spoofchk: true, link_state: "auto", trust: false },
        ],
      },
    ];
    expect(parseVfinfoList(json)).toEqual([
      { index: 0, mac: null, vlan: 0, qos: 0, spoofchk: true, trust: false, linkState: "auto" },
      { index: 1, mac: "52:54:00:6d:90:02", vlan: 42, qos: 3, spoofchk: false, trust: true, linkState: "enable" },
    ]);
  });

  it("reads older output (mac, flat vlan/qos, no trust) and tolerates no data", () => {
    expect(parseVfinfoList([{ vfinfo_list: [{ vf: 0, mac: "02:00:00:00:00:01", vlan: 7 }] }])).toEqual([
      { index: 0, mac: "02:00:00:00:00:01", vlan: 7, qos: 0, spoofchk: null, trust: null, linkState: null },
    ]);
    expect(parseVfinfoList(null)).toEqual([]);
    expect(parseVfinfoList([{ ifname: "eth0" }])).toEqual([]);
  });
});
