// Tests of the decimal helpers shared by the H5 app and the admin console:
//
//   node --test app/httpapi/mobile/src/dec.test.js
//
// Each case is one that floats get wrong or that erpd would refuse.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { cmp, lineTotal, money, normal, percent, positive, qty, rateOf, ratePercent, remaining, sub, sum, valid, zero } from './dec.js'

const table = (name, fn, cases) => test(name, () => {
  for (const [args, want] of cases) assert.equal(fn(...args), want, `${name}(${args.map((a) => JSON.stringify(a)).join(', ')})`)
})

table('sub', sub, [
  [['10.3', '0.1'], '10.2'], // 10.3 - 0.1 = 10.200000000000001 in floats
  [['0.3', '0.1'], '0.2'],
  [['1', '1'], '0'],
  [['1', '2.5'], '-1.5'],
  [['-1', '-1'], '0'],
  [['10', '0'], '10'],
  [['10.0000', '3.2500'], '6.75'],
  [['123456789012345.6789', '0.0001'], '123456789012345.6788'], // beyond 2^53
  [['5', ''], '5'],
])

table('remaining', remaining, [
  [['10.3', '0.1'], '10.2'],
  [['10', '10'], '0'],
  [['10', '12'], '0'], // over-received: nothing left, never negative
  [['10', undefined], '10'],
  [['10', null], '10'],
  [['2.5', '0'], '2.5'],
])

table('sum', (...xs) => sum(xs), [
  [['0.1', '0.2'], '0.300000'],
  [['56.50', '-6.5'], '50.000000'],
  [[], '0.000000'],
  [['abc', '1'], '1.000000'], // not a number counts as nothing
])

table('lineTotal', lineTotal, [
  [['10', '5', '0.13'], '56.50'],
  [['3', '19.99', '0.13'], '67.77'], // 67.7661
  [['1.005', '1', ''], '1.01'], // half away from zero, not 1.00
  [['', '5', '0.13'], '0.00'],
  [['x', '5', '0.13'], '0.00'],
])

table('money', money, [
  [['1234.5'], '¥1,234.50'],
  [['-5'], '-¥5.00'],
  [['1.005'], '¥1.01'],
  // Rounded, never cut: the dashboard showed ¥110,520.63 for 110520.6367.
  [['110520.6367'], '¥110,520.64'],
  [['110520.6349'], '¥110,520.63'],
  [['-0.005'], '-¥0.01'], // half away from zero, as erpd rounds
  [['0.0049'], '¥0.00'],
  [['1234567890123456.78'], '¥1,234,567,890,123,456.78'],
  [[''], ''],
])
test('money without a symbol', () => assert.equal(money('-1234.5', ''), '-1,234.50'))

table('qty', qty, [[['1234.5000'], '1,234.5'], [['10.200000'], '10.2'], [['0'], '0']])
table('normal', normal, [[['1.'], '1'], [['.5'], '0.5'], [['010.20'], '10.2']])

table('cmp', cmp, [
  [['10.2', '10.200000000000001'], 0], // beyond the 8 decimals compared
  [['0.1', '0.2'], -1],
  [['-1', '0'], -1],
  [['2', '10'], -1],
  [['0', '-0'], 0],
])

table('valid', valid, [[['12'], true], [['0.5'], true], [['3.'], true], [['.'], false], [[''], false], [['1e3'], false], [['abc'], false]])
table('zero', zero, [[[''], true], [['  '], true], [[null], true], [['0'], true], [['0.00'], true], [['0.01'], false], [['abc'], false], [['-1'], false]])
table('positive', positive, [[['1'], true], [['0.0001'], true], [['0'], false], [['-1'], false], [[''], false], [['abc'], false]])

table('percent', percent, [
  [['0.13'], '13'],
  [['0.1300'], '13'],
  [['0.135'], '14'],
  [['-0.05'], '-5'],
  [['0.12345', 2], '12.35'],
  [['0.07', 2], '7.00'],
  [[''], '0'],
])

table('ratePercent', ratePercent, [
  [['0.13'], '13'], [['0.1300'], '13'], [['0.135'], '13.5'], [['0.09'], '9'], [['0'], '0'], [['0.123456'], '12.3456'], [[''], ''], [[null], ''],
])
table('rateOf', rateOf, [
  [['13'], '0.13'], [['13.5'], '0.135'], [['9%'], '0.09'], [[' 6 ％'], '0.06'], [['0'], '0'], [['100'], '1'], [['0.5'], '0.005'],
  [['12.3456'], '0.123456'], [[''], ''], [['  '], ''], [['abc'], 'abc'], [['-3'], '-0.03'],
])
