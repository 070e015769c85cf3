/**
 * Parser for `lspci -nn -k -D [-vv]` text output: just the facts the scan must agree on.
 * Header: `0000:86:00.0 Ethernet controller [0200]: Vendor Name [15b3:1017] (rev 00) (prog-if 01 [...])`.
 */
export interface LspciDevice {
  address: string;
  classCode: string; // class+subclass (4 hex) + prog-if (2 hex, 00 when lspci prints none)
  vendorId: string;
  deviceId: string;
  revision: string; // lspci omits "(rev 00)"
  driver: string | null;
  iommuGroup: number | null;
  msixVectors: number | null;
  sriov: { totalVfs: number; numVfs: number; vfDeviceId: string; offset: number; stride: number } | null;
}

const HEADER =
  /^([0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]) .*?\[([0-9a-f]{4})\]: .*\[([0-9a-f]{4}):([0-9a-f]{4})\](?: \(rev ([0-9a-f]{2})\))?(?: \(prog-if ([0-9a-f]{2})(?: \[[^\]]*\])?\))?\s*$/;

export function parseLspci(text: string): Map<string, LspciDevice> {
  const out = new Map<string, LspciDevice>();
  let cur: LspciDevice | null = null;
  let sriov: Partial<NonNullable<LspciDevice["sriov"]>> | null = null;
  const finish = () => {
    if (cur && sriov) cur.sriov = sriov as NonNullable<LspciDevice["sriov"]>;
    sriov = null;
  };
  for (const line of text.split("\n")) {
    const h = HEADER.exec(line);
    if (h) {
      finish();
      cur = {
        address: h[1]!,
        classCode: `${h[2]}${h[6] ?? "00"}`,
        vendorId: h[3]!,
        deviceId: h[4]!,
        revision: h[5] ?? "00",
        driver: null,
        iommuGroup: null,
        msixVectors: null,
        sriov: null,
      };
      out.set(cur.address, cur);
      continue;
    }
    if (!cur) continue;
    let m: RegExpExecArray | null;
    if ((m = /^\tKernel driver in use: (\S+)/.exec(line))) cur.driver = m[1]!;
    else if ((m = /^\tIOMMU group: (\d+)/.exec(line))) cur.iommuGroup = Number(m[1]);
    else if ((m = /^\tCapabilities: \[[0-9a-f]+\] MSI-X: .*Count=(\d+)/.exec(line))) cur.msixVectors = Number(m[1]);
    else if (/^\tCapabilities: \[[0-9a-f]+ v\d\] Single Root I\/O Virtualization/.test(line)) sriov = {};
    else if (sriov && (m = /^\t\tInitial VFs: \d+, Total VFs: (\d+), Number of VFs: (\d+)/.exec(line)))
      Object.assign(sriov, { totalVfs: Number(m[1]), numVfs: Number(m[2]) });
    else if (sriov && (m = /^\t\tVF offset: (\d+), stride: (\d+), Device ID: ([0-9a-f]{4})/.exec(line)))
      Object.assign(sriov, { offset: Number(m[1]), stride: Number(m[2]), vfDeviceId: m[3]! });
  }
  finish();
  return out;
}
