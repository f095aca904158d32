import { beforeAll, describe, expect, it } from "vitest";
import type { ChatMessage, ToolDefinition } from "../count/chat-types.js";
import { countMessages } from "../count/count-messages.js";
import type { TestScale } from "../test-scale.test-helper.js";
import { loadReference, type Reference } from "./reference-tokenizer.test-helper.js";

/** The tests of `chat-template-date.test.ts` (`UNIT`) and `chat-template-date.integration.test.ts` (`FULL`). */
export function defineChatTemplateDateTests(scale: TestScale): void {
  /** Every day from 2024 to 2030 as Python's `strftime("%d %b %Y")` writes it in the C locale (what vLLM's `strftime_now` gives). */
  function serverDates(): string[] {
    const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    const dates: string[] = [];
    for (let day = Date.UTC(2024, 0, 1); day <= Date.UTC(2030, 11, 31); day += 86_400_000) {
      const d = new Date(day);
      dates.push(`${String(d.getUTCDate()).padStart(2, "0")} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()}`);
    }
    return dates;
  }

  const weather: ToolDefinition = {
    type: "function",
    function: { name: "get_weather", description: "Weather", parameters: { type: "object", properties: { city: { type: "string" } } } },
  };

  const CASES: Array<[string, ChatMessage[], ToolDefinition[] | undefined]> = [
    ["no system prompt", [{ role: "user", content: "Hi" }], undefined],
    [
      "a system prompt",
      [
        { role: "system", content: "You are terse." },
        { role: "user", content: "Hi" },
      ],
      undefined,
    ],
    ["an empty system prompt", [{ role: "system", content: "" }], undefined],
    ["a system prompt that starts with digits", [{ role: "system", content: "2024 was a year" }], undefined],
    ["tools", [{ role: "user", content: "Weather in Paris?" }], [weather]],
  ];

  describe("llama3_1's date header (Llama 3.1+ write 'Today Date: <date>' into every prompt)", () => {
    let reference: Reference;

    beforeAll(() => {
      reference = loadReference("llama3_1");
    }, 300_000);

    it.each(CASES)("counts the same as a server's prompt on every day of 2024-2030 (%s)", (_, messages, tools) => {
      const counted = countMessages(messages, { model: "llama-3.1-8b", tools }).total;
      const dates = serverDates();
      expect(dates).toHaveLength(2557);
      // The unit part checks every 30th day (each month and year still met); the integration part every day.
      const differing = dates
        .filter((_, i) => scale.full || i % 30 === 0)
        .filter((date) => {
          const rendered = reference.template.render({
            ...reference.tokens,
            messages,
            tools,
            add_generation_prompt: true,
            date_string: date,
          });
          expect(rendered).toContain(`Today Date: ${date}\n\n`);
          return reference.ids(rendered).length !== counted;
        });
      expect(differing).toEqual([]);
    });
  });
}
