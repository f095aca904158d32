/**
 * Milliseconds of CPU time this process has spent (user + system). Every library counts on the
 * process's one thread, and unlike wall time this is not inflated when other processes share
 * the machine, so ratios measured side by side stay fair on a busy machine.
 */
export const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e3;
};
