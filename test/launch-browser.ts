import { accessSync, constants, existsSync, readFileSync } from "node:fs";
import { mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { type Browser, chromium } from "playwright-core";

/** Headless, offline, no first-run work: the page under test is all the browser talks to. */
const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * A headless Chromium for browser tests, from the first of: `CHROMIUM_PATH`; a `chromium`
 * (or `chromium-browser`) on PATH; the Chromium that the `@sparticuz/chromium` npm package
 * ships, with the NSS libraries and fonts it ships too, so that a machine with only Node and
 * npm runs the tests without root. That one is unpacked once per version and user into the
 * temp folder (about 10 s, then reused).
 *
 * @example
 * ```ts
 * const browser = await launchBrowser();
 * const page = await browser.newPage();
 * ```
 */
export async function launchBrowser(): Promise<Browser> {
  const given = process.env.CHROMIUM_PATH || onPath("chromium") || onPath("chromium-browser");
  if (given) return chromium.launch({ executablePath: given, args: FLAGS });
  const dir = await unpackedChromium();
  return chromium.launch({
    executablePath: join(dir, "chromium"),
    args: FLAGS,
    env: {
      ...process.env,
      LD_LIBRARY_PATH: [join(dir, "al2023", "lib"), process.env.LD_LIBRARY_PATH].filter(Boolean).join(delimiter),
      FONTCONFIG_FILE: join(dir, "fonts.conf"),
    },
  });
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {}
  }
  return undefined;
}

/**
 * The folder with `chromium`, `al2023/lib` (its NSS libraries) and `fonts.conf` for the fonts it
 * ships (theirs names /tmp/fonts; without a font the renderer crashes). @sparticuz/chromium
 * unpacks into `os.tmpdir()` and takes a `chromium` found there as complete; so it unpacks into a
 * fresh folder of ours, which is renamed into place only when whole: a test run killed half way
 * or two runs at once never leave or use a partial browser.
 */
async function unpackedChromium(): Promise<string> {
  // Its exports map hides package.json; the entry point is build/cjs/index.cjs.
  const root = join(dirname(createRequire(import.meta.url).resolve("@sparticuz/chromium")), "..", "..");
  const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
  const dir = join(tmpdir(), `tokenledger-chromium-${version}-${process.getuid?.() ?? "user"}`);
  if (existsSync(join(dir, "chromium"))) return dir;
  const staging = await mkdtemp(join(tmpdir(), "tokenledger-chromium-unpack-"));
  const saved = { TMPDIR: process.env.TMPDIR, AWS_LAMBDA_JS_RUNTIME: process.env.AWS_LAMBDA_JS_RUNTIME };
  try {
    process.env.TMPDIR = staging;
    // The package unpacks its Amazon Linux 2023 libraries (NSS, NSPR, expat) only where it thinks it runs there.
    process.env.AWS_LAMBDA_JS_RUNTIME = "nodejs20.x";
    const { default: Chromium } = await import("@sparticuz/chromium");
    await Chromium.executablePath();
  } finally {
    restore("TMPDIR", saved.TMPDIR);
    restore("AWS_LAMBDA_JS_RUNTIME", saved.AWS_LAMBDA_JS_RUNTIME);
  }
  const fontsConf = `<?xml version="1.0"?>\n<fontconfig>\n  <dir>${join(dir, "fonts", "fonts")}</dir>\n  <cachedir>${join(dir, "fonts-cache")}</cachedir>\n</fontconfig>\n`;
  await writeFile(join(staging, "fonts.conf"), fontsConf);
  try {
    await rename(staging, dir);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    if (!existsSync(join(dir, "chromium"))) throw error;
  }
  return dir;
}

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
