// The UI language: vue-i18n, Element Plus, <html lang> and the Rust side (which writes
// error messages) always switch together. The choice is remembered on this PC.
import { computed } from 'vue'
import zhCnElement from 'element-plus/es/locale/lang/zh-cn'
import enElement from 'element-plus/es/locale/lang/en'
import { api } from '../api'
import type { Locale } from '../bindings/Locale'
import { i18n } from '../i18n'

const STORAGE_KEY = 'carecircle.locale'

function storedLocale(): Locale {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh-CN'
  } catch {
    return 'zh-CN'
  }
}

export const currentLocale = computed<Locale>(() => i18n.global.locale.value as Locale)
export const elementLocale = computed(() => (currentLocale.value === 'en' ? enElement : zhCnElement))

export async function applyLocale(locale: Locale): Promise<void> {
  i18n.global.locale.value = locale
  document.documentElement.lang = locale
  try {
    localStorage.setItem(STORAGE_KEY, locale)
  } catch {
    // Storage can be unavailable; the choice then lasts until the window closes.
  }
  try {
    await api.setLocale(locale)
  } catch {
    // Without the backend the UI still switches; Rust keeps its previous language.
  }
}

export const restoreLocale = () => applyLocale(storedLocale())
export const toggleLocale = () => applyLocale(currentLocale.value === 'en' ? 'zh-CN' : 'en')
