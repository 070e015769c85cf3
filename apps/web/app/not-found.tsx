import Link from "next/link";

export default function NotFound() {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-10 text-center">
      <h1 className="text-base font-semibold">Not found</h1>
      <p className="mt-2 text-slate-500">No such host. It may have been removed or the link is wrong.</p>
      <Link href="/" className="mt-4 inline-block text-sky-700 hover:underline">
        Back to the fleet
      </Link>
    </div>
  );
}
