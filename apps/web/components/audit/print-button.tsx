"use client";

export function PrintButton() {
  return (
    <button
      type="button"
      onClick={() => window.print()}
      className="rounded border border-slate-300 bg-white px-3 py-1 text-xs hover:bg-slate-50"
      data-testid="audit-print"
    >
      Print
    </button>
  );
}
