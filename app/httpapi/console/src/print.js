// Printing vouchers and statements. Element Plus tables size their columns
// for the screen, so a printout of one cuts off the amount columns on A4;
// what is printed is a plain table (.print-only) sized by the paper, and
// the screen's table is hidden (.no-print).
import { get, session } from './api'

let settings
// financeSettings returns the books' settings once per session: the
// company name (编制单位) every printed voucher and statement carries.
export function financeSettings() {
  if (!settings) {
    settings = session.can('ledger:read')
      ? get('/finance-settings').catch(() => ({ company_name: '', review_required: false }))
      : Promise.resolve({ company_name: '', review_required: false })
  }
  return settings
}

// forgetFinanceSettings drops the cached settings once the finance
// settings page saved new ones, so the next print shows the new 编制单位.
export function forgetFinanceSettings() {
  settings = undefined
}

// Paper sizes: A4 portrait, or the voucher paper (凭证纸) of the common
// 240 × 140 mm 记账凭证 binders.
export const papers = {
  a4: 'A4 portrait',
  voucher: '240mm 140mm',
}

// printPaper prints the page on paper (a key of papers). With sheet set,
// only the .print-sheet element is printed (a voucher opened in a dialog,
// which lives outside the page). The page rule and the body class are taken
// back after printing.
export function printPaper(paper = 'a4', sheet = false) {
  const style = document.createElement('style')
  style.dataset.print = paper
  style.textContent = `@page { size: ${papers[paper] || papers.a4}; margin: ${paper === 'voucher' ? '6mm 8mm' : '12mm 10mm'}; }`
  document.head.appendChild(style)
  if (sheet) document.body.classList.add('printing-sheet')
  window.addEventListener('afterprint', () => {
    style.remove()
    document.body.classList.remove('printing-sheet')
  }, { once: true })
  window.print()
}
