import { access } from "node:fs/promises";
import path from "node:path";
import { parseDomainXml } from "@vfleet/core";
import type { Guest } from "@vfleet/protocol";
import { listDir, readText } from "./read-sysfs.ts";

/**
 * libvirt guests from their persistent definitions (`<root>/etc/libvirt/qemu/*.xml`); a
 * status file in `<root>/run/libvirt/qemu/<name>.xml` means libvirtd has the domain running.
 * A definition that does not parse is reported on stderr-free terms: skipped, never fatal.
 */
export async function readGuests(root: string, onError?: (file: string, err: unknown) => void): Promise<Guest[]> {
  const dir = path.join(root, "etc/libvirt/qemu");
  const files = (await listDir(dir)).filter((f) => f.endsWith(".xml")).sort();
  const guests = await Promise.all(
    files.map(async (file): Promise<Guest | null> => {
      const xml = await readText(path.join(dir, file));
      if (xml === null) return null;
      const running = await access(path.join(root, "run/libvirt/qemu", file)).then(
        () => true,
        () => false,
      );
      try {
        return parseDomainXml(xml, running ? "running" : "shut off");
      } catch (err) {
        onError?.(path.join(dir, file), err);
        return null;
      }
    }),
  );
  return guests.filter((g): g is Guest => g !== null);
}
