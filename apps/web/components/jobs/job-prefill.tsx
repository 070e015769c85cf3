"use client";

import { createContext, useCallback, useContext, useState, type ReactNode } from "react";
import type { JobKind } from "./job-kinds.ts";

/** A change the operator started elsewhere on the host page (a VF's panel): the form takes it over. */
export type JobPrefill = { kind: JobKind; fields: Record<string, string>; seq: number };

type Ctx = { prefill: JobPrefill | null; request(kind: JobKind, fields: Record<string, string>): void };
const PrefillContext = createContext<Ctx>({ prefill: null, request: () => {} });

/** Joins the VF panel and the change form on one host page (they live in different sections). */
export function JobPrefillProvider({ children }: { children: ReactNode }) {
  const [prefill, setPrefill] = useState<JobPrefill | null>(null);
  const request = useCallback(
    (kind: JobKind, fields: Record<string, string>) => setPrefill((old) => ({ kind, fields, seq: (old?.seq ?? 0) + 1 })),
    [],
  );
  return <PrefillContext.Provider value={{ prefill, request }}>{children}</PrefillContext.Provider>;
}

export const useJobPrefill = () => useContext(PrefillContext);
