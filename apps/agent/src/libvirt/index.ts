export * from "./virsh.ts";
export * from "./virsh-error.ts";
export * from "./explain-virsh-error.ts";
export * from "./assert-libvirt-reachable.ts";
