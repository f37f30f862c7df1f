// End-to-end test of DingTalk QR sign-in (钉钉扫码登录) in the admin
// console: erpd on the demo company with its in-process DingTalk sandbox
// standing in for login.dingtalk.com. The office clerk clicks 钉钉扫码登录,
// lands on DingTalk's sign-in page (the sandbox's, where choosing a person
// is the scan), and comes back signed in; a callback whose state this tab
// did not start is refused on the page.
//
//   cd scripts/e2e && npm ci && node qrlogin.mjs
//
// Screenshots go to scripts/e2e/out/ (qr-*.png).
import { chromium } from 'playwright-core';
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const out = join(here, 'out');
mkdirSync(out, { recursive: true });

const freePort = () => new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
});

const work = mkdtempSync(join(tmpdir(), 'erpd-qr-'));
const bin = join(work, 'erpd');
execFileSync('go', ['build', '-o', bin, './cmd/erpd'], { cwd: root, stdio: 'inherit' });
const port = await freePort();
const sandboxPort = await freePort();
const base = `http://127.0.0.1:${port}`;
const server = spawn(bin, ['--demo'], {
  stdio: ['ignore', 'ignore', 'inherit'],
  env: { ...process.env, ERP_DATA_DIR: join(work, 'data'), ERP_HTTP_ADDR: `127.0.0.1:${port}`, ERP_LOG_LEVEL: 'error',
    ERP_DEMO_SANDBOX_ADDR: `127.0.0.1:${sandboxPort}` },
});
let exited = false;
server.on('exit', () => { exited = true; });
process.on('exit', () => server.kill('SIGTERM')); // also when a step throws
for (let i = 0; ; i++) {
  if (exited) throw new Error('erpd exited during start-up');
  try {
    if ((await fetch(base + '/healthz')).ok) break;
  } catch { /* not up yet */ }
  if (i > 300) throw new Error('erpd did not become healthy');
  await new Promise((r) => setTimeout(r, 100));
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
const problems = [];
page.on('pageerror', (e) => problems.push('pageerror: ' + e.message));
page.on('console', (m) => {
  if (m.type() === 'error' && !/\/api\/v1\/auth\/dingtalk\/qr/.test(m.location().url)) problems.push(`console: ${m.text()} (${m.location().url})`);
});
let failed = false;
async function step(name, fn) {
  if (failed) return;
  try {
    await fn();
    console.log('ok   ', name);
  } catch (e) {
    failed = true;
    console.log('FAIL ', name, '\n', e.stack || e.message);
    await page.screenshot({ path: join(out, 'qr-failure.png'), fullPage: true }).catch(() => {});
  }
}

try {
  await step('the login page offers DingTalk QR sign-in, which goes to DingTalk', async () => {
    await page.goto(base + '/console/login?next=/stock');
    await page.locator('[data-test=dingtalk-qr]').click();
    await page.waitForURL((u) => u.port === String(sandboxPort) && u.pathname === '/oauth2/auth');
    const u = new URL(page.url());
    assert.equal(u.searchParams.get('redirect_uri'), base + '/console/login/dingtalk');
    assert.equal(u.searchParams.get('scope'), 'openid');
    await page.locator('button[data-userid=ding_jingli]').waitFor();
    await page.screenshot({ path: join(out, 'qr-dingtalk.png') });
  });

  await step('scanning as 陈经理 comes back signed in, on the page asked for', async () => {
    await page.locator('button[data-userid=ding_jingli]').click();
    await page.waitForURL(base + '/console/stock');
    await page.locator('.el-header .user', { hasText: '陈经理' }).waitFor();
    await page.screenshot({ path: join(out, 'qr-signed-in.png') });
  });

  await step('a callback this tab did not start is refused on the page', async () => {
    const other = await browser.newPage({ locale: 'zh-CN' });
    other.on('pageerror', (e) => problems.push('pageerror: ' + e.message));
    await other.goto(base + '/console/login/dingtalk?authCode=abc&state=' + 'ab'.repeat(16));
    await other.locator('.el-alert--error', { hasText: '重新扫码' }).waitFor();
    await other.close();
  });

  await step('cancelling on DingTalk\'s page returns to a clear message', async () => {
    const other = await browser.newPage({ locale: 'zh-CN' });
    await other.goto(base + '/console/login');
    await other.locator('[data-test=dingtalk-qr]').click();
    await other.waitForURL((u) => u.pathname === '/oauth2/auth');
    await other.getByRole('button', { name: '取消' }).click();
    await other.locator('.el-alert--error', { hasText: '未完成扫码授权' }).waitFor();
    await other.close();
  });

  await step('no script errors', async () => {
    assert.deepEqual(problems, []);
  });
} finally {
  await browser.close();
  server.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
}
if (failed) process.exit(1);
