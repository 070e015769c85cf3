import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTree } from "../build-tree.ts";
import { injectAerErrors } from "./inject-aer-errors.ts";

const PF = "0000:86:00.0";
let root: string;
const aer = (bdf: string, file: string) => readFile(path.join(root, "sys/bus/pci/devices", bdf, file), "utf8");

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "vfleet-sim-aer-"));
  await buildTree("dgx2", root, { vfs: 2 });
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe("AER statistics of a simulated device", () => {
  it("shows every named error bit and a zero total in the kernel's format before any error", async () => {
    const text = await aer(PF, "aer_dev_correctable");
    expect(text.split("\n")[0]).toBe("RxErr 0");
    expect(text.endsWith("TOTAL_ERR_COR 0\n")).toBe(true);
    expect(await aer(PF, "aer_dev_fatal")).toMatch(/^DLP 0$[\s\S]*^TOTAL_ERR_FATAL 0\n$/m);
  });

  it("counts raised errors by name and in the total, each severity in its own file", async () => {
    await injectAerErrors(root, { device: PF, severity: "correctable", count: 3 });
    await injectAerErrors(root, { device: PF, severity: "nonfatal", error: "MalfTLP" });
    expect(await aer(PF, "aer_dev_correctable")).toMatch(/^RxErr 3$[\s\S]*^TOTAL_ERR_COR 3$/m);
    expect(await aer(PF, "aer_dev_nonfatal")).toMatch(/^MalfTLP 1$[\s\S]*^TOTAL_ERR_NONFATAL 1$/m);
    expect(await aer(PF, "aer_dev_fatal")).toMatch(/^TOTAL_ERR_FATAL 0$/m);
  });

  it("has no AER files on a VF, and refuses to raise errors there or with a name the kernel does not print", async () => {
    await expect(aer("0000:86:00.2", "aer_dev_correctable")).rejects.toMatchObject({ code: "ENOENT" });
    await expect(injectAerErrors(root, { device: "0000:86:00.2", severity: "fatal" })).rejects.toThrow(/^device: /);
    await expect(injectAerErrors(root, { device: PF, severity: "fatal", error: "RxErr" })).rejects.toThrow(/^error: /);
  });
});
