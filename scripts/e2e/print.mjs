// Printing in Chromium's print engine (issue 20 §5): a voucher in the
// 记账凭证 layout on A4 and on voucher paper (凭证纸), and the 利润表 and
// 资产负债表 on A4 portrait, each printed to PDF (page.pdf, print media, the
// page's own @page size) and read back with pdftotext: every column header,
// every amount of every column, the total in words, the signatures and the
// 编制单位/期间/单位 heading must be on the page, so no column is cut off.
//
//   cd scripts/e2e && npm ci && node print.mjs      (needs poppler-utils)
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { out, startErpd, stepper, watchConsole } from './lib.mjs';

const company = '杭州示例商贸有限公司';
const { base, stop } = await startErpd('print', { ERP_DINGTALK_ENABLED: 'false', ERP_FINANCE_COMPANY_NAME: company });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
const problems = [];
watchConsole(page, problems);
// The print dialog is not opened; the page stays in its printing state
// (body.printing-sheet, the @page rule) for page.pdf to print.
await page.addInitScript(() => { window.print = () => { window.__printed = (window.__printed || 0) + 1; }; });
const run = stepper(page, 'print-failure');
const { step } = run;

// pdf prints the page as Chromium prints it and returns its text (all
// whitespace taken out, since letter-spaced headings come apart) and its
// page size in points.
async function pdf(name) {
  const path = join(out, name + '.pdf');
  await page.pdf({ path, preferCSSPageSize: true, printBackground: true });
  const text = execFileSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' });
  const info = execFileSync('pdfinfo', [path], { encoding: 'utf8' });
  const [, w, h] = info.match(/Page size:\s+([\d.]+) x ([\d.]+) pts/);
  return { text: text.replace(/\s+/g, ''), width: Number(w), height: Number(h), pages: Number(info.match(/Pages:\s+(\d+)/)[1]) };
}
// money formats a decimal string as the console does: rounded half up to
// 分, grouped by thousands, with the symbol.
function money(s, symbol = '¥') {
  let [int, frac = ''] = String(s).replace('-', '').split('.');
  let cents = BigInt(int + (frac + '000').slice(0, 2)) + (Number((frac + '000')[2]) >= 5 ? 1n : 0n);
  const neg = String(s).startsWith('-') && cents !== 0n;
  const yuan = (cents / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  // As the console's money(): the sign after the ¥ (¥-8,315.93).
  return symbol + (neg ? '-' : '') + yuan + '.' + (cents % 100n).toString().padStart(2, '0');
}
const api = (path) => page.evaluate(async (p) => {
  const r = await fetch('/api/v1' + p, { headers: { Authorization: 'Bearer ' + localStorage.getItem('erpd.token') } });
  return r.json();
}, path);
const a4 = (p) => Math.abs(p.width - 595.3) < 2 && Math.abs(p.height - 841.9) < 2;

try {
  await step('signs in as the accountant (赵会计)', async () => {
    await page.goto(base + '/console/login');
    await page.locator('input[name=username]').fill('caiwu');
    await page.locator('input[name=password]').fill('erpdemo2026');
    await page.getByRole('button', { name: '登录' }).click();
    await page.locator('.el-header .user').waitFor();
  });

  let v;
  await step('reviews a voucher someone else prepared', async () => {
    const list = await api('/vouchers?review=unreviewed&page_size=100');
    const mine = (await api('/me')).id;
    const other = list.items.find((x) => x.created_by !== mine);
    assert.ok(other, 'a voucher prepared by someone else');
    await page.goto(base + '/console/vouchers');
    await page.locator('[data-test=voucher-review-filter]').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: '未审核' }).click();
    // The filtered list has come (the rows move as it lands).
    await page.getByText(`共 ${list.total} 条`).waitFor();
    await page.locator('.el-table__row', { hasText: other.number }).first().click();
    await page.locator('.el-dialog [data-test=voucher-sheet]').waitFor();
    await page.locator('.el-dialog__title', { hasText: other.number }).waitFor();
    await page.locator('[data-test=voucher-review]').click();
    await page.locator('[data-test=voucher-review-state]', { hasText: '已审核' }).waitFor();
    await page.waitForTimeout(400); // the buttons' transition
    await page.screenshot({ path: join(out, 'voucher-print.png') });
    v = await api('/vouchers/' + other.id);
    assert.equal(v.reviewed_by_name, '赵会计');
    assert.ok(v.amount_in_words, 'the total in words');
  });

  await step('prints the voucher on A4: every column, the total in words, the signatures', async () => {
    await page.locator('[data-test=voucher-print]').click();
    const p = await pdf('voucher-a4');
    assert.ok(a4(p), `A4 portrait, got ${p.width}x${p.height}`);
    for (const s of ['记账凭证', '编制单位：' + company, '摘要', '会计科目', '借方金额', '贷方金额', '合计：人民币（大写）' + v.amount_in_words,
      '附单据' + v.attachments + '张', '记账：', '审核：赵会计', '制单：' + v.created_by_name, v.number]) {
      assert.ok(p.text.includes(s.replace(/\s+/g, '')), 'voucher PDF lacks ' + s);
    }
    assert.ok(p.text.includes(money(v.debit, '') + money(v.credit, '')), 'both totals on the page: ' + money(v.debit, ''));
    for (const l of v.lines) {
      const amt = Number(l.debit) !== 0 ? l.debit : l.credit;
      assert.ok(p.text.includes(money(amt, '')), 'line amount ' + amt);
    }
  });

  await step('prints it on voucher paper (凭证纸, 240 × 140 mm)', async () => {
    await page.evaluate(() => document.body.classList.remove('printing-sheet'));
    await page.locator('[data-test=voucher-paper]').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: '凭证纸' }).click();
    await page.locator('[data-test=voucher-print]').click();
    const p = await pdf('voucher-paper');
    assert.ok(Math.abs(p.width - 680.3) < 2 && Math.abs(p.height - 396.9) < 2, `240x140 mm, got ${p.width}x${p.height}`);
    assert.ok(p.text.includes(money(v.debit, '') + money(v.credit, '')) && p.text.includes('审核：赵会计'));
    await page.evaluate(() => { document.body.classList.remove('printing-sheet'); document.querySelectorAll('style[data-print]').forEach((s) => s.remove()); });
    await page.keyboard.press('Escape');
  });

  await step('prints a voucher of 7 lines on voucher paper over two sheets, with 过次页 and 承前页', async () => {
    // Petty cash topped up from the bank in seven amounts (a transfer
    // between cash accounts: no 现金流量项目).
    const accounts = (await api('/accounts')).items;
    const parents = new Set(accounts.map((a) => a.parent_id).filter(Boolean));
    const leaf = (code) => accounts.find((a) => a.code.startsWith(code) && a.status === 'active' && !parents.has(a.id));
    const cash = leaf('1001');
    const bank = leaf('1002');
    assert.ok(cash && bank, 'leaf cash and bank accounts');
    const amounts = ['100.01', '200.02', '300.03', '400.04', '500.05', '600.06'];
    const date = (await api('/dashboard')).date;
    const lines = amounts.map((a, i) => ({ account_id: cash.id, debit: a, summary: '备用金 ' + (i + 1) }));
    lines.push({ account_id: bank.id, credit: '2100.21', summary: '提取备用金' });
    const created = await page.evaluate(async (body) => {
      const r = await fetch('/api/v1/vouchers', { method: 'POST', body: JSON.stringify(body),
        headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + localStorage.getItem('erpd.token') } });
      return { status: r.status, body: await r.json() };
    }, { date, remark: '提取备用金', attachments: 1, lines });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const long = await api('/vouchers/' + created.body.id); // with its amount in words
    await page.goto(base + '/console/vouchers?id=' + long.id);
    await page.locator('.el-dialog__title', { hasText: long.number }).waitFor();
    await page.locator('[data-test=voucher-paper]').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: '凭证纸' }).click();
    await page.locator('[data-test=voucher-print]').click();
    const p = await pdf('voucher-paper-2-sheets');
    assert.equal(p.pages, 2, 'seven lines at five a sheet make two sheets');
    // Sheet 1: five lines, then 过次页 with their totals (1,500.15 debit,
    // nothing credited yet); sheet 2 opens with the same 承前页, then the
    // last two lines and the 合计 in words.
    for (const s of ['（1/2）', '（2/2）', '过次页' + '1,500.15' + '0.00', '承前页' + '1,500.15' + '0.00',
      '合计：人民币（大写）' + long.amount_in_words + '2,100.21' + '2,100.21']) {
      assert.ok(p.text.includes(s), 'two-sheet voucher PDF lacks ' + s);
    }
    assert.ok(p.text.indexOf('过次页') < p.text.indexOf('承前页'), '过次页 ends the first sheet, 承前页 opens the second');
    await page.evaluate(() => { document.body.classList.remove('printing-sheet'); document.querySelectorAll('style[data-print]').forEach((s) => s.remove()); });
    await page.keyboard.press('Escape');
  });

  for (const [name, title, headers] of [
    ['income-statement', '利润表', ['项目', '行次', '本年累计金额', '本月金额']],
    ['balance-sheet', '资产负债表', ['资产', '负债和所有者权益', '期末余额', '年初余额', '资产总计', '负债和所有者权益（或股东权益）总计']],
  ]) {
    await step(`prints the ${title} on A4 portrait with every amount column`, async () => {
      await page.goto(base + '/console/reports/' + name);
      await page.locator('[data-test=report-table] .el-table__row').first().waitFor();
      await page.locator('[data-test=report-company]', { hasText: company }).waitFor();
      await page.locator('[data-test=report-print]').click();
      const r = await api('/reports/' + name);
      const p = await pdf(name);
      assert.ok(a4(p), `A4 portrait, got ${p.width}x${p.height}`);
      for (const s of [title, '编制单位：' + company, '期间：' + r.summary.period, '单位：元', ...headers]) {
        assert.ok(p.text.includes(s), `${title} PDF lacks ${s}`);
      }
      let amounts = 0;
      for (const row of r.items) {
        for (const c of ['col1', 'col2']) {
          if (Number(row[c]) === 0) continue;
          amounts++;
          assert.ok(p.text.includes(money(row[c])), `${title}: ${row.item} ${c} ${money(row[c])} is not on the page`);
        }
      }
      assert.ok(amounts > 2, `${title} has amounts to check (${amounts})`);
      await page.screenshot({ path: join(out, name + '.png'), fullPage: true });
    });
  }

  await step('the page logged no errors', async () => {
    assert.deepEqual(problems, []);
  });
} finally {
  await browser.close();
  stop();
}
if (run.failed) process.exit(1);
