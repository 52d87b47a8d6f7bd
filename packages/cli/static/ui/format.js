// Numbers and times as a person reads them (the same forms as the progress line).

/** 1234 → 1,234; 12345 → 12.3k; 2345678 → 2.3M. */
export function compact(n) {
  if (n == null || Number.isNaN(n)) return '–';
  const a = Math.abs(n);
  if (a >= 1e9) return `${(n / 1e9).toFixed(1)}G`;
  if (a >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return Math.round(n).toLocaleString('en-US');
}

/** 8.2 ms, 1.4 s, 12 s, 3.5 min. */
export function span(ms) {
  if (ms == null || Number.isNaN(ms)) return '–';
  const a = Math.abs(ms);
  if (a === 0) return '0';
  if (a < 1) return `${ms.toFixed(2)} ms`;
  if (a < 1000) return `${ms.toFixed(1)} ms`;
  if (a < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (a < 120_000) return `${Math.round(ms / 1000)} s`;
  if (a < 7_200_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

/** 1536 → 1.5 KB. */
export function bytes(n) {
  if (n == null) return '–';
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(1)} GB`;
}

/** Epoch seconds → 14:03:07 (local time). */
export function clock(seconds) {
  const d = new Date(seconds * 1000);
  return d.toLocaleTimeString('en-GB', { hour12: false });
}

/** An offset, short: {"0":{"0":120}} → 0/0:120; 4000 → 4,000. */
export function offset(v) {
  if (v == null) return '–';
  if (typeof v === 'number') return v.toLocaleString('en-US');
  if (typeof v === 'string') return v;
  const text = JSON.stringify(v).replace(/[{}"]/g, '').replace(/,/g, ' ');
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}
