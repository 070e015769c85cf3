/**
 * A low-cardinality route label for a request path: ids (uuids, numbers, PCI addresses, long
 * hex) become `:id`, Next's static assets one label. Metrics must not grow a series per host.
 */
export function routeLabel(path: string): string {
  if (path.startsWith("/_next/")) return "/_next/*";
  const segments = path
    .split("/")
    .map((s) =>
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s) ||
      /^\d+$/.test(s) ||
      /^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/i.test(s) ||
      /^[0-9a-f]{16,}$/i.test(s)
        ? ":id"
        : s,
    );
  // Guests, hosts and such by name: keep the first three levels, the rest is one label.
  return segments.length > 5 ? `${segments.slice(0, 5).join("/")}/*` : segments.join("/") || "/";
}
