import type { AerSeverity, AerState, PciFunction } from "./host-state.ts";

/**
 * PCIe AER statistics as the kernel keeps them per device (drivers/pci/pcie/aer.c, struct
 * aer_stats): a count per error bit of the Correctable / Uncorrectable Error Status registers and a
 * total of ERR_COR / ERR_NONFATAL / ERR_FATAL messages. The names are the kernel's (5.0 and
 * later: short names; the ABI document's sample still shows 4.19's long ones). Bits without a name
 * are printed only when non-zero, as `dev_cor_errs_bit[N]`, which the model never raises.
 */
const AER_ERROR_NAMES = {
  correctable: ["RxErr", "BadTLP", "BadDLLP", "Rollover", "Timeout", "NonFatalErr", "CorrIntErr", "HeaderOF"],
  uncorrectable: [
    "Undefined",
    "DLP",
    "SDES",
    "TLP",
    "FCP",
    "CmpltTO",
    "CmpltAbrt",
    "UnxCmplt",
    "RxOF",
    "MalfTLP",
    "ECRC",
    "UnsupReq",
    "ACSViol",
    "UncorrIntErr",
    "BlockedTLP",
    "AtomicOpBlocked",
    "TLPBlockedErr",
    "PoisonTLPBlocked",
  ],
} as const;

const TOTAL: Record<AerSeverity, string> = { correctable: "TOTAL_ERR_COR", nonfatal: "TOTAL_ERR_NONFATAL", fatal: "TOTAL_ERR_FATAL" };
const FILE: Record<AerSeverity, string> = { correctable: "aer_dev_correctable", nonfatal: "aer_dev_nonfatal", fatal: "aer_dev_fatal" };

/**
 * Whether the kernel shows `aer_dev_*` for this function: it allocates AER statistics for PCIe
 * functions with an AER capability. The model gives one to PCIe functions other than VFs (an
 * 82576 or ConnectX-5 VF has none); functions without a PCIe capability have none either.
 */
export const hasAerStats = (fn: PciFunction): boolean => fn.pcie !== null && fn.physfn === null;

/** What a raise without a name counts: a receiver error, a completion timeout, a data link protocol error. */
const DEFAULT_ERROR: Record<AerSeverity, string> = { correctable: "RxErr", nonfatal: "CmpltTO", fatal: "DLP" };

const namesOf = (severity: AerSeverity) => (severity === "correctable" ? AER_ERROR_NAMES.correctable : AER_ERROR_NAMES.uncorrectable);

/** The three files' contents, as `cat` shows them: every named bit, then the total. */
export function renderAerFiles(fn: PciFunction): [string, string][] {
  return (["correctable", "nonfatal", "fatal"] as const).map((severity) => {
    const s = fn.aer?.[severity];
    const lines = namesOf(severity).map((name) => `${name} ${s?.errors[name] ?? 0}`);
    return [FILE[severity], `${lines.join("\n")}\n${TOTAL[severity]} ${s?.total ?? 0}\n`];
  });
}

/**
 * The device reports `count` errors of one kind, each in its own message (the total grows by
 * `count`). Mutates `fn`; throws naming the field for a function without AER statistics or an
 * error name the kernel does not print for that severity.
 */
export function raiseAerErrors(fn: PciFunction, severity: AerSeverity, count: number, error?: string): void {
  if (!hasAerStats(fn)) throw new Error(`device: ${fn.bdf} has no AER statistics (not a PCIe function with an AER capability, or a VF)`);
  if (!Number.isSafeInteger(count) || count < 1) throw new Error(`count: must be a positive integer, got ${count}`);
  const name = error ?? DEFAULT_ERROR[severity];
  if (!(namesOf(severity) as readonly string[]).includes(name))
    throw new Error(`error: ${severity} errors are named ${namesOf(severity).join(", ")}; got "${name}"`);
  const aer: AerState = fn.aer ?? {
    correctable: { errors: {}, total: 0 },
    nonfatal: { errors: {}, total: 0 },
    fatal: { errors: {}, total: 0 },
  };
  aer[severity].errors[name] = (aer[severity].errors[name] ?? 0) + count;
  aer[severity].total += count;
  fn.aer = aer;
}
