export { buildTree, resolveProfile } from "./build-tree.ts";
export { profiles } from "./profiles/index.ts";
export type { HostSpec, FunctionSpec, SriovSpec, GuestSpec, AssignmentSpec } from "./model/host-spec.ts";
export type { HostState, PciFunction, SriovState, VfNetState, GuestState } from "./model/host-state.ts";
export { createHostState, maxVfsOf, type HostStateOptions } from "./model/create-host-state.ts";
export { setVfCount } from "./model/set-vf-count.ts";
export { vfAddress } from "./model/vf-address.ts";
export { renderTree, rerenderDevice, renderHost, TREE_MARKER } from "./render/render-tree.ts";
export { devicePath } from "./render/device-path.ts";
