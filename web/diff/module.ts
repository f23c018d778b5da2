// The standalone diff module (trace_feedback_diff.wasm, bindings/diff_abi.cpp):
// plain C exports, no Emscripten glue. This file instantiates it and runs
// one diff: the texts go in as UTF-8 written straight into its memory, the
// result comes out of a few u32 words and one UTF-8 text, decoded once.
import type { EditDiffOptions } from '../client-types.js';

// The same envelope as every call into the core (a type only: no code of
// the boundary comes along into this chunk).
import type { Envelope } from '../core/boundary.js';
export type { Envelope };

/** `{ edits, edit_stats }`, exactly the feedback fields an edit produces. */
export interface EditDiff {
  edits: Array<Record<string, unknown>>;
  edit_stats: Record<string, number | boolean>;
}

interface DiffExports {
  memory: WebAssembly.Memory;
  tf_diff_alloc(bytes: number): number;
  tf_diff_free(ptr: number): void;
  tf_diff_run(
    original: number, originalBytes: number, edited: number, editedBytes: number,
    present: number, includeText: number, maxSegmentChars: number, maxSegments: number,
  ): number;
  _initialize?: () => void;
}

// What a standalone Emscripten module may import. The diff never prints,
// reads files or exits; these only satisfy the link (an abort is a trap).
const IMPORTS: WebAssembly.Imports = {
  env: { emscripten_notify_memory_growth: () => {} },
  wasi_snapshot_preview1: {
    proc_exit: (code: number) => {
      throw new Error(`trace_feedback_diff.wasm exited (${code})`);
    },
    fd_write: () => 52, // ENOSYS
    fd_close: () => 52,
    fd_seek: () => 52,
    environ_sizes_get: () => 52,
    environ_get: () => 52,
  },
};

export function diffImports(): WebAssembly.Imports {
  return IMPORTS;
}

const OPS = ['insert', 'delete', 'replace'] as const;
const PRESENT_INCLUDE_TEXT = 1;
const PRESENT_MAX_SEGMENT_CHARS = 2;
const PRESENT_MAX_SEGMENTS = 4;

// A key JSON.stringify would keep (undefined, functions and symbols it drops).
function given(v: unknown): boolean {
  return v !== undefined && typeof v !== 'function' && typeof v !== 'symbol';
}
function num(v: unknown): number {
  return typeof v === 'number' ? v : NaN; // NaN: not a number, which the module refuses
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const isWellFormed = (String.prototype as { isWellFormed?: () => boolean }).isWellFormed;
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * The UTF-8 the core has always seen for a JS string. Well-formed text is
 * plain UTF-8 (TextEncoder, native speed). A lone surrogate is encoded as
 * Emscripten's stringToUTF8 did (it joins any surrogate with the next code
 * unit), so edits on such text stay what they were.
 */
function writeText(s: string, heap: Uint8Array, at: number): number {
  const wellFormed = isWellFormed ? isWellFormed.call(s) : !LONE_SURROGATE.test(s);
  if (wellFormed) return encoder.encodeInto(s, heap.subarray(at)).written;
  let o = at;
  for (let i = 0; i < s.length; ++i) {
    let u = s.charCodeAt(i);
    if (u >= 0xd800 && u <= 0xdfff) {
      const u1 = s.charCodeAt(++i);
      u = (0x10000 + ((u & 0x3ff) << 10)) | (u1 & 0x3ff);
    }
    if (u <= 0x7f) {
      heap[o++] = u;
    } else if (u <= 0x7ff) {
      heap[o++] = 0xc0 | (u >> 6);
      heap[o++] = 0x80 | (u & 63);
    } else if (u <= 0xffff) {
      heap[o++] = 0xe0 | (u >> 12);
      heap[o++] = 0x80 | ((u >> 6) & 63);
      heap[o++] = 0x80 | (u & 63);
    } else {
      heap[o++] = 0xf0 | (u >> 18);
      heap[o++] = 0x80 | ((u >> 12) & 63);
      heap[o++] = 0x80 | ((u >> 6) & 63);
      heap[o++] = 0x80 | (u & 63);
    }
  }
  return o - at;
}

/** One instantiated diff module. */
export class DiffModule {
  readonly #x: DiffExports;

  constructor(instance: WebAssembly.Instance) {
    this.#x = instance.exports as unknown as DiffExports;
    this.#x._initialize?.(); // a reactor: runs the C++ static constructors once
  }

  /**
   * Diffs two texts with the `edits` options of the client (validated by
   * the module: the first refused option comes back as an issue).
   */
  run(original: string, edited: string, options: EditDiffOptions | undefined): Envelope<EditDiff> {
    const x = this.#x;
    const o = (options ?? {}) as Record<string, unknown>;
    let present = 0;
    if (given(o.includeText)) present |= PRESENT_INCLUDE_TEXT;
    if (given(o.maxSegmentChars)) present |= PRESENT_MAX_SEGMENT_CHARS;
    if (given(o.maxSegments)) present |= PRESENT_MAX_SEGMENTS;
    const includeText = o.includeText === true ? 1 : o.includeText === false ? 0 : 2;

    // At most 3 UTF-8 bytes per UTF-16 unit (a pair's 4 bytes are 2 units),
    // and one more for a lone surrogate at the very end (4 bytes, 1 unit).
    const aCap = original.length * 3 + 1;
    const input = x.tf_diff_alloc(aCap + edited.length * 3 + 1);
    let out: number;
    try {
      let heap = new Uint8Array(x.memory.buffer);
      const aBytes = writeText(original, heap, input);
      const bBytes = writeText(edited, heap, input + aCap);
      out = x.tf_diff_run(input, aBytes, input + aCap, bBytes, present, includeText, num(o.maxSegmentChars), num(o.maxSegments));
    } finally {
      x.tf_diff_free(input);
    }
    // Read after the call: memory may have grown (a new buffer).
    const buf = x.memory.buffer;
    const w = new Uint32Array(buf, out, 12);
    if (w[0] !== 0) {
      const path = decoder.decode(new Uint8Array(buf, w[1], w[2]));
      const message = decoder.decode(new Uint8Array(buf, w[3], w[4]));
      return { ok: false, errors: [{ path, code: 'invalid_options', message }] };
    }
    const listed = w[1] as number;
    const text = decoder.decode(new Uint8Array(buf, w[10], w[11]));
    const e = new Uint32Array(buf, out + 48, listed * 9);
    const edits: Array<Record<string, unknown>> = [];
    // Keys in sorted order, as the core's JSON always had them.
    for (let i = 0; i < listed * 9; i += 9) {
      const flags = e[i + 4] as number;
      const edit: Record<string, unknown> = { at: e[i + 1] };
      if (flags & 1) edit.from = text.slice(e[i + 5], (e[i + 5] as number) + (e[i + 6] as number));
      if (flags & 4) edit.from_len = e[i + 2];
      edit.op = OPS[e[i] as number];
      if (flags & 8) edit.truncated = true;
      if (flags & 2) edit.value = text.slice(e[i + 7], (e[i + 7] as number) + (e[i + 8] as number));
      if (flags & 4) edit.value_len = e[i + 3];
      edits.push(edit);
    }
    return {
      ok: true,
      value: {
        edit_stats: {
          deleted: w[4] as number,
          edit_distance: w[2] as number,
          exact: w[7] === 1,
          inserted: w[3] as number,
          segments: w[5] as number,
          similarity: new DataView(buf).getFloat64(out + 32, true),
          truncated: w[6] === 1,
        },
        edits,
      },
    };
  }
}
