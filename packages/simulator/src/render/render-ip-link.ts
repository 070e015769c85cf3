import type { PciFunction } from "../model/host-state.ts";

/**
 * What `ip -json -details link show dev <pf>` prints for a PF (iproute2 6.x, print_vfinfo in
 * ip/ipaddress.c): one link object whose `vfinfo_list` holds each VF's settings. `vlan`/`qos`
 * inside `vlan_list` entries are printed only when non-zero, as iproute2 does.
 */
export function renderIpLink(pf: PciFunction): string {
  const s = pf.sriov!;
  const net = pf.net!;
  const link = {
    ifindex: net.ifindex,
    ifname: net.ifname,
    flags: net.carrier ? ["BROADCAST", "MULTICAST", "UP", "LOWER_UP"] : ["BROADCAST", "MULTICAST"],
    mtu: 1500,
    qdisc: "mq",
    operstate: net.carrier ? "UP" : "DOWN",
    linkmode: "DEFAULT",
    group: "default",
    txqlen: 1000,
    link_type: "ether",
    address: net.mac,
    broadcast: "ff:ff:ff:ff:ff:ff",
    promiscuity: 0,
    min_mtu: 68,
    max_mtu: 9978,
    num_tx_queues: 64,
    num_rx_queues: 64,
    parentbus: "pci",
    parentdev: pf.bdf,
    vfinfo_list: s.vfConfigs.slice(0, s.numVfs).map((c, vf) => ({
      vf,
      link_type: "ether",
      address: c.mac,
      broadcast: "ff:ff:ff:ff:ff:ff",
      vlan_list: [{ ...(c.vlan ? { vlan: c.vlan } : {}), ...(c.qos ? { qos: c.qos } : {}) }],
      rate: { max_tx: 0, min_tx: 0 },
      spoofchk: c.spoofchk,
      link_state: c.linkState,
      trust: c.trust,
      query_rss_en: false,
    })),
  };
  return `${JSON.stringify([link])}\n`;
}
