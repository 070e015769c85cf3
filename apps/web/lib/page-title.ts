import type { Metadata } from "next";
import { getControlPlaneContext } from "./control-plane-context.ts";

/** `<title>` for a host's pages: its operator-facing name first, so tabs of several hosts read apart. */
export async function hostPageMetadata(params: Promise<{ hostId: string }>, what?: string): Promise<Metadata> {
  const { hostId } = await params;
  const { db } = getControlPlaneContext();
  const name = (await db.host.findUnique({ where: { id: hostId }, select: { name: true } }).catch(() => null))?.name ?? "unknown host";
  return { title: what ? `${what} · ${name}` : name };
}
