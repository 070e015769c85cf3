import type { ReactNode } from "react";

export function Section({ title, aside, children, testId }: { title: string; aside?: ReactNode; children: ReactNode; testId?: string }) {
  return (
    <section className="min-w-0 rounded-lg border border-slate-200 bg-white" data-testid={testId}>
      <header className="flex flex-wrap items-center gap-3 border-b border-slate-100 px-4 py-2.5">
        <h2 className="text-[13px] font-semibold">{title}</h2>
        {aside && <div className="ml-auto">{aside}</div>}
      </header>
      <div className="p-4">{children}</div>
    </section>
  );
}
