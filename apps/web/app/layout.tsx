import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { SignOutButton } from "@/components/auth/sign-out-button.tsx";
import { LiveRefresh } from "@/components/live-refresh.tsx";
import { currentIdentity } from "@/lib/auth/current-identity.ts";
import "./globals.css";

export const metadata: Metadata = {
  // Pages set their own title; "%s · vfleet" keeps the product in every tab's name.
  title: { default: "vfleet", template: "%s · vfleet" },
  description: "PCIe passthrough and SR-IOV capacity across a KVM fleet",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const identity = await currentIdentity();
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased text-sm">
        <header className="border-b border-slate-200 bg-white">
          <div className="mx-auto flex max-w-[1400px] flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3 sm:px-6">
            <Link href="/" className="font-semibold tracking-tight text-slate-900">
              vfleet <span className="font-normal text-slate-500">control plane</span>
            </Link>
            {identity && (
              <>
                <nav className="flex flex-wrap gap-x-4 gap-y-1 text-slate-600">
                  <Link href="/" className="hover:text-slate-900">
                    Fleet
                  </Link>
                  <Link href="/audit" className="hover:text-slate-900">
                    Audit
                  </Link>
                  <Link href="/pools" className="hover:text-slate-900">
                    Pools
                  </Link>
                  <Link href="/placements" className="hover:text-slate-900">
                    Place
                  </Link>
                  <Link href="/assignments" className="hover:text-slate-900">
                    Assignments
                  </Link>
                  <Link href="/jobs" className="hover:text-slate-900">
                    Jobs
                  </Link>
                  <Link href="/audit-log" className="hover:text-slate-900">
                    Audit log
                  </Link>
                  <Link href="/api-docs" className="hover:text-slate-900">
                    API
                  </Link>
                  {identity.role === "admin" && (
                    <Link href="/install" className="hover:text-slate-900">
                      Add hosts
                    </Link>
                  )}
                  {identity.role === "admin" && (
                    <Link href="/admin" className="hover:text-slate-900" data-testid="admin-link">
                      Admin
                    </Link>
                  )}
                </nav>
                <div className="ml-auto flex items-center gap-4">
                  <LiveRefresh />
                  <span data-testid="signed-in-as" data-role={identity.role} className="text-xs text-slate-500">
                    {identity.name} · {identity.role}
                  </span>
                  {identity.kind === "user" && <SignOutButton />}
                </div>
              </>
            )}
          </div>
        </header>
        <main className="mx-auto max-w-[1400px] px-4 py-6 sm:px-6">{children}</main>
      </body>
    </html>
  );
}
