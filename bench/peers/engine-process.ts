/**
 * A long-lived engine driver: a child process that takes one command a line on stdin and answers
 * one JSON line on stdout. Lines that are not JSON objects (a JVM's chatter) are dropped.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

export class EngineProcess {
  private readonly child: ChildProcess;
  private readonly answers: string[] = [];
  private waiting: ((line: string) => void) | null = null;
  private exited: string | null = null;

  constructor(
    readonly name: string,
    command: string,
    args: readonly string[],
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'], env });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      if (!line.startsWith('{')) return; // a JVM's chatter (Ivy's resolution report)
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = null;
        w(line);
      } else this.answers.push(line);
    });
    this.child.on('exit', (code, signal) => {
      this.exited = `exited (${code ?? signal})`;
      this.waiting?.(JSON.stringify({ error: `${name} ${this.exited}` }));
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Sends a command and waits (bounded) for its answer. */
  async request(command: string, timeoutMs: number): Promise<Record<string, unknown>> {
    if (this.exited) throw new Error(`${this.name} ${this.exited}`);
    this.child.stdin!.write(`${command}\n`);
    const line =
      this.answers.shift() ??
      (await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${this.name}: no answer within ${timeoutMs} ms`)),
          timeoutMs,
        );
        this.waiting = (l) => {
          clearTimeout(timer);
          resolve(l);
        };
      }));
    const answer = JSON.parse(line) as Record<string, unknown>;
    if (typeof answer.error === 'string') throw new Error(`${this.name}: ${answer.error}`);
    return answer;
  }

  /** Resets the peak RSS of the process tree (Linux: clear_refs 5), so each run has its own. */
  resetPeakRss(): void {
    for (const pid of processTree(this.pid)) {
      try {
        writeFileSync(`/proc/${pid}/clear_refs`, '5');
      } catch {
        // Gone, or not ours: its peak is not counted.
      }
    }
  }

  /** Peak RSS of the process tree since the last reset, MiB (the sum of each process's VmHWM). */
  peakRssMB(): number {
    let kb = 0;
    for (const pid of processTree(this.pid)) {
      const m = /VmHWM:\s+(\d+) kB/.exec(readText(`/proc/${pid}/status`));
      if (m) kb += Number(m[1]);
    }
    return Math.round(kb / 1024);
  }

  /**
   * CPU time (user + system, every thread) of the process tree so far, seconds: the difference
   * over a run is its CPU cost, which a loaded machine stretches far less than its wall time.
   */
  cpuSeconds(): number {
    let ticks = 0;
    for (const pid of processTree(this.pid)) {
      // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
      const stat = readText(`/proc/${pid}/stat`);
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
    }
    return ticks / CLOCK_TICKS;
  }

  /** Closes stdin (the drivers end on EOF), then kills what is left after a bounded wait. */
  async close(): Promise<void> {
    if (this.exited) return;
    this.child.stdin!.end();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        for (const pid of processTree(this.pid).reverse()) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {}
        }
        resolve();
      }, 30_000);
      this.child.on('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/** Linux's USER_HZ: /proc's CPU times are in these ticks a second. */
const CLOCK_TICKS = 100;

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** A process and its descendants (Linux /proc). */
function processTree(root: number): number[] {
  const out: number[] = [];
  const visit = (pid: number) => {
    out.push(pid);
    for (const child of readText(`/proc/${pid}/task/${pid}/children`).split(/\s+/).filter(Boolean))
      visit(Number(child));
  };
  visit(root);
  return out;
}
