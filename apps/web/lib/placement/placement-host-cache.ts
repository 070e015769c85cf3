import type { PlacementHost } from "@vfleet/core";

/**
 * Candidate hosts' placement rows (PFs, VFs, who holds each, guests) kept by host and version,
 * least recently used dropped first. The version (snapshot hash and summary row versions, read
 * with the candidates' counts before the rows) moves with every write that changes these rows,
 * so a request whose counts show the version it was kept at decides on the kept rows instead of
 * seven reads. A request may see rows newer than their version (read after it), never older: the
 * next request then reads them again. Labels are not in the version: the whole cache is dropped
 * when the fleet's candidate version moves (labels move it). Shared, never mutated by readers.
 */
export class PlacementHostCache {
  private readonly entries = new Map<string, { version: string; host: PlacementHost }>();
  private candidateVersion: string | null = null;

  constructor(private max: number) {}

  get(scope: string, hostId: string, version: string): PlacementHost | undefined {
    const key = `${scope}|${hostId}`;
    const hit = this.entries.get(key);
    if (!hit || hit.version !== version) return undefined;
    this.entries.delete(key);
    this.entries.set(key, hit);
    return hit.host;
  }

  /** The kept rows and their version, whatever the version now. */
  peek(scope: string, hostId: string): { version: string; host: PlacementHost } | undefined {
    return this.entries.get(`${scope}|${hostId}`);
  }

  set(scope: string, host: PlacementHost, version: string): void {
    if (this.max === 0) return;
    const key = `${scope}|${host.id}`;
    this.entries.delete(key);
    this.entries.set(key, { version, host });
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }

  /** The fleet's candidate version as a request read it: a move (labels, hosts back online) drops every kept host. */
  seen(candidateVersion: string): void {
    if (candidateVersion !== this.candidateVersion) this.entries.clear();
    this.candidateVersion = candidateVersion;
  }

  /** 0 turns keeping off (the placement benchmark's peer reads every candidate's rows). */
  resize(max: number): void {
    this.max = max;
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }
}
