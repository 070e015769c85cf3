/**
 * Print CSS for audit pages: drop the app chrome (site header, buttons, forms) so the printed
 * report is the report. Scoped by rendering it only on audit pages.
 */
export function AuditPrintStyle() {
  return (
    <style>{`@media print {
  body > header, [data-print="hide"] { display: none !important; }
  body { background: white !important; }
  main { max-width: none !important; padding: 0 !important; }
  @page { margin: 14mm; }
}`}</style>
  );
}
