import type { Db } from "../create-db.ts";

export type PlanView = {
  id: string;
  hostId: string;
  title: string;
  createdBy: string;
  stopReason: string | null;
  createdAt: string;
  finishedAt: string | null;
  /** Jobs per state, e.g. { succeeded: 170, failed: 1 }. */
  counts: Record<string, number>;
  total: number;
};

type PlanRow = {
  id: string;
  hostId: string;
  title: string;
  createdBy: string;
  stopReason: string | null;
  createdAt: Date;
  finishedAt: Date | null;
};

/** A plan row and its jobs per state as the API shows them (getPlan reads them; createJobs has them in hand). */
export function toPlanView(plan: PlanRow, counts: Record<string, number>): PlanView {
  return {
    id: plan.id,
    hostId: plan.hostId,
    title: plan.title,
    createdBy: plan.createdBy,
    stopReason: plan.stopReason,
    createdAt: plan.createdAt.toISOString(),
    finishedAt: plan.finishedAt?.toISOString() ?? null,
    counts,
    total: Object.values(counts).reduce((s, n) => s + n, 0),
  };
}

export async function getPlan(db: Db, planId: string): Promise<PlanView | null> {
  const plan = await db.plan.findUnique({ where: { id: planId } });
  if (!plan) return null;
  const groups = await db.job.groupBy({ by: ["state"], where: { planId }, _count: { _all: true } });
  return toPlanView(plan, Object.fromEntries(groups.map((g) => [g.state, g._count._all])));
}
