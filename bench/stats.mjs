// Small helpers shared by the benchmark sections: timing, percentiles, and one output row shape.
import { performance } from "node:perf_hooks";

export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export const median = (values) => percentile(values, 50);

export async function time(fn) {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** Runs a and b alternately so machine noise hits both alike. */
export async function interleaved(n, a, b) {
  const ta = [];
  const tb = [];
  for (let i = 0; i < n; i++) {
    ta.push(await time(a));
    tb.push(await time(b));
  }
  return [ta, tb];
}

export const fmt = (ms) => `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
