// The stream that undoes a response's Content-Encoding (we send `Accept-Encoding: gzip, deflate, br`, as axios did,
// so an instance or proxy may compress). Like axios, a body cut short still yields what arrived (Z_SYNC_FLUSH): the
// envelope check then sees invalid JSON and the retry policy handles it, rather than a zlib error hiding it.
import type { Transform } from "node:stream";
import zlib from "node:zlib";

const ZLIB_OPTIONS: zlib.ZlibOptions = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
const BROTLI_OPTIONS: zlib.BrotliOptions = {
  flush: zlib.constants.BROTLI_OPERATION_FLUSH,
  finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
};

/** A decoder for the encoding, or undefined when the body is not encoded (or in an encoding we did not ask for). */
export function decompressor(contentEncoding: string | undefined): Transform | undefined {
  switch (contentEncoding?.trim().toLowerCase()) {
    case "gzip":
    case "x-gzip":
    // createUnzip reads both the gzip and the zlib (RFC 1950 "deflate") framings, whichever the header says.
    case "deflate":
      return zlib.createUnzip(ZLIB_OPTIONS);
    case "br":
      return zlib.createBrotliDecompress(BROTLI_OPTIONS);
    default:
      return undefined;
  }
}
