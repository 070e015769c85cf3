"use client";

import { useMemo, useState } from "react";
import { CopyButton } from "./copy-button.tsx";

export interface ApiOperationView {
  id: string;
  method: string;
  path: string;
  /** The first path segment after /api/v1 (`hosts`, `pools`): the index's heading. */
  group: string;
  summary: string;
  role: string;
  parameters: string | null;
  body: string | null;
  responses: { status: string; description: string; schema: string | null }[];
  curl: string;
}

const pre = "mt-1 max-h-80 overflow-auto rounded bg-slate-900 p-3 font-mono text-[11px] leading-snug text-slate-100";

/**
 * The API reference as an index (by resource) and a searchable list of operations, each folded
 * to one line until opened: its curl example first, then parameters, body and answers.
 */
export function ApiDocsBrowser({ operations }: { operations: ApiOperationView[] }) {
  const [query, setQuery] = useState("");
  const shown = useMemo(() => {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    return operations.filter((o) => words.every((w) => `${o.method} ${o.path} ${o.summary} ${o.role}`.toLowerCase().includes(w)));
  }, [operations, query]);
  const groups = [...new Set(shown.map((o) => o.group))];
  return (
    <div className="flex flex-col gap-4 lg:flex-row">
      <nav aria-label="API index" className="shrink-0 space-y-2 text-xs lg:sticky lg:top-4 lg:w-56 lg:self-start" data-testid="api-index">
        <label className="flex flex-col gap-1 text-slate-600">
          Search operations
          <input
            type="search"
            data-testid="api-search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            placeholder="release, POST pools, admin…"
            className="rounded border border-slate-300 px-2 py-1"
          />
        </label>
        <p className="text-slate-500" data-testid="api-count">
          {shown.length} of {operations.length} operations
        </p>
        <ul className="flex flex-wrap gap-x-3 gap-y-1 lg:block lg:space-y-1">
          {groups.map((g) => (
            <li key={g}>
              <a className="text-sky-700 underline" href={`#group-${g}`} data-testid="api-index-link">
                {g}
              </a>{" "}
              <span className="text-slate-500">({shown.filter((o) => o.group === g).length})</span>
            </li>
          ))}
        </ul>
      </nav>
      <div className="min-w-0 flex-1 space-y-4">
        {groups.map((g) => (
          <section key={g} id={`group-${g}`} className="space-y-1" data-testid="api-group">
            <h2 className="text-sm font-semibold">{g}</h2>
            {shown
              .filter((o) => o.group === g)
              .map((o) => (
                <details key={o.id} id={o.id} className="rounded border border-slate-200 bg-white" data-testid="api-operation">
                  <summary className="flex cursor-pointer flex-wrap items-baseline gap-x-2 px-3 py-1.5 text-xs">
                    <span className="w-14 font-mono font-semibold">{o.method.toUpperCase()}</span>
                    <span className="break-all font-mono">{o.path}</span>
                    <span className="text-slate-600">{o.summary}</span>
                    <span className="ml-auto text-slate-500">{o.role}</span>
                  </summary>
                  <div className="space-y-2 border-t border-slate-100 px-3 py-2 text-xs">
                    <div>
                      <div className="flex items-center gap-2">
                        <span className="font-medium">Example</span>
                        <CopyButton text={o.curl} what={`curl for ${o.method.toUpperCase()} ${o.path}`} />
                      </div>
                      <pre className={pre} data-testid="api-curl">
                        {o.curl}
                      </pre>
                    </div>
                    {o.parameters && <p className="text-slate-600">Parameters: {o.parameters}</p>}
                    {o.body && (
                      <details>
                        <summary className="cursor-pointer text-sky-700">Request body schema</summary>
                        <pre className={pre}>{o.body}</pre>
                      </details>
                    )}
                    <ul>
                      {o.responses.map((r) => (
                        <li key={r.status}>
                          <b>{r.status}</b> {r.description}
                          {r.schema && (
                            <details>
                              <summary className="cursor-pointer text-sky-700">schema</summary>
                              <pre className={pre}>{r.schema}</pre>
                            </details>
                          )}
                        </li>
                      ))}
                    </ul>
                  </div>
                </details>
              ))}
          </section>
        ))}
        {shown.length === 0 && <p className="text-xs text-slate-500">No operation matches “{query}”.</p>}
      </div>
    </div>
  );
}
