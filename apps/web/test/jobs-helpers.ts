import { loadHostState, saveHostState, withHostStateLock, type KernelFaults } from "@vfleet/simulator";
import type { Inventory } from "@vfleet/protocol";

/** Poll until `probe` returns a value (not undefined), or fail saying what was awaited. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 60_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ""}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Inject (or with {} clear) the simulator kernel's faults on a host tree, as a test of a misbehaving driver. */
export async function setFaults(root: string, faults: KernelFaults): Promise<void> {
  await withHostStateLock(root, async () => {
    const state = await loadHostState(root);
    state.faults = faults;
    await saveHostState(root, state);
  });
}

export type Api = {
  get<T = any>(path: string): Promise<{ status: number; body: T }>;
  post<T = any>(path: string, body: unknown): Promise<{ status: number; body: T }>;
};

/** JSON over fetch against the control plane as the holder of `token`. */
export function apiClient(baseUrl: string, token: string): Api {
  const authorization = `Bearer ${token}`;
  return {
    async get(path) {
      const res = await fetch(`${baseUrl}${path}`, { headers: { authorization } });
      return { status: res.status, body: await res.json() };
    },
    async post(path, body) {
      const res = await fetch(`${baseUrl}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: await res.json() };
    },
  };
}

/**
 * Queue as an operator does: preview (`dryRun: true`), then confirm with the `basis` the preview
 * returned; when the host changed in between (409 naming `basis`, with the new basis), confirm
 * what it now is, as the change form does. A preview the API refuses is the answer (its confirm
 * runs the same checks first).
 */
export async function previewAndConfirm<T = any>(
  api: Api,
  path: string,
  body: Record<string, unknown>,
): Promise<{ status: number; body: T }> {
  const preview = await api.post<{ basis?: string }>(path, { ...body, dryRun: true });
  if (preview.status !== 200) return preview as { status: number; body: T };
  let basis = preview.body.basis;
  for (let attempt = 1; ; attempt++) {
    const confirm = await api.post(path, { ...body, basis });
    if (confirm.status !== 409 || confirm.body.field !== "basis" || attempt === 3) return confirm;
    basis = confirm.body.basis;
  }
}

export const sriovPfs = (inv: Inventory) => inv.devices.filter((d) => d.sriov);
