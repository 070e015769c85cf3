export * from "./safety-violation.ts";
export * from "./check-adopted.ts";
export * from "./check-host-critical.ts";
export * from "./check-group-viable.ts";
export * from "./check-vfs-unassigned.ts";
export * from "./check-assignable.ts";
