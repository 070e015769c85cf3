"use client";

import { useState } from "react";

/** Only a path on this site: `next=//evil.example` must not send a fresh session elsewhere. */
function safeNext(next: string | undefined): string {
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

async function post(path: string, body: unknown): Promise<{ ok: boolean; error?: string }> {
  const res = await fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (res.ok) return { ok: true };
  const json = (await res.json().catch(() => ({}))) as { error?: string; message?: string };
  return { ok: false, error: json.error ?? json.message ?? `HTTP ${res.status}` };
}

/**
 * User name and password. `mode: "sign-in"` signs in through better-auth; `"setup"` first creates
 * the first admin (the API refuses once any user exists), then signs in as them.
 */
export function CredentialsForm({ mode, next }: { mode: "sign-in" | "setup"; next?: string }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: { preventDefault(): void }) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (mode === "setup") {
        const created = await post("/api/v1/setup", { username, password });
        if (!created.ok) return setError(created.error!);
      }
      const signedIn = await post("/api/auth/sign-in/username", { username, password });
      if (!signedIn.ok)
        return setError(signedIn.error === "Invalid username or password" ? "wrong user name or password" : signedIn.error!);
      window.location.assign(safeNext(next));
    } finally {
      setBusy(false);
    }
  };

  const input = "mt-1 block w-full rounded border border-slate-300 px-2 py-1";
  return (
    <form onSubmit={(e) => void submit(e)} className="flex flex-col gap-3" data-testid={`${mode}-form`}>
      <label className="text-xs text-slate-600">
        User name
        <input
          data-testid="username"
          className={input}
          autoComplete="username"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
        />
      </label>
      <label className="text-xs text-slate-600">
        Password{mode === "setup" ? " (at least 8 characters)" : ""}
        <input
          data-testid="password"
          type="password"
          className={input}
          autoComplete={mode === "setup" ? "new-password" : "current-password"}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
      <button
        data-testid={`${mode}-button`}
        disabled={busy}
        className="rounded bg-sky-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-800 disabled:opacity-50"
      >
        {mode === "setup" ? "Create the admin and sign in" : "Sign in"}
      </button>
      {error && (
        <p data-testid="auth-error" className="rounded border border-rose-200 bg-rose-50 p-2 text-xs text-rose-800">
          {error}
        </p>
      )}
    </form>
  );
}
