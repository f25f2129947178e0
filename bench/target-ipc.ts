/** IPC between the bench and its trivial-target child (JSON serialization). */
export type TargetChildMessage =
  | { type: 'ready'; url: string }
  | { type: 'counts'; counts: Record<string, number> }
  | { type: 'stopped'; cpuSeconds: number; counts: Record<string, number> }
  | { type: 'failed'; message: string };

export type TargetParentMessage = { type: 'stop' } | { type: 'counts' };
