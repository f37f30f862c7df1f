// Money and quantities come from erpd as decimal strings and go back as
// strings. These helpers work on the digits, never on floats, so
// what is shown and what is sent are exactly what was typed or stored
// (10.3 − 0.1 is 10.2, not 10.200000000000001, which erpd would refuse).
//
// One file for both front ends: the H5 app imports it from here and the
// admin console (app/httpapi/console/src/dec.js) re-exports it. Its tests
// run with `node --test app/httpapi/mobile/src/dec.test.js`.

const DEC = /^\s*([+-])?(\d*)(?:\.(\d*))?\s*$/

// valid tells a plain decimal ("12", "0.5", "3.") from anything else.
export function valid(s) {
  const m = DEC.exec(String(s ?? ''))
  return !!m && (m[2] !== '' || (m[3] || '') !== '')
}

// Whole numbers as digit strings: BigInt would be shorter, but older
// WebViews in DingTalk (iOS 13) lack it.
const strip = (a) => a.replace(/^0+(?=\d)/, '')

function cmpMag(a, b) {
  a = strip(a); b = strip(b)
  if (a.length !== b.length) return a.length < b.length ? -1 : 1
  return a < b ? -1 : a > b ? 1 : 0
}

function addMag(a, b) {
  let out = ''
  let carry = 0
  for (let i = a.length - 1, j = b.length - 1; i >= 0 || j >= 0 || carry; i--, j--) {
    const d = (i >= 0 ? +a[i] : 0) + (j >= 0 ? +b[j] : 0) + carry
    out = (d % 10) + out
    carry = d >= 10 ? 1 : 0
  }
  return strip(out || '0')
}

function subMag(a, b) { // a ≥ b
  let out = ''
  let borrow = 0
  for (let i = a.length - 1, j = b.length - 1; i >= 0; i--, j--) {
    let d = +a[i] - (j >= 0 ? +b[j] : 0) - borrow
    borrow = d < 0 ? 1 : 0
    if (d < 0) d += 10
    out = d + out
  }
  return strip(out)
}

function mulMag(a, b) {
  const r = new Array(a.length + b.length).fill(0)
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      const k = i + j + 1
      const v = r[k] + +a[i] * +b[j]
      r[k] = v % 10
      r[k - 1] += Math.floor(v / 10)
    }
  }
  return strip(r.join(''))
}

// A scaled number is {neg, mag}: the value is ±mag / 10^scale.
function scaled(s, scale) {
  const m = DEC.exec(String(s ?? ''))
  if (!m) return { neg: false, mag: '0' }
  const int = m[2] || '0'
  const frac = m[3] || ''
  let mag = strip(int + frac.slice(0, scale).padEnd(scale, '0'))
  if (frac.length > scale && frac[scale] >= '5') mag = addMag(mag, '1')
  return { neg: m[1] === '-' && mag !== '0', mag }
}

function add(x, y) {
  if (x.neg === y.neg) return { neg: x.neg, mag: addMag(x.mag, y.mag) }
  const c = cmpMag(x.mag, y.mag)
  if (c === 0) return { neg: false, mag: '0' }
  return c > 0 ? { neg: x.neg, mag: subMag(x.mag, y.mag) } : { neg: y.neg, mag: subMag(y.mag, x.mag) }
}

// shrink divides by 10^n, rounding half away from zero.
function shrink(x, n) {
  const p = x.mag.padStart(n + 1, '0')
  let mag = strip(p.slice(0, p.length - n))
  if (p[p.length - n] >= '5') mag = addMag(mag, '1')
  return { neg: x.neg && mag !== '0', mag }
}

function unscaled(x, scale) {
  const s = x.mag.padStart(scale + 1, '0')
  return { neg: x.neg, int: s.slice(0, s.length - scale), frac: scale ? s.slice(s.length - scale) : '' }
}

function group(int) {
  return int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

// cmp compares two decimal strings: -1, 0 or 1.
export function cmp(a, b) {
  const x = scaled(a, 8)
  const y = scaled(b, 8)
  if (x.neg !== y.neg) return x.neg ? -1 : 1
  const c = cmpMag(x.mag, y.mag)
  return x.neg ? -c : c
}

// money shows an amount as ¥1,234.50.
export function money(s, symbol = '¥') {
  if (s === null || s === undefined || s === '') return ''
  const { neg, int, frac } = unscaled(scaled(s, 2), 2)
  return (neg ? '-' : '') + symbol + group(int) + '.' + frac
}

// qty shows a quantity with separators and without trailing zeros.
export function qty(s) {
  if (s === null || s === undefined || s === '') return ''
  const { neg, int, frac } = unscaled(scaled(s, 6), 6)
  const f = frac.replace(/0+$/, '')
  return (neg ? '-' : '') + group(int) + (f ? '.' + f : '')
}

// lineTotal is qty × price × (1 + tax), rounded to cents, for display: erpd
// computes the real amounts when the order is saved.
export function lineTotal(q, price, tax) {
  const x = scaled(q, 6)
  const y = scaled(price, 6)
  const t = add({ neg: false, mag: '1000000' }, scaled(tax || '0', 6))
  // The product carries 18 decimals; round to 2.
  const v = { neg: x.neg !== y.neg !== t.neg, mag: mulMag(mulMag(x.mag, y.mag), t.mag) }
  const { neg, int, frac } = unscaled(shrink(v, 16), 2)
  return (neg ? '-' : '') + int + '.' + frac
}

// sum adds decimal strings exactly.
export function sum(list) {
  const t = list.reduce((acc, s) => add(acc, scaled(s, 6)), { neg: false, mag: '0' })
  const { neg, int, frac } = unscaled(t, 6)
  return (neg ? '-' : '') + int + '.' + frac
}

// normal trims a typed decimal to what erpd expects ("1." → "1", ".5" → "0.5").
export function normal(s) {
  const m = DEC.exec(String(s ?? ''))
  if (!m) return String(s ?? '')
  const int = (m[2] || '0').replace(/^0+(?=\d)/, '')
  const frac = (m[3] || '').replace(/0+$/, '')
  return (m[1] === '-' ? '-' : '') + int + (frac ? '.' + frac : '')
}

// ratio is a/b as a number between 0 and 1, for bar widths only.
export function ratio(a, b) {
  const x = Number(a)
  const y = Number(b)
  return y > 0 && x > 0 ? Math.min(1, x / y) : 0
}

// Exact sums and differences are computed at scale 6 (erpd keeps
// quantities to 4 decimals, amounts in 分 (2), unit prices and costs to 6).
const negate = (x) => ({ neg: !x.neg && x.mag !== '0', mag: x.mag })

// plain writes a scale-6 number as erpd takes it: no trailing zeros
// ("10.2", "-3", "0").
function plain(x) {
  const { neg, int, frac } = unscaled(x, 6)
  const f = frac.replace(/0+$/, '')
  return (neg ? '-' : '') + int + (f ? '.' + f : '')
}

// sub is a − b exactly, written as erpd takes it.
export function sub(a, b) {
  return plain(add(scaled(a, 6), negate(scaled(b, 6))))
}

// remaining is what is left of total once used is taken off, never below
// zero: the quantity still to receive or ship (未入库、未出库) or still
// returnable (可退) on a line.
export function remaining(total, used) {
  const r = sub(total, used || '0')
  return cmp(r, '0') < 0 ? '0' : r
}

// zero tells a blank or numerically zero entry ("", "0", "0.00") from one
// that counts; anything else (text, "1e3") is not zero: erpd will say why.
export function zero(s) {
  return String(s ?? '').trim() === '' || (valid(s) && cmp(s, '0') === 0)
}

// positive is a valid decimal above zero.
export function positive(s) {
  return valid(s) && cmp(s, '0') > 0
}

// percent shows a rate as a percentage with the given decimals, rounded
// half away from zero ("0.13" → "13", "0.12345" with 2 → "12.35").
export function percent(s, places = 0) {
  const { neg, int, frac } = unscaled(scaled(s, places + 2), places)
  return (neg ? '-' : '') + int + (frac ? '.' + frac : '')
}

// ratePercent shows a tax rate as a form field does: the percentage with
// up to 4 decimals and no trailing zeros ("0.13" → "13", "0.135" → "13.5",
// "" → ""), so editing an order shows 13 where erpd keeps 0.13.
export function ratePercent(s) {
  if (s === null || s === undefined || String(s).trim() === '') return ''
  return normal(percent(s, 4))
}

// rateOf turns a typed percentage back into the rate erpd takes, on the
// digits ("13" → "0.13", "13.5" → "0.135", "9%" → "0.09"); blank stays
// blank (the product's rate applies) and anything else goes as typed, so
// erpd says why it is wrong.
export function rateOf(s) {
  const t = String(s ?? '').trim().replace(/[%％]$/, '').trim()
  if (t === '') return ''
  if (!valid(t)) return t
  const m = DEC.exec(t)
  const int = (m[2] || '0').padStart(3, '0')
  return normal((m[1] === '-' ? '-' : '') + int.slice(0, -2) + '.' + int.slice(-2) + (m[3] || ''))
}
