import { describe, expect, it } from "vitest";
import { InstallRuns } from "./install-runs.ts";
import { InstallError } from "./ssh-session.ts";

const targets = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ address: `10.0.0.${i + 1}`, port: 22, user: "root", hostName: `h${i + 1}` }));

describe("InstallRuns", () => {
  it("opens at most maxParallel sessions at once and keeps each host's result its own", async () => {
    const runs = new InstallRuns(3);
    let active = 0;
    let peak = 0;
    const run = runs.start("install", targets(10), async (log, t) => {
      await log.step("work", async (out) => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 20));
        active--;
        out(`did ${t.hostName}`);
        if (t.hostName === "h4") throw new InstallError("sudo asked for a password", "give the user NOPASSWD");
      });
      return { hostId: `id-${t.hostName}` };
    });
    expect(run.targets.every((t) => t.state === "queued" || t.state === "running")).toBe(true);
    const done = await runs.settled(run.id);
    expect(peak).toBe(3);
    expect(runs.peakParallel).toBe(3);
    expect(done.targets.filter((t) => t.state === "succeeded")).toHaveLength(9);
    expect(done.targets[3]).toMatchObject({ state: "failed", error: "sudo asked for a password", explanation: "give the user NOPASSWD" });
    expect(done.targets[4]).toMatchObject({
      state: "succeeded",
      hostId: "id-h5",
      steps: [{ name: "work", state: "ok", output: "did h5\n" }],
    });
  });
});
