import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCodes, GhostfleetError } from '../contract/errors.js';
import {
  listProfiles,
  loadProfile,
  profilesDir,
  requireTransport,
  validateProfile,
} from './load.js';

const fixture = (name: string) => join(profilesDir(), 'fixtures', `${name}.json`);

async function failure(p: Promise<unknown>): Promise<GhostfleetError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(GhostfleetError);
    return err as GhostfleetError;
  }
  throw new Error('expected a rejection');
}

describe('firmware profiles', () => {
  let tmp = '';
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'gf-profiles-'));
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('lists the eight shipped profiles, all valid', async () => {
    const list = await listProfiles();
    expect(list.map((p) => p.name)).toEqual([
      'hid-keyboard-qr',
      'hid-pos-qr',
      'nfc-keyboard-uid',
      'pn532-ndef',
      'pn532-uart',
      'rs232-aim-qr',
      'rs232-stx-etx-qr',
      'usb-cdc-qr',
    ]);
    expect(list.filter((p) => p.transport === 'hid').map((p) => p.name)).toHaveLength(3);
    expect(list.find((p) => p.name === 'pn532-uart')?.credential).toBe('nfc-uid');
    expect(list.find((p) => p.name === 'pn532-ndef')?.credential).toBe('nfc-ndef');
    for (const p of list) expect(p.file.endsWith(`${p.name}.json`)).toBe(true);
  });

  it('resolves a bare name next to the package, and a path as a path', async () => {
    const byName = requireTransport(await loadProfile('rs232-aim-qr'), 'serial');
    expect(byName.serial.baudRate).toBe(9600);
    expect(byName.framing).toEqual({ kind: 'line', prefix: ']Q1', aim: true, suffix: 'CR' });
    const byPath = requireTransport(
      await loadProfile(join(profilesDir(), 'usb-cdc-qr.json')),
      'serial',
    );
    expect(byPath.timing.usbFrameMs).toBe(1);
  });

  it('rejects an unknown key, naming file and field', async () => {
    const err = await failure(loadProfile(fixture('bad-unknown-key')));
    expect(err.code).toBe(ErrorCodes.BadConfig);
    expect(err.message).toBe(`firmware profile ${fixture('bad-unknown-key')} is invalid`);
    expect(err.details).toEqual([`${fixture('bad-unknown-key')}: serial.flowControl: unknown key`]);
  });

  it('rejects wrong types', async () => {
    const err = await failure(loadProfile(fixture('bad-wrong-types')));
    expect(err.details).toHaveLength(1);
    expect(err.details[0]).toMatch(/bad-wrong-types\.json: serial\.baudRate: .*expected number/);
  });

  it('reports every problem of a file in one error', async () => {
    const err = await failure(loadProfile(fixture('bad-many')));
    const fields = err.details.map((d) => d.split(': ')[1]);
    expect(fields).toEqual(
      expect.arrayContaining([
        'name',
        'description',
        'credential',
        'serial.dataBits',
        'framing.suffix',
        'timing.decode.maxMs',
        'timing.sameCodeDelayMs',
        'errors.noReadRate',
        'colour',
      ]),
    );
    for (const d of err.details) expect(d.startsWith(`${fixture('bad-many')}: `)).toBe(true);
  });

  it('control-character framing: mnemonics and escapes are bytes; a bad one names file and field', async () => {
    const good = await loadProfile('rs232-stx-etx-qr');
    expect(good.transport === 'serial' && good.framing).toMatchObject({
      prefix: '<STX>',
      suffix: '<ETX>',
    });
    const err = await failure(loadProfile(fixture('bad-control-framing')));
    expect(err.details).toEqual([
      `${fixture('bad-control-framing')}: framing.prefix: unknown mnemonic <FOO> (use <STX>, <ETX>, <CR>, … or "\\u003c" for a literal "<")`,
      expect.stringMatching(/bad-control-framing\.json: framing\.suffix: must be control bytes/),
    ]);
    const escaped = validateProfile(
      { ...good, framing: { kind: 'line', prefix: '\u0001\u001d', aim: false, suffix: '\u0004' } },
      'inline.json',
    );
    expect(escaped.transport === 'serial' && escaped.framing.kind).toBe('line');
    const notAByte = await failure(
      Promise.resolve().then(() =>
        validateProfile({ ...good, framing: { ...good.framing, prefix: '\u20ac' } }, 'euro.json'),
      ),
    );
    expect(notAByte.details).toEqual(['euro.json: framing.prefix: character U+20AC is not a byte']);
  });

  it('names the file and the parse error for bad JSON', async () => {
    const err = await failure(loadProfile(fixture('bad-json')));
    expect(err.code).toBe(ErrorCodes.BadConfig);
    expect(err.message).toContain('bad-json.json is not valid JSON');
    expect(err.message).toMatch(/position|property/i);
  });

  it('checks cross-field rules (pn532 carries UIDs; an AIM prefix needs aim: true)', async () => {
    const err = await failure(loadProfile(fixture('bad-pn532-qr')));
    expect(err.details[0]).toMatch(/: credential: .*nfc-uid/);
    const good = await loadProfile('rs232-aim-qr');
    const file = join(tmp, 'aim.json');
    await writeFile(file, JSON.stringify({ ...good, framing: { ...good.framing, aim: false } }));
    const err2 = await failure(loadProfile(file));
    expect(err2.details).toEqual([`${file}: framing.aim: the prefix is an AIM id: set aim: true`]);
  });

  it('pn532 carries nfc-uid or nfc-ndef; nfc-ndef needs pn532 framing and names its tag', async () => {
    const ndef = requireTransport(await loadProfile('pn532-ndef'), 'serial');
    expect(ndef.framing).toEqual({ kind: 'pn532', tag: 'ntag215' });
    expect(ndef.serial).toEqual({ baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1 });
    const write = async (name: string, data: unknown) => {
      const file = join(tmp, `${name}.json`);
      await writeFile(file, JSON.stringify(data));
      return file;
    };
    const noTag = await write('ndef-no-tag', { ...ndef, framing: { kind: 'pn532' } });
    expect((await failure(loadProfile(noTag))).details).toEqual([
      `${noTag}: framing.tag: an nfc-ndef profile names its tag: one of ntag213, ntag215, ntag216`,
    ]);
    const uidTag = await write('uid-tag', { ...ndef, credential: 'nfc-uid' });
    expect((await failure(loadProfile(uidTag))).details).toEqual([
      `${uidTag}: framing.tag: tag is only for nfc-ndef profiles`,
    ]);
    const line = await write('ndef-line', {
      ...ndef,
      framing: { kind: 'line', prefix: '', aim: false, suffix: 'CR' },
    });
    expect((await failure(loadProfile(line))).details).toEqual([
      `${line}: framing.kind: nfc-ndef records are read through a PN532: framing kind must be "pn532"`,
    ]);
    const badTag = await write('bad-tag', { ...ndef, framing: { kind: 'pn532', tag: 'mifare' } });
    expect((await failure(loadProfile(badTag))).details[0]).toMatch(/: framing\.tag: /);
  });

  it('loads the HID profiles with their report format, poll interval and UID format', async () => {
    const pos = requireTransport(await loadProfile('hid-pos-qr'), 'hid');
    expect(pos.hid).toEqual({
      reportFormat: 'pos',
      usagePage: 0x8c,
      reportSize: 64,
      pollIntervalMs: 1,
    });
    expect('uidFormat' in pos).toBe(false); // devices/kinds checks the key's presence
    const kb = requireTransport(await loadProfile('hid-keyboard-qr'), 'hid');
    expect(kb.framing).toEqual({ kind: 'hid-keyboard', layout: 'us', suffix: 'ENTER' });
    const nfc = requireTransport(await loadProfile('nfc-keyboard-uid'), 'hid');
    expect(nfc.credential).toBe('nfc-uid');
    expect(nfc.uidFormat).toEqual({ kind: 'decimal10', uidByteOrder: 'msb-first' });
    expect(() => requireTransport(nfc, 'serial', 'input serial')).toThrow(
      'input serial needs a serial firmware profile; nfc-keyboard-uid is hid',
    );
  });

  it('reports every HID problem at once: unknown keys, sizes, usage page, cross-field rules', async () => {
    const file = fixture('bad-hid-many');
    const err = await failure(loadProfile(file));
    expect(err.details.map((d) => d.slice(file.length + 2))).toEqual(
      expect.arrayContaining([
        'hid.pollIntervalMs: Too small: expected number to be >0',
        'hid.vendorId: unknown key',
        'hid.reportSize: pos reports are 64 bytes',
        'hid.usagePage: pos readers use usage page 140 (0x8c)',
        'timing.usbFrameMs: unknown key',
        'framing.kind: hid.reportFormat pos needs framing kind "hid-pos"',
        'uidFormat: uidFormat is only for nfc-uid readers',
      ]),
    );
    expect(err.details).toHaveLength(7);
    const nfc = await failure(loadProfile(fixture('bad-nfc-wedge')));
    expect(nfc.details.map((d) => d.split(': ')[1])).toEqual(['credential', 'uidFormat']);
  });

  it('validateProfile accepts parsed data and names the given file', () => {
    expect(() => validateProfile({ transport: 'hid' }, 'x.json')).toThrow(GhostfleetError);
    try {
      validateProfile(42, 'x.json');
    } catch (err) {
      expect((err as GhostfleetError).details[0]).toMatch(/^x\.json: \(root\): /);
    }
  });

  it('a missing file is a BadConfig naming the path', async () => {
    const err = await failure(loadProfile('no-such-profile'));
    expect(err.code).toBe(ErrorCodes.BadConfig);
    expect(err.message).toContain('no-such-profile.json');
  });
});

describe('findPackageRoot', () => {
  it('finds the same root from source and from the compiled dist/ layout', async () => {
    const { findPackageRoot } = await import('./package-root.js');
    const { pathToFileURL } = await import('node:url');
    const root = findPackageRoot(import.meta.url);
    const fromDist = findPackageRoot(
      pathToFileURL(join(root, 'dist', 'firmware-profiles', 'load.js')).href,
    );
    expect(fromDist).toBe(root);
    expect(profilesDir()).toBe(join(root, 'firmware-profiles'));
  });
});
