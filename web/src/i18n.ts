// zh-CN first, English switchable. The dictionaries are checked against each other
// by the type system: a key missing in English does not compile.
import { ref } from 'vue'
import { Locale } from 'vant'
import vantEn from 'vant/es/locale/lang/en-US'
import vantZh from 'vant/es/locale/lang/zh-CN'

export type Lang = 'zh-CN' | 'en'

const zh = {
  appTitle: '营商服务',
  home: '首页',
  ops: '运营看板',
  signIn: '登录',
  signOut: '退出登录',
  signedInAs: '当前身份',
  notSignedIn: '未登录',
  language: 'English',
  services: '服务',
  valuation: '一房一价',
  valuationHint: '按不动产单元号查询评估价',
  tax: '不动产交易缴税',
  checkin: '码上服务',
  complaints: '接诉即办',
  power: '共享电源',
  officerScan: '扫码入企',
  comingSoon: '即将上线',
  unitCode: '不动产单元号',
  unitCodePlaceholder: '28 位不动产单元号',
  assessedOn: '评估日期',
  lookUp: '查询评估价',
  totalValue: '评估总价',
  unitPrice: '评估单价',
  perM2: '元/平方米',
  yuan: '元',
  area: '建筑面积',
  m2: '平方米',
  basePrice: '基准价',
  basePriceLevel: '基准价层级',
  factors: '修正系数',
  factor: '因素',
  value: '取值',
  coefficient: '系数',
  tableVersion: '系数表版本',
  explanation: '评估价 = 基准价 × 各项修正系数之积 × 建筑面积',
  signInTitle: '开发环境登录',
  signInNote: '仅在使用开发密钥运行时可用；生产环境由统一身份认证平台签发令牌。',
  role: '身份',
  roleCitizen: '市民',
  roleEnterprise: '企业',
  roleOfficer: '执法人员',
  roleAgencyStaff: '机关工作人员',
  organisation: '所属单位代码',
  signInAction: '获取令牌并登录',
  signInUnavailable: '当前环境未开启开发登录。',
  needSignIn: '请先登录',
  loading: '加载中…',
  errorTitle: '出错了',
  retry: '重试',
  dashboardTitle: '运营看板',
  dashboardNote: '各业务的运行数据',
  noData: '暂无数据',
} as const

export type Key = keyof typeof zh

const en: Record<Key, string> = {
  appTitle: 'Business services',
  home: 'Home',
  ops: 'Operations',
  signIn: 'Sign in',
  signOut: 'Sign out',
  signedInAs: 'Signed in as',
  notSignedIn: 'Not signed in',
  language: '中文',
  services: 'Services',
  valuation: 'Assessed price',
  valuationHint: 'Look up a dwelling by its unit number',
  tax: 'Property transfer tax',
  checkin: 'Enterprise code',
  complaints: 'Complaints',
  power: 'Shared power',
  officerScan: 'Scan to enter',
  comingSoon: 'Coming soon',
  unitCode: 'Unit number',
  unitCodePlaceholder: '28-character unit number',
  assessedOn: 'Assessment date',
  lookUp: 'Look up',
  totalValue: 'Assessed value',
  unitPrice: 'Unit price',
  perM2: 'yuan/m²',
  yuan: 'yuan',
  area: 'Floor area',
  m2: 'm²',
  basePrice: 'Base price',
  basePriceLevel: 'Base price level',
  factors: 'Adjustment factors',
  factor: 'Factor',
  value: 'Value',
  coefficient: 'Coefficient',
  tableVersion: 'Coefficient table',
  explanation: 'Value = base price × product of the coefficients × floor area',
  signInTitle: 'Development sign-in',
  signInNote:
    'Only when the application runs with development secrets; in production the identity provider issues tokens.',
  role: 'Role',
  roleCitizen: 'Citizen',
  roleEnterprise: 'Enterprise',
  roleOfficer: 'Officer',
  roleAgencyStaff: 'Agency staff',
  organisation: 'Organisation code',
  signInAction: 'Sign in',
  signInUnavailable: 'Development sign-in is not enabled here.',
  needSignIn: 'Please sign in first',
  loading: 'Loading…',
  errorTitle: 'Something went wrong',
  retry: 'Retry',
  dashboardTitle: 'Operations dashboard',
  dashboardNote: 'How each service is running',
  noData: 'No data yet',
}

const dictionaries: Record<Lang, Record<Key, string>> = { 'zh-CN': zh, en }

function initial(): Lang {
  const saved = globalThis.localStorage?.getItem('yingshang.lang')
  return saved === 'en' ? 'en' : 'zh-CN'
}

export const lang = ref<Lang>(initial())

/** Switches the language of the pages, Vant's components and the APIs' messages. */
export function setLang(next: Lang): void {
  lang.value = next
  globalThis.localStorage?.setItem('yingshang.lang', next)
  document.documentElement.lang = next
  if (next === 'en') Locale.use('en-US', vantEn)
  else Locale.use('zh-CN', vantZh)
}

/** The text of `key` in the current language, with `{name}` replaced from `vars`. */
export function t(key: Key, vars: Record<string, string | number> = {}): string {
  return fill(dictionaries[lang.value][key], vars)
}

/**
 * A screen's own dictionary (kept beside the screen, so flows do not all edit this
 * file): zh-CN first, the English one type-checked to have the same keys.
 */
export function messages<K extends string>(
  zhDict: Record<K, string>,
  enDict: Record<K, string>,
): (key: K, vars?: Record<string, string | number>) => string {
  return (key, vars = {}) => fill((lang.value === 'en' ? enDict : zhDict)[key], vars)
}

function fill(text: string, vars: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? `{${name}}`))
}
