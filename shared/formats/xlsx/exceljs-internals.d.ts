/**
 * Types for the one exceljs module used below its public API: the SAX driver its own
 * readers use. Pinned with exceljs's exact version in package.json (see workbook-reader.ts).
 */
declare module 'exceljs/lib/utils/parse-sax.js' {
  export interface SaxTag {
    name: string;
    attributes: Record<string, string>;
  }
  export type SaxEvent =
    | { eventType: 'opentag'; value: SaxTag }
    | { eventType: 'closetag'; value: SaxTag }
    | { eventType: 'text'; value: string };
  /** Parses XML text (or bytes, decoded chunk by chunk) into batches of events, one per input chunk. */
  export default function parseSax(xml: AsyncIterable<string | Uint8Array>): AsyncGenerator<SaxEvent[]>;
}
