/**
 * PostgREST's error shape `{code, details, hint, message}` (postgrest.org "Errors"): our own
 * PGRST codes for requests outside the subset, and PostgreSQL errors passed through with their
 * SQLSTATE and the HTTP status PostgREST maps it to.
 */
export class RestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: string | null = null,
    readonly hint: string | null = null,
  ) {
    super(message);
  }

  body(): Record<string, string | null> {
    return { code: this.code, details: this.details, hint: this.hint, message: this.message };
  }
}

export const parseError = (message: string, details: string | null = null) =>
  new RestError(400, 'PGRST100', message, details);

/** PGRST204: a column named in an insert/update body that the table does not have. */
export const unknownColumn = (table: string, column: string) =>
  new RestError(
    400,
    'PGRST204',
    `Could not find the '${column}' column of '${table}' in the schema cache`,
  );

/** PostgREST's SQLSTATE → HTTP status table (the subset a sandbox can raise). */
function statusOf(sqlstate: string): number {
  if (sqlstate === '23505' || sqlstate === '23503') return 409;
  if (sqlstate === '42501') return 403;
  if (sqlstate === '42883' || sqlstate === '42P01') return 404;
  if (sqlstate.startsWith('08') || sqlstate.startsWith('53')) return 503;
  if (sqlstate.startsWith('XX') || sqlstate.startsWith('58')) return 500;
  return 400;
}

interface PgLike {
  code?: unknown;
  message?: unknown;
  detail?: unknown;
  hint?: unknown;
}

/** The PostgreSQL error under `err` (db.ts wraps it as the cause), as PostgREST answers it. */
export function fromDbError(err: unknown): RestError {
  if (err instanceof RestError) return err;
  let e: unknown = err;
  for (let i = 0; i < 3 && e instanceof Error; i++) {
    const pg = e as PgLike;
    if (typeof pg.code === 'string' && /^[0-9A-Z]{5}$/.test(pg.code)) {
      return new RestError(
        statusOf(pg.code),
        pg.code,
        String(pg.message ?? ''),
        typeof pg.detail === 'string' ? pg.detail : null,
        typeof pg.hint === 'string' ? pg.hint : null,
      );
    }
    e = (e as Error).cause;
  }
  return new RestError(500, 'PGRST000', (err as Error)?.message ?? String(err));
}
