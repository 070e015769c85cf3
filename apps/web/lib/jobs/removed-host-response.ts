/** A removed host takes no new jobs: its agent's credentials are revoked, so a job would only wait forever. */
export function removedHostResponse(host: { name: string; removedAt: Date | null }): Response {
  return Response.json(
    {
      error: `hostId: ${host.name} was removed at ${host.removedAt?.toISOString()}: it takes no new jobs (enroll it again to manage it)`,
      field: "hostId",
    },
    { status: 409 },
  );
}
