"use client";

import { useState } from "react";

/** Copies `text` to the clipboard and says so; where the page may not write the clipboard, says that instead. */
export function CopyButton({ text, what, testId }: { text: string; what: string; testId?: string }) {
  const [said, setSaid] = useState("");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setSaid("copied");
    } catch {
      setSaid("the browser refused: select and copy it by hand");
    }
  };
  return (
    <>
      <button
        type="button"
        data-testid={testId}
        onClick={() => void copy()}
        className="rounded border border-slate-300 bg-white px-1.5 text-[11px] hover:bg-slate-50"
      >
        Copy<span className="sr-only"> {what}</span>
      </button>
      <span role="status" className="text-[11px] text-slate-600">
        {said}
      </span>
    </>
  );
}
