// One fresh process: load a library's o200k_base, count one short string, report the time
// from before the import and the memory the loaded encoder holds (after a full GC).

import { cpuMs } from "./cpu-time.mjs";
import { LIBRARIES } from "./libraries.mjs";

const [name, encoding] = process.argv.slice(2);
const memory = () => {
  globalThis.gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
};
const before = memory();
const start = cpuMs();
const count = (await LIBRARIES[name](encoding))("hello world");
const ms = cpuMs() - start;
const after = memory();
process.stdout.write(JSON.stringify({ ms, bytes: after - before, count }));
