// End-to-end test of the organisation and settings screens of the admin
// console (管理后台 → 系统): erpd on the demo company with its in-process
// DingTalk sandbox (DingTalk stays on, so the org sync works). The
// administrator syncs the departments from DingTalk (watching the progress),
// creates a user with a role, data scope and department, gets a duplicate
// username refused, disables the user, turns off a colleague's two-step
// sign-in, reads the role matrix, checks the DingTalk connection, edits the
// approval routing and adds a dictionary entry.
//
//   cd scripts/e2e && npm ci && node admin.mjs
//
// erpd is built from ERPD_ROOT (default: this repository), so the console
// it embeds is that tree's app/httpapi/console/dist: to test console
// sources not yet built into this repository's dist, copy the tree, build
// the console there and point ERPD_ROOT at the copy. CHROMIUM names the
// browser (default /usr/bin/chromium). Screenshots (admin-*.png) and the
// pages' render times (admin-timings.json) go to scripts/e2e/out/. Exits
// non-zero on the first failed step, after a screenshot (admin-failure.png).
import { chromium } from 'playwright-core';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { out, startErpd, stepper, totp, watchConsole } from './lib.mjs';

const { base, sandbox, stop } = await startErpd('admin');

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
const problems = [];
// Chromium logs every refused request; the duplicate username is refused on purpose.
watchConsole(page, problems, [[/\/api\/v1\/users$/, /409/]]);

const timings = {};
const run = stepper(page, 'admin-failure');
const { step } = run;
async function timed(name, path, ready) {
  const t0 = Date.now();
  await page.goto(base + '/console' + path);
  await ready();
  timings[name] = Date.now() - t0;
}
// settle waits for the toasts to go and the loading masks to lift, so the
// screenshots (which illustrate the user manual) show the page alone.
async function settle() {
  await page.waitForFunction(() => !document.querySelector('.el-message, .el-loading-mask:not([style*="display: none"])'), null, { timeout: 10000 });
  await page.mouse.move(0, 0);
}
// shot photographs the whole page: the console scrolls inside its main
// area, so the window grows to the content's height for the picture.
async function shot(name) {
  await settle();
  const height = await page.evaluate(() => {
    const main = document.querySelector('.el-main');
    return main ? main.scrollHeight + main.getBoundingClientRect().top : document.body.scrollHeight;
  });
  await page.setViewportSize({ width: 1440, height: Math.max(900, Math.ceil(height)) });
  await page.screenshot({ path: join(out, name + '.png'), fullPage: true });
  await page.setViewportSize({ width: 1440, height: 900 });
}
const menu = (text) => page.locator('.el-menu').getByText(text, { exact: true });
const pick = async (text) => page.locator('.el-select-dropdown__item:visible, .el-tree-node__content:visible', { hasText: text }).first().click();
const row = (text) => page.locator('.el-table__body-wrapper .el-table__row', { hasText: text });
const api = async (path, { token, method = 'GET', body } = {}) => {
  const res = await fetch(base + '/api/v1' + path, { method, headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: 'Bearer ' + token } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body) });
  const data = res.status === 204 ? null : await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(data)}`);
  return data;
};


try {
  await step('signs in as the administrator; the 系统 menu has the new screens', async () => {
    await page.goto(base + '/console/login');
    await page.locator('input[name=username]').fill('admin');
    await page.locator('input[name=password]').fill('erpdemo2026');
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.locator('.el-header .user').waitFor();
    await page.locator('.el-menu').getByText('系统', { exact: true }).click();
    for (const t of ['用户', '部门', '角色与权限', '系统设置']) await menu(t).waitFor();
  });

  await step('departments: the sync from DingTalk shows its progress, then the tree', async () => {
    // A new colleague in DingTalk, not yet in erpd: the sync mirrors them.
    const r = await fetch(sandbox + '/sandbox/users', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ userid: 'ding_zhouxm', name: '周小明', title: '销售助理', dept_ids: [3], active: true, mobile: '13800000009' }) });
    assert.ok(r.ok, 'sandbox refused the new user');
    await timed('departments', '/departments', () => page.locator('[data-test=departments] .el-empty').or(page.locator('[data-test=departments] .el-table__row').first()).waitFor());
    // The demo org syncs in a fraction of a second; a big one takes tens of
    // seconds. Hold the request so the progress can be seen.
    await page.route('**/api/v1/org/sync', async (route) => { await new Promise((res) => setTimeout(res, 2500)); await route.continue(); });
    await page.locator('[data-test=org-sync]').click();
    await page.locator('[data-test=sync-progress] .el-progress').waitFor();
    assert.ok(await page.locator('[data-test=org-sync]').isDisabled(), 'the sync button is disabled while it runs');
    await page.locator('[data-test=sync-progress]', { hasText: /已用 [12] 秒/ }).waitFor();
    await shot('admin-departments-syncing');
    const result = page.locator('[data-test=sync-result]');
    await result.waitFor({ timeout: 60000 });
    await page.unroute('**/api/v1/org/sync');
    assert.match(await result.innerText(), /部门：新增 6，更新 0，删除 0；\s*成员：/);
    assert.ok(await page.locator('[data-test=org-sync]').isEnabled());
    for (const d of ['采购部', '销售部', '仓储部', '财务部', '总经办']) await row(d).first().waitFor();
    assert.match(await row('总经办').innerText(), /陈经理/, 'the manager of 总经办 is named');
    assert.equal((await row('销售部').locator('td').nth(2).innerText()).trim(), '2', 'two members in 销售部: 李销售 and 周小明');
    await shot('admin-departments');
  });

  await step('users: creates a buyer with a role, a data scope and a department; it is listed', async () => {
    await timed('users', '/users', () => row('admin').waitFor());
    await page.locator('[data-test=user-create]').click();
    const dialog = page.locator('.el-dialog', { hasText: '新建用户' });
    await dialog.locator('input[name=username]').fill('zhouli');
    await dialog.locator('input[name=name]').fill('周丽');
    await dialog.locator('input[name=password]').fill('Spring-2026-buy');
    await dialog.locator('[data-test=user-roles]').click();
    await pick('采购员');
    await dialog.locator('.el-dialog__title').click(); // close the dropdown
    await dialog.getByText('本部门及下级', { exact: true }).click();
    await dialog.locator('[data-test=user-department]').click();
    await pick('采购部');
    await dialog.locator('input[name=mobile]').fill('13900000001');
    await dialog.locator('[data-test=user-save]').click();
    await page.locator('.el-message--success', { hasText: '已新建用户 zhouli' }).waitFor();
    await dialog.waitFor({ state: 'hidden' });
    const r = row('zhouli');
    await r.waitFor();
    const text = await r.innerText();
    for (const want of ['周丽', '采购员', '本部门及下级', '采购部', '启用', '从未登录']) assert.ok(text.includes(want), `row shows ${want}: ${text}`);
    // The colleague the sync brought in has no password.
    await row('周小明').locator('[data-test=no-password]').waitFor();
  });

  await step('users: a duplicate username is refused with the server\'s message', async () => {
    await page.locator('[data-test=user-create]').click();
    const dialog = page.locator('.el-dialog', { hasText: '新建用户' });
    await dialog.locator('input[name=username]').fill('caigou');
    await dialog.locator('input[name=name]').fill('重名测试');
    await dialog.locator('input[name=password]').fill('Spring-2026-buy');
    await dialog.locator('[data-test=user-roles]').click();
    await pick('销售员');
    await dialog.locator('.el-dialog__title').click();
    await dialog.locator('[data-test=user-save]').click();
    await dialog.locator('.el-form-item__error', { hasText: '用户名 caigou 已存在' }).waitFor();
    await page.locator('.el-message--error', { hasText: '用户名 caigou 已存在' }).waitFor();
    await dialog.getByRole('button', { name: '取消' }).click();
    await dialog.waitFor({ state: 'hidden' });
  });

  await step('users: disables the new user', async () => {
    await row('zhouli').locator('[data-test=user-edit]').click();
    const dialog = page.locator('.el-dialog', { hasText: '编辑用户 zhouli' });
    await dialog.locator('[data-test=user-status]').getByText('停用').click();
    await dialog.locator('[data-test=user-save]').click();
    await page.locator('.el-message--success', { hasText: '已保存' }).waitFor();
    await dialog.waitFor({ state: 'hidden' });
    await row('zhouli').locator('.el-tag', { hasText: '停用' }).waitFor();
    // A disabled user can no longer sign in.
    const res = await fetch(base + '/api/v1/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'zhouli', password: 'Spring-2026-buy' }) });
    assert.ok(!res.ok, 'a disabled user is refused at sign-in');
  });

  await step('users: turns off two-step sign-in for a colleague who lost their phone', async () => {
    // 赵会计 turns it on first (through the API, as the Security dialog does).
    const { token } = await api('/auth/login', { method: 'POST', body: { username: 'caiwu', password: 'erpdemo2026' } });
    const { secret } = await api('/me/totp/setup', { method: 'POST', token });
    await api('/me/totp/enable', { method: 'POST', token, body: { code: totp(secret, Date.now()) } });
    await page.reload();
    await row('caiwu').locator('.el-tag', { hasText: '两步验证' }).waitFor();
    await shot('admin-users');
    await row('caiwu').locator('[data-test=totp-disable]').click();
    const box = page.locator('.el-message-box', { hasText: '关闭两步验证' });
    await box.getByRole('button', { name: '关闭两步验证' }).click();
    await page.locator('.el-message--success', { hasText: '已关闭两步验证' }).waitFor();
    await row('caiwu').locator('[data-test=totp-disable]').waitFor({ state: 'detached' });
  });

  await step('roles: the matrix of roles and permissions', async () => {
    await timed('roles', '/roles', () => page.locator('[data-test=roles-matrix] .el-table__row').first().waitFor());
    const headers = await page.locator('[data-test=roles-matrix] .el-table__header-wrapper th').allInnerTexts();
    for (const r of ['管理员', '采购员', '销售员', '仓管', '财务', '经理', '只读']) assert.ok(headers.some((h) => h.trim() === r), `column ${r}: ${headers.join('|')}`);
    const manage = page.locator('[data-test=roles-matrix] .el-table__body-wrapper .el-table__row', { has: page.locator('[data-perm="user:manage"]') });
    assert.equal(await manage.locator('.yes').count(), 1, 'only the administrator manages users');
    const read = page.locator('[data-test=roles-matrix] .el-table__body-wrapper .el-table__row', { has: page.locator('[data-perm="master:read"]') });
    assert.equal(await read.locator('.yes').count(), 7, 'every role reads master data');
    await shot('admin-roles');
    await page.locator('[data-perm="ledger:reopen"]').hover();
    await page.locator('.el-popper:visible', { hasText: 'ledger:reopen' }).waitFor();
  });

  await step('roles: a custom role from the sales template, with costs, then deleted', async () => {
    await page.locator('[data-test=role-new]').click();
    const dialog = page.locator('.el-dialog:visible');
    await dialog.locator('input[name=role]').fill('sales_lead');
    await dialog.locator('input[name=name]').fill('销售主管');
    await dialog.locator('[data-test=role-template]').click();
    await pick('销售员');
    await dialog.locator('[data-perm-box="sales:write"] input').waitFor({ state: 'attached' });
    assert.ok(await dialog.locator('[data-perm-box="sales:write"] input').isChecked(), 'the template ticks sales:write');
    assert.ok(!(await dialog.locator('[data-perm-box="cost:read"] input').isChecked()), 'sales has no cost:read');
    await dialog.locator('[data-perm-box="cost:read"]').click();
    await dialog.locator('[data-test=role-save]').click();
    await page.locator('.el-message--success', { hasText: '已保存' }).waitFor();
    const row = page.locator('[data-test=custom-roles] .el-table__row', { hasText: 'sales_lead' });
    await row.waitFor();
    assert.match(await row.innerText(), /查看成本/);
    await shot('admin-roles-custom');
    await row.getByRole('button', { name: '删除' }).click();
    await page.locator('.el-message-box').getByRole('button', { name: '删除' }).click();
    await page.locator('.el-message--success', { hasText: '已删除' }).waitFor();
    await page.locator('[data-test=custom-roles]').waitFor({ state: 'detached' });
  });

  await step('settings: DingTalk is connected to the demo corp', async () => {
    await timed('settings', '/settings', async () => {
      await page.locator('[data-test=dingtalk-status]').waitFor();
      await page.locator('[data-test=outbox] .el-table__row').first().waitFor();
    });
    assert.equal((await page.locator('[data-test=dingtalk-status]').innerText()).trim(), '已连接');
    assert.equal((await page.locator('[data-test=corp-id]').innerText()).trim(), 'dingdemocorp');
    assert.equal((await page.locator('[data-test=h5-url]').innerText()).trim(), base + '/h5/?corpId=$CORPID$');
    await page.locator('[data-test=outbox-status]').getByText('发送失败').click();
    await page.locator('[data-test=outbox] .el-table__empty-text', { hasText: '没有发送失败的消息' }).waitFor();
    await page.locator('[data-test=outbox-status]').getByText('全部').click();
    await page.locator('[data-test=outbox] .el-table__row').first().waitFor();
    await shot('admin-settings');
  });

  await step('settings: an approval rule is created, edited and deleted', async () => {
    await page.locator('.el-tabs__item', { hasText: '审批流程' }).click();
    await row('销售订单').first().waitFor();
    const before = await page.locator('[data-test=rules] .el-table__body-wrapper .el-table__row').count();
    await page.locator('[data-test=rule-create]').click();
    const dialog = page.locator('.el-dialog', { hasText: '新建审批规则' });
    await dialog.locator('[data-test=rule-doc-type]').click();
    await pick('销售订单');
    await dialog.locator('input[name=min_amount]').fill('50000');
    await dialog.locator('[data-test=rule-role]').click();
    await pick('管理员');
    await dialog.locator('[data-test=rule-save]').click();
    await page.locator('.el-message--success', { hasText: '审批规则已保存' }).first().waitFor();
    await row('¥50,000.00').waitFor();
    assert.equal(await page.locator('[data-test=rules] .el-table__body-wrapper .el-table__row').count(), before + 1);
    assert.match(await row('¥50,000.00').innerText(), /销售订单[^]*管理员/);
    await row('¥50,000.00').locator('[data-test=rule-edit]').click();
    const edit = page.locator('.el-dialog', { hasText: '编辑审批规则' });
    await edit.locator('input[name=min_amount]').fill('80000');
    await edit.locator('[data-test=rule-save]').click();
    await row('¥80,000.00').waitFor();
    await shot('admin-settings-approval');
    await row('¥80,000.00').locator('[data-test=rule-delete]').click();
    await page.locator('.el-popconfirm:visible').getByRole('button', { name: '删除' }).click();
    await page.locator('.el-message--success', { hasText: '审批规则已删除' }).waitFor();
    await row('¥80,000.00').waitFor({ state: 'detached' });
    assert.equal(await page.locator('[data-test=rules] .el-table__body-wrapper .el-table__row').count(), before);
  });

  await step('settings: a dictionary entry is added', async () => {
    await page.locator('.el-tabs__item', { hasText: '数据字典' }).click();
    await row('银行转账').waitFor();
    await page.locator('[data-test=dict-create]').click();
    const dialog = page.locator('.el-dialog', { hasText: '条目' });
    await dialog.locator('input[name=code]').fill('unionpay');
    await dialog.locator('input[name=label]').fill('银联云闪付');
    await dialog.locator('[data-test=dict-save]').click();
    await row('银联云闪付').waitFor();
    assert.match(await row('银联云闪付').innerText(), /unionpay[^]*6/);
    await shot('admin-settings-dictionary');
  });

  await step('no script errors on any page', async () => {
    assert.deepEqual(problems, []);
  });
} finally {
  writeFileSync(join(out, 'admin-timings.json'), JSON.stringify(timings, null, 2));
  console.log('render times (ms, navigation to content):', JSON.stringify(timings));
  await browser.close();
  stop();
}
if (run.failed) process.exit(1);
