// Starts the real id06desk binary for the end-to-end tests:
//   $ID06DESK_BIN (default ../build/bin/id06desk relative to frontend/)
//   1. $BIN --data-dir <tmp> admin password --stdin   (stdin: the password)
//   2. $BIN serve --addr 127.0.0.1:0 --data-dir <tmp>
// and reads the URL from the first stdout line with http://127.0.0.1:<port>/.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const frontendDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const ADMIN_PASSWORD = 'e2e-secret-pass';
const URL_RE = /http:\/\/127\.0\.0\.1:\d+\//;
const START_TIMEOUT_MS = 20_000;

export function binaryPath() {
  const bin = process.env.ID06DESK_BIN
    ? path.resolve(process.env.ID06DESK_BIN)
    : path.resolve(frontendDir, '../build/bin/id06desk');
  if (!fs.existsSync(bin)) {
    throw new Error(
      `id06desk binary not found at ${bin}. Build it first, or set ID06DESK_BIN to its path.`,
    );
  }
  return bin;
}

export async function startBackend() {
  const bin = binaryPath();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'id06desk-e2e-'));

  const pw = spawnSync(bin, ['--data-dir', dataDir, 'admin', 'password', '--stdin'], {
    input: ADMIN_PASSWORD + '\n',
    encoding: 'utf8',
    timeout: 20_000,
  });
  if (pw.error || pw.status !== 0) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw new Error(
      `"${bin} admin password --stdin" failed (status ${pw.status}, ${pw.error ?? ''}):\n${pw.stdout}\n${pw.stderr}`,
    );
  }

  const child = spawn(bin, ['serve', '--addr', '127.0.0.1:0', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => (log += d));

  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  const baseURL = await new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => {
      reject(new Error(`no http://127.0.0.1:<port>/ line from "${bin} serve" within ${START_TIMEOUT_MS} ms.\nstdout: ${buf}\nstderr: ${log}`));
    }, START_TIMEOUT_MS);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d) => {
      buf += d;
      const lines = buf.split('\n');
      for (const line of lines) {
        const m = URL_RE.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(m[0]);
          return;
        }
      }
    });
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`"${bin} serve" exited early (code ${code}, signal ${signal}).\nstdout: ${buf}\nstderr: ${log}`));
    });
  }).catch(async (e) => {
    await stop();
    throw e;
  });

  async function stop() {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timeout = new Promise((r) => setTimeout(r, 5_000, 'timeout'));
      if ((await Promise.race([exited, timeout])) === 'timeout') {
        child.kill('SIGKILL');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 2_000))]);
      }
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  }

  return { baseURL, dataDir, stop, stderr: () => log };
}
