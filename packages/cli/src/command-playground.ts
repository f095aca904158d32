import { CliError, cannotRead } from "./cli-error.js";
import { out } from "./cli-output.js";
import type { Command } from "./command.js";
import { servePlayground } from "./serve-playground.js";

export const playground: Command = {
  name: "playground",
  usage: "playground [--port N]",
  summary: "a local page that shows tokens for several models at once (127.0.0.1 only)",
  options: { port: { type: "string" } },
  async run(values, args) {
    if (args.length) throw new CliError(`playground takes no arguments, not "${args[0]}"`, 2);
    const port = Number(values.port ?? "4321");
    if (!/^\d+$/.test(values.port ?? "4321") || port > 65535) throw new CliError(`--port must be 0 to 65535, not "${values.port}"`, 2);
    const url = await servePlayground(port).catch((error: NodeJS.ErrnoException) => {
      // The page's files are read before listening: a missing one is a read error, not a port's.
      if (error.syscall !== "listen") throw cannotRead(error.path ?? "the playground's files", error);
      throw new CliError(`cannot listen on 127.0.0.1:${port}: ${error.code ?? error.message}`);
    });
    out(`tokenledger playground: ${url} (Ctrl-C to stop; counting happens in your browser, nothing is sent anywhere)`);
  },
};
