/**
 * The sandbox's two behaviours (DESIGN.md "Targets"): `correct` is GhostPass as it should be (row
 * locks, unique constraints, idempotent webhooks); `ghostpass` reproduces the real handlers of
 * bethenitro/GhostPass (commit 17d47d9) and their schema, defects included (GHOSTPASS.md
 * "Known defects" 1–12), so the validators can be shown to catch them.
 */
export const SANDBOX_MODES = ['correct', 'ghostpass'] as const;
export type SandboxMode = (typeof SANDBOX_MODES)[number];

export function isSandboxMode(v: unknown): v is SandboxMode {
  return v === 'correct' || v === 'ghostpass';
}
