import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readPciDevice } from "./read-pci-devices.ts";

// What Debian's 6.1 kernel showed for QEMU 10's igb PF on the test hypervisor (docs/design/real-kernel.md).
const IGB = "0000:01:00.0";
const RP = "0000:00:03.0";
let root: string;

async function device(bdf: string, files: Record<string, string>) {
  const dir = path.join(root, "sys/bus/pci/devices", bdf);
  await mkdir(dir, { recursive: true });
  const base = { vendor: "0x8086\n", device: "0x10c9\n", class: "0x020000\n" };
  for (const [name, text] of Object.entries({ ...base, ...files })) await writeFile(path.join(dir, name), text);
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "vfleet-read-pci-"));
  await device(IGB, {
    max_link_width: "255\n",
    max_link_speed: "Unknown\n",
    current_link_width: "1\n",
    current_link_speed: "2.5 GT/s PCIe\n",
    aer_dev_correctable: "RxErr 0\nBadTLP 0\nBadDLLP 0\nRollover 0\nTimeout 0\nNonFatalErr 0\nCorrIntErr 0\nHeaderOF 0\nTOTAL_ERR_COR 0\n",
    aer_dev_nonfatal: "Undefined 0\nDLP 0\nSDES 0\nTLP 0\nFCP 0\nCmpltTO 1\nTOTAL_ERR_NONFATAL 1\n",
    aer_dev_fatal: "Undefined 0\nDLP 0\nSDES 0\nTOTAL_ERR_FATAL 0\n",
  });
  // A root port whose kernel shows only one of the three files.
  await device(RP, { aer_dev_correctable: "RxErr 2\nTOTAL_ERR_COR 2\n" });
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe("readPciDevice", () => {
  it("reads the AER totals, each missing file as null, and a device without them as null", async () => {
    expect((await readPciDevice(root, IGB))!.aer).toEqual({ correctable: 0, nonfatal: 1, fatal: 0 });
    expect((await readPciDevice(root, RP))!.aer).toEqual({ correctable: 2, nonfatal: null, fatal: null });
    await device("0000:00:1f.0", {});
    expect((await readPciDevice(root, "0000:00:1f.0"))!.aer).toBeNull();
  });

  it("reports a link width past x32 (QEMU 10's igb said 255) as could not tell, so the snapshot is not refused", async () => {
    expect((await readPciDevice(root, IGB))!.link).toEqual({
      currentSpeed: "2.5 GT/s PCIe",
      currentWidth: 1,
      maxSpeed: null,
      maxWidth: null,
    });
  });
});
