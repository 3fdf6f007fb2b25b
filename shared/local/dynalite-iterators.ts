import { createRequire } from 'node:module';

/**
 * dynalite 4.0.0 wraps each LevelDB iterator in a stream and, when the stream ends or is destroyed, calls
 * `iterator.return()` to close it. The iterators of abstract-level 3 (under classic-level and memory-level, which
 * dynalite stores in) have no `return`: they close with `close()`. So every Query and Scan left its iterator open,
 * and a LevelDB iterator holds a snapshot that keeps the memtables and table files of its moment alive until the
 * database closes: the local server's memory grew by ~100 KB per execution (a soak of 10,000 executions went
 * from 1.4 to 2.4 GB of RSS while the JavaScript heap stayed at ~100 MB). Giving the iterators the `return`
 * dynalite calls closes each one when its stream is done. (The report for upstream: docs/dynalite-iterators.md.)
 *
 * abstract-level is resolved from dynalite's own folder, so the patched class is the one its stores use.
 */
const requireFromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
const { AbstractIterator } = requireFromDynalite('abstract-level') as {
  AbstractIterator: { prototype: object };
};

/** The base of abstract-level's iterators (entries, keys and values alike). */
export const LEVEL_ITERATOR_PROTOTYPE = Object.getPrototypeOf(AbstractIterator.prototype) as {
  close(): Promise<void>;
  return?: () => Promise<void>;
};

if (typeof LEVEL_ITERATOR_PROTOTYPE.return !== 'function') {
  LEVEL_ITERATOR_PROTOTYPE.return = function closeIterator(this: { close(): Promise<void> }) {
    return this.close();
  };
}
