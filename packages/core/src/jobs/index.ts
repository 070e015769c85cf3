export * from "./preview-job.ts";
export * from "./job-resource-keys.ts";
export * from "./check-job-against-inventory.ts";
export * from "./vf-address.ts";
export * from "./render-persist-files.ts";
export * from "./plan-seed-000.ts";
export * from "./plan-vf-binds.ts";
export * from "./vf-configure-args.ts";
