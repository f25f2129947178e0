/** What a decoder yields: the payload of one complete reader frame, still transport-shaped. */
export type DecodedFrame =
  | {
      kind: 'text';
      text: string;
      /** The AIM symbology identifier the reader sent (e.g. `]Q1`), when it sends one. */
      symbology?: string;
    }
  | {
      kind: 'uid';
      /** NFCID1 in uppercase hex, e.g. `04A224B2C35E80`. */
      uid: string;
    }
  | {
      /** The Text record of a tag's NDEF message (NFC Forum Text RTD), read through a PN532. */
      kind: 'ndef';
      text: string;
      /** The UID of the tag that carried it (uppercase hex). */
      uid: string;
    };
