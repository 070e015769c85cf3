/** First-run guidance: how a host joins the fleet. */
export function EmptyFleet() {
  return (
    <div data-testid="empty-fleet" className="rounded-lg border border-dashed border-slate-300 bg-white p-10 text-center">
      <h2 className="text-base font-semibold">No hosts enrolled yet</h2>
      <p className="mx-auto mt-2 max-w-xl text-slate-500">
        An admin creates a one-time enrollment token (on the Admin page, or with an admin API token as below), then runs the agent on a
        hypervisor with it. The host appears here as soon as its agent connects and sends its first inventory.
      </p>
      <pre className="mx-auto mt-5 max-w-2xl overflow-x-auto rounded bg-slate-900 p-4 text-left font-mono text-xs leading-relaxed text-slate-100">
        {`curl -s -X POST http://<control-plane>/api/v1/enrollment-tokens \\
     -H "Authorization: Bearer $VFLEET_TOKEN" \\
     -H 'content-type: application/json' -d '{"hostName":"dgx2-01"}'
pnpm agent run --server ws://<control-plane>/agent --state /var/lib/vfleet/agent.json --token <token>`}
      </pre>
    </div>
  );
}
