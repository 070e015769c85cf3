import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AGENT_NODE_OPTIONS, AGENT_PATHS, environmentOf, execStartOf, renderAgentUnit } from "@vfleet/core";

/** systemd's own checker; it parses units without a running systemd (none runs here). */
function verify(file: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) =>
    execFile("systemd-analyze", ["verify", file], (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, output: stdout + stderr });
    }),
  );
}

describe("the agent's systemd unit", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "vfleet-unit-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("passes systemd-analyze verify with no warning (unknown keys and bad values only warn)", async () => {
    const file = path.join(dir, AGENT_PATHS.unitName);
    await writeFile(file, renderAgentUnit(process.execPath));
    expect(await verify(file)).toEqual({ code: 0, output: "" });
  });

  it("is checked for real: a misspelt key is reported", async () => {
    const file = path.join(dir, AGENT_PATHS.unitName);
    await writeFile(file, renderAgentUnit(process.execPath).replace("ProtectSystem=strict", "ProtectSystm=strict"));
    expect((await verify(file)).output).toMatch(/Unknown key 'ProtectSystm'/);
  });

  it("runs Node with a small young generation, in options this Node accepts (an idle DGX-2 agent under 100 MB)", async () => {
    const options = environmentOf(renderAgentUnit("/usr/bin/node")).NODE_OPTIONS;
    expect(options).toBe(AGENT_NODE_OPTIONS);
    // Allocate enough short-lived objects that V8 grows its young generation as far as it may.
    const script =
      "let a=[];for(let i=0;i<3e6;i++){a.push({i});if(a.length>5e4)a=[]}" +
      "console.log(require('v8').getHeapSpaceStatistics().find((s)=>s.space_name==='new_space').space_size)";
    const newSpace = (env: NodeJS.ProcessEnv) =>
      new Promise<number>((resolve, reject) =>
        execFile(process.execPath, ["-e", script], { env }, (err, stdout) => (err ? reject(err) : resolve(Number(stdout)))),
      );
    const { NODE_OPTIONS: _, ...plain } = process.env;
    expect(await newSpace({ ...plain, NODE_OPTIONS: options })).toBeLessThanOrEqual(2 * 2 ** 20);
    expect(await newSpace(plain)).toBeGreaterThan(2 * 2 ** 20); // the default, so the check above can fail
  });

  it("restarts always except when the control plane refused the agent, and runs the artifact from its config", () => {
    const unit = renderAgentUnit("/usr/bin/node");
    expect(unit).toMatch(/^Restart=always$/m);
    expect(unit).toMatch(/^RestartPreventExitStatus=3$/m);
    expect(unit).toMatch(/^StateDirectory=vfleet-agent$/m);
    expect(unit).not.toMatch(/ProtectKernelTunables/); // it writes sysfs
    expect(execStartOf(unit)).toEqual(["/usr/bin/node", AGENT_PATHS.artifact, "run", "--config", AGENT_PATHS.config]);
  });
});
