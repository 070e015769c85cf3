import { Job, type JobResult, type JobStep, type JobTiming } from "@vfleet/protocol";
import type { HostIO } from "../host-io/index.ts";
import type { AgentPolicy } from "./agent-policy.ts";
import type { ExecContext, ExecOutcome } from "./exec-context.ts";
import { executeDeviceBind } from "./execute-device-bind.ts";
import { executeGuestAttach } from "./execute-guest-attach.ts";
import { executeGuestDefine } from "./execute-guest-define.ts";
import { executeGuestDetach } from "./execute-guest-detach.ts";
import { executeGuestUndefine } from "./execute-guest-undefine.ts";
import { executeHostPersist } from "./execute-host-persist.ts";
import { executeVfConfigure } from "./execute-vf-configure.ts";
import { executeVfSetCount } from "./execute-vf-set-count.ts";
import { toJobFailure } from "./explain-host-error.ts";
import { JobFailure } from "./job-failure.ts";
import { timeHostCalls } from "./time-host-calls.ts";

export type ExecuteJobOptions = {
  io: HostIO;
  policy: AgentPolicy;
  /** Each step as it happens (the daemon sends them as `job.progress`). */
  onStep?: (step: JobStep) => void;
};

/** The first schema problem, naming the field and the limit: `params.count: must be at most 2048`. */
export function describeJobInputError(input: unknown): string | null {
  const r = Job.safeParse(input);
  if (r.success) return null;
  const issue = r.error.issues[0]!;
  return `${issue.path.join(".") || "(job)"}: ${issue.message}`;
}

async function run(job: Job, ctx: ExecContext): Promise<ExecOutcome> {
  switch (job.kind) {
    case "vf.set-count":
      return executeVfSetCount(job.params, ctx);
    case "device.bind":
      return executeDeviceBind(job.params, ctx);
    case "vf.configure":
      return executeVfConfigure(job.params, ctx);
    case "guest.attach":
      return executeGuestAttach(job.params, ctx);
    case "guest.detach":
      return executeGuestDetach(job.params, ctx);
    case "host.persist":
      return executeHostPersist(job.params, ctx);
    case "guest.define":
      return executeGuestDefine(job.params, ctx);
    case "guest.undefine":
      return executeGuestUndefine(job.params, ctx);
  }
}

/**
 * Run one job on this host, level-triggered: the executor reads the real state and acts only
 * on the difference, so a redelivered or re-run job is harmless. The job is validated again
 * with the protocol's schema whatever the server checked. Never throws: every outcome is a
 * JobResult (`error.code` "bad-input" for a job that does not parse), with its `timing`: wall
 * time, the host's own time (writes, ip, libvirt) and the agent's overhead beside it.
 */
export async function executeJob(input: unknown, options: ExecuteJobOptions): Promise<JobResult> {
  const steps: JobStep[] = [];
  const step: ExecContext["step"] = (action, status, detail = null) => {
    const s: JobStep = { action: action.slice(0, 2000), status, detail: detail === null ? null : detail.slice(0, 4000) };
    steps.push(s);
    options.onStep?.(s);
  };
  const started = performance.now();
  const clock = timeHostCalls(options.io);
  const timing = (): JobTiming => {
    const wallMs = performance.now() - started;
    const hostMs = Math.min(clock.hostMs(), wallMs);
    return { wallMs: round(wallMs), hostMs: round(hostMs), overheadMs: round(wallMs - hostMs) };
  };
  const parsed = Job.safeParse(input);
  if (!parsed.success) {
    const problem = describeJobInputError(input)!;
    return {
      status: "failed",
      changed: false,
      steps,
      error: { code: "bad-input", message: problem, explanation: `The job was refused before touching the host: ${problem}.` },
      observed: {},
      timing: timing(),
    };
  }
  try {
    const out = await run(parsed.data, { io: clock.io, policy: options.policy, step });
    return { status: "succeeded", changed: out.changed, steps, error: null, observed: out.observed, timing: timing() };
  } catch (err) {
    const failure = err instanceof JobFailure ? err : toJobFailure(err);
    const wrote = steps.some(
      (s) => s.status === "done" && /^(write|remove|ip link set|virsh (attach|detach|define|undefine))/.test(s.action),
    );
    return {
      status: "failed",
      changed: wrote || failure.partial !== undefined,
      steps,
      error: failure.toJobError(),
      observed: failure.partial?.observed ?? {},
      timing: timing(),
    };
  }
}

const round = (ms: number) => Math.round(ms * 10) / 10;
