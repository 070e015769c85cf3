import type { InventoryCache as InventoryCacheLike } from "@vfleet/db";
import type { Inventory } from "@vfleet/protocol";

/**
 * Rebuilt inventories kept by host and snapshot hash, least recently used dropped first. A host's
 * rows change only when a snapshot with another hash is stored (an equal hash writes nothing), so
 * an inventory read in the same transaction as its hash stays right for as long as the host keeps
 * that hash; a reader compares the host row's current hash and rebuilds on a change. Shared, never
 * mutated by readers: prepareJobs and the checks copy what they alter.
 */
export class InventoryCache implements InventoryCacheLike {
  private readonly entries = new Map<string, { hash: string; inventory: Inventory }>();

  constructor(private max: number) {}

  get(hostId: string, hash: string | null): Inventory | undefined {
    const hit = hash === null ? undefined : this.entries.get(hostId);
    if (!hit || hit.hash !== hash) return undefined;
    // Move to the most recent end (a Map iterates in insertion order).
    this.entries.delete(hostId);
    this.entries.set(hostId, hit);
    return hit.inventory;
  }

  set(hostId: string, hash: string | null, inventory: Inventory): void {
    if (hash === null || this.max === 0) return;
    this.entries.delete(hostId);
    this.entries.set(hostId, { hash, inventory });
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }

  /** 0 turns caching off (the placement benchmark's peer reads every inventory). */
  resize(max: number): void {
    this.max = max;
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }
}
