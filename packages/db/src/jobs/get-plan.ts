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

export async function getPlan(db: Db, planId: string): Promise<PlanView | null> {
  const plan = await db.plan.findUnique({ where: { id: planId } });
  if (!plan) return null;
  const groups = await db.job.groupBy({ by: ["state"], where: { planId }, _count: { _all: true } });
  const counts = Object.fromEntries(groups.map((g) => [g.state, g._count._all]));
  return {
    id: plan.id,
    hostId: plan.hostId,
    title: plan.title,
    createdBy: plan.createdBy,
    stopReason: plan.stopReason,
    createdAt: plan.createdAt.toISOString(),
    finishedAt: plan.finishedAt?.toISOString() ?? null,
    counts,
    total: groups.reduce((s, g) => s + g._count._all, 0),
  };
}
