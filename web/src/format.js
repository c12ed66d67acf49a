// Display helpers. Amounts arrive as decimal strings ("25435595.41") and are shown as
// they are, grouped in thousands, never passed through floating point.

/** "25435595.41" → "25,435,595.41"; null/undefined → "—". */
export function money(value) {
  if (value === null || value === undefined || value === '') return '—'
  const text = String(value)
  const negative = text.startsWith('-')
  const [whole, fraction] = (negative ? text.slice(1) : text).split('.')
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `${negative ? '-' : ''}${grouped}${fraction !== undefined ? `.${fraction}` : ''}`
}

export function count(value) {
  return value === null || value === undefined ? '—' : String(value)
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
