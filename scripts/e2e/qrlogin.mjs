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
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { out, startErpd, stepper, watchConsole } from './lib.mjs';

const { base, sandboxPort, stop } = await startErpd('qr');

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
const problems = [];
// the refused callbacks are on purpose
watchConsole(page, problems, [[/\/api\/v1\/auth\/dingtalk\/qr/, /./]]);
const run = stepper(page, 'qr-failure');
const { step } = run;

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
  stop();
}
if (run.failed) process.exit(1);
