import Link from "next/link";

/** Rendered with 401 when a page finds no signed-in caller (lib/auth/page-access.ts). */
export default function Unauthorized() {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-10 text-center" data-testid="access-denied">
      <h1 className="text-base font-semibold">Sign in needed</h1>
      <p className="mt-2 text-slate-500">This page shows fleet data: sign in first.</p>
      <Link href="/login" className="mt-4 inline-block text-sky-700 hover:underline">
        Sign in
      </Link>
    </div>
  );
}
