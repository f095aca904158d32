import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { extname } from "node:path";
import { fileURLToPath } from "node:url";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
};
const FILES = new Set(["index.html", "main.js", "worker.js", "style.css"]);

/** Serves the built playground page on 127.0.0.1 only; resolves with its URL. */
export async function servePlayground(port: number): Promise<string> {
  const root = fileURLToPath(new URL("./playground/", import.meta.url));
  const server = createServer(async (req, res) => {
    const name = (req.url ?? "/").split("?")[0]!.replace(/^\/$/, "/index.html").slice(1);
    if (!FILES.has(name)) {
      res.writeHead(404).end("not found");
      return;
    }
    const body = await readFile(root + name);
    res.writeHead(200, { "content-type": TYPES[extname(name)] ?? "application/octet-stream", "cache-control": "no-cache" }).end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}
