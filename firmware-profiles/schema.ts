/**
 * The firmware-profile schema: one data file per reader model, describing the bytes and timing
 * that model produces. Unknown keys are errors (k6's scenario `Validate()` is the model: a typo
 * must not silently fall back to a default).
 *
 * Discriminated on `transport`: `'serial'` (a tty: RS-232, USB-CDC, PN532 HSU) and `'hid'` (USB
 * HID: a HID-POS scanner, or a keyboard wedge typing the code).
 */
import { z } from 'zod';
import { LineFramingSchema } from './line-framing.js';

const rate = z.number().min(0).max(1);
const ms = z.number().finite().min(0);

/** The line settings of the serial link; a USB-CDC device accepts and ignores them. */
export const SerialSettingsSchema = z.strictObject({
  baudRate: z.number().int().positive(),
  dataBits: z.union([z.literal(5), z.literal(6), z.literal(7), z.literal(8)], {
    error: 'must be 5, 6, 7 or 8',
  }),
  parity: z.enum(['none', 'even', 'odd', 'mark', 'space']),
  stopBits: z.union([z.literal(1), z.literal(1.5), z.literal(2)], { error: 'must be 1, 1.5 or 2' }),
});
export type SerialSettings = z.infer<typeof SerialSettingsSchema>;

export { AIM_ID, LINE_SUFFIXES, LineFramingSchema } from './line-framing.js';

/** The NFC Forum Type 2 tags an NDEF profile models, by user memory (NTAG213/215/216 datasheet §8.5). */
export const NDEF_TAGS = ['ntag213', 'ntag215', 'ntag216'] as const;
export type NdefTag = (typeof NDEF_TAGS)[number];

export const Pn532FramingSchema = z.strictObject({
  kind: z.literal('pn532'),
  /** nfc-ndef only: the tag the patron presents, which bounds the NDEF message it can carry. */
  tag: z.enum(NDEF_TAGS).optional(),
});

export const FramingSchema = z.discriminatedUnion('kind', [LineFramingSchema, Pn532FramingSchema]);
export type Framing = z.infer<typeof FramingSchema>;
export type LineFraming = z.infer<typeof LineFramingSchema>;

/** Time from "credential in the field of view" to the first byte leaving the reader. */
export const DecodeTimeSchema = z.discriminatedUnion('dist', [
  z.strictObject({ dist: z.literal('fixed'), ms }),
  z
    .strictObject({ dist: z.literal('uniform'), minMs: ms, maxMs: ms })
    .refine((d) => d.minMs <= d.maxMs, { message: 'minMs must be <= maxMs', path: ['maxMs'] }),
  z.strictObject({
    dist: z.literal('lognormal'),
    medianMs: z.number().finite().positive(),
    /** Standard deviation of ln(ms). */
    sigma: z.number().finite().min(0).max(3),
    /** Optional cap: a reader times out its decode attempt (Honeywell "Read time-out"). */
    maxMs: z.number().finite().positive().optional(),
  }),
]);
export type DecodeTime = z.infer<typeof DecodeTimeSchema>;

export const TimingSchema = z.strictObject({
  decode: DecodeTimeSchema,
  /** The host suppresses the same credential read again within this window. */
  sameCodeDelayMs: ms,
  /** USB-CDC only: data reaches the host once per USB frame (1 ms at full speed). */
  usbFrameMs: z.number().finite().positive().optional(),
});
export type Timing = z.infer<typeof TimingSchema>;

export const ErrorModelSchema = z.strictObject({
  /** Per attempt: the reader fails to decode and the patron must hold it longer. */
  noReadRate: rate,
  /** Per successful read: the frame is sent twice (suppressed host-side). */
  duplicateRate: rate,
  /** Per attempt: one byte is corrupted on the wire (the decoder must notice). */
  garbleRate: rate,
});
export type ErrorModel = z.infer<typeof ErrorModelSchema>;

export const CREDENTIAL_KINDS = ['qr', 'nfc-uid', 'nfc-ndef'] as const;

export const SerialProfileSchema = z
  .strictObject({
    transport: z.literal('serial'),
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes'),
    description: z.string().min(1),
    /** The hardware documentation the profile is modelled on (title, section, URL). */
    reference: z.string().min(1),
    credential: z.enum(CREDENTIAL_KINDS),
    serial: SerialSettingsSchema,
    framing: FramingSchema,
    timing: TimingSchema,
    errors: ErrorModelSchema,
  })
  .superRefine((p, ctx) => {
    // A PN532 reports a tag's UID (InListPassiveTarget) or reads its NDEF message (InDataExchange).
    if (p.framing.kind === 'pn532' && p.credential === 'qr') {
      ctx.addIssue({
        code: 'custom',
        path: ['credential'],
        message:
          'pn532 framing carries InListPassiveTarget UIDs or NDEF records: credential must be "nfc-uid" or "nfc-ndef"',
      });
    }
    if (p.credential === 'nfc-ndef') {
      if (p.framing.kind !== 'pn532') {
        ctx.addIssue({
          code: 'custom',
          path: ['framing', 'kind'],
          message: 'nfc-ndef records are read through a PN532: framing kind must be "pn532"',
        });
      } else if (p.framing.tag === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['framing', 'tag'],
          message: `an nfc-ndef profile names its tag: one of ${NDEF_TAGS.join(', ')}`,
        });
      }
    } else if (p.framing.kind === 'pn532' && p.framing.tag !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['framing', 'tag'],
        message: 'tag is only for nfc-ndef profiles',
      });
    }
  });
export type SerialProfile = z.infer<typeof SerialProfileSchema>;

/**
 * USB HID report formats (see `devices/framing/hid-pos.ts` and `hid-keyboard.ts` for the bytes):
 * - `pos`: the HID Point of Sale Bar Code Scanner page 0x8C (HID POS Usage Tables 1.02), 64-byte
 *   input reports carrying the decoded data with its AIM id.
 * - `keyboard`: boot-protocol keyboard reports (HID 1.11 Appendix B.1, 8 bytes), one key-down and
 *   one key-up per character: the scanner "types" the code.
 */
export const HID_REPORT_FORMATS = ['pos', 'keyboard'] as const;
export type HidReportFormat = (typeof HID_REPORT_FORMATS)[number];

/** HID Usage Tables 1.4 §3: page 0x01 Generic Desktop (keyboard = usage 0x06), 0x8C Bar Code Scanner. */
export const USAGE_PAGE_GENERIC_DESKTOP = 0x01;
export const USAGE_PAGE_BAR_CODE_SCANNER = 0x8c;
/** The report sizes the decoders implement: HID POS 64 bytes, boot keyboard 8 bytes. */
export const HID_REPORT_SIZE: Readonly<Record<HidReportFormat, number>> = { pos: 64, keyboard: 8 };

export const HidSettingsSchema = z
  .strictObject({
    reportFormat: z.enum(HID_REPORT_FORMATS),
    /** The top-level collection's usage page (what `node-hid` `devices()` reports). */
    usagePage: z.number().int().min(0).max(0xffff),
    /** Input report size in bytes, report id included. */
    reportSize: z.number().int().positive().max(64),
    /**
     * The interrupt IN endpoint's bInterval (USB 2.0 §9.6.6): the host polls once per interval
     * and the device hands over at most one report per poll.
     */
    pollIntervalMs: z.number().finite().positive().max(255),
  })
  .superRefine((h, ctx) => {
    const size = HID_REPORT_SIZE[h.reportFormat];
    if (h.reportSize !== size) {
      ctx.addIssue({
        code: 'custom',
        path: ['reportSize'],
        message: `${h.reportFormat} reports are ${size} bytes`,
      });
    }
    const page =
      h.reportFormat === 'pos' ? USAGE_PAGE_BAR_CODE_SCANNER : USAGE_PAGE_GENERIC_DESKTOP;
    if (h.usagePage !== page) {
      ctx.addIssue({
        code: 'custom',
        path: ['usagePage'],
        message: `${h.reportFormat} readers use usage page ${page} (0x${page.toString(16)})`,
      });
    }
  });
export type HidSettings = z.infer<typeof HidSettingsSchema>;

/** HID POS: the report carries length, AIM id and a continuation flag; nothing to configure. */
export const HidPosFramingSchema = z.strictObject({ kind: z.literal('hid-pos') });
/** A keyboard wedge types the data, then the suffix key (Honeywell/Zebra "Suffix": Enter or Tab). */
export const HidKeyboardFramingSchema = z.strictObject({
  kind: z.literal('hid-keyboard'),
  /** Key layout the host interprets keycodes with; only US is implemented. */
  layout: z.literal('us'),
  suffix: z.enum(['ENTER', 'TAB']),
});
export const HidFramingSchema = z.discriminatedUnion('kind', [
  HidPosFramingSchema,
  HidKeyboardFramingSchema,
]);
export type HidFraming = z.infer<typeof HidFramingSchema>;
export type HidKeyboardFraming = z.infer<typeof HidKeyboardFramingSchema>;

/**
 * How an NFC keyboard wedge types a UID: the first 4 UID bytes as one unsigned 32-bit number in
 * 10 zero-padded decimal digits (the "10-digit decimal" / "10H→10D" output of EM/Mifare wedge
 * readers). `uidByteOrder` says which UID byte is the number's most significant one: `msb-first`
 * reads UID0 as the high byte, `lsb-first` (the "reversed" setting) reads UID0 as the low byte.
 */
export const UidFormatSchema = z.strictObject({
  kind: z.literal('decimal10'),
  uidByteOrder: z.enum(['msb-first', 'lsb-first']),
});
export type UidFormat = z.infer<typeof UidFormatSchema>;

/** HID timing: the poll interval paces reports, so the USB-CDC frame setting does not apply. */
export const HidTimingSchema = TimingSchema.omit({ usbFrameMs: true });

export const HidProfileSchema = z
  .strictObject({
    transport: z.literal('hid'),
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes'),
    description: z.string().min(1),
    reference: z.string().min(1),
    credential: z.enum(['qr', 'nfc-uid']),
    hid: HidSettingsSchema,
    framing: HidFramingSchema,
    /** NFC keyboard wedges only: how the UID is typed. */
    uidFormat: UidFormatSchema.optional(),
    timing: HidTimingSchema,
    errors: ErrorModelSchema,
  })
  .superRefine((p, ctx) => {
    if (p.framing.kind !== `hid-${p.hid.reportFormat}`) {
      ctx.addIssue({
        code: 'custom',
        path: ['framing', 'kind'],
        message: `hid.reportFormat ${p.hid.reportFormat} needs framing kind "hid-${p.hid.reportFormat}"`,
      });
    }
    if (p.credential === 'nfc-uid') {
      if (p.framing.kind !== 'hid-keyboard') {
        ctx.addIssue({
          code: 'custom',
          path: ['credential'],
          message: 'an HID nfc-uid reader must be a keyboard wedge (hid-keyboard framing)',
        });
      }
      if (p.uidFormat === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['uidFormat'],
          message: 'an nfc-uid keyboard wedge needs uidFormat',
        });
      }
    } else if (p.uidFormat !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['uidFormat'],
        message: 'uidFormat is only for nfc-uid readers',
      });
    }
  });
export type HidProfile = z.infer<typeof HidProfileSchema>;

export const FirmwareProfileSchema = z.discriminatedUnion('transport', [
  SerialProfileSchema,
  HidProfileSchema,
]);
export type FirmwareProfile = z.infer<typeof FirmwareProfileSchema>;
