/**
 * The real server as a separate process (`node --import tsx server/main.ts`), for tests that must kill it the
 * hard way: an in-process server (./server.ts) cannot be SIGKILLed without killing the test runner too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { TEST_ADMIN_TOKEN } from '../../support/server.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** What server/main.ts prints once it listens. */
const READY_LINE = 'Sightline is running';

export interface ChildServerOptions {
  /** SQLite file the server opens (env SIGHTLINE_DB). Required. */
  dbPath: string;
  /** Port to listen on, e.g. to restart where a killed server was. Defaults to a free port picked at start. */
  port?: number;
  /** Extra environment for the server, over the test runner's own and SIGHTLINE_ADMIN_TOKEN=TEST_ADMIN_TOKEN. Defaults to {}. */
  env?: Record<string, string>;
  /** How long to wait for the ready line before failing, in ms. Defaults to 20000. */
  readyTimeoutMs?: number;
}

export interface ChildServer {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:40123. */
  url: string;
  port: number;
  process: ChildProcess;
  /** Everything the server wrote to stdout and stderr so far, for failure messages. */
  output(): string;
  /** Sends `signal` and resolves once the process has exited (at once if it already has). */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** A port nobody listens on right now; the server binds it a moment later (a small race, harmless in tests). */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Runs as this user and group when set (spawn's uid/gid, e.g. to test permissions while the tests run as root). */
export interface RunAs {
  uid: number;
  gid: number;
}

function spawnServer(options: ChildServerOptions & { port: number; runAs?: RunAs }): { child: ChildProcess; output: () => string } {
  const { dbPath, env = {}, port, runAs } = options;
  // node itself rather than npx: a signal must reach the server, not a wrapper that leaves it running.
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: repoRoot,
    // A known admin token, so tests read the API with adminHeaders and no token is generated into the test log.
    env: { ...process.env, SIGHTLINE_ADMIN_TOKEN: TEST_ADMIN_TOKEN, ...env, PORT: String(port), SIGHTLINE_DB: dbPath },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...runAs,
  });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => (output += text));
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (output += text));
  return { child, output: () => output };
}

export interface ChildServerExit {
  code: number | null;
  /** Everything the server wrote to stdout and stderr. */
  output: string;
}

/**
 * Starts server/main.ts for a start expected to fail, and resolves with its exit code and output once it exits;
 * a server that comes up instead is killed and reported as exit code null.
 */
export async function runChildServerToExit(options: ChildServerOptions & { runAs?: RunAs }): Promise<ChildServerExit> {
  const { readyTimeoutMs = 20_000 } = options;
  const port = options.port ?? (await findFreePort());
  const { child, output } = spawnServer({ ...options, port });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Server on port ${port} neither exited nor came up within ${readyTimeoutMs} ms. Output:\n${output()}`));
    }, readyTimeoutMs);
    child.stdout!.on('data', () => {
      if (output().includes(READY_LINE)) child.kill('SIGKILL');
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: signal ? null : code, output: output() });
    });
  });
}

/** Starts server/main.ts in a child process and resolves once it prints its ready line. */
export async function startChildServer(options: ChildServerOptions): Promise<ChildServer> {
  const { readyTimeoutMs = 20_000 } = options;
  const port = options.port ?? (await findFreePort());
  const { child, output } = spawnServer({ ...options, port });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => fail(`no "${READY_LINE}" within ${readyTimeoutMs} ms`), readyTimeoutMs);
    const onExit = (code: number | null, signal: string | null) => fail(`exited early (code ${code}, signal ${signal})`);
    const onError = (error: Error) => fail(`could not start: ${error.message}`);
    const onOutput = () => {
      if (!output().includes(READY_LINE)) return;
      settle();
      resolve();
    };
    function settle(): void {
      clearTimeout(timer);
      child.off('exit', onExit).off('error', onError);
      child.stdout!.off('data', onOutput);
    }
    function fail(reason: string): void {
      settle();
      child.kill('SIGKILL');
      reject(new Error(`Server on port ${port}: ${reason}. Output:\n${output()}`));
    }
    child.stdout!.on('data', onOutput);
    child.once('exit', onExit);
    child.once('error', onError);
  });

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    process: child,
    output,
    async kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
