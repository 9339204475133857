import type { CancelAction } from "../stores/run-store.js";

/**
 * Abort controllers of the runs executing in this process, so a cancel request served by the same process
 * stops the graph at once. Cancels from other processes arrive through the run item's `cancel` attribute,
 * which the worker also watches.
 */
export class CancelSignals {
  private readonly controllers = new Map<string, AbortController>();

  register(runId: string): AbortController {
    const controller = new AbortController();
    this.controllers.set(runId, controller);
    return controller;
  }

  unregister(runId: string): void {
    this.controllers.delete(runId);
  }

  /** Aborts the run if it executes here; the reason is the cancel action. Returns whether it did. */
  abort(runId: string, action: CancelAction): boolean {
    const controller = this.controllers.get(runId);
    if (!controller) return false;
    controller.abort(action);
    return true;
  }
}
