/*
 * Preloaded into the backend by the benchmark (NODE_OPTIONS=--require ...): once a second it
 * appends the process's memory and CPU time to the file in RUNNER_FLEET_BENCH_PROBE, so the
 * bench can read RSS, heap and CPU of the production build from outside. Never in production.
 */
const { appendFileSync } = require('node:fs');
const { getHeapSpaceStatistics } = require('node:v8');
const { isMainThread } = require('node:worker_threads');

const file = process.env.RUNNER_FLEET_BENCH_PROBE;
// NODE_OPTIONS reaches worker threads and child processes too: only the backend's main thread
// (the process the bench started, which exports its pid) reports.
if (
  file &&
  isMainThread &&
  process.env.RUNNER_FLEET_BENCH_PROBE_PID === undefined
) {
  process.env.RUNNER_FLEET_BENCH_PROBE_PID = String(process.pid);
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    const c = process.cpuUsage();
    appendFileSync(
      file,
      `${JSON.stringify({
        t: Date.now(),
        rss: m.rss,
        heapUsed: m.heapUsed,
        heapTotal: m.heapTotal,
        external: m.external,
        arrayBuffers: m.arrayBuffers,
        // Where the heap is: V8's spaces (old objects, code, large objects, …), used bytes.
        spaces: Object.fromEntries(
          getHeapSpaceStatistics().map(s => [s.space_name, s.space_used_size]),
        ),
        cpuUs: c.user + c.system,
      })}\n`,
    );
  }, 1000);
  timer.unref();
}
