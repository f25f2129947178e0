/**
 * The firmware-profile schema: one data file per reader model, describing the bytes and timing
 * that model produces. Unknown keys are errors (k6's scenario `Validate()` is the model: a typo
 * must not silently fall back to a default).
 *
 * Discriminated on `transport`: `'serial'` now; the HID side adds a `'hid'` member to
 * `FirmwareProfileSchema` (extension point: add its object schema to the union below).
 */
import { z } from 'zod';

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

/** Suffix names as scanner configuration guides spell them (Honeywell/Zebra "Suffix" menus). */
export const LINE_SUFFIXES = ['CRLF', 'CR', 'LF', 'TAB', 'ETX'] as const;
export type LineSuffix = (typeof LINE_SUFFIXES)[number];

/**
 * An AIM symbology identifier: `]`, a code character, a modifier character
 * (ISO/IEC 15424:2008 §4: e.g. `]Q1` = QR Code model 2, `]d2` = Data Matrix ECC200 with FNC1).
 */
export const AIM_ID = /^\][A-Za-z][0-9A-Za-z]$/;

export const LineFramingSchema = z
  .strictObject({
    kind: z.literal('line'),
    /** Sent before every code: '' or an AIM id such as `]Q1` (then `aim` must be true). */
    prefix: z.string().max(16),
    /** True when the reader transmits an AIM symbology identifier before the data. */
    aim: z.boolean(),
    suffix: z.enum(LINE_SUFFIXES),
  })
  .superRefine((f, ctx) => {
    if (f.aim && !AIM_ID.test(f.prefix)) {
      ctx.addIssue({
        code: 'custom',
        path: ['prefix'],
        message: 'with aim: true the prefix must be an AIM id like "]Q1"',
      });
    }
    if (!f.aim && AIM_ID.test(f.prefix)) {
      ctx.addIssue({
        code: 'custom',
        path: ['aim'],
        message: 'the prefix is an AIM id: set aim: true',
      });
    }
    if (/[^\x20-\x7e]/.test(f.prefix)) {
      ctx.addIssue({ code: 'custom', path: ['prefix'], message: 'must be printable ASCII' });
    }
  });

export const Pn532FramingSchema = z.strictObject({ kind: z.literal('pn532') });

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
    if (p.framing.kind === 'pn532' && p.credential !== 'nfc-uid') {
      ctx.addIssue({
        code: 'custom',
        path: ['credential'],
        message: 'pn532 framing carries InListPassiveTarget UIDs: credential must be "nfc-uid"',
      });
    }
  });
export type SerialProfile = z.infer<typeof SerialProfileSchema>;

/** Extension point: add the HID profile schema here (`transport: 'hid'`). */
export const FirmwareProfileSchema = z.discriminatedUnion('transport', [SerialProfileSchema]);
export type FirmwareProfile = z.infer<typeof FirmwareProfileSchema>;
