/*
 * Heap of the watch caches per KubeVirt-shaped VMI, kept whole (as client-node's informer did)
 * and trimmed (src/provisioning/cache/trim.ts), issue #22. Each VMI is parsed from its own JSON
 * text, as a list or watch response delivers it.
 *
 *   yarn workspace @runner-fleet/plugin-runners-backend bench:cache-heap [count]
 *
 * Target (issue #22): < 150 MiB of cache for 10,000 VMIs.
 */
import { kubevirtVmi, vmiHeap } from './lib/vmiFixture';

const COUNT = Number(process.argv[2] ?? 10_000);

const json = JSON.stringify(kubevirtVmi(1)).length;
const whole = vmiHeap(COUNT, false);
const trimmed = vmiHeap(COUNT, true);
const kib = (b: number) => (b / 1024).toFixed(2);
const mib = (b: number) => (b / 1024 / 1024).toFixed(1);
console.log(`VMIs: ${COUNT}; JSON per VMI: ${kib(json)} KiB`);
console.log(
  `whole:   ${kib(whole / COUNT)} KiB heap per VMI, ${mib(whole)} MiB total`,
);
console.log(
  `trimmed: ${kib(trimmed / COUNT)} KiB heap per VMI, ${mib(
    trimmed,
  )} MiB total`,
);
console.log(
  `at 10,000 VMIs: whole ${mib((whole / COUNT) * 10_000)} MiB, trimmed ${mib(
    (trimmed / COUNT) * 10_000,
  )} MiB (target < 150 MiB)`,
);
