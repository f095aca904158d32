import { AIMessage, type BaseMessage, ToolMessage } from "@langchain/core/messages";

/** An AI message making `count` calls of `lookup` with `text`, then one ToolMessage answering each. */
export function toolCallGroup(text: string, count: number, id: number): BaseMessage[] {
  const callId = (i: number) => `c${id}_${i}`;
  return [
    new AIMessage({
      content: "",
      tool_calls: Array.from({ length: count }, (_, i) => ({ name: "lookup", args: { word: text }, id: callId(i) })),
    }),
    ...Array.from({ length: count }, (_, i) => new ToolMessage({ content: text, tool_call_id: callId(i) })),
  ];
}
