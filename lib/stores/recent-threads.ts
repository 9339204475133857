/**
 * Threads as this process last read, created or freed them, bounded (oldest forgotten first). A new run on a thread
 * seen here takes it without reading it first: the take is conditional on the thread's `updated_at` being the one
 * seen (every write of a thread item sets it), so a thread another process wrote since is read and taken again
 * (lib/services/runs.ts createRun).
 */
import type { Thread } from "./thread-item.js";

const LIMIT = 1_000;

export class RecentThreads {
  private readonly threads = new Map<string, Thread>();

  get(threadId: string): Thread | undefined {
    return this.threads.get(threadId);
  }

  /** Remembers `thread` (undefined: forgets the thread); returns it. */
  remember(threadId: string, thread: Thread | undefined): Thread | undefined {
    this.threads.delete(threadId);
    if (thread) this.threads.set(threadId, thread);
    if (this.threads.size > LIMIT) this.threads.delete(this.threads.keys().next().value!);
    return thread;
  }
}
