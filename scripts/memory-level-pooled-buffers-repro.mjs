// memory-level 3 stores the pooled Buffer slices its encodings make, and each keeps an 8 KiB pool alive: a
// repro for the upstream report in docs/memory-level-pooled-buffers.md. Run from the repository:
// `node scripts/memory-level-pooled-buffers-repro.mjs`. Exits 0 when the bug reproduces (the default store
// holds more than 4 KiB outside the heap per 1 KiB value), 1 when it holds about the values' size.
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const require = createRequire(import.meta.url);
// The memory-level that dynalite stores in (dynalite 4.0.0 depends on memory-level ^3.0.0).
const { MemoryLevel } = createRequire(require.resolve('dynalite'))('memory-level');
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc');
/** A full collection, twice over a turn of the event loop: Buffers' memory is freed after their objects. */
async function gc() {
  collect();
  await new Promise((resolve) => setImmediate(resolve));
  collect();
}

const VALUES = 20_000;
const value = { payload: 'x'.repeat(900) };

/** KiB held outside the JavaScript heap per value stored, after a full collection. */
async function externalPerValue(storeEncoding) {
  const db = new MemoryLevel({ valueEncoding: 'json', ...(storeEncoding ? { storeEncoding } : {}) });
  await db.open();
  await gc();
  const before = process.memoryUsage().external;
  for (let n = 0; n < VALUES; n++) {
    await db.put(`key-${n}`, value);
    // Between two puts, a server makes other small, short-lived Buffers (request bodies, hashes…).
    for (let k = 0; k < 8; k++) Buffer.from('y'.repeat(1000));
  }
  await gc();
  const perValue = (process.memoryUsage().external - before) / VALUES / 1024;
  await db.close();
  return perValue;
}

const pooled = await externalPerValue(undefined);
const utf8 = await externalPerValue('utf8');
console.log(`values of ${JSON.stringify(value).length} bytes, ${VALUES} of them`);
console.log(`storeEncoding 'buffer' (the default): ${pooled.toFixed(2)} KiB outside the heap per value`);
console.log(`storeEncoding 'utf8':                 ${utf8.toFixed(2)} KiB outside the heap per value`);
if (pooled > 4) {
  console.log('REPRODUCED: each stored value keeps a pool of 8 KiB alive');
  process.exit(0);
}
console.log('not reproduced: the default store holds about the size of its values');
process.exit(1);
