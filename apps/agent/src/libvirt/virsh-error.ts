import type { VirshErrorCode } from "./explain-virsh-error.ts";

/**
 * A virsh command that failed. `libvirtMessage` is libvirt's own text (the `error: ...`
 * lines of stderr, unchanged) so operators can search for it; `explanation` says in plain
 * words what it means on this host and what to check, when the error is a known one.
 */
export class VirshError extends Error {
  override readonly name = "VirshError";
  constructor(
    readonly args: readonly string[],
    readonly code: VirshErrorCode,
    readonly libvirtMessage: string,
    readonly explanation: string | null,
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(`virsh ${args.join(" ")} failed: ${libvirtMessage}${explanation ? `\n${explanation}` : ""}`);
  }
}
