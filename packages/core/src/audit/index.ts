export * from "./types.ts";
export * from "./audit-host.ts";
export * from "./audit-fleet.ts";
export * from "./audit-verdict.ts";
export * from "./render-audit-markdown.ts";
export * from "./render-audit-text.ts";
export { AUDIT_RULES, AUDIT_RULES_REVISION } from "./all-rules.ts";
export * from "./fix-job-for-check.ts";
export { readIommuState, type IommuState } from "./iommu-state.ts";
