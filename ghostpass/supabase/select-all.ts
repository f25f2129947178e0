/**
 * Every row of a supabase-js read, page by page: PostgREST answers at most `max_rows` rows
 * (Supabase: 1000) without saying so, which is how the old validator's checks passed over a
 * fraction of the data. Pages are ordered by a unique key, so rows neither repeat nor vanish
 * between pages; paging stops at a short page, and the exact count fetched with the first page
 * must equal what was read (a mismatch — rows written meanwhile, or a cap below `pageSize` —
 * is an error, never a silent partial answer).
 */
import { ErrorCodes, GhostfleetError } from '../../contract/errors.js';

interface PageResult<T> {
  data: T[] | null;
  error: { message: string; code?: string } | null;
  count: number | null;
}

/** Builds the read for rows `from..to` (inclusive): `.select(cols, {count:'exact'}).order(key).range(from, to)`. */
export type PageQuery<T> = (from: number, to: number) => PromiseLike<PageResult<T>>;

export async function selectAll<T>(
  what: string,
  page: PageQuery<T>,
  pageSize = 1000,
): Promise<T[]> {
  const rows: T[] = [];
  let expected: number | null = null;
  for (let from = 0; ; from += pageSize) {
    const r = await page(from, from + pageSize - 1);
    if (r.error !== null) {
      throw new GhostfleetError(
        ErrorCodes.Database,
        `${what}: ${r.error.code ?? ''} ${r.error.message}`.trim(),
      );
    }
    expected ??= r.count;
    const got = r.data ?? [];
    rows.push(...got);
    if (got.length < pageSize) break;
  }
  if (expected !== null && expected !== rows.length) {
    throw new GhostfleetError(
      ErrorCodes.Database,
      `${what}: read ${rows.length} rows but the count said ${expected} (rows changed while paging, or the server caps pages below ${pageSize})`,
    );
  }
  return rows;
}
