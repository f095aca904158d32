import { tool } from "@langchain/core/tools";
import { z } from "zod/v3";

/** A tool whose long answers fill the window within a few turns. */
export const lookup = tool(async ({ word }) => `"${word}" means something rather long and detailed, explained at length.`, {
  name: "lookup",
  description: "Look a word up.",
  schema: z.object({ word: z.string().describe("The word") }),
});
