import type { Metadata } from "next";
import { ActionButton } from "@/components/admin/action-button.tsx";
import { ApiForm } from "@/components/admin/api-form.tsx";
import { TokenExpiry, TOKEN_LIFETIMES } from "@/components/admin/token-expiry.tsx";
import { UserActions } from "@/components/admin/user-actions.tsx";
import { Section } from "@/components/section.tsx";
import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { formatTime } from "@/lib/format.ts";
import { RelativeTime } from "@/components/relative-time.tsx";
import { requirePageAccess } from "@/lib/auth/page-access.ts";

export const dynamic = "force-dynamic";

const ROLES = ["viewer", "operator", "admin"] as const;
const cell = "py-1 pr-4";

export const metadata: Metadata = { title: "Admin" };

/** Admin only (access rule): users, API tokens, enrollment tokens, agent credentials. */
export default async function AdminPage() {
  const me = await requirePageAccess("admin");
  const { db, queries, identity } = getControlPlaneContext();
  const [users, tokens, hosts] = await Promise.all([identity.listUsers(db), identity.listApiTokens(db), queries.listHosts(db)]);
  return (
    <div className="flex flex-col gap-5">
      <h1 className="text-lg font-semibold">Admin</h1>
      <Section title="Users" testId="admin-users">
        <div className="relative overflow-x-auto">
          <table className="mb-4 text-left text-sm">
            <thead className="text-xs text-slate-500">
              <tr>
                {["User", "Role", "Created", "Actions"].map((h) => (
                  <th key={h} scope="col" className={cell}>
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {users.map((u) => {
                const isSelf = me.kind === "user" && me.id === u.id;
                return (
                  <tr key={u.id} data-testid="user-row" data-username={u.username}>
                    <td className={cell}>
                      {u.username}
                      {isSelf && <span className="ml-1 text-xs text-slate-500">(you)</span>}
                    </td>
                    <td className={cell} data-testid="user-role">
                      {u.role}
                    </td>
                    <td className={cell}>
                      <RelativeTime value={u.createdAt.toISOString()} />
                    </td>
                    <td className={cell}>
                      <UserActions user={u} isSelf={isSelf} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <ApiForm
          path="/api/v1/users"
          testId="create-user"
          submitLabel="Create user"
          fields={[
            { name: "username", label: "User name" },
            { name: "password", label: "Password", type: "password" },
            { name: "role", label: "Role", options: ROLES },
          ]}
        />
      </Section>
      <Section title="API tokens" testId="admin-tokens">
        <div className="relative overflow-x-auto">
          <table className="mb-4 text-left">
            <thead className="text-xs text-slate-500">
              <tr>
                <th className={cell}>name</th>
                <th className={cell}>role</th>
                <th className={cell}>created</th>
                <th className={cell}>last used</th>
                <th className={cell}>expires</th>
                <th className={cell}></th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((t) => (
                <tr key={t.id} data-testid="token-row" data-revoked={t.revokedAt ? "true" : "false"}>
                  <td className={cell}>{t.name}</td>
                  <td className={cell}>{t.role}</td>
                  <td className={cell}>
                    {formatTime(t.createdAt)} by {t.createdBy}
                  </td>
                  <td className={cell}>{t.lastUsedAt ? formatTime(t.lastUsedAt) : "never"}</td>
                  <td className={cell} data-testid="token-expiry">
                    <TokenExpiry expiresAt={t.expiresAt?.toISOString() ?? null} />
                  </td>
                  <td className={cell}>
                    {t.revokedAt ? (
                      `revoked ${formatTime(t.revokedAt)}`
                    ) : (
                      <ActionButton
                        path={`/api/v1/tokens/${t.id}`}
                        method="DELETE"
                        label="Revoke"
                        confirmText={`Revoke token ${t.name}? Scripts using it get 401 at once.`}
                        testId="revoke-token"
                      />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <ApiForm
          path="/api/v1/tokens"
          testId="create-token"
          submitLabel="Create token"
          fields={[
            { name: "name", label: "Name" },
            { name: "role", label: "Role", options: ROLES },
            { name: "ttlSec", label: "Expires", type: "number", options: TOKEN_LIFETIMES },
          ]}
        />
      </Section>
      <Section title="Agents" testId="admin-agents">
        <ApiForm
          path="/api/v1/enrollment-tokens"
          testId="create-enrollment-token"
          submitLabel="Create enrollment token"
          fields={[{ name: "hostName", label: "Host name (optional)" }]}
        />
        <div className="relative overflow-x-auto">
          <table className="mt-4 text-left">
            <tbody>
              {hosts.map((h) => (
                <tr key={h.id} data-testid="admin-host-row">
                  <td className={cell}>{h.name}</td>
                  <td className={cell}>{h.online ? "online" : "offline"}</td>
                  <td className={cell}>
                    <ActionButton
                      path={`/api/v1/hosts/${h.id}/revoke`}
                      method="POST"
                      label="Revoke credential"
                      confirmText={`Revoke the agent credential of ${h.name}? Its socket closes now; it must be enrolled again.`}
                      testId="revoke-host"
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Section>
    </div>
  );
}
