// Decimal arithmetic for the console: the H5 app's helpers, shared rather
// than copied, so both front ends add, subtract and round quantities and
// money the same way, on the digits and never on floats (see
// app/httpapi/mobile/src/dec.js and its tests).
export { cmp, lineTotal, money, normal, percent, positive, qty, rateOf, ratePercent, remaining, sub, sum, valid, zero } from '../../mobile/src/dec.js'
