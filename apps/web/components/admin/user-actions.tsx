"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";

const ROLES = ["viewer", "operator", "admin"] as const;
const button = "rounded border px-2 py-0.5 text-xs";
const quiet = `${button} border-slate-300 text-slate-700 hover:bg-slate-50`;
const danger = `${button} border-rose-300 text-rose-700 hover:bg-rose-50`;

/**
 * What an admin does to one user: change the role, reset the password (which signs them out),
 * sign them out everywhere, delete them. The API refuses to demote or delete the last admin; its
 * answer is shown as is, beside the row.
 */
export function UserActions({ user, isSelf }: { user: { id: string; username: string; role: string }; isSelf: boolean }) {
  const router = useRouter();
  const [role, setRole] = useState(user.role);
  const [password, setPassword] = useState<string | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const call = async (method: "PATCH" | "DELETE", path: string, body: object, done: string) => {
    const res = await fetch(path, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const json = (await res.json().catch(() => ({}))) as { error?: string };
    setMessage(res.ok ? { ok: true, text: done } : { ok: false, text: json.error ?? `HTTP ${res.status}` });
    if (res.ok) {
      setPassword(null);
      router.refresh();
    }
  };
  const userPath = `/api/v1/users/${user.id}`;

  return (
    <div className="flex flex-wrap items-center gap-2">
      <label className="sr-only" htmlFor={`role-${user.id}`}>
        Role of {user.username}
      </label>
      <select
        id={`role-${user.id}`}
        data-testid="user-role-select"
        className="rounded border border-slate-300 px-1 py-0.5 text-xs"
        value={role}
        onChange={(e) => setRole(e.target.value)}
      >
        {ROLES.map((r) => (
          <option key={r}>{r}</option>
        ))}
      </select>
      <button
        type="button"
        data-testid="user-role-save"
        className={quiet}
        disabled={role === user.role}
        onClick={() => void call("PATCH", userPath, { role }, `${user.username} is now ${role}`)}
      >
        Change role
      </button>
      {password === null ? (
        <button type="button" data-testid="user-password-reset" className={quiet} onClick={() => setPassword("")}>
          Reset password
        </button>
      ) : (
        <form
          className="flex items-center gap-1"
          onSubmit={(e) => {
            e.preventDefault();
            void call("PATCH", userPath, { password }, `password of ${user.username} reset; their sessions ended`);
          }}
        >
          <label className="sr-only" htmlFor={`password-${user.id}`}>
            New password for {user.username}
          </label>
          <input
            id={`password-${user.id}`}
            data-testid="user-password-input"
            type="password"
            autoComplete="new-password"
            placeholder="new password (8-128)"
            className="rounded border border-slate-300 px-1 py-0.5 text-xs"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <button data-testid="user-password-save" className={quiet}>
            Save
          </button>
        </form>
      )}
      <button
        type="button"
        data-testid="revoke-sessions"
        className={danger}
        onClick={() => {
          if (window.confirm(`End every session of ${user.username}?`))
            void call("DELETE", `${userPath}/sessions`, {}, `every session of ${user.username} ended`);
        }}
      >
        Sign out everywhere
      </button>
      <button
        type="button"
        data-testid="user-delete"
        className={danger}
        onClick={() => {
          const also = isSelf ? " This is you: you are signed out." : "";
          if (window.confirm(`Delete user ${user.username}? They can no longer sign in.${also}`))
            void call("DELETE", userPath, {}, `${user.username} deleted`);
        }}
      >
        Delete
      </button>
      {message && (
        <span role="status" data-testid="user-action-result" className={`text-xs ${message.ok ? "text-emerald-700" : "text-rose-700"}`}>
          {message.text}
        </span>
      )}
    </div>
  );
}
