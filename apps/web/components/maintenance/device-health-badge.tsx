const TONES = {
  rose: { pill: "bg-rose-50 text-rose-800 ring-rose-200", dot: "bg-rose-500" },
  amber: { pill: "bg-amber-50 text-amber-900 ring-amber-300", dot: "bg-amber-500" },
} as const;

function Pill({ testId, title, tone, text }: { testId: string; title: string; tone: keyof typeof TONES; text: string }) {
  return (
    <span
      data-testid={testId}
      title={title}
      className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ${TONES[tone].pill}`}
    >
      <span className={`h-1.5 w-1.5 rounded-full ${TONES[tone].dot}`} />
      {text}
    </span>
  );
}

/**
 * A host with devices out of service or degraded by their PCIe AER counters: quarantined ones are
 * never placed (until an operator returns them), degraded ones still are.
 */
export function DeviceHealthBadge({ health }: { health: { quarantined: number; degraded: number } }) {
  const pills = [
    {
      n: health.quarantined,
      word: "quarantined",
      tone: "rose",
      title: "devices or VFs quarantined (by an operator or on their AER counters): never placed until an operator returns them",
    },
    {
      n: health.degraded,
      word: "degraded",
      tone: "amber",
      title: "devices whose PCIe AER counters reached the degraded limits: still placed",
    },
  ] as const;
  return (
    <>
      {pills
        .filter((p) => p.n > 0)
        .map((p) => (
          <Pill key={p.word} testId={`host-devices-${p.word}`} title={p.title} tone={p.tone} text={`${p.n} ${p.word}`} />
        ))}
    </>
  );
}
