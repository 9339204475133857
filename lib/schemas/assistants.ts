import { z } from "zod";
import { Flag } from "./query.js";

const Json = z.record(z.string(), z.unknown());
const AssistantField = z.enum([
  "assistant_id",
  "graph_id",
  "config",
  "context",
  "metadata",
  "name",
  "description",
  "version",
  "created_at",
  "updated_at",
]);

export const AssistantCreateBody = z.object({
  assistant_id: z.string().uuid().nullish(),
  graph_id: z.string().min(1),
  config: Json.nullish(),
  context: Json.nullish(),
  metadata: Json.nullish(),
  if_exists: z.enum(["raise", "do_nothing"]).nullish(),
  name: z.string().nullish(),
  description: z.string().nullish(),
});
export type AssistantCreateBody = z.infer<typeof AssistantCreateBody>;

export const AssistantPatchBody = z.object({
  graph_id: z.string().min(1).nullish(),
  config: Json.nullish(),
  context: Json.nullish(),
  metadata: Json.nullish(),
  name: z.string().nullish(),
  description: z.string().nullish(),
});
export type AssistantPatchBody = z.infer<typeof AssistantPatchBody>;

export const AssistantSearchBody = z.object({
  graph_id: z.string().nullish(),
  name: z.string().nullish(),
  metadata: Json.nullish(),
  limit: z.number().int().min(1).max(1000).nullish(),
  offset: z.number().int().min(0).nullish(),
  sort_by: z.enum(["assistant_id", "graph_id", "name", "created_at", "updated_at"]).nullish(),
  sort_order: z.enum(["asc", "desc"]).nullish(),
  select: z.array(AssistantField).nullish(),
});
export type AssistantSearchBody = z.infer<typeof AssistantSearchBody>;

export const AssistantCountBody = AssistantSearchBody.pick({ graph_id: true, name: true, metadata: true });

export const AssistantVersionsBody = z.object({
  metadata: Json.nullish(),
  limit: z.number().int().min(1).max(1000).nullish(),
  offset: z.number().int().min(0).nullish(),
});

export const AssistantLatestBody = z.object({ version: z.number().int().min(1) });

/** `xray`: a flag, or the depth to which subgraphs are drawn. */
export const GraphQuery = z.object({
  xray: z.union([Flag, z.string().regex(/^\d+$/).transform(Number)]).optional(),
});
export const SubgraphsQuery = z.object({ recurse: Flag.optional() });
export const DeleteAssistantQuery = z.object({ delete_threads: Flag.optional() });

export type AssistantCountBody = z.infer<typeof AssistantCountBody>;
export type AssistantVersionsBody = z.infer<typeof AssistantVersionsBody>;
export type AssistantLatestBody = z.infer<typeof AssistantLatestBody>;
export type GraphQuery = z.infer<typeof GraphQuery>;
export type SubgraphsQuery = z.infer<typeof SubgraphsQuery>;
export type DeleteAssistantQuery = z.infer<typeof DeleteAssistantQuery>;
