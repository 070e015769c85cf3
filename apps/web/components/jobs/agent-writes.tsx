import type { JobPreview } from "@vfleet/core";
import { PreviewView } from "./preview-view.tsx";

/** A plan's notes and, on demand, the agent's exact writes job by job: what every release preview shows under its summary. */
export function AgentWrites({
  notes,
  jobs,
  notesTestId,
}: {
  notes: string[];
  jobs: { ref: string; preview: JobPreview }[];
  notesTestId?: string;
}) {
  return (
    <>
      {notes.length > 0 && (
        <ul className="list-disc pl-5 text-amber-800" data-testid={notesTestId}>
          {notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
      <details>
        <summary className="cursor-pointer text-sky-700">What the agent will write ({jobs.length} jobs, in order)</summary>
        <div className="mt-2 space-y-2">
          {jobs.map((j) => (
            <PreviewView key={j.ref} preview={j.preview} />
          ))}
        </div>
      </details>
    </>
  );
}
