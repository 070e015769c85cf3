import type { Metadata } from "next";
import Link from "next/link";
import { CredentialsForm } from "@/components/auth/credentials-form.tsx";
import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { requirePageAccess } from "@/lib/auth/page-access.ts";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "First run" };

/** First run: works only while no user exists (the API behind it checks again, under a lock). */
export default async function SetupPage() {
  await requirePageAccess("public");
  const { db } = getControlPlaneContext();
  const done = (await db.user.count()) > 0;
  return (
    <div className="mx-auto mt-16 max-w-sm rounded-lg border border-slate-200 bg-white p-6">
      <h1 className="mb-4 text-base font-semibold">First run: create the admin</h1>
      {done ? (
        <p data-testid="setup-done" className="text-slate-600">
          Setup is done: an admin exists.{" "}
          <Link className="text-sky-700 underline" href="/login">
            Sign in
          </Link>
          .
        </p>
      ) : (
        <CredentialsForm mode="setup" />
      )}
    </div>
  );
}
