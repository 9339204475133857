/** The event EventBridge Scheduler sends the worker every minute to start due crons (shared by infra/ and functions/). */
export const CRON_TICK_EVENT = { lambdagraph: "cron-tick" } as const;

export function isCronTick(event: unknown): boolean {
  return (
    typeof event === "object" &&
    event !== null &&
    (event as { lambdagraph?: unknown }).lambdagraph === CRON_TICK_EVENT.lambdagraph
  );
}
