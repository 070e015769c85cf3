import { readlink } from "node:fs/promises";
import path from "node:path";
import type { Guest, Mdev, MdevType } from "@vfleet/protocol";
import { intAttr, listDir, readLinkName, readText } from "./read-sysfs.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const BDF = /^[0-9a-f]{4}:[0-9a-f]{2}:[0-1][0-9a-f]\.[0-7]$/;

/**
 * A parent's mediated device types (`<device>/mdev_supported_types/<type>/`, the kernel's
 * vfio-mediated-device ABI): `device_api` and `available_instances` are the mandatory attributes,
 * `name` and `description` the vendor's optional ones. Null when the device offers none.
 */
export async function readMdevTypes(deviceDir: string, names: ReadonlySet<string>): Promise<MdevType[] | null> {
  if (!names.has("mdev_supported_types")) return null;
  const dir = path.join(deviceDir, "mdev_supported_types");
  const types = (await listDir(dir)).sort();
  return Promise.all(
    types.map(async (type) => {
      const [name, description, deviceApi, available] = await Promise.all(
        ["name", "description", "device_api", "available_instances"].map((a) => readText(path.join(dir, type, a))),
      );
      const n = intAttr(available ?? null);
      return {
        type,
        name: name || null,
        description: description || null,
        deviceApi: deviceApi || null,
        availableInstances: n !== null && n >= 0 ? n : null,
      };
    }),
  );
}

/**
 * Mediated device instances: `/sys/bus/mdev/devices/<uuid>` links to the instance's directory under
 * its parent device, whose `mdev_type` link names its type and `iommu_group` its own group. The
 * guest is the libvirt definition whose `<hostdev type='mdev'>` names the UUID.
 */
export async function readMdevs(root: string, guests: readonly Guest[]): Promise<Mdev[]> {
  const dir = path.join(root, "sys/bus/mdev/devices");
  const holder = new Map(guests.flatMap((g) => (g.mdevs ?? []).map((uuid) => [uuid, g.name] as const)));
  const uuids = (await listDir(dir)).filter((n) => UUID.test(n)).sort();
  const read = await Promise.all(
    uuids.map(async (uuid): Promise<Mdev | null> => {
      let target: string;
      try {
        target = await readlink(path.join(dir, uuid));
      } catch {
        return null;
      }
      const parent = target.split("/").at(-2) ?? "";
      if (!BDF.test(parent)) return null;
      const [type, typeName, group] = await Promise.all([
        readLinkName(path.join(dir, uuid, "mdev_type")),
        readText(path.join(dir, uuid, "mdev_type", "name")),
        readLinkName(path.join(dir, uuid, "iommu_group")),
      ]);
      const groupId = intAttr(group);
      return {
        uuid,
        parent,
        type,
        typeName: typeName || null,
        iommuGroup: groupId !== null && groupId >= 0 ? groupId : null,
        guest: holder.get(uuid) ?? null,
      };
    }),
  );
  return read.filter((m) => m !== null);
}
