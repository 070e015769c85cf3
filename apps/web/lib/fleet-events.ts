import { EventEmitter } from "node:events";

/** What the browser needs to know to refresh: which host changed and how. */
export type FleetEvent =
  | { type: "host-changed"; hostId: string; hash: string }
  | { type: "host-online"; hostId: string }
  | { type: "host-offline"; hostId: string }
  /** A job was queued, dispatched, made progress or ended (the browser refetches the job views). */
  | { type: "job-changed"; hostId: string; jobId: string; state: string };

/** In-process bus from the agent gateway to the SSE streams. */
export class FleetEvents {
  readonly #emitter = new EventEmitter();

  constructor() {
    // One listener per open browser tab: no arbitrary cap.
    this.#emitter.setMaxListeners(0);
  }

  emit(event: FleetEvent): void {
    this.#emitter.emit("event", event);
  }

  subscribe(listener: (event: FleetEvent) => void): () => void {
    this.#emitter.on("event", listener);
    return () => this.#emitter.off("event", listener);
  }
}
