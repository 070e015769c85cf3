import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { LiveRefresh } from "@/components/live-refresh.tsx";
import "./globals.css";

export const metadata: Metadata = {
  // Pages set their own title; "%s · vfleet" keeps the product in every tab's name.
  title: { default: "vfleet", template: "%s · vfleet" },
  description: "PCIe passthrough and SR-IOV capacity across a KVM fleet",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased text-sm">
        <header className="border-b border-slate-200 bg-white">
          <div className="mx-auto flex max-w-[1400px] items-center gap-6 px-6 py-3">
            <Link href="/" className="font-semibold tracking-tight text-slate-900">
              vfleet <span className="font-normal text-slate-500">control plane</span>
            </Link>
            <nav className="flex gap-4 text-slate-600">
              <Link href="/" className="hover:text-slate-900">Fleet</Link>
              <Link href="/audit" className="hover:text-slate-900">Audit</Link>
              <Link href="/jobs" className="hover:text-slate-900">Jobs</Link>
              <Link href="/audit-log" className="hover:text-slate-900">Audit log</Link>
              <Link href="/install" className="hover:text-slate-900">Add hosts</Link>
            </nav>
            <div className="ml-auto"><LiveRefresh /></div>
          </div>
        </header>
        <main className="mx-auto max-w-[1400px] px-6 py-6">{children}</main>
      </body>
    </html>
  );
}
