import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname } from "node:path";
import { fileURLToPath } from "node:url";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
};
const FILES = new Set(["index.html", "main.js", "worker.js", "style.css"]);
/** The page, its worker and its style come from this server only; nothing else may load or run. */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; worker-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const SECURITY_HEADERS = {
  "content-security-policy": CONTENT_SECURITY_POLICY,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-cache",
};

/**
 * Serves the built playground page on 127.0.0.1 only; resolves with its URL. Its files are read
 * once, before it listens, and served from memory. Only GET and HEAD (405 otherwise), only with
 * `Host: 127.0.0.1:PORT` or `Host: localhost:PORT` (421 otherwise: a page from another site whose
 * name was rebound to 127.0.0.1 cannot read it), with a Content-Security-Policy and nosniff.
 *
 * @example
 * ```ts
 * const url = await servePlayground(0); // "http://127.0.0.1:41234/"
 * ```
 */
export async function servePlayground(port: number): Promise<string> {
  const root = fileURLToPath(new URL("./playground/", import.meta.url));
  // Read once: a request never touches the disk, so a thousand at once share these buffers.
  const files = new Map(await Promise.all([...FILES].map(async (name) => [name, await readFile(root + name)] as const)));
  let hosts: string[] = [];
  const server = createServer((req, res) => respond(req, res, files, hosts));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  const { port: bound } = server.address() as AddressInfo;
  hosts = [`127.0.0.1:${bound}`, `localhost:${bound}`];
  return `http://${hosts[0]}/`;
}

function respond(req: IncomingMessage, res: ServerResponse, files: Map<string, Buffer>, hosts: string[]): void {
  const text = (status: number, body: string, extra: Record<string, string> = {}) =>
    res.writeHead(status, { ...SECURITY_HEADERS, "content-type": "text/plain; charset=utf-8", ...extra }).end(body);
  if (!hosts.includes(req.headers.host?.toLowerCase() ?? ""))
    return void text(421, `this server answers only to Host: ${hosts.join(" or Host: ")}\n`);
  if (req.method !== "GET" && req.method !== "HEAD") return void text(405, "only GET and HEAD\n", { allow: "GET, HEAD" });
  const name = (req.url ?? "/").split("?")[0]!.replace(/^\/$/, "/index.html").slice(1);
  const body = files.get(name);
  if (body === undefined) return void text(404, "not found\n");
  res
    .writeHead(200, {
      ...SECURITY_HEADERS,
      "content-type": TYPES[extname(name)] ?? "application/octet-stream",
      "content-length": body.length,
    })
    .end(body);
}
