/**
 * Issue 11: the virtual path loads no native code. A child process runs with every native addon
 * made unloadable (`process.dlopen` and any require of `@serialport/bindings-cpp` or `node-hid`
 * throw), imports the reader inputs as the device runtime does, reads a credential through a
 * virtual serial reader, and shows that the real serial input fails with a clear error instead.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'gf-lazy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BLOCK = `
const Module = require('node:module');
const blocked = /@serialport[\\\\/]bindings-cpp|node-hid/;
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (blocked.test(request)) throw new Error('native module blocked: ' + request);
  return resolve.call(this, request, ...rest);
};
process.dlopen = (_module, file) => { throw new Error('native addon blocked: ' + file); };
`;

function child(blockNative: boolean): string {
  const inputs = pathToFileURL(join(import.meta.dirname, 'index.ts')).href;
  const load = pathToFileURL(join(import.meta.dirname, '../../firmware-profiles/load.ts')).href;
  return `
import { openReader } from ${JSON.stringify(inputs)};
import { loadProfile } from ${JSON.stringify(load)};
const p = await loadProfile('usb-cdc-qr');
const profile = { ...p, errors: { noReadRate: 0, duplicateRate: 0, garbleRate: 0 } };
const reader = await openReader({ input: 'virtual-serial', deviceId: 'lazy-1' }, profile);
const frame = await reader.present({ kind: 'qr', text: 'GP-LAZY-1' });
await reader.close();
let serial;
try {
  await openReader({ input: 'serial', path: '/dev/ghostfleet-no-such-tty' }, profile);
  serial = 'opened';
} catch (err) { serial = err.code + ': ' + err.message; }
console.log(JSON.stringify({ credential: frame.credential, serial, block: ${blockNative} }));
`;
}

async function run(blockNative: boolean): Promise<{ credential: unknown; serial: string }> {
  const script = join(dir, `child-${blockNative}.mts`);
  writeFileSync(script, child(blockNative));
  const block = join(dir, 'block.cjs');
  writeFileSync(block, BLOCK);
  const args = [...(blockNative ? ['--require', block] : []), '--import', 'tsx', script];
  const { stdout } = await promisify(execFile)(process.execPath, args, { cwd: process.cwd() });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
}

describe('hardware edges stay lazy', () => {
  it('a virtual serial reader works with every native addon unloadable', async () => {
    const got = await run(true);
    expect(got.credential).toEqual({ kind: 'qr', text: 'GP-LAZY-1' });
    // The real input is where the native binding loads: it says so, naming the path.
    expect(got.serial).toMatch(
      /^GF_READER_UNAVAILABLE: .*no-such-tty.*native binding did not load/,
    );
  });

  it('the same child with the addons loadable reaches the OS (the block is what failed above)', async () => {
    const got = await run(false);
    expect(got.credential).toEqual({ kind: 'qr', text: 'GP-LAZY-1' });
    expect(got.serial).toMatch(
      /^GF_READER_UNAVAILABLE: cannot open serial reader \/dev\/ghostfleet-no-such-tty/,
    );
    expect(got.serial).not.toContain('native binding did not load');
  });
});
