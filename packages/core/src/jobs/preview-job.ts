import { buildGuestDomainXml } from "../libvirt/build-guest-domain-xml.ts";
import { bindDevices, type GuestDevice, type Inventory, type Job } from "@vfleet/protocol";
import { groupEndpoints } from "../pci/iommu-group.ts";
import { vfConfigureArgs } from "./vf-configure-args.ts";
import { buildHostdevInterfaceXml } from "../libvirt/build-hostdev-interface-xml.ts";
import { buildHostdevXml } from "../libvirt/build-hostdev-xml.ts";
import { renderPersistFiles } from "./render-persist-files.ts";

/** One thing the agent will write or run, exactly as it will. */
export type PreviewChange =
  | { type: "sysfs"; path: string; value: string }
  | { type: "command"; argv: string[] }
  | { type: "libvirt"; argv: string[]; xml: string }
  | { type: "file"; path: string; content: string | null };

export type JobPreview = {
  kind: Job["kind"];
  /** One line for lists and the audit log: "vf.set-count 0000:86:00.0: 0 -> 16". */
  summary: string;
  /** In order. Empty when the host is already as wanted (the agent will write nothing). */
  changes: PreviewChange[];
  /** What the operator should know before confirming (group members, skipped devices...). */
  notes: string[];
  /**
   * What the agent will refuse, as the inventory shows the host now (guests holding the devices).
   * Apart from `notes` so a form can withhold Confirm with the reason instead of queueing a job
   * that can only fail.
   */
  refusals: string[];
  /** The state the job changes, as the inventory shows it now (the audit log's "before"). */
  before: Record<string, unknown>;
};

const devPath = (bdf: string, attr: string) => `/sys/bus/pci/devices/${bdf}/${attr}`;

function guestsHolding(inv: Inventory): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const g of inv.guests) for (const h of g.hostdevs) m.set(h.address, [...(m.get(h.address) ?? []), g.name]);
  return m;
}

/** The endpoints of a device's IOMMU group (bridges excepted: VFIO does not need them), as the agent binds them. */
function deviceXml(d: GuestDevice): string {
  if (d.kind === "interface")
    return buildHostdevInterfaceXml({
      address: d.address,
      ...(d.mac ? { mac: d.mac } : {}),
      ...(d.vlan !== undefined ? { vlan: { id: d.vlan } } : {}),
    });
  return buildHostdevXml({ address: d.address });
}

/**
 * Exactly what a job will write on a host whose inventory is `inventory`: sysfs path = value,
 * `ip link set ...` argv, the libvirt XML (built with the same builders as the agent), the
 * boot-config files. Pure: the agent computes the same difference again against the live host
 * when it runs (level-triggered), so a preview made from a stale inventory can only show more
 * than will happen, never something else.
 */
export function previewJob(job: Job, inventory: Inventory | null): JobPreview {
  const inv: Inventory = inventory ?? {
    host: { hostname: "" } as Inventory["host"],
    devices: [],
    iommuGroups: [],
    interfaces: [],
    guests: [],
  };
  const holders = guestsHolding(inv);
  const device = (bdf: string) => inv.devices.find((d) => d.address === bdf);
  const notes: string[] = inventory ? [] : ["No inventory from this host yet: the preview assumes nothing about its current state."];
  const changes: PreviewChange[] = [];
  const refusals: string[] = [];

  switch (job.kind) {
    case "vf.set-count": {
      const { pf, count } = job.params;
      const d = device(pf);
      const have = d?.sriov?.numVfs ?? null;
      if (have === count) notes.push(`${pf} already has ${count} VFs: nothing will be written.`);
      else {
        if (have !== null && have > 0) {
          changes.push({ type: "sysfs", path: devPath(pf, "sriov_numvfs"), value: "0" });
          notes.push(`The kernel takes a new VF count only from 0: the ${have} existing VFs are destroyed first.`);
          const held = (d?.sriov?.vfs ?? []).filter((vf) => holders.has(vf));
          if (held.length > 0)
            refusals.push(
              `${held.length} of its VFs are attached to guests (${[...new Set(held.flatMap((vf) => holders.get(vf)!))].join(", ")}): the agent will refuse until they are detached.`,
            );
        }
        if (count > 0) changes.push({ type: "sysfs", path: devPath(pf, "sriov_numvfs"), value: String(count) });
      }
      return {
        kind: job.kind,
        summary: `vf.set-count ${pf}: ${have ?? "?"} -> ${count}`,
        changes,
        notes,
        refusals,
        before: { numVfs: have, totalVfs: d?.sriov?.totalVfs ?? null },
      };
    }
    case "device.bind": {
      const { driver } = job.params;
      const named = bindDevices(job.params);
      const members = job.params.group ? groupEndpoints(inv, named[0]!) : named;
      const before: Record<string, unknown> = {};
      for (const m of members) {
        const d = device(m);
        const current = d?.driver ?? null;
        before[m] = { driver: current, driverOverride: d?.driverOverride ?? null };
        if (driver === "vfio-pci") {
          if (current === "vfio-pci") {
            notes.push(`${m} is already bound to vfio-pci: nothing will be written for it.`);
            continue;
          }
          if (d?.driverOverride !== "vfio-pci") changes.push({ type: "sysfs", path: devPath(m, "driver_override"), value: "vfio-pci" });
          if (current) changes.push({ type: "sysfs", path: `/sys/bus/pci/drivers/${current}/unbind`, value: m });
          changes.push({ type: "sysfs", path: "/sys/bus/pci/drivers_probe", value: m });
        } else {
          if (current !== null && current !== "vfio-pci" && !d?.driverOverride) {
            notes.push(`${m} is already on its host driver ${current}: nothing will be written for it.`);
            continue;
          }
          if (d?.driverOverride !== null) changes.push({ type: "sysfs", path: devPath(m, "driver_override"), value: "\\n" });
          if (current) changes.push({ type: "sysfs", path: `/sys/bus/pci/drivers/${current}/unbind`, value: m });
          changes.push({ type: "sysfs", path: "/sys/bus/pci/drivers_probe", value: m });
          const held = holders.get(m);
          const running = held?.filter((g) => inv.guests.some((x) => x.name === g && x.state === "running")) ?? [];
          if (running.length > 0)
            refusals.push(
              `${m} is held by the running guest ${running.join(", ")}: the agent refuses to take it back while the guest runs (detach it or stop the guest first).`,
            );
          else if (held) notes.push(`${m} is in the definition of ${held.join(", ")}: a running guest holding it makes the agent refuse.`);
        }
      }
      if (driver === "vfio-pci" && !job.params.group) {
        const others = [...new Set(named.flatMap((bdf) => groupEndpoints(inv, bdf)))].filter((x) => !named.includes(x));
        const whose = named.length === 1 ? "Its IOMMU group also holds" : "Their IOMMU groups also hold";
        if (others.length > 0)
          notes.push(
            `${whose} ${others.join(", ")}: the agent refuses unless each is on vfio-pci or has no driver (or bind the whole group with group: true).`,
          );
      }
      if (named.length > 1)
        notes.push(`The agent checks all ${named.length} devices before writing to any: one refusal leaves every one of them as it is.`);
      const bdf = named[0]!;
      const current = device(bdf)?.driver ?? null;
      const target = driver === "host" ? "host driver" : "vfio-pci";
      if (named.length > 1)
        return {
          kind: job.kind,
          summary: `device.bind ${named.length} devices (${bdf} ... ${named.at(-1)}): -> ${target}`,
          changes,
          notes,
          refusals,
          before: { devices: before },
        };
      const what = members.length > 1 ? `${bdf} and its IOMMU group (${members.length} devices)` : bdf;
      return {
        kind: job.kind,
        summary: `device.bind ${what}: ${current ?? "no driver"} -> ${target}`,
        changes,
        notes,
        refusals,
        before: members.length > 1 ? { members: before } : (before[bdf] as Record<string, unknown>),
      };
    }
    case "vf.configure": {
      const p = job.params;
      const d = device(p.pf);
      const ifname = d?.netInterfaces[0] ?? "<pf netdev>";
      const cur = d?.sriov?.vfConfigs.find((c) => c.index === p.vf) ?? null;
      const args = vfConfigureArgs(cur, p);
      if (args.length > 0) changes.push({ type: "command", argv: ["ip", "link", "set", "dev", ifname, "vf", String(p.vf), ...args] });
      else notes.push(`VF ${p.vf} of ${ifname} already has these settings: nothing will be run.`);
      return {
        kind: job.kind,
        summary: `vf.configure ${p.pf} vf ${p.vf}: ${args.join(" ") || "no change"}`,
        changes,
        notes,
        refusals,
        before: { vf: cur },
      };
    }
    case "guest.attach":
    case "guest.detach": {
      const p = job.params;
      const attach = job.kind === "guest.attach";
      const guest = inv.guests.find((g) => g.name === p.guest);
      const inGuest = new Set(guest?.hostdevs.map((h) => h.address) ?? []);
      const flags = [...(p.live ? ["--live"] : []), ...(p.config ? ["--config"] : [])];
      const todo = p.devices.filter((d) => (attach ? !inGuest.has(d.address) : inGuest.has(d.address) || !guest));
      for (const d of todo)
        changes.push({
          type: "libvirt",
          argv: ["virsh", attach ? "attach-device" : "detach-device", p.guest, "<file>", ...flags],
          xml: deviceXml(d),
        });
      if (todo.length > 1)
        notes.push(
          `The agent runs these ${todo.length} ${attach ? "attach" : "detach"}-device commands in one virsh session (one process, each device's result reported on its own).`,
        );
      const skipped = p.devices.length - todo.length;
      if (skipped > 0)
        notes.push(
          `${skipped} of ${p.devices.length} devices are already ${attach ? "in" : "absent from"} ${p.guest}'s definition: skipped.`,
        );
      if (!guest)
        notes.push(`No guest ${p.guest} in this host's inventory: it must be defined in libvirt (virsh define) before the job runs.`);
      if (attach) {
        const elsewhere = todo.filter((d) => (holders.get(d.address) ?? []).some((g) => g !== p.guest));
        if (elsewhere.length > 0)
          refusals.push(`${elsewhere.length} devices are assigned to another guest (e.g. ${elsewhere[0]!.address}): the agent refuses.`);
      }
      return {
        kind: job.kind,
        summary: `${job.kind} ${p.guest}: ${p.devices.length} device${p.devices.length === 1 ? "" : "s"} (${flags.join(" ")})`,
        changes,
        notes,
        refusals,
        before: { guest: p.guest, hostdevs: guest?.hostdevs.length ?? null },
      };
    }
    case "guest.define": {
      const p = job.params;
      changes.push({
        type: "libvirt",
        argv: ["virsh", "define", "<file>"],
        xml: buildGuestDomainXml({
          name: p.name,
          vcpus: p.vcpus,
          memoryMiB: p.memoryMiB,
          machine: p.machine,
          ...(p.cpuset ? { cpuset: p.cpuset } : {}),
        }),
      });
      if (inv.guests.some((g) => g.name === p.name))
        notes.push(`A guest ${p.name} already exists: the agent accepts it only with the same vCPUs and memory.`);
      return {
        kind: job.kind,
        summary: `guest.define ${p.name}: ${p.vcpus} vCPUs, ${p.memoryMiB} MiB${p.cpuset ? `, pinned to CPUs ${p.cpuset}` : ""}`,
        changes,
        notes,
        refusals,
        before: { guest: null },
      };
    }
    case "guest.undefine": {
      const p = job.params;
      const guest = inv.guests.find((g) => g.name === p.name);
      if (!guest) notes.push(`No guest ${p.name} in this host's inventory: nothing to undefine (the agent reports it as already done).`);
      else {
        changes.push({ type: "command", argv: ["virsh", "undefine", p.name] });
        if (guest.state === "running") refusals.push(`${p.name} is running: the agent undefines only a shut-off guest.`);
        const left = guest.hostdevs.length + (guest.mdevs?.length ?? 0);
        if (left > 0)
          refusals.push(
            `${p.name} still has ${left} passthrough device${left === 1 ? "" : "s"}: the agent undefines only a guest with none left.`,
          );
      }
      return {
        kind: job.kind,
        summary: `guest.undefine ${p.name}`,
        changes,
        notes,
        refusals,
        before: { guest: guest ? p.name : null, hostdevs: guest?.hostdevs.length ?? null },
      };
    }
    case "host.persist": {
      for (const [path, content] of Object.entries(renderPersistFiles(job.params)))
        changes.push({ type: "file", path: `/${path}`, content });
      return {
        kind: job.kind,
        summary: `host.persist: ${job.params.vfCounts.length} VF counts, ${job.params.vfioIds.length} vfio-pci ids (${job.params.method})`,
        changes,
        notes,
        refusals,
        before: { persistence: inv.host.persistence ?? null },
      };
    }
  }
}
