// Loading state for a screen: `data`, `loading`, `error` (an ApiError whose message is
// already in the user's language) and `reload()`; reloads when the language changes so
// texts from the API follow the switch.
import { ref, watch } from 'vue'
import { i18n } from './i18n.js'

export function useLoad(fetcher, { immediate = true } = {}) {
  const data = ref(null)
  const loading = ref(false)
  const error = ref(null)
  let generation = 0
  async function reload() {
    const mine = ++generation
    loading.value = true
    error.value = null
    try {
      const value = await fetcher()
      if (mine === generation) data.value = value
    } catch (e) {
      if (mine === generation) error.value = e
    } finally {
      if (mine === generation) loading.value = false
    }
  }
  watch(i18n.global.locale, () => reload())
  if (immediate) reload()
  return { data, loading, error, reload }
}

/** A month not assessed yet is a 404: answered as `{ missing: message }`, for an empty
 *  state rather than an error. */
export async function orMissing(promise) {
  try {
    return await promise
  } catch (e) {
    if (e.status === 404) return { missing: e.message }
    throw e
  }
}
