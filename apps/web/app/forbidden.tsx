import Link from "next/link";

/** Rendered with 403 when the signed-in caller's role is too small for the page (lib/auth/page-access.ts). */
export default function Forbidden() {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-10 text-center" data-testid="access-denied">
      <h1 className="text-base font-semibold">Not allowed</h1>
      <p className="mt-2 text-slate-500">Your role does not reach this page; an admin can change roles.</p>
      <Link href="/" className="mt-4 inline-block text-sky-700 hover:underline">
        Back to the fleet
      </Link>
    </div>
  );
}
