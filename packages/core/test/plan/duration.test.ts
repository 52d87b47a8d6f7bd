import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  delaySchema,
  durationSchema,
  formatDuration,
  parseDuration,
  source,
  tryDurationMs,
  tryParseDuration,
} from '../../src/index.js';

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

  it('zero where Spark takes zero (a watermark delay, a join bound), for strings and numbers alike', () => {
    expect(parseDuration('0 seconds', { allowZero: true })).toBe(0);
    expect(tryDurationMs(0, { allowZero: true })).toEqual({ ms: 0 });
    expect(delaySchema.parse('0 seconds')).toBe(0);
    expect(delaySchema.parse(0)).toBe(0);
    expect(delaySchema.safeParse(-1).success).toBe(false);
    expect(delaySchema.safeParse('-1 seconds').success).toBe(false);
    expect(tryParseDuration('-1 seconds', { allowZero: true })).toEqual({
      error: "'-1 seconds' is not a duration: it must be zero or positive",
    });
  });

  it('still refuses zero elsewhere (a trigger interval, a window), for strings and numbers alike', () => {
    expect(durationSchema.safeParse(0).success).toBe(false);
    expect(durationSchema.safeParse('0 seconds').success).toBe(false);
    expect(tryDurationMs(0)).toEqual({ error: '0 ms is not a duration: it must be positive' });
    expect(tryDurationMs(366 * 86_400_000)).toEqual({
      error: '31622400000 ms is too long: at most 365 days',
    });
  });

  it('lets .watermark() take a zero delay and refuses a negative one, string or number', () => {
    const rows = source.memory({ schema: z.object({ ts: z.coerce.date() }) });
    const delay = (d: '0 seconds' | 0 | -5) => {
      const n = rows.watermark('ts', d).node.op;
      return n.kind === 'watermark' ? n.delay : undefined;
    };
    expect(delay('0 seconds')).toBe(0);
    expect(delay(0)).toBe(0);
    expect(() => delay(-5)).toThrow(
      /\.watermark\(\) delay: -5 ms is not a duration: it must be zero or positive/,
    );
  });

  it('prints zero as seconds', () => {
    expect(formatDuration(0)).toBe('0 seconds');
  });

  it('prints in the largest whole unit', () => {
    expect(formatDuration(600_000)).toBe('10 minutes');
    expect(formatDuration(1_000)).toBe('1 second');
    expect(formatDuration(1_500)).toBe('1500 milliseconds');
    expect(formatDuration(86_400_000)).toBe('1 day');
  });
});
