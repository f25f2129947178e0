/** Shared by the framing tests: feed chunks, collect what came out. Not used at runtime. */
import type { FrameDecoder } from './decoder.js';
import type { DecodedFrame } from './frame.js';

export interface Collected {
  frames: DecodedFrame[];
  malformed: string[];
}

/** Writes every chunk, ends the stream and resolves with everything the readable side yielded. */
export async function decodeAll(
  decoder: FrameDecoder,
  chunks: Iterable<Buffer>,
): Promise<Collected> {
  const malformed: string[] = [];
  decoder.on('malformed', (reason: string) => malformed.push(reason));
  const frames: DecodedFrame[] = [];
  const done = new Promise<void>((resolve, reject) => {
    decoder.on('data', (f: DecodedFrame) => frames.push(f));
    decoder.on('end', resolve);
    decoder.on('error', reject);
  });
  for (const c of chunks) decoder.write(c);
  decoder.end();
  await done;
  return { frames, malformed };
}

export function* bytewise(buf: Buffer): Generator<Buffer> {
  for (let i = 0; i < buf.length; i++) yield buf.subarray(i, i + 1);
}
