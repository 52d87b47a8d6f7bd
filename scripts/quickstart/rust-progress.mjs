// The Delta addon's Rust build with a line of progress: cargo's "Compiling <crate>" lines counted
// against the crates this build needs (`cargo tree`), with an estimate of the time left. Cargo's
// own output is kept and shown only if the build fails.
import { spawn, spawnSync } from 'node:child_process';

/** How many crates the addon's build compiles: its dependency graph for this machine, unique. */
export function crateCount(cwd) {
  const r = spawnSync(
    'cargo',
    ['tree', '--edges', 'normal,build', '--prefix', 'none', '--format', '{p}'],
    { cwd, encoding: 'utf8', env: { ...process.env, CARGO_TERM_COLOR: 'never' } },
  );
  if (r.status !== 0) return null;
  const crates = new Set(r.stdout.split('\n').map((l) => l.replace(/ \(\*\)$/, '').trim()));
  crates.delete('');
  return crates.size;
}

export function clock(ms) {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** `done` of `total` crates after `elapsed` ms, and a rough time left (crates differ in size). */
export function progressText(done, total, elapsed) {
  if (!total) return `${done} crates compiled, ${clock(elapsed)}`;
  const left =
    done > 0 && done < total ? `, about ${clock((elapsed / done) * (total - done))} left` : '';
  return `${Math.min(done, total)}/${total} crates compiled, ${clock(elapsed)}${left}`;
}

/**
 * Runs `node <buildScript> ...args` and reports progress through `report(line, final)`: on a
 * terminal every change, otherwise every `everyMs`. Resolves with the exit code and the output.
 */
export function buildWithProgress({ cwd, script, args, report, everyMs = 15_000 }) {
  const total = crateCount(cwd);
  const started = Date.now();
  let done = 0;
  let waiting = false;
  let lastShown = 0;
  let output = '';
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CARGO_TERM_COLOR: 'never', CARGO_TERM_PROGRESS_WHEN: 'never' },
    });
    const show = (force) => {
      const now = Date.now();
      if (!force && now - lastShown < everyMs) return;
      lastShown = now;
      report(progressText(done, total, now - started), false);
    };
    const timer = setInterval(() => show(false), everyMs);
    let partial = '';
    const onData = (d) => {
      output += d;
      partial += d;
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (/^\s*Compiling \S+ v/.test(line)) {
          done++;
          show(process.stdout.isTTY === true);
        } else if (/Blocking waiting for file lock/.test(line) && !waiting) {
          waiting = true;
          report('waiting for another build to release the shared cache (cargo lock)', false);
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('close', (code) => {
      clearInterval(timer);
      const elapsed = Date.now() - started;
      report(
        done === 0
          ? `up to date (${clock(elapsed)})`
          : `${done} crates compiled in ${clock(elapsed)}`,
        true,
      );
      resolve({ code: code ?? 1, output });
    });
  });
}
