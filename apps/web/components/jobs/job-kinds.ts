/** The jobs the host page's change form offers, in its order, with their names on the form. */
export const JOB_KINDS = [
  ["vf.set-count", "Set VF count"],
  ["device.bind", "Bind / unbind driver"],
  ["vf.configure", "VF MAC / VLAN / QoS / trust / spoofchk / link"],
  ["guest.attach", "Attach to guest"],
  ["guest.detach", "Detach from guest"],
  ["host.persist", "Write persistence"],
] as const;
export type JobKind = (typeof JOB_KINDS)[number][0];

/** Kinds that act on an SR-IOV PF: a host without one has nothing to offer them. */
export const NEEDS_PF: ReadonlySet<JobKind> = new Set(["vf.set-count", "vf.configure"]);
