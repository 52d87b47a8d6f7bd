import { PipekitError } from '../errors/pipekit-error.js';
import { utcMillis } from './time-values.js';

/**
 * Spark datetime patterns (`yyyy-MM-dd HH:mm:ss.SSS`, quoted text in `'...'`) for to_date,
 * to_timestamp, unix_timestamp and date_format. Supported letters: y M d H h m s S a E
 * (E for formatting only). Times are UTC.
 */
export interface DatetimePattern {
  /** Epoch ms, or null when the text does not match the whole pattern. */
  parse(text: string): number | null;
  format(ms: number): string;
}

type Part = { readonly literal: string } | { readonly letter: string; readonly count: number };

const months = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const monthNames = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const dayNames = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const supported = new Set(['y', 'M', 'd', 'H', 'h', 'm', 's', 'S', 'a', 'E']);

function split(pattern: string): Part[] {
  const parts: Part[] = [];
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i] as string;
    if (ch === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end === -1) throw new PipekitError(`unterminated quote in datetime pattern '${pattern}'`);
      parts.push({ literal: end === i + 1 ? "'" : pattern.slice(i + 1, end) });
      i = end + 1;
    } else if (/[A-Za-z]/.test(ch)) {
      let j = i;
      while (pattern[j] === ch) j++;
      if (!supported.has(ch))
        throw new PipekitError(`unsupported letter '${ch}' in datetime pattern '${pattern}'`);
      parts.push({ letter: ch, count: j - i });
      i = j;
    } else {
      parts.push({ literal: ch });
      i++;
    }
  }
  return parts;
}

const escapeText = (s: string): string => s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

function partRegex(p: Part): string {
  if ('literal' in p) return escapeText(p.literal);
  if (p.letter === 'a') return '(am|pm)';
  if (p.letter === 'M' && p.count >= 3) return '([a-z]+)';
  if (p.letter === 'E') throw new PipekitError("pattern letter 'E' can only format, not parse");
  // One letter takes as many digits as come; a run of n letters takes exactly n digits.
  return p.count === 1 ? '(\\d+)' : `(\\d{${p.count}})`;
}

function compile(pattern: string): DatetimePattern {
  const parts = split(pattern);
  const fields = parts.filter((p): p is { letter: string; count: number } => 'letter' in p);
  // Built on first parse: a formatting-only pattern (with E) has no regex.
  let regex: RegExp | undefined;
  return {
    parse(text) {
      regex ??= new RegExp(`^${parts.map(partRegex).join('')}$`, 'i');
      const m = regex.exec(text.trim());
      if (m === null) return null;
      let [y, mo, d, h, mi, s, ms, pm] = [1970, 1, 1, 0, 0, 0, 0, false];
      fields.forEach((f, k) => {
        const raw = m[k + 1] as string;
        const n = Number(raw);
        if (f.letter === 'y') y = f.count === 2 ? 2000 + n : n;
        else if (f.letter === 'M')
          mo = f.count >= 3 ? months.indexOf(raw.slice(0, 3).toLowerCase()) + 1 : n;
        else if (f.letter === 'd') d = n;
        else if (f.letter === 'H' || f.letter === 'h') h = n;
        else if (f.letter === 'm') mi = n;
        else if (f.letter === 's') s = n;
        else if (f.letter === 'S') ms = Number(raw.padEnd(3, '0').slice(0, 3));
        else if (f.letter === 'a') pm = raw.toLowerCase() === 'pm';
      });
      if (fields.some((f) => f.letter === 'h')) h = (h % 12) + (pm ? 12 : 0);
      if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
      const result = utcMillis(y, mo, d, h, mi, s, ms);
      // Reject days past the month's end (Feb 30) instead of rolling over.
      return new Date(result).getUTCDate() === d ? result : null;
    },
    format(ms) {
      const t = new Date(ms);
      return parts
        .map((p) => ('literal' in p ? p.literal : formatField(t, p.letter, p.count)))
        .join('');
    },
  };
}

function formatField(t: Date, letter: string, count: number): string {
  const num = (n: number): string => String(n).padStart(count, '0');
  switch (letter) {
    case 'y':
      return count === 2 ? num(t.getUTCFullYear() % 100) : num(t.getUTCFullYear());
    case 'M':
      if (count === 3) return (monthNames[t.getUTCMonth()] as string).slice(0, 3);
      return count >= 4 ? (monthNames[t.getUTCMonth()] as string) : num(t.getUTCMonth() + 1);
    case 'd':
      return num(t.getUTCDate());
    case 'H':
      return num(t.getUTCHours());
    case 'h':
      return num(t.getUTCHours() % 12 || 12);
    case 'm':
      return num(t.getUTCMinutes());
    case 's':
      return num(t.getUTCSeconds());
    case 'S':
      return String(t.getUTCMilliseconds()).padStart(3, '0').padEnd(count, '0').slice(0, count);
    case 'a':
      return t.getUTCHours() < 12 ? 'AM' : 'PM';
    default: {
      const day = dayNames[t.getUTCDay()] as string;
      return count >= 4 ? day : day.slice(0, 3);
    }
  }
}

const cache = new Map<string, DatetimePattern>();

/** The compiled pattern, cached: a pattern is usually a literal used for every row. */
export function datetimePattern(pattern: string): DatetimePattern {
  let compiled = cache.get(pattern);
  if (compiled === undefined) {
    if (cache.size >= 256) cache.clear();
    compiled = compile(pattern);
    cache.set(pattern, compiled);
  }
  return compiled;
}
