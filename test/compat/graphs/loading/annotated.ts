// Annotation state with a narrower input and output, and a subgraph: its schemas exist only as TypeScript types.
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";

const Input = Annotation.Root({ question: Annotation<string>() });
const Output = Annotation.Root({ answer: Annotation<string>() });
const State = Annotation.Root({
  question: Annotation<string>(),
  draft: Annotation<string>(),
  answer: Annotation<string>(),
  attempts: Annotation<number>({ reducer: (a, b) => a + b, default: () => 0 }),
});

const Draft = Annotation.Root({ draft: Annotation<string>(), words: Annotation<number>() });
const drafter = new StateGraph(Draft)
  .addNode("write", () => ({ draft: "a first draft", words: 3 }))
  .addEdge(START, "write")
  .addEdge("write", END)
  .compile();

export const graph = new StateGraph({ input: Input, output: Output, stateSchema: State })
  .addNode("drafter", drafter)
  .addNode("respond", (state) => ({ answer: `${state.draft} for ${state.question}`, attempts: 1 }))
  .addEdge(START, "drafter")
  .addEdge("drafter", "respond")
  .addEdge("respond", END)
  .compile();
