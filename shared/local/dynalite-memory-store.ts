import { createRequire } from 'node:module';

/**
 * dynalite without a data folder stores in memory-level, whose default store encoding keeps each key and value
 * as the Buffer the JSON encoding made with `Buffer.from(string)`. Below 4 KiB, Node cuts such a Buffer from a
 * shared 8 KiB pool, and a stored slice keeps its whole pool alive: between two puts the HTTP server, the SDK's
 * hashing and dynalite's own parsing take the rest of the pool, so each small item held about 9 KiB outside the
 * JavaScript heap for its ~1 KiB (a Distributed Map of 2,000 items grew the process's external memory by 98 KB
 * per item, for under 7 KB written). Each pooled key and value is copied to memory of its own before it is
 * stored. (The report for upstream: docs/memory-level-pooled-buffers.md.)
 *
 * memory-level is resolved from dynalite's own folder, so the patched class is the one dynalite stores in.
 */
const requireFromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));

interface BatchOperation {
  type: 'put' | 'del';
  key: unknown;
  value?: unknown;
}

interface MemoryStore {
  _put(key: unknown, value: unknown, options: unknown): Promise<void>;
  _batch(operations: BatchOperation[], options: unknown): Promise<void>;
}

const { MemoryLevel } = requireFromDynalite('memory-level') as { MemoryLevel: { prototype: MemoryStore } };

/** The memory-level store that dynalite's in-memory tables use. */
export const MEMORY_STORE_PROTOTYPE: MemoryStore = MemoryLevel.prototype;

/** A Buffer that shares its memory with others (a slice of Node's pool), copied; anything else as it is. */
export function ownBytes<T>(data: T): T {
  if (!Buffer.isBuffer(data) || data.byteLength === data.buffer.byteLength) return data;
  const own = Buffer.allocUnsafeSlow(data.byteLength);
  data.copy(own);
  return own as T;
}

const OWNS_BYTES = Symbol.for('statefold.memoryLevelOwnsBytes');

if (!(OWNS_BYTES in MEMORY_STORE_PROTOTYPE)) {
  const { _put: put, _batch: batch } = MEMORY_STORE_PROTOTYPE;
  Object.assign(MEMORY_STORE_PROTOTYPE, {
    [OWNS_BYTES]: true,
    _put(this: MemoryStore, key: unknown, value: unknown, options: unknown) {
      return put.call(this, ownBytes(key), ownBytes(value), options);
    },
    _batch(this: MemoryStore, operations: BatchOperation[], options: unknown) {
      const owned = operations.map((operation) =>
        operation.type === 'put'
          ? { ...operation, key: ownBytes(operation.key), value: ownBytes(operation.value) }
          : operation,
      );
      return batch.call(this, owned, options);
    },
  });
}
