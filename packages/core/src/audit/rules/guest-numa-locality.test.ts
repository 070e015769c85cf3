import { describe, expect, it } from "vitest";
import { buildAuditContext } from "../build-audit-context.ts";
import { guestWithVfs, makeInventory } from "../testing/make-inventory.ts";
import { guestNumaLocalityRule } from "./guest-numa-locality.ts";

const run = (cpuset: string | null) => {
  const inv = makeInventory();
  return guestNumaLocalityRule.run(buildAuditContext(inv, { guest: guestWithVfs(inv, 4, { cpuset }) }));
};

describe("guest.numa-locality", () => {
  it("passes vCPUs pinned to the VFs' node", () => {
    const r = run("16-19");
    expect(r.status).toBe("pass");
    expect(r.evidence).toEqual(["devices by NUMA node (/sys/bus/pci/devices/*/numa_node): node 1: 4", "guest cpuset 16-19 -> node(s) 1"]);
  });
  it("warns vCPUs pinned to the other node, with the XML for the devices' node", () => {
    const r = run("0-3");
    expect(r.status).toBe("warn");
    expect(r.remediation).toBe(
      "<vcpu placement='static' cpuset='16-31'>4</vcpu>\n<numatune><memory mode='strict' nodeset='1'/></numatune>",
    );
  });
  it("warns unpinned vCPUs", () => expect(run(null).status).toBe("warn"));
});
