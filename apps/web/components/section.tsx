import type { ReactNode } from "react";

/** A card with a title bar; `heading="h1"` when the card is the page itself (one h1 per page). */
export function Section({
  title,
  aside,
  children,
  testId,
  heading = "h2",
}: {
  title: string;
  aside?: ReactNode;
  children: ReactNode;
  testId?: string;
  heading?: "h1" | "h2";
}) {
  const Heading = heading;
  return (
    <section className="min-w-0 rounded-lg border border-slate-200 bg-white" data-testid={testId}>
      <header className="flex flex-wrap items-center gap-3 border-b border-slate-100 px-4 py-2.5">
        <Heading className={heading === "h1" ? "text-base font-semibold" : "text-[13px] font-semibold"}>{title}</Heading>
        {aside && <div className="ml-auto">{aside}</div>}
      </header>
      <div className="p-4">{children}</div>
    </section>
  );
}
