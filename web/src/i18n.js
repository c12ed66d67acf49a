// zh-CN by default, English switchable; the choice is kept and sent to the API as
// Accept-Language, so problem details come back in the same language.
import { createI18n } from 'vue-i18n'
import { Locale } from 'vant'
import vantEn from 'vant/es/locale/lang/en-US'
import vantZh from 'vant/es/locale/lang/zh-CN'
import zhCN from './locales/zh-CN.js'
import en from './locales/en.js'

const KEY = 'zhanye.lang'
export const LANGUAGES = [
  { code: 'zh-CN', label: '简体中文' },
  { code: 'en', label: 'English' },
]

function initial() {
  const saved = localStorage.getItem(KEY)
  return LANGUAGES.some((l) => l.code === saved) ? saved : 'zh-CN'
}

export const i18n = createI18n({
  legacy: false,
  locale: initial(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
})

function apply(lang) {
  document.documentElement.lang = lang
  Locale.use(lang === 'en' ? 'en-US' : 'zh-CN', lang === 'en' ? vantEn : vantZh)
}

apply(i18n.global.locale.value)

export function currentLanguage() {
  return i18n.global.locale.value
}

export function setLanguage(lang) {
  i18n.global.locale.value = lang
  localStorage.setItem(KEY, lang)
  apply(lang)
}

export const t = (...args) => i18n.global.t(...args)
