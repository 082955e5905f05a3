// UI strings live in the same files Rust reads its error messages from, so both sides
// speak the same language and a Rust test can check the two files have the same keys.
import { createI18n } from 'vue-i18n'
import zhCN from './i18n/zh-CN.json'
import en from './i18n/en.json'

export const i18n = createI18n({
  legacy: false,
  locale: 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
})
