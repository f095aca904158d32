import type { ChatRequest, Reply } from "@tokenledger/openai-server";

/** Test helpers for summary buffer memory: a server assistant that summarizes and answers from what it is shown. */

const requestText = (content: ChatRequest["messages"][number]["content"]) =>
  typeof content === "string" ? content : (content ?? []).map((p) => p.text ?? "").join("");

export const isSummaryRequest = (request: ChatRequest) => requestText(request.messages[0]?.content).startsWith("Progressively summarize");

/**
 * Summaries keep every "my X is Y" fact seen so far; answers to "what is my X?" quote the fact
 * from anywhere in the prompt (a summary included), else echo the question.
 */
export function summarizingReply(request: ChatRequest): Reply {
  if (isSummaryRequest(request)) {
    const text = requestText(request.messages.at(-1)?.content);
    const facts = [...text.matchAll(/my (\w+) is (\w+)/gi)].map((m) => `my ${m[1]!.toLowerCase()} is ${m[2]}`);
    return { content: `Facts: ${[...new Set(facts)].join("; ") || "none"}.` };
  }
  const question = requestText(request.messages.at(-1)?.content);
  const asked = /what is my (\w+)\?/i.exec(question)?.[1]?.toLowerCase();
  if (asked) {
    const everything = request.messages.map((m) => requestText(m.content)).join("\n");
    const fact = new RegExp(`my ${asked} is (\\w+)`, "i").exec(everything)?.[1];
    return { content: fact ? `Your ${asked} is ${fact}.` : `I do not know your ${asked}.` };
  }
  return { content: `Noted: ${question.slice(0, 80)}` };
}
