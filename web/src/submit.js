// A form's submission: `busy` while it runs, the API's refusal as `error` (its message
// already in the user's language) and a 422's field errors as `fieldErrors` by field
// name; `run(action)` clears both, awaits the action and catches its ApiError.
import { ref } from 'vue'

export function useSubmit() {
  const busy = ref(false)
  const error = ref('')
  const fieldErrors = ref({})
  async function run(action) {
    busy.value = true
    error.value = ''
    fieldErrors.value = {}
    try {
      await action()
    } catch (e) {
      error.value = e.message
      for (const f of e.errors || []) fieldErrors.value[f.field] = f.message || f.reason
    } finally {
      busy.value = false
    }
  }
  return { busy, error, fieldErrors, run }
}
