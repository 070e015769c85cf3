import path from "node:path";
import { readText } from "./read-sysfs.ts";

/**
 * A port's link speed in Mb/s from `/sys/class/net/<if>/speed`, only while it has carrier: the
 * kernel answers -1 (SPEED_UNKNOWN, ethtool's "Unknown!") or EINVAL (interface down) otherwise,
 * and some drivers keep reporting the last negotiated speed after the cable is pulled.
 */
export async function readPortSpeed(netDir: string, carrier: boolean | null): Promise<number | null> {
  if (carrier !== true) return null;
  const text = await readText(path.join(netDir, "speed"));
  const mbps = text === null ? Number.NaN : Number(text);
  return Number.isInteger(mbps) && mbps > 0 ? mbps : null;
}
