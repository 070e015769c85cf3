/**
 * The change form's fields, and how the API names them: a 400/409 names the exact field
 * (`job.params.count`, `job.params.devices.3.address`), and the form shows the sentence beside
 * that field in plain words instead of the API's dotted path in one banner.
 */
export type FormField =
  | "kind"
  | "pf"
  | "count"
  | "device"
  | "driver"
  | "vf"
  | "mac"
  | "vlan"
  | "qos"
  | "trust"
  | "spoofchk"
  | "linkState"
  | "guest"
  | "devices"
  | "devKind"
  | "live"
  | "config"
  | "vfCounts"
  | "vfioIds"
  | "method";

const FIELD_LABELS: Record<FormField, string> = {
  kind: "Action",
  pf: "PF",
  count: "VF count",
  device: "Device",
  driver: "Driver",
  vf: "VF number",
  mac: "MAC",
  vlan: "VLAN",
  qos: "QoS",
  trust: "Trust",
  spoofchk: "Spoof check",
  linkState: "Link state",
  guest: "Guest",
  devices: "Devices",
  devKind: "As",
  live: "Live",
  config: "Config",
  vfCounts: "VF counts at boot",
  vfioIds: "vfio-pci ids",
  method: "Method",
};

const PARAM_FIELDS = new Set<string>(Object.keys(FIELD_LABELS));
/** Per-device params (`devices.N.mac`) belong to the devices box; a line number says which. */
const LISTS: Record<string, FormField> = { devices: "devices", vfCounts: "vfCounts", vfioIds: "vfioIds" };

export type FieldError = { field: FormField | null; message: string };

/** Zod's own wording for a wrong type, said the way an operator would. */
const PLAIN: [RegExp, string][] = [
  [/Invalid input: expected number, received \w+/g, "must be a number"],
  [/Invalid input: expected int, received number/g, "must be a whole number"],
  [/Invalid input: expected boolean, received \w+/g, "must be on or off"],
  [/Invalid string: must match pattern .*/g, "is not in the expected format"],
  [/Invalid option: expected one of (.*)/g, "must be one of $1"],
];

/**
 * `{ error: "job.params.count: must be at most 16 ...", field: "job.params.count" }` ->
 * `{ field: "count", message: "must be at most 16 ..." }`; list items get their line:
 * `job.params.devices.2.address` -> devices, "line 3: ...". Fields the form does not show
 * (basis, hostId) stay on the form as a whole (`field: null`), still without the dotted path.
 */
export function toFieldError(error: string, apiField: string | undefined): FieldError {
  let message = apiField && error.startsWith(`${apiField}: `) ? error.slice(apiField.length + 2) : error;
  for (const [re, plain] of PLAIN) message = message.replace(re, plain);
  // Mentions of other params ("needs params.vlan") by their labels.
  message = message.replace(/\b(?:job\.)?params\.(\w+)\b/g, (all, name: string) =>
    PARAM_FIELDS.has(name) ? FIELD_LABELS[name as FormField] : all,
  );
  const path = (apiField ?? "").replace(/^job\./, "").split(".");
  if (path[0] === "kind") return { field: "kind", message };
  if (path[0] !== "params" || !path[1]) return { field: null, message };
  const list = LISTS[path[1]];
  if (list) {
    const line = path[2] !== undefined && /^\d+$/.test(path[2]) ? Number(path[2]) + 1 : null;
    const what = path[3] && path[3] !== "address" ? `${path[3] === "pf" ? "interface" : path[3]} ` : "";
    return { field: list, message: line === null ? message : `line ${line}: ${what}${message}` };
  }
  return PARAM_FIELDS.has(path[1]) ? { field: path[1] as FormField, message } : { field: null, message };
}
