/**
 * The chat page `npm start` serves at /. All of the protocol is the official `useStream` hook: streaming,
 * the stop button, interrupts, and rejoining a running thread after a reload (reconnectOnMount). The page
 * only renders what the hook returns, plus a thread list from the SDK Client.
 */
import { StrictMode, useEffect, useMemo, useState } from "react";
import { createRoot } from "react-dom/client";
import { Client, type Assistant, type Thread } from "@langchain/langgraph-sdk";
import { useStream } from "@langchain/langgraph-sdk/react";
import "./style.css";

const apiUrl = window.location.origin;

function useQueryParam(name: string): [string | null, (value: string | null) => void] {
  const [value, setValue] = useState(() => new URLSearchParams(window.location.search).get(name));
  const set = (next: string | null) => {
    const url = new URL(window.location.href);
    if (next) url.searchParams.set(name, next);
    else url.searchParams.delete(name);
    window.history.replaceState(null, "", url);
    setValue(next);
  };
  return [value, set];
}

function text(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content))
    return content.map((part) => (typeof part === "string" ? part : ((part as { text?: string }).text ?? ""))).join("");
  return JSON.stringify(content);
}

function App() {
  const client = useMemo(() => new Client({ apiUrl }), []);
  const [assistants, setAssistants] = useState<Assistant[]>([]);
  const [assistantId, setAssistantId] = useQueryParam("assistant");
  const [threadId, setThreadId] = useQueryParam("thread");
  const [threads, setThreads] = useState<Thread[]>([]);
  const [draft, setDraft] = useState("");

  const stream = useStream<{ messages: { type: string; content: unknown; id?: string }[] }>({
    apiUrl,
    assistantId: assistantId ?? "agent",
    threadId,
    onThreadId: setThreadId,
    reconnectOnMount: true,
    messagesKey: "messages",
  });

  useEffect(() => {
    client.assistants.search({ limit: 100 }).then(setAssistants, () => undefined);
  }, [client]);

  useEffect(() => {
    let alive = true;
    const refresh = () =>
      client.threads.search({ limit: 20, sortBy: "updated_at", sortOrder: "desc" }).then(
        (t) => alive && setThreads(t),
        () => undefined,
      );
    void refresh();
    const timer = setInterval(refresh, 1500);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, [client, stream.isLoading]);

  const send = () => {
    if (!draft.trim()) return;
    void stream.submit({ messages: [{ type: "human", content: draft }] }, {
      streamMode: ["values", "messages-tuple"],
    } as never);
    setDraft("");
  };
  const interrupt = stream.interrupt?.value as { question?: string; request?: string } | undefined;

  return (
    <div className="layout">
      <aside>
        <h1>lambdagraph</h1>
        <label>
          Assistant{" "}
          <select
            data-testid="assistant"
            value={assistantId ?? "agent"}
            onChange={(e) => setAssistantId(e.target.value)}
          >
            {assistants.map((a) => (
              <option key={a.assistant_id} value={a.graph_id}>
                {a.graph_id}
              </option>
            ))}
          </select>
        </label>
        <button data-testid="new-thread" onClick={() => setThreadId(null)}>
          New thread
        </button>
        <ul data-testid="threads">
          {threads.map((t) => (
            <li
              key={t.thread_id}
              className={t.thread_id === threadId ? "current" : ""}
              onClick={() => setThreadId(t.thread_id)}
            >
              <code>{t.thread_id.slice(-8)}</code>{" "}
              <span className={`status ${t.status}`} data-testid={`thread-status-${t.thread_id}`}>
                {t.status}
              </span>
            </li>
          ))}
        </ul>
      </aside>
      <main>
        <div className="messages" data-testid="messages">
          {stream.messages.map((m, i) => (
            <div key={m.id ?? i} className={`message ${m.type}`} data-testid={`message-${m.type}`}>
              <b>{m.type === "human" ? "You" : m.type === "ai" ? "Agent" : m.type}</b> {text(m.content)}
            </div>
          ))}
          {stream.isLoading && (
            <div className="loading" data-testid="loading">
              …
            </div>
          )}
          {stream.error ? (
            <div className="error" data-testid="error">
              {String((stream.error as Error).message ?? stream.error)}
            </div>
          ) : null}
        </div>
        {interrupt && !stream.isLoading && (
          <div className="interrupt" data-testid="interrupt">
            <p>{interrupt.question ?? JSON.stringify(interrupt)}</p>
            <button data-testid="approve" onClick={() => void stream.submit(undefined, { command: { resume: "yes" } })}>
              Approve
            </button>
            <button data-testid="reject" onClick={() => void stream.submit(undefined, { command: { resume: "no" } })}>
              Reject
            </button>
          </div>
        )}
        <form
          onSubmit={(e) => {
            e.preventDefault();
            send();
          }}
        >
          <input
            data-testid="input"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            placeholder="Say something — try “what time is it?”, “please approve”, “slow …”"
          />
          {stream.isLoading ? (
            <button type="button" data-testid="stop" onClick={() => void stream.stop()}>
              Stop
            </button>
          ) : (
            <button type="submit" data-testid="send">
              Send
            </button>
          )}
        </form>
      </main>
    </div>
  );
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
