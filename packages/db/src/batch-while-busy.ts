/**
 * One statement for many concurrent callers: a call made while none is on its way goes at once;
 * calls made while one is on its way wait for it and then go together, in one statement (`run`
 * answers each input in order). Under concurrent placements this turns a statement per request
 * into a statement per round trip, each of which PostgreSQL parses, plans and commits once.
 * Kept per database client. A failed batch fails each of its callers.
 */
export function batchWhileBusy<C extends object, I, O>(run: (client: C, inputs: I[]) => Promise<O[]>): (client: C, input: I) => Promise<O> {
  const states = new WeakMap<C, { busy: boolean; queue: { input: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] }>();
  const drain = async (
    client: C,
    state: { busy: boolean; queue: { input: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] },
  ) => {
    state.busy = true;
    while (state.queue.length > 0) {
      const batch = state.queue;
      state.queue = [];
      try {
        const out = await run(
          client,
          batch.map((b) => b.input),
        );
        batch.forEach((b, i) => b.resolve(out[i]!));
      } catch (err) {
        batch.forEach((b) => b.reject(err));
      }
    }
    state.busy = false;
  };
  return (client, input) =>
    new Promise<O>((resolve, reject) => {
      let state = states.get(client);
      if (!state) states.set(client, (state = { busy: false, queue: [] }));
      state.queue.push({ input, resolve, reject });
      if (!state.busy) void drain(client, state);
    });
}
