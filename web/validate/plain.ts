// The JavaScript half of validation: what the C++ core cannot see because
// JSON cannot carry it, or because JSON.stringify would silently change it
// (undefined, functions, symbols, BigInt, NaN/Infinity, Dates and other class
// instances, cycles, sparse arrays, getters and Proxy traps that throw, lone
// surrogates). The walk reads every property exactly once into a fresh copy,
// so the text handed to the core is exactly what was checked, and it is
// iterative with HoneyHive's depth limits applied on the way down, so even
// 100,000-deep input cannot overflow the JavaScript stack. Hostile sizes
// cost little: lengths are checked before anything is read or copied (an
// array of length 2**32-1, a Proxy claiming 1e6 items, a 100 MB string),
// and the walk stops at the first issue past maxIssues.
import { issue, type FeedbackIssue } from '../errors.js';

export interface WalkLimits {
  maxObjectDepth: number;
  maxArrayDepth: number;
  /** Stop after this many values: nothing that large fits one update. */
  maxNodes: number;
  /** Stop at the first issue past this many (the core's cap, reported the same way). */
  maxIssues: number;
  // Sizes are checked on lengths before anything is copied or scanned: a
  // UTF-16 length is a lower bound of the UTF-8 size, so a string longer
  // than the cap is too long whatever it holds.
  maxStringBytes: number;
  maxKeyBytes: number;
  maxTotalBytes: number;
}

export interface PlainJson {
  /** JSON text of the checked copy; '' when the top level was unusable. */
  text: string;
  issues: FeedbackIssue[];
  /** False when the walk stopped early; the core is then not consulted. */
  complete: boolean;
}

type Container = Record<string, unknown> | unknown[];

// One value still to read. Its path is made only when something needs it
// (an issue, or the prefix of a container's children): building a string
// per value cost more than the rest of the walk of a small feedback.
interface Frame {
  /** Path of the container it is read from. */
  base: string;
  key: string | number;
  /** The container it is read from, and the copy it is written into. */
  source: Record<string | number, unknown>;
  parent: Container;
  objectDepth: number;
  arrayDepth: number;
}

function pathOf(frame: Frame): string {
  const key = frame.key;
  return typeof key === 'number' ? `${frame.base}.${key}` : `${frame.base}.${key.length > 200 ? key.slice(0, 200) + '...' : key}`;
}

// Marks the end of a container's children: it leaves the current path.
interface Exit {
  exit: object;
}

const hasIsWellFormed = typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === 'function';
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function wellFormed(s: string): boolean {
  return hasIsWellFormed ? (s as unknown as { isWellFormed(): boolean }).isWellFormed() : !LONE_SURROGATE.test(s);
}


function className(value: object): string {
  try {
    const ctor = (value as { constructor?: { name?: unknown } }).constructor;
    return ctor && typeof ctor.name === 'string' && ctor.name ? ctor.name : 'an object with a custom prototype';
  } catch {
    return 'an object with a custom prototype';
  }
}

function typeIssue(frame: Frame, value: unknown, limits: WalkLimits): FeedbackIssue | undefined {
  switch (typeof value) {
    case 'undefined':
      return issue(pathOf(frame), 'unsupported_type', 'undefined would be dropped by JSON; leave the field out');
    case 'function':
      return issue(pathOf(frame), 'unsupported_type', 'a function cannot be sent as feedback');
    case 'symbol':
      return issue(pathOf(frame), 'unsupported_type', 'a symbol cannot be sent as feedback');
    case 'bigint':
      return issue(pathOf(frame), 'unsupported_type', 'a BigInt cannot be sent as JSON; convert it to a number or string');
    case 'number':
      return Number.isFinite(value)
        ? undefined
        : issue(pathOf(frame), 'non_finite_number', `${String(value)} is not a finite number; JSON would turn it into null`);
    case 'string':
      if (value.length > limits.maxStringBytes) {
        return issue(
          pathOf(frame),
          'string_too_long',
          `string is at least ${value.length} bytes; at most ${limits.maxStringBytes} are allowed`,
        );
      }
      return wellFormed(value)
        ? undefined
        : issue(pathOf(frame), 'lone_surrogate', 'string contains a lone UTF-16 surrogate, which is not valid Unicode');
    default:
      return undefined;
  }
}

/** An array item that failed keeps its index with a placeholder; an object's is left out. */
function drop(frame: Frame): void {
  if (Array.isArray(frame.parent)) frame.parent[frame.key as number] = placeholderFor(pathOf(frame));
}

function placeholderFor(path: string): unknown {
  // Keeps array indices (and so the core's paths) stable when an item is
  // dropped; an empty object where the core expects one avoids a second,
  // misleading issue about the same item.
  return /^feedback\.edits\.\d+$/.test(path) ? {} : 0;
}

/** Checks `value` and returns the JSON text of a faithful, plain copy. */
export function toPlainJson(value: unknown, limits: WalkLimits): PlainJson {
  const issues: FeedbackIssue[] = [];
  let root: Record<string, unknown>;
  try {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      const what = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
      issues.push(issue('feedback', 'not_an_object', `feedback must be an object, not ${what}`));
      return { text: '', issues, complete: false };
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      issues.push(
        issue('feedback', 'not_plain_object', `feedback must be a plain object, not ${className(value)}`),
      );
      return { text: '', issues, complete: false };
    }
  } catch {
    issues.push(issue('feedback', 'getter_threw', 'reading the feedback object threw'));
    return { text: '', issues, complete: false };
  }
  root = Object.create(null) as Record<string, unknown>;

  const onPath = new Set<object>();
  const stack: Array<Frame | Exit> = [];
  let nodes = 0;
  let bytes = 2;
  let complete = true;
  let stopped = false;
  // The core's cap, the core's wording: past it the walk stops at once
  // ({a: new Array(1e5)} listed 100,001 holes before the cap applied).
  const add = (found: FeedbackIssue): void => {
    if (stopped) return;
    if (issues.length >= limits.maxIssues) {
      issues.push(
        issue('feedback', 'too_many_issues', `more than ${limits.maxIssues} problems; only the first are listed`),
      );
      stopped = true;
      complete = false;
      return;
    }
    issues.push(found);
  };
  const tooLarge = (what: string): void => {
    if (stopped) return;
    issues.push(issue('feedback', 'too_large', what));
    stopped = true;
    complete = false;
  };
  // Counted as each key or string is met, before it is scanned or copied.
  const spend = (n: number): boolean => {
    bytes += n;
    if (bytes <= limits.maxTotalBytes) return true;
    tooLarge(`serialized feedback is more than ${limits.maxTotalBytes} bytes, the most one update holds`);
    return false;
  };

  const pushChildren = (source: object, copy: Container, path: string, od: number, ad: number): boolean => {
    onPath.add(source);
    stack.push({ exit: source });
    const from = source as Record<string | number, unknown>;
    if (Array.isArray(source)) {
      const arr = copy as unknown[];
      const length = source.length;
      for (let i = length - 1; i >= 0 && !stopped; i--) {
        if (!(i in source)) {
          const childPath = `${path}.${i}`;
          add(issue(childPath, 'sparse_array', 'arrays must not have holes; JSON would fill them with null'));
          arr[i] = placeholderFor(childPath);
          continue;
        }
        stack.push({ base: path, key: i, source: from, parent: arr, objectDepth: od, arrayDepth: ad });
      }
    } else {
      const keys = Object.keys(source);
      if (keys.length > limits.maxNodes - nodes) {
        tooLarge(`feedback has more than ${limits.maxNodes} values`);
        return false;
      }
      for (let i = keys.length - 1; i >= 0 && !stopped; i--) {
        const key = keys[i] as string;
        const frame: Frame = { base: path, key, source: from, parent: copy, objectDepth: od, arrayDepth: ad };
        if (key.length > limits.maxKeyBytes) {
          add(issue(pathOf(frame), 'key_too_long', `key is at least ${key.length} bytes; at most ${limits.maxKeyBytes} are allowed`));
          continue;
        }
        if (!spend(key.length + 3)) return false;
        if (!wellFormed(key)) {
          add(issue(pathOf(frame), 'lone_surrogate', 'key contains a lone UTF-16 surrogate'));
          continue;
        }
        stack.push(frame);
      }
    }
    return true;
  };

  try {
    pushChildren(value, root, 'feedback', 0, 0);
  } catch {
    issues.push(issue('feedback', 'getter_threw', 'listing the keys of the feedback object threw'));
    return { text: '', issues, complete: false };
  }

  // Children are read from their parent when popped (not when pushed) so a
  // throwing getter is reported at its own path.
  while (stack.length > 0 && !stopped) {
    const top = stack.pop() as Frame | Exit;
    if ('exit' in top) {
      onPath.delete(top.exit);
      continue;
    }
    if (++nodes > limits.maxNodes) {
      tooLarge(`feedback has more than ${limits.maxNodes} values`);
      break;
    }
    const frame = top;
    const parent = frame.parent as Record<string | number, unknown>;
    let child: unknown;
    try {
      child = frame.source[frame.key];
    } catch {
      add(issue(pathOf(frame), 'getter_threw', 'reading this field threw'));
      drop(frame);
      continue;
    }

    if (typeof child !== 'object' || child === null) {
      // Common values first: no issue is possible for a boolean or a finite number.
      if (typeof child === 'boolean' || (typeof child === 'number' && Number.isFinite(child))) {
        parent[frame.key] = child;
        continue;
      }
      const bad = typeIssue(frame, child, limits);
      if (bad) {
        add(bad);
        drop(frame);
        // A dropped string still counts toward the total, as the core counted it.
        if (typeof child === 'string') spend(child.length + 2);
      } else if (typeof child !== 'string' || spend(child.length + 2)) {
        parent[frame.key] = child;
      }
      continue;
    }
    const path = pathOf(frame);

    try {
      if (onPath.has(child)) {
        add(issue(path, 'circular_reference', 'this value contains itself; JSON cannot represent a cycle'));
        drop(frame);
        continue;
      }
      const isArray = Array.isArray(child);
      let od = frame.objectDepth;
      let ad = frame.arrayDepth;
      if (isArray) {
        if (++ad > limits.maxArrayDepth) {
          add(
            issue(path, 'max_array_depth', `arrays are nested ${ad} levels deep here; HoneyHive allows at most ${limits.maxArrayDepth}`),
          );
          drop(frame);
          continue;
        }
      } else {
        const proto = Object.getPrototypeOf(child);
        if (proto !== Object.prototype && proto !== null) {
          add(
            issue(path, 'not_plain_object', `${className(child)} is not plain JSON data; convert it first (e.g. a Date to an ISO string)`),
          );
          drop(frame);
          continue;
        }
        if (++od > limits.maxObjectDepth) {
          add(
            issue(path, 'max_object_depth', `objects are nested ${od} levels deep here; HoneyHive allows at most ${limits.maxObjectDepth}`),
          );
          drop(frame);
          continue;
        }
      }
      let copy: Container;
      if (isArray) {
        // Read once, checked before the copy is allocated or an index read.
        const length = (child as unknown[]).length;
        if (!(length >= 0 && length <= limits.maxNodes - nodes)) {
          tooLarge(`${path} has ${length} items; feedback holds at most ${limits.maxNodes} values`);
          break;
        }
        copy = new Array(length);
      } else {
        copy = Object.create(null) as Record<string, unknown>;
      }
      parent[frame.key] = copy;
      pushChildren(child, copy, path, od, ad);
    } catch {
      add(issue(path, 'getter_threw', 'reading this value threw (a Proxy trap or getter)'));
      drop(frame);
    }
  }

  if (!complete) return { text: '', issues, complete };
  return { text: JSON.stringify(root), issues, complete };
}
