export * from "./version.ts";
export * from "./primitives.ts";
export * from "./inventory.ts";
export * from "./messages.ts";
export * from "./parse.ts";
export * from "./jobs.ts";
export * from "./json-depth.ts";
