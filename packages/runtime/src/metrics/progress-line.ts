import { progressText } from '../progress/progress-text.js';
import type { MetricsListener, QueryProgress } from './node-metrics.js';

export { progressText } from '../progress/progress-text.js';

/** A live progress line on a terminal, redrawn in place (at most every 100 ms). */
export class ProgressLine implements MetricsListener {
  private last = 0;
  private text = '';

  constructor(private readonly out: NodeJS.WriteStream = process.stderr) {}

  onProgress(p: QueryProgress): void {
    this.text = progressText(p);
    const now = Date.now();
    if (now - this.last < 100) return;
    this.last = now;
    this.draw();
  }

  /** Clears the line so another line (a warning) can be printed; the next batch draws it again. */
  clear(): void {
    if (this.text !== '') this.out.write('\r\x1b[2K');
  }

  private draw(): void {
    const width = this.out.columns ?? 120;
    this.out.write(`\r\x1b[2K${this.text.slice(0, width - 1)}`);
  }

  close(): void {
    if (this.text === '') return;
    this.draw();
    this.out.write('\n');
  }
}
