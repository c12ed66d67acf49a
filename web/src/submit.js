// A form's submission: `busy` while it runs, the API's refusal as `error` (its message
// already in the user's language) and a 422's field errors as `fieldErrors` by field
// name; `run(action)` clears both, awaits the action and catches its ApiError. A
// reason the API words only as "invalid" (a staff member of another branch …) is
// shown with the client's own text for it. `useSheet()` adds the `open` of the sheet
// the form is in; `start()` clears the last try's errors and opens it.
import { ref } from 'vue'
import { i18n } from './i18n.js'

function fieldMessage(f) {
  const key = `validation.reasons.${f.reason}`
  return i18n.global.te(key) ? i18n.global.t(key) : f.message || f.reason
}

export function useSubmit() {
  const busy = ref(false)
  const error = ref('')
  const fieldErrors = ref({})
  async function run(action) {
    busy.value = true
    clear()
    try {
      await action()
    } catch (e) {
      error.value = e.message
      for (const f of e.errors || []) fieldErrors.value[f.field] = fieldMessage(f)
    } finally {
      busy.value = false
    }
  }
  function clear() {
    error.value = ''
    fieldErrors.value = {}
  }
  return { busy, error, fieldErrors, run, clear }
}

export function useSheet() {
  const submit = useSubmit()
  const open = ref(false)
  function start() {
    submit.clear()
    open.value = true
  }
  return { ...submit, open, start }
}
