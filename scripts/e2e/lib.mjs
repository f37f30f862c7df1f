// What every browser test needs: a fresh erpd on the demo company (its own
// data directory and ports, DingTalk's sandbox on a known port), and steps
// that stop at the first failure with a screenshot.
//
// ERPD_BIN names an erpd binary (scripts/e2e/run builds one for all the
// tests); without it each test builds its own from ERPD_ROOT (default: this
// checkout).
import { spawn, execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const here = dirname(fileURLToPath(import.meta.url));
export const root = process.env.ERPD_ROOT ? resolve(process.env.ERPD_ROOT) : join(here, '..', '..');
export const out = join(here, 'out');
mkdirSync(out, { recursive: true });

export function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => res(port)); });
  });
}

// startErpd runs `erpd --demo` and waits until it is healthy. env adds to
// (or, with a value of undefined, removes from) the environment. It returns
// the addresses, a scratch directory for the test's own files (work), and
// stop(), which also runs when the process exits, so a test that throws
// leaves no server behind.
export async function startErpd(name, env = {}) {
  const work = mkdtempSync(join(tmpdir(), `erpd-${name}-`));
  let bin = process.env.ERPD_BIN;
  if (!bin) {
    bin = join(work, 'erpd');
    execFileSync('go', ['build', '-o', bin, './cmd/erpd'], { cwd: root, stdio: 'inherit' });
  }
  const port = await freePort();
  let sandboxPort = await freePort();
  while (sandboxPort === port) sandboxPort = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const full = { ...process.env, ERP_DATA_DIR: join(work, 'data'), ERP_HTTP_ADDR: `127.0.0.1:${port}`, ERP_LOG_LEVEL: 'error',
    ERP_DEMO_SANDBOX_ADDR: `127.0.0.1:${sandboxPort}`, ...env };
  for (const k of Object.keys(full)) if (full[k] === undefined) delete full[k];
  const server = spawn(bin, ['--demo'], { stdio: ['ignore', 'ignore', 'inherit'], env: full });
  let exited = false;
  server.on('exit', () => { exited = true; });
  const stop = () => {
    if (!exited) server.kill('SIGTERM');
    rmSync(work, { recursive: true, force: true });
  };
  process.on('exit', stop);
  for (let i = 0; ; i++) {
    if (exited) throw new Error('erpd exited during start-up');
    try {
      if ((await fetch(base + '/healthz')).ok) break;
    } catch { /* not up yet */ }
    if (i > 300) throw new Error('erpd did not become healthy');
    await new Promise((r) => setTimeout(r, 100));
  }
  return { base, port, sandbox: `http://127.0.0.1:${sandboxPort}`, sandboxPort, work, stop };
}

// stepper runs named steps in order; after the first failure it skips the
// rest and saves a screenshot of page() as out/<failure>.png.
export function stepper(page, failure) {
  const state = { failed: false };
  state.step = async (name, fn) => {
    if (state.failed) return;
    try {
      await fn();
      console.log('ok   ', name);
    } catch (e) {
      state.failed = true;
      console.log('FAIL ', name, '\n', e.stack || e.message);
      const p = typeof page === 'function' ? page() : page;
      await p?.screenshot({ path: join(out, failure + '.png'), fullPage: true }).catch(() => {});
    }
  };
  return state;
}

// watchConsole records script errors and refused requests a page logs,
// except those the test provokes on purpose ([url regexp, text regexp]).
export function watchConsole(page, problems, expected = []) {
  page.on('pageerror', (e) => problems.push('pageerror: ' + e.message));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (expected.some(([url, text]) => url.test(m.location().url) && text.test(m.text()))) return;
    problems.push(`console: ${m.text()} (${m.location().url})`);
  });
}

// totp is RFC 6238's code (SHA-1, 30 s, 6 digits) for a base32 key, as an
// authenticator app computes it.
export function totp(base32, ms) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of base32.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(ms / 1000 / 30)));
  const h = createHmac('sha1', key).update(counter).digest();
  const o = h[h.length - 1] & 0xf;
  return String(((h.readUInt32BE(o) & 0x7fffffff) % 1000000)).padStart(6, '0');
}
