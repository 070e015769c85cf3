import Link from "next/link";

/** Links to the page before and after under a paged list (plain links: the page is the server's, filters stay in the URL). */
export function Pager({
  page,
  pages,
  href,
  label,
  testId,
  words = ["newer", "older"],
}: {
  page: number;
  pages: number;
  href: (page: number) => string;
  label: string;
  testId?: string;
  /** What the links say, and their test ids (`page-<word>`): newer / older for logs, previous / next for lists. */
  words?: [string, string];
}) {
  if (pages <= 1) return null;
  const [back, forward] = words;
  return (
    <nav className="mt-3 flex items-center gap-3 text-xs" aria-label={label} data-testid={testId}>
      {page > 1 ? (
        <Link href={href(page - 1)} className="text-sky-700 hover:underline" data-testid={`page-${back}`}>
          ← {back}
        </Link>
      ) : (
        <span className="text-slate-500">← {back}</span>
      )}
      <span>
        page {page} of {pages}
      </span>
      {page < pages ? (
        <Link href={href(page + 1)} className="text-sky-700 hover:underline" data-testid={`page-${forward}`}>
          {forward} →
        </Link>
      ) : (
        <span className="text-slate-500">{forward} →</span>
      )}
    </nav>
  );
}
