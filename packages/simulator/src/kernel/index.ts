export * from "./kernel-state.ts";
export { writeSriovNumvfs, writeSriovAutoprobe } from "./write-sriov-numvfs.ts";
export { writeDriverOverride, writeUnbind, writeBind, writeDriversProbe } from "./bind-driver.ts";
export { setVfLink, type VfLinkSettings } from "./set-vf-link.ts";
export { applySysfsWrite } from "./apply-sysfs-write.ts";
export { runIpCommand, type IpResult } from "./run-ip-command.ts";
export { syncTree, type TreeChange } from "./sync-tree.ts";
export {
  STATE_FILE,
  loadHostState,
  saveHostState,
  reconstructHostState,
  serializeHostState,
  parseHostState,
  withHostStateLock,
  guestFromXml,
} from "./host-state-file.ts";
export { injectAerErrors } from "./inject-aer-errors.ts";
