import type { HostSpec } from "../model/host-spec.ts";
import { dgx2 } from "./dgx2.ts";
import { gpuWorkstation } from "./gpu-workstation.ts";
import { intel82576 } from "./intel-82576.ts";

/** Every built-in host profile by name (`--profile`). */
export const profiles: Readonly<Record<string, HostSpec>> = {
  dgx2,
  "intel-82576": intel82576,
  "gpu-workstation": gpuWorkstation,
};
