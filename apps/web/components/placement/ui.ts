/** Shared look of the scheduler's forms (same classes as the job form). */
export const input = "rounded border border-slate-300 bg-white px-2 py-1 font-mono text-xs";
export const label = "flex flex-col gap-0.5 text-[11px] text-slate-500";
export const button = "rounded bg-slate-900 px-3 py-1 text-xs font-medium text-white disabled:opacity-40";
export const secondary = "rounded border border-slate-300 px-3 py-1 text-xs";

export type ApiAnswer = { status: number; body: any };

/** JSON to the control plane as the signed-in user (session cookie); never throws (a network failure is status 0). */
export async function send(method: "POST" | "PUT", path: string, body: unknown): Promise<ApiAnswer> {
  try {
    const res = await fetch(path, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    return { status: res.status, body: await res.json() };
  } catch (err) {
    return { status: 0, body: { error: `the control plane did not answer: ${err instanceof Error ? err.message : String(err)}` } };
  }
}

/** Numbers as numbers; anything else as typed, so the API's 400 names the field and says why. */
export const num = (text: string): unknown => (text.trim() === "" ? undefined : /^-?\d+$/.test(text.trim()) ? Number(text) : text);
