/**
 * The capacity of a `[]interface{}` that encoding/json decoded (arrayInterface starts from an
 * empty slice and appends one element at a time), as Go's runtime grows it on a 64-bit platform
 * (checked against go1.26 for every length up to 5,000; the pinned releases, Fabric 2.5.16 and
 * 3.1.5, build their binaries with go 1.26.4 per their go.mod): text/template's `slice` checks
 * its indexes against that capacity, so `{{slice .list 2 3 4}}` over a 3-element array renders.
 *
 * Growth: a capacity below 256 doubles; from 256 on it grows by a quarter plus 192 until it holds
 * the new length. The byte size (16 per interface) is then rounded up to the allocator's block:
 * a small object takes the smallest size class that holds it (one that holds pointers and is over
 * 512 bytes also carries an 8-byte malloc header inside the block); a large one is rounded up to
 * whole 8 KiB pages. The capacity is what fits in the block.
 */

/** Bytes per element: an empty interface is two words. */
const ELEM_BYTES = 16;
/** Objects up to this size come from size classes; larger ones are whole pages. */
const MAX_SMALL = 32768;
/** Pointerful small objects above this size carry a malloc header in their block. */
const HEADER_ABOVE = 512;
const HEADER_BYTES = 8;
const PAGE_BYTES = 8192;
/** Capacities below this double; above they grow by a quarter. */
const DOUBLING_LIMIT = 256;

/** The allocator's small-object block sizes (size classes 1..67), in bytes. */
const SIZE_CLASSES: readonly number[] = [
  8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256, 288, 320, 352,
  384, 416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152, 1280, 1408, 1536, 1792, 2048, 2304,
  2688, 3072, 3200, 3456, 4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472, 9728, 10240, 10880,
  12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576, 27264, 28672, 32768,
];

/** The capacity append asks for when `newLen` elements no longer fit in `oldCap`. */
function wantedCap(newLen: number, oldCap: number): number {
  if (newLen > 2 * oldCap) return newLen;
  if (oldCap < DOUBLING_LIMIT) return 2 * oldCap;
  let cap = oldCap;
  while (cap < newLen) cap += Math.floor((cap + 3 * DOUBLING_LIMIT) / 4);
  return cap;
}

/** The usable bytes of the block the allocator hands out for a pointerful object of `size` bytes. */
function blockBytes(size: number): number {
  if (size > MAX_SMALL - HEADER_BYTES) return Math.ceil(size / PAGE_BYTES) * PAGE_BYTES;
  const header = size > HEADER_ABOVE ? HEADER_BYTES : 0;
  const block = SIZE_CLASSES.find((c) => c >= size + header);
  if (block === undefined) throw new Error(`no size class holds ${size + header} bytes`);
  return block - header;
}

/** The capacity after growing a full slice of `oldCap` elements to hold `newLen`. */
function grownCap(newLen: number, oldCap: number): number {
  return Math.floor(blockBytes(wantedCap(newLen, oldCap) * ELEM_BYTES) / ELEM_BYTES);
}

/** cap() of the []interface{} encoding/json builds for a JSON array of `len` elements. */
export function decodedCap(len: number): number {
  let cap = 0;
  while (cap < len) cap = grownCap(cap + 1, cap);
  return cap;
}
