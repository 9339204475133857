/**
 * Ids as the official server makes them, with the same library (@langchain/core's vendored `uuid`): time-ordered
 * UUIDv7 for threads, runs, assistants and crons (monotonic within a process, so a descending sort key lists newest
 * first and a thread's runs sort in the order they were created), and UUIDv5 for the default assistant of a graph.
 */
import { v5, v7 } from "@langchain/core/utils/uuid";

export const uuid7 = (): string => v7();

/** The namespace the official servers use for default assistant ids: graph "accept" -> 881a0ac8-731e-5d99-…. */
export const ASSISTANT_NAMESPACE = "6ba7b821-9dad-11d1-80b4-00c04fd430c8";

export const defaultAssistantId = (graphId: string): string => v5(graphId, ASSISTANT_NAMESPACE);

/** Any 8-4-4-4-12 hex string, whatever its version and variant bits. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string) => UUID.test(value);
