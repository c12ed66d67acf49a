// Display helpers. Amounts arrive as decimal strings ("25435595.41") and are worked on
// as text, never passed through floating point.

const DECIMAL = /^(-?)(\d+)(?:\.(\d*))?$/

/** Adds one to a string of digits ("0999" → "1000"). */
function increment(digits) {
  const d = digits.split('')
  let i = d.length - 1
  while (i >= 0 && d[i] === '9') d[i--] = '0'
  if (i < 0) d.unshift('1')
  else d[i] = String(Number(d[i]) + 1)
  return d.join('')
}

/**
 * An amount in yuan as the app shows it: grouped in thousands with two places,
 * "456540523.37" → "456,540,523.37", "-40" → "-40.00", "0.5" → "0.50"; a third place
 * or more is rounded half away from zero. Any size, since only the text is used.
 * null/undefined/"" → "—"; what is not a decimal number is shown as it is.
 */
export function money(value) {
  if (value === null || value === undefined || value === '') return '—'
  const text = String(value).trim()
  const parts = DECIMAL.exec(text)
  if (!parts) return text
  const [, sign, whole, fraction = ''] = parts
  // The amount in fen (hundredths) as digits, rounded on the third place.
  let fen = whole + fraction.padEnd(2, '0').slice(0, 2)
  if (fraction.length > 2 && fraction[2] >= '5') fen = increment(fen)
  const yuan = fen.slice(0, -2).replace(/^0+(?=\d)/, '') || '0'
  const cents = fen.slice(-2)
  const negative = sign === '-' && /[1-9]/.test(fen)
  return `${negative ? '-' : ''}${yuan.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${cents}`
}

export function count(value) {
  return value === null || value === undefined ? '—' : String(value)
}

/** A figure as the API gives it: counts are numbers (shown as they are), amounts are
 *  decimal strings (shown by `money`). */
export function figure(value) {
  return typeof value === 'number' ? count(value) : money(value)
}

/** A decimal-string rate ("0.9500") as a percentage ("95.00%"). */
export function percent(value, digits = 2) {
  if (value === null || value === undefined || value === '') return '—'
  const n = Number(value)
  return Number.isFinite(n) ? `${(n * 100).toFixed(digits)}%` : String(value)
}

const pad = (n) => String(n).padStart(2, '0')

/** China time (UTC+8) parts of an instant. */
function chinaParts(value) {
  const d = new Date(value)
  if (Number.isNaN(d.getTime())) return null
  const c = new Date(d.getTime() + 8 * 3600 * 1000)
  return {
    y: c.getUTCFullYear(),
    m: pad(c.getUTCMonth() + 1),
    d: pad(c.getUTCDate()),
    h: pad(c.getUTCHours()),
    min: pad(c.getUTCMinutes()),
  }
}

/** An RFC 3339 instant as China wall-clock time, "2014-09-11 07:46". */
export function dateTime(value) {
  if (!value) return '—'
  const p = chinaParts(value)
  return p ? `${p.y}-${p.m}-${p.d} ${p.h}:${p.min}` : String(value)
}

export function time(value) {
  if (!value) return '—'
  const p = chinaParts(value)
  return p ? `${p.h}:${p.min}` : String(value)
}

/** Now in China time as the value of an <input type="datetime-local">. */
export function nowLocalInput() {
  const p = chinaParts(Date.now())
  return `${p.y}-${p.m}-${p.d}T${p.h}:${p.min}`
}

/** An <input type="datetime-local"> value, read as China time, as RFC 3339:
 *  "2026-03-10T15:30" → "2026-03-10T15:30:00+08:00"; any other text as it is. */
export function fromLocalInput(value) {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(:\d{2})?$/.exec(value || '')
  return m ? `${m[1]}${m[2] || ':00'}+08:00` : value
}

/** Today in China time, "YYYY-MM-DD". */
export function chinaToday() {
  const p = chinaParts(Date.now())
  return `${p.y}-${p.m}-${p.d}`
}

/** The current China-time month, "YYYY-MM". */
export function chinaMonth() {
  return chinaToday().slice(0, 7)
}

/** "YYYY-MM" shifted by `delta` months. */
export function addMonths(month, delta) {
  const [y, m] = month.split('-').map(Number)
  const index = y * 12 + (m - 1) + delta
  return `${Math.floor(index / 12)}-${pad((index % 12) + 1)}`
}

/** "2014-08" → "201408", as the seed labels months. */
export function compactMonth(month) {
  return String(month || '').replace('-', '')
}

export function orDash(value) {
  return value === null || value === undefined || value === '' ? '—' : value
}
