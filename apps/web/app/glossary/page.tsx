import type { Metadata } from "next";
import { Section } from "@/components/section.tsx";
import { STATE_WORDS } from "@/lib/state-words.ts";
import { requirePageAccess } from "@/lib/auth/page-access.ts";

export const metadata: Metadata = { title: "Glossary" };

/** What the dashboard's state words mean: every screen links here. */
export default async function GlossaryPage() {
  await requirePageAccess("viewer");
  return (
    <Section title="What the state words mean" heading="h1" testId="glossary">
      <p className="mb-3 text-xs text-slate-600">
        Every screen counts and colours VFs and devices with these words, and only these. A VF is exactly one of assigned, ready, needs bind
        (unbound is one kind of it); creatable ones do not exist yet.
      </p>
      <dl className="grid grid-cols-1 gap-x-4 gap-y-2 text-[13px] sm:grid-cols-[10rem_1fr]">
        {Object.values(STATE_WORDS).map((w) => (
          <div key={w.id} className="contents" data-testid="glossary-word" data-word={w.word}>
            <dt id={w.id} className="font-semibold">
              {w.word}
            </dt>
            <dd className="text-slate-700">{w.meaning}</dd>
          </div>
        ))}
      </dl>
    </Section>
  );
}
