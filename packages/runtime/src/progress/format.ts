/** 1234 → `1,234`; 12345 → `12.3k`; 2345678 → `2.3M`: counts and rates on one line. */
export function compact(n: number): string {
  const a = Math.abs(n);
  if (a >= 1e9) return `${(n / 1e9).toFixed(1)}G`;
  if (a >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return Math.round(n).toLocaleString('en-US');
}

/** A span of time as a person reads it: `8.2 ms`, `1.4 s`, `12 s`, `3.5 min`, `2.0 h`, `41 d`. */
export function span(ms: number): string {
  const a = Math.abs(ms);
  if (a < 1000) return `${ms.toFixed(1)} ms`;
  if (a < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (a < 120_000) return `${Math.round(ms / 1000)} s`;
  if (a < 7_200_000) return `${(ms / 60_000).toFixed(1)} min`;
  if (a < 172_800_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  return `${Math.round(ms / 86_400_000)} d`;
}
