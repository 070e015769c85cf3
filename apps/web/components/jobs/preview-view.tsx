import type { JobPreview } from "@vfleet/core";

/** How many libvirt XML snippets to print before summarising (a 160-VF attach is long). */
const SHOW_XML = 4;

/** Exactly what the agent will write: sysfs path = value, the ip argv, the libvirt XML, the files. */
export function PreviewView({ preview }: { preview: JobPreview }) {
  const xmls = preview.changes.filter((c) => c.type === "libvirt");
  return (
    <div data-testid="job-preview" className="space-y-2 rounded border border-slate-200 bg-slate-50 p-3 text-xs">
      <div className="font-medium">{preview.summary}</div>
      {preview.changes.length === 0 && (
        <div data-testid="preview-noop" className="text-slate-600">
          Nothing will be written: the host is already as asked.
        </div>
      )}
      <ol className="list-decimal space-y-1 pl-5 font-mono">
        {preview.changes
          .filter((c) => c.type !== "libvirt")
          .map((c, i) => (
            <li key={i} data-testid="preview-change">
              {c.type === "sysfs" && (
                <>
                  write <span className="text-slate-900">{c.path}</span> = <span className="text-sky-800">{JSON.stringify(c.value)}</span>
                </>
              )}
              {c.type === "command" && <>{c.argv.join(" ")}</>}
              {c.type === "file" &&
                (c.content === null ? (
                  <>remove {c.path} (if present)</>
                ) : (
                  <>
                    write {c.path}
                    <pre className="mt-1 whitespace-pre-wrap rounded bg-white p-2">{c.content}</pre>
                  </>
                ))}
            </li>
          ))}
      </ol>
      {xmls.length > 0 && (
        <div className="space-y-1">
          <div className="font-mono">
            {(xmls[0] as { argv: string[] }).argv.join(" ")} × {xmls.length}
          </div>
          {xmls.slice(0, SHOW_XML).map((c, i) => (
            <pre key={i} data-testid="preview-xml" className="overflow-x-auto rounded bg-white p-2 font-mono">
              {(c as { xml: string }).xml}
            </pre>
          ))}
          {xmls.length > SHOW_XML && <div className="text-slate-500">… and {xmls.length - SHOW_XML} more devices, the same way.</div>}
        </div>
      )}
      {preview.notes.length > 0 && (
        <ul className="list-disc space-y-0.5 pl-5 text-amber-800" data-testid="preview-notes">
          {preview.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
