// Client-side checks that mirror the API's, as Vant form rules with texts in the
// user's language; the API stays the judge, its 422 field errors are shown as well.
import { t } from './i18n.js'

const chars = (value) => [...String(value ?? '').trim()].length

/** A staff code as the API reads it (AUTH-1): trimmed, a leading lower-case `a` taken
 *  as `A`; `A` or `00` then digits, at most 16 characters. Null when malformed. */
export function staffCode(text) {
  let code = String(text ?? '').trim()
  if (code.startsWith('a')) code = `A${code.slice(1)}`
  if (code.length > 16) return null
  return /^(A|00)\d+$/.test(code) ? code : null
}

/** A mainland mobile number: 11 digits starting with 1. */
export const isMobile = (text) => /^1\d{10}$/.test(String(text ?? '').trim())

/** "YYYY-MM-DD" shifted by `days` (calendar arithmetic, no time zone involved). */
export function addDays(day, days) {
  const [y, m, d] = day.split('-').map(Number)
  const next = new Date(Date.UTC(y, m - 1, d + days))
  return next.toISOString().slice(0, 10)
}

const isDate = (text) => /^\d{4}-\d{2}-\d{2}$/.test(String(text ?? ''))

export const rules = {
  required: (field) => ({
    validator: (v) => chars(v) > 0 || t('validation.required', { field }),
  }),
  max: (field, max) => ({
    validator: (v) => chars(v) <= max || t('validation.tooLong', { field, max }),
  }),
  /** A text of at most `max` characters, 必填 unless `optional`. */
  text: (field, max, optional = false) => [...(optional ? [] : [rules.required(field)]), rules.max(field, max)],
  mobile: () => ({
    validator: (v) => !chars(v) || isMobile(v) || t('validation.mobile'),
  }),
  staffCode: (optional = false) => ({
    validator: (v) => (optional && !chars(v)) || Boolean(staffCode(v)) || t('validation.staffCode'),
  }),
  /** A date from `from()` to `to()` (functions, so they follow other fields). */
  dateBetween: (field, from, to) => ({
    validator: (v) => {
      if (!isDate(v)) return t('validation.required', { field })
      const a = from()
      const b = to()
      return (v >= a && v <= b) || t('validation.dateRange', { field, from: a, to: b })
    },
  }),
}
