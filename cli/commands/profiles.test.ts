import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCodes } from '../../contract/exit-codes.js';
import { profilesDir } from '../../firmware-profiles/load.js';
import { main } from '../program.js';
import { captureIo } from './test-support.js';

const fixtures = join(profilesDir(), 'fixtures');

describe('ghostfleet profiles', () => {
  it('lists every shipped profile as an aligned table', async () => {
    const io = captureIo();
    expect(await main(['profiles'], io)).toBe(ExitCodes.Ok);
    const lines = io.stdout().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+TRANSPORT\s+CREDENTIAL\s+DESCRIPTION$/);
    const cdc = lines.find((l) => l.startsWith('usb-cdc-qr '));
    expect(cdc).toMatch(/^usb-cdc-qr\s+serial\s+qr\s+USB QR imager/);
    // Aligned: the TRANSPORT column starts at the same offset on every line.
    const col = lines[0]?.indexOf('TRANSPORT');
    for (const l of lines.slice(1)) expect(l.slice(col).match(/^(serial|hid) /)).not.toBeNull();
    expect(lines.some((l) => l.startsWith('pn532-uart '))).toBe(true);
    expect(lines.some((l) => l.startsWith('rs232-aim-qr '))).toBe(true);
  });

  it('--json prints the same list for machines', async () => {
    const io = captureIo();
    expect(await main(['profiles', '--json'], io)).toBe(ExitCodes.Ok);
    const list = JSON.parse(io.stdout()) as {
      name: string;
      transport: string;
      credential: string;
    }[];
    const pn532 = list.find((p) => p.name === 'pn532-uart');
    expect(pn532).toMatchObject({ transport: 'serial', credential: 'nfc-uid' });
    expect(list.map((p) => p.name)).toEqual([...list.map((p) => p.name)].sort());
  });

  it('validate prints ok for a good file', async () => {
    const io = captureIo();
    const file = join(profilesDir(), 'rs232-aim-qr.json');
    expect(await main(['profiles', 'validate', file], io)).toBe(ExitCodes.Ok);
    expect(io.stdout()).toBe(`ok: ${file} (rs232-aim-qr)\n`);
  });

  it('validate resolves a relative file against the cwd', async () => {
    const io = captureIo(profilesDir());
    expect(await main(['profiles', 'validate', 'usb-cdc-qr.json'], io)).toBe(ExitCodes.Ok);
    expect(io.stdout()).toBe('ok: usb-cdc-qr.json (usb-cdc-qr)\n');
  });

  const bad = readdirSync(fixtures).filter((n) => n.startsWith('bad-') && n.endsWith('.json'));
  it('has bad fixtures to try', () => expect(bad.length).toBeGreaterThanOrEqual(5));

  for (const name of bad) {
    it(`validate rejects ${name} with exit 2 and names the problem`, async () => {
      const io = captureIo(fixtures);
      expect(await main(['profiles', 'validate', name], io)).toBe(ExitCodes.Usage);
      expect(io.stdout()).toBe('');
      const lines = io.stderr().trimEnd().split('\n');
      expect(lines[0]).toBe(`invalid: ${name}`);
      expect(lines.length).toBeGreaterThan(1);
      for (const l of lines.slice(1)) expect(l).toMatch(/^ {2}- \S.*: /);
    });
  }

  it('reports every problem of a file at once', async () => {
    const io = captureIo(fixtures);
    expect(await main(['profiles', 'validate', 'bad-many.json'], io)).toBe(ExitCodes.Usage);
    const err = io.stderr();
    for (const field of [
      'name:',
      'description:',
      'credential:',
      'serial.dataBits:',
      'framing.suffix:',
      'timing.decode.maxMs:',
      'timing.sameCodeDelayMs:',
      'errors.noReadRate:',
      'colour: unknown key',
    ]) {
      expect(err).toContain(`  - ${field}`);
    }
  });

  it('names the unknown key and the wrong type', async () => {
    const io = captureIo(fixtures);
    await main(['profiles', 'validate', 'bad-unknown-key.json'], io);
    await main(['profiles', 'validate', 'bad-wrong-types.json'], io);
    await main(['profiles', 'validate', 'bad-pn532-qr.json'], io);
    expect(io.stderr()).toContain('serial.flowControl: unknown key');
    expect(io.stderr()).toContain('serial.baudRate:');
    expect(io.stderr()).toContain('credential: pn532 framing');
  });

  it('a missing file is a bad file, not a crash', async () => {
    const io = captureIo(fixtures);
    expect(await main(['profiles', 'validate', 'no-such.json'], io)).toBe(ExitCodes.Usage);
    expect(io.stderr()).toContain('cannot be read');
  });

  it('--help explains with an example', async () => {
    const io = captureIo();
    expect(await main(['profiles', '--help'], io)).toBe(ExitCodes.Ok);
    expect(io.stdout()).toContain('ghostfleet profiles validate');
    const v = captureIo();
    expect(await main(['profiles', 'validate', '--help'], v)).toBe(ExitCodes.Ok);
    expect(v.stdout()).toContain('Example');
  });
});
