/**
 * Collects pg's "already executing a query" deprecation: pg 8 queues a second query on a busy
 * client and warns once per process (pg 9 refuses it). A test that uses this must be the first in
 * its file to put a client under concurrent load, or the one warning may already be spent.
 */
export function watchQueuedQueries(): { seen(): string[]; stop(): Promise<void> } {
  const seen: string[] = [];
  const onWarning = (w: Error) => {
    if (/already executing a query/.test(w.message)) seen.push(w.message);
  };
  process.on('warning', onWarning);
  return {
    seen: () => seen,
    // Warnings are emitted on a later tick: let them land before the listener goes.
    stop: async () => {
      await new Promise((r) => setImmediate(r));
      process.off('warning', onWarning);
    },
  };
}
