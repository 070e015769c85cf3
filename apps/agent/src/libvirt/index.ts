export * from "./virsh.ts";
export * from "./virsh-error.ts";
export * from "./explain-virsh-error.ts";
