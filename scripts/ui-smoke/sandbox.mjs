// Browser smoke test of the DingTalk sandbox's training page (/sandbox/):
// it builds and starts dingtalk/sandbox/testdata/serve (a sandbox with a
// seeded org, approvals, cards and a stand-in ERP on the stream), then
// clicks through the page as a newcomer would.
//
//   cd scripts/ui-smoke && npm install && node sandbox.mjs
//
// CHROMIUM (default /usr/bin/chromium) names the browser; SANDBOX_URL uses
// a sandbox already running instead of starting one. Screenshots go to
// scripts/ui-smoke/out/.
import { chromium } from 'playwright-core';
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const out = join(here, 'out');
mkdirSync(out, { recursive: true });

let server;
async function startSandbox() {
  if (process.env.SANDBOX_URL) return process.env.SANDBOX_URL.replace(/\/$/, '');
  const bin = join(mkdtempSync(join(tmpdir(), 'sandbox-ui-')), 'serve');
  execFileSync('go', ['build', '-o', bin, './dingtalk/sandbox/testdata/serve'], { cwd: repo, stdio: 'inherit' });
  const port = 18000 + Math.floor(Math.random() * 2000);
  server = spawn(bin, ['-port', String(port)], { stdio: ['ignore', 'inherit', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      const st = await (await fetch(url + '/sandbox/status')).json();
      if (st.connections > 0) return url; // the stand-in ERP is on the stream
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('sandbox did not start');
}

const results = [];
async function step(name, fn) {
  try {
    await fn();
    results.push([name, true]);
    console.log('ok   ', name);
  } catch (e) {
    results.push([name, false]);
    console.log('FAIL ', name, '\n', e.message);
    await page.screenshot({ path: join(out, 'failure.png'), fullPage: true }).catch(() => {});
  }
}

const base = await startSandbox();
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 1366, height: 860 }, locale: 'zh-CN' });
const consoleErrors = [];
page.on('console', (m) => {
  if (m.type() !== 'error') return;
  // Chromium logs every failed fetch; the steps cause these two on purpose.
  const expected = [[/\/sandbox\/bot\/messages$/, /504/], [/\/sandbox\/departments\/3$/, /404/]];
  if (expected.some(([url, text]) => url.test(m.location().url) && text.test(m.text()))) return;
  consoleErrors.push(`${m.text()} (${m.location().url})`);
});
page.on('pageerror', (e) => consoleErrors.push('pageerror: ' + e.message));
page.on('dialog', (d) => d.accept());
const notice = page.locator('#notice');
async function tab(name) {
  await page.locator('#tabs button', { hasText: name }).click();
  assert.equal(await page.locator('main > section:visible').count(), 1, 'one tab at a time');
}

try {
  await page.goto(base + '/sandbox/');

  await step('picks a user as 当前身份', async () => {
    await page.locator('#who option[value=zhangsan]').waitFor({ state: 'attached' });
    await page.selectOption('#who', 'zhangsan');
    await page.locator('#who-info', { hasText: '销售部' }).waitFor();
    await page.locator('#status', { hasText: 'ERP 连接 1' }).waitFor();
    await page.locator('#org-tree .user.me', { hasText: '张三' }).waitFor();
  });

  await step('approves the seeded instance', async () => {
    await tab('审批');
    const card = page.locator('#ap-list .card', { hasText: '李四提交的销售订单折扣' });
    await card.locator('text=SO-20240518-001').waitFor();
    await card.locator('input').fill('同意，价格合理');
    await card.locator('button', { hasText: /^同意$/ }).click();
    await notice.filter({ hasText: '已同意' }).waitFor();
    await card.waitFor({ state: 'detached' }); // gone from 审批中
    await page.selectOption('#ap-status', 'COMPLETED');
    const done = page.locator('#ap-list .card', { hasText: '李四提交的销售订单折扣' });
    await done.locator('.pill', { hasText: '已同意' }).waitFor();
    await done.locator('li', { hasText: '张三（zhangsan） 审批 同意：同意，价格合理' }).waitFor();
    const [inst] = await (await page.request.get(base + '/sandbox/approvals?status=COMPLETED')).json();
    assert.equal(inst.result, 'agree');
  });

  await step('adds a user (text is escaped)', async () => {
    await tab('通讯录');
    const f = page.locator('#user-form');
    await f.locator('[name=userid]').fill('zhaoliu');
    await f.locator('[name=name]').fill('赵六');
    await f.locator('[name=title]').fill('<b>采购员</b>');
    await f.locator('#user-depts tr', { hasText: '仓储部' }).locator('input[name=dept]').check();
    await f.locator('button[type=submit]').click();
    await notice.filter({ hasText: '赵六 已入职' }).waitFor();
    const row = page.locator('#org-tree .dept', { hasText: '仓储部' }).locator('.user', { hasText: '赵六' });
    await row.locator('text=zhaoliu · <b>采购员</b>').waitFor();
    assert.equal(await page.locator('#org-tree b').count(), 0, 'markup in data must not become elements');
    await page.locator('#who option[value=zhaoliu]').waitFor({ state: 'attached' });
    const org = await (await page.request.get(base + '/sandbox/org')).json();
    assert.deepEqual(org.users.find((u) => u.userid === 'zhaoliu').dept_ids, [3]);
  });

  await step('shows an API error visibly', async () => {
    await page.locator('#org-tree [data-dept="3"] > .head button', { hasText: '删除' }).click(); // it has members
    await notice.filter({ hasText: '操作失败：部门不存在，或仍有子部门/成员' }).waitFor();
    assert.match(await notice.getAttribute('class'), /err/);
    await page.waitForTimeout(4500); // an error stays until closed
    assert.ok(await notice.isVisible());
    await page.locator('#notice-close').click();
    await notice.waitFor({ state: 'hidden' });
  });

  await step('clicks a card button', async () => {
    await tab('工作通知与卡片');
    await page.locator('#msg-list .card', { hasText: '库存日报' }).waitFor();
    const card = page.locator('#card-list .card', { hasText: '待审批：销售订单折扣' });
    await card.locator('strong', { hasText: '订单' }).waitFor(); // markdown rendered
    await card.locator('button', { hasText: '同意' }).click();
    await notice.filter({ hasText: '卡片已更新：已同意（zhangsan）' }).waitFor();
    await card.locator('.title .pill', { hasText: '已同意（zhangsan）' }).waitFor();
    assert.equal(await card.locator('button').count(), 0, 'no buttons once decided');
    await page.screenshot({ path: join(out, 'inbox.png') });
  });

  await step('a card the ERP refuses shows its message; another card works', async () => {
    await page.selectOption('#who', 'lisi');
    const card = page.locator('#card-list .card', { hasText: 'PO-20240518-003' });
    await card.locator('button', { hasText: '同意' }).click();
    await notice.filter({ hasText: 'ERP 回应：你的钉钉账号未绑定可用的 ERP 用户' }).waitFor();
    assert.match(await notice.getAttribute('class'), /err/);
    await card.locator('.warn', { hasText: '未绑定' }).waitFor();
    assert.equal(await card.locator('button').count(), 2, 'still pending');
    await page.selectOption('#who', 'wangwu');
    const low = page.locator('#card-list .card', { hasText: '低库存提醒' });
    await low.locator('button', { hasText: '生成请购单' }).click();
    await low.locator('.title .pill', { hasText: '已生成请购单 PR-20240518-008' }).waitFor();
    await page.selectOption('#who', 'zhangsan');
  });

  await step('chats with the bot: a reply, then a visible timeout', async () => {
    await tab('机器人对话');
    await page.locator('#chat-quick button', { hasText: '帮助' }).click();
    await page.locator('#chat-log .msg.bot', { hasText: '可用命令' }).locator('code', { hasText: '库存 <SKU或名称>' }).waitFor();
    await page.fill('#chat-input', '库存 A4');
    await page.press('#chat-input', 'Enter');
    await page.locator('#chat-log .msg.me', { hasText: '库存 A4' }).waitFor();
    await page.locator('#chat-log .msg', { hasText: '机器人正在回复' }).waitFor();
    await page.locator('#chat-log .msg.err', { hasText: '没有回复' }).waitFor({ timeout: 20000 });
    await page.screenshot({ path: join(out, 'chat.png') });
  });

  await step('issues a 免登码', async () => {
    await tab('免登码');
    await page.click('#code-btn');
    await page.locator('#code-out').waitFor();
    assert.match(await page.inputValue('#code-value'), /^[0-9a-f]{32}$/);
    await page.locator('#code-curl', { hasText: '/api/v1/auth/dingtalk' }).waitFor();
  });

  await step('takes the gateway down and up', async () => {
    await page.click('#gw-btn');
    await page.locator('#status', { hasText: '网关已断开' }).waitFor();
    await page.locator('#status', { hasText: 'ERP 连接 0' }).waitFor();
    await tab('机器人对话');
    await page.locator('#chat-quick button', { hasText: '帮助' }).click();
    await page.locator('#chat-log .msg.err', { hasText: 'ERP 没有连上流式网关' }).waitFor();
    await page.click('#gw-btn');
    await page.locator('#status', { hasText: '网关正常' }).waitFor();
    await page.locator('#status', { hasText: 'ERP 连接 1' }).waitFor({ timeout: 10000 }); // the stand-in reconnects
  });

  await step('lists the API calls', async () => {
    await tab('调用日志');
    await page.locator('#calls-list', { hasText: '/v1.0/workflow/processInstances' }).waitFor();
    assert.equal(await page.locator('#calls-list', { hasText: '/sandbox/org' }).count(), 0);
    assert.ok((await page.locator('#calls-list tr').count()) <= 50);
  });

  await step('renders the org and approvals tabs for a screenshot', async () => {
    await tab('通讯录');
    await page.screenshot({ path: join(out, 'org.png') });
    await tab('审批');
    await page.selectOption('#ap-status', '');
    await page.locator('#ap-list .card').nth(1).waitFor();
    await page.screenshot({ path: join(out, 'approvals.png') });
  });

  await step('no console errors', async () => {
    assert.deepEqual(consoleErrors, []);
  });
} finally {
  await browser.close();
  if (server) server.kill();
}

const failed = results.filter(([, ok]) => !ok).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
