import type { Metadata } from "next";
import Link from "next/link";
import { CredentialsForm } from "@/components/auth/credentials-form.tsx";
import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { requirePageAccess } from "@/lib/auth/page-access.ts";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  await requirePageAccess("public");
  const { next } = await searchParams;
  const { db } = getControlPlaneContext();
  const noUsers = (await db.user.count()) === 0;
  return (
    <div className="mx-auto mt-16 max-w-sm rounded-lg border border-slate-200 bg-white p-6">
      <h1 className="mb-4 text-base font-semibold">Sign in to vfleet</h1>
      {noUsers ? (
        <p data-testid="needs-setup" className="text-slate-600">
          No user exists yet.{" "}
          <Link className="text-sky-700 underline" href="/setup">
            Create the first admin
          </Link>
          .
        </p>
      ) : (
        <CredentialsForm mode="sign-in" next={next} />
      )}
    </div>
  );
}
