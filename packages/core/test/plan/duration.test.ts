import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, tryParseDuration } from '../../src/index.js';

describe('durations', () => {
  it.each([
    ['5 seconds', 5_000],
    ['10 minutes', 600_000],
    ['1 hour', 3_600_000],
    ['5s', 5_000],
    ['250ms', 250],
    ['processingTime=5 seconds', 5_000],
    ['processingtime = 30 Seconds', 30_000],
    ['1 day 2 hours', 93_600_000],
    ['1 hour 30 minutes', 5_400_000],
    ['interval 2 minutes', 120_000],
    ['365 days', 31_536_000_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    ['0 seconds', 'positive'],
    ['-5 seconds', 'positive'],
    ['366 days', 'at most 365 days'],
    ['5 fortnights', "unknown unit 'fortnights'"],
    ['', 'empty'],
    ['soon', 'expected a number and a unit'],
  ])('%s is refused (%s)', (text, why) => {
    const r = tryParseDuration(text);
    expect('error' in r && r.error).toContain(why);
  });

  it('prints in the largest whole unit', () => {
    expect(formatDuration(600_000)).toBe('10 minutes');
    expect(formatDuration(1_000)).toBe('1 second');
    expect(formatDuration(1_500)).toBe('1500 milliseconds');
    expect(formatDuration(86_400_000)).toBe('1 day');
  });
});
