/**
 * Fork entry of the trivial target: a separate process so its CPU is not the fleet's (the bench
 * reads the fleet's CPU from /proc/self/stat, where a child counts only once it has been reaped).
 * Announces its URL over IPC, answers `counts` (requests served by path), and on `stop` it reports its own CPU (for context) and closes, letting the
 * process end by itself.
 */
import type { TargetChildMessage, TargetParentMessage } from './target-ipc.js';
import { TRIVIAL_IDS } from './trivial-ids.js';
import { startTrivialTarget } from './trivial-target.js';

const reply = (m: TargetChildMessage) => process.send?.(m);

try {
  const target = await startTrivialTarget({ ids: TRIVIAL_IDS });
  const stop = async () => {
    const cpu = process.cpuUsage();
    const counts = target.counts();
    await target.close();
    reply({ type: 'stopped', cpuSeconds: (cpu.user + cpu.system) / 1e6, counts });
    process.disconnect?.();
  };
  process.on('message', (raw: unknown) => {
    const type = (raw as TargetParentMessage | null)?.type;
    if (type === 'stop') void stop();
    else if (type === 'counts') reply({ type: 'counts', counts: target.counts() });
  });
  // The bench died without saying goodbye: do not linger as an orphan server.
  process.once('disconnect', () => void target.close());
  reply({ type: 'ready', url: target.url });
} catch (err) {
  reply({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
  process.disconnect?.();
}
