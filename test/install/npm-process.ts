import { spawn } from 'node:child_process';

export interface Done {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The environment of a user's shell: the npm_* variables npm sets for the suite's own scripts
 * (workspace, prefix, ...) would make npm and npx in the scratch project act on the monorepo.
 */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!/^npm_/i.test(k) && k !== 'NODE_OPTIONS' && !k.startsWith('VITEST')) env[k] = v;
  return { ...env, NO_UPDATE_NOTIFIER: '1', npm_config_fund: 'false', npm_config_audit: 'false' };
}

/** Runs `command args` in `cwd`; killed after `timeoutMs` (every step of the test is bounded). */
export function run(
  command: string,
  args: readonly string[],
  cwd: string,
  timeoutMs: number,
): Promise<Done> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: userEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
}

/** Like `run`, but a non-zero exit fails with the command's output. */
export async function ok(
  command: string,
  args: readonly string[],
  cwd: string,
  timeoutMs: number,
): Promise<Done> {
  const r = await run(command, args, cwd, timeoutMs);
  if (r.code !== 0)
    throw new Error(
      `${command} ${args.join(' ')} (in ${cwd}) exited ${r.code}\n${r.stdout}\n${r.stderr}`,
    );
  return r;
}
