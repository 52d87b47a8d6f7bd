import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser } from './browser.js';
import { type RunningPipe, slowQuickstart, startPipe } from './pipe-process.js';

const screenshots = join(import.meta.dirname, 'screenshots');
const work = mkdtempSync(join(tmpdir(), 'pipekit-ui-'));
const chartIds = ['rates', 'duration', 'watermark', 'quality', 'sinks', 'state'];
let browser: Awaited<ReturnType<typeof openBrowser>>;
let recording = '';

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  browser = await openBrowser();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

/** What the page shows that moves: the figures the test compares between two moments. */
async function snapshot(page: Page) {
  return page.evaluate(() => {
    const text = (sel: string) => document.querySelector(sel)?.textContent ?? '';
    const canvas = (id: string) =>
      (document.querySelector(`#chart-${id} canvas`) as HTMLCanvasElement | null)?.toDataURL() ??
      '';
    return {
      newestBatch: Number(
        document.querySelector('#batches tbody tr')?.getAttribute('data-batch') ?? -1,
      ),
      sourceLive: [...document.querySelectorAll('#dag g.node[data-kind="source"] text.live')]
        .map((t) => t.textContent)
        .join(' | '),
      ratesCanvas: canvas('rates'),
      watermarkCaption: text('#chart-watermark .caption'),
      watermarkCanvas: canvas('watermark'),
    };
  });
}

/** Polls `check` every 200 ms, at most `ms`. */
async function until(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  for (let i = 0; i < ms / 200 && Date.now() < deadline; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function stop(p: RunningPipe): Promise<void> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
  await p.exited;
}

describe('pipe run --ui in headless Chromium', () => {
  it('shows the running quickstart: a box per node, rates and the watermark moving, batches', async () => {
    const run = startPipe(['run', slowQuickstart, '--ui', '--ui-port', '0', '--json'], work, {
      WORK_DIR: work,
    });
    try {
      const url = await run.url;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const page = await browser.context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      await page.goto(url);
      const graph = JSON.parse(run.stdout.split('\n')[0]!) as { type: string; nodes: unknown[] };
      expect(graph.type).toBe('graph');
      // generate → filter → watermark → aggregate → sink
      expect(graph.nodes).toHaveLength(5);
      await page.waitForSelector('#dag g.node', { timeout: 20_000 });
      expect(await page.locator('#dag g.node').count()).toBe(graph.nodes.length);
      await until(
        async () => (await snapshot(page)).newestBatch >= 3,
        30_000,
        'three batches on the page',
      );
      for (const id of chartIds) await page.waitForSelector(`#chart-${id}`, { timeout: 5_000 });
      const first = await snapshot(page);
      expect(first.sourceLive).toMatch(/in [\d.,]+k?\/s · out [\d.,]+k?\/s/);
      await until(
        async () => (await snapshot(page)).newestBatch >= first.newestBatch + 4,
        20_000,
        'four more batches',
      );
      const second = await snapshot(page);
      expect(second.ratesCanvas).not.toBe(first.ratesCanvas);
      expect(second.watermarkCaption).toMatch(/^watermark \d\d:\d\d:\d\d · lag behind the clock/);
      expect(second.watermarkCaption).not.toBe(first.watermarkCaption);
      expect(second.watermarkCanvas).not.toBe(first.watermarkCanvas);
      const checkpoint = await page.locator('#checkpoint').textContent();
      expect(checkpoint).toContain('revenue-per-user');
      expect(checkpoint).toContain(join(work, 'checkpoints', 'revenue-per-user'));
      expect(checkpoint).toMatch(/last committed batch\d+/);
      await page.screenshot({ path: join(screenshots, 'live.png'), fullPage: true });
      await page.locator('#dag').screenshot({ path: join(screenshots, 'live-dag.png') });
      await page.locator('#batches tbody tr').first().click();
      const json = JSON.parse((await page.locator('#batch-json').textContent()) ?? '') as {
        batchId: number;
        sources: { startOffset: unknown; endOffset: unknown }[];
      };
      expect(json.batchId).toBeGreaterThanOrEqual(second.newestBatch);
      expect(json.sources[0]!.endOffset).not.toBeNull();
      await page.screenshot({ path: join(screenshots, 'batch-json.png') });
      await page.keyboard.press('Escape');
      // Stopped, the run says so on the page before its server goes.
      await stop(run);
      await until(
        async () => (await page.locator('#status').textContent()) === 'stopped',
        10_000,
        'the page to say the run stopped',
      );
      await until(
        async () =>
          /the run has ended/.test((await page.locator('#connection').textContent()) ?? ''),
        10_000,
        'the page to say its server is gone',
      );
      expect(errors.filter((e) => !/ERR_CONNECTION_REFUSED|net::/.test(e))).toEqual([]);
      await page.close();
    } finally {
      await stop(run);
    }
    recording = run.stdout;
    expect(recording).toContain('"type":"summary"');
  }, 120_000);

  it('pipe ui --from replays the recorded run into the same page', async () => {
    expect(recording).not.toBe('');
    const file = join(work, 'metrics.jsonl');
    writeFileSync(file, recording);
    const progress = recording.split('\n').filter((l) => l.startsWith('{"type":"progress"'));
    const replay = startPipe(['ui', '--from', file, '--ui-port', '0'], work);
    try {
      const page = await browser.context.newPage();
      await page.goto(await replay.url);
      await page.waitForSelector('#batches tbody tr', { timeout: 20_000 });
      expect(await page.locator('#status').textContent()).toBe('replay');
      expect(await page.locator('#dag g.node').count()).toBe(5);
      for (const id of chartIds) await page.waitForSelector(`#chart-${id}`, { timeout: 5_000 });
      expect(await page.locator('#chart-watermark canvas').count()).toBe(1);
      expect(await page.locator('#batches tbody tr').count()).toBe(Math.min(progress.length, 100));
      const last = JSON.parse(progress.at(-1)!) as { batchId: number };
      expect(await page.locator('#batches tbody tr').first().getAttribute('data-batch')).toBe(
        String(last.batchId),
      );
      expect(await page.locator('#chart-watermark .caption').textContent()).toMatch(/^watermark /);
      await page.screenshot({ path: join(screenshots, 'replay.png'), fullPage: true });
      await page.close();
    } finally {
      await stop(replay);
    }
  }, 60_000);
});
