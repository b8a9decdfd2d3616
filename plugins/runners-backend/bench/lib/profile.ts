import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join, relative } from 'node:path';
import { ROOT } from './stack';

/** The parts of a V8 .cpuprofile the summary reads. */
interface CpuProfile {
  nodes: Array<{
    id: number;
    hitCount?: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
  }>;
  samples?: number[];
  timeDeltas?: number[];
  startTime?: number;
}

/** Now on the monotonic clock V8's profiler stamps samples with (µs). */
export function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/** The functions with the most self time in a profile, as "12.3% name (file:line)". */
export function topSelfTime(
  profile: CpuProfile,
  count = 12,
  window?: [number, number],
): string[] {
  const hitsOf = new Map<number, number>();
  if (window && profile.samples && profile.timeDeltas && profile.startTime) {
    // Only the samples taken inside the window (both on the monotonic clock, µs).
    let t = profile.startTime;
    profile.samples.forEach((id, i) => {
      t += profile.timeDeltas![i];
      if (t >= window[0] && t <= window[1])
        hitsOf.set(id, (hitsOf.get(id) ?? 0) + 1);
    });
  }
  const byFrame = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const hits = window ? hitsOf.get(node.id) ?? 0 : node.hitCount ?? 0;
    if (!hits) continue;
    total += hits;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.startsWith('file://') ? relative(ROOT, url.slice(7)) : url;
    const key = `${functionName || '(anonymous)'} (${file || 'native'}${
      file ? `:${lineNumber + 1}` : ''
    })`;
    byFrame.set(key, (byFrame.get(key) ?? 0) + hits);
  }
  return [...byFrame.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([key, hits]) => `${((hits / total) * 100).toFixed(1)}% ${key}`);
}

/**
 * Summaries of the main-thread .cpuprofile a process wrote into `dir` (node --cpu-prof-dir;
 * the loader's worker thread writes one too, which is skipped), per window of interest.
 */
export function summarizeProfiles(
  dir: string,
  windows: Array<{ name: string; from: number; to: number }>,
  count = 12,
): string[] {
  // Node writes the profile when the process exits normally; a killed process leaves none.
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir).filter(f => f.endsWith('.cpuprofile'));
  const main = files.find(f => /\.0\.\d+\.cpuprofile$/.test(f)) ?? files[0];
  if (!main) return [];
  const profile = JSON.parse(
    readFileSync(join(dir, main), 'utf8'),
  ) as CpuProfile;
  return windows.map(
    w =>
      `${w.name} (${relative(ROOT, join(dir, main))}): ${topSelfTime(
        profile,
        count,
        [w.from, w.to],
      ).join('; ')}`,
  );
}

/** Profiles this process around `fn` with the inspector; writes the profile to `file`. */
export async function profiled<T>(
  file: string,
  fn: () => Promise<T>,
): Promise<{ result: T; top: string[] }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    const result = await fn();
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    return { result, top: topSelfTime(profile as CpuProfile) };
  } finally {
    session.disconnect();
  }
}
