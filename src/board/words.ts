// Every word the board shows, in Chinese (the default) and English, and how a request picks one.
import type { ProgressStatus, ProgressVia, UnitRole } from '../registry/types.ts';
import type { StatusLight } from '../schedule/status.ts';
import { STATUS_WORD, STATUS_WORD_EN } from '../supervision/status-words.ts';

export type Lang = 'zh' | 'en';

/** ?lang=en|zh wins; else the Accept-Language entry with the highest q among zh and en; else zh. */
export function pickLang(query: string | null, acceptLanguage: string | undefined): Lang {
  if (query === 'en' || query === 'zh') return query;
  let best: { lang: Lang; q: number } | null = null;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const [tag, ...params] = part.trim().toLowerCase().split(';');
    const lang: Lang | null = tag.startsWith('zh') ? 'zh' : tag.startsWith('en') ? 'en' : null;
    if (!lang) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (Number.isFinite(q) && q > 0 && (!best || q > best.q)) best = { lang, q };
  }
  return best?.lang ?? 'zh';
}

const zh = {
  htmlLang: 'zh-CN',
  title: '督办看板',
  taskTitle: (n: number) => `任务 ${n}`,
  asOf: (day: string) => `截至 ${day}`,
  viewer: (name: string) => `当前用户：${name}`,
  viewerLocal: '本机控制台（无需登录）',
  scopeAll: '可见：全部单位',
  scopeUnits: (units: string) => `可见：${units}`,
  logout: '退出',
  light: STATUS_WORD as Record<StatusLight, string>,
  role: { lead: '牵头', other: '配合' } as Record<UnitRole, string>,
  progress: { progress: '进行中', done: '已完成', blocked: '受阻' } as Record<ProgressStatus, string>,
  via: { command: '群内命令', card: '卡片表单', reply: '回复提醒', console: '本地控制台', cli: '命令行' } as Record<ProgressVia, string>,
  outbox: { pending: '待发送', sending: '发送中', sent: '已发送', failed: '发送失败', skipped: '已跳过', cancelled: '已取消', queued: '已排队' } as Record<string, string>,
  reminderKind: { reminder: '截止提醒', overdue: '逾期催办', quarterly: '季度进展', idle: '久未报送', 'office-overdue': '逾期清单（报督办）', escalation: '红灯升级（报督办）' } as Record<string, string>,
  filters: '筛选',
  chapter: '章节',
  unit: '单位',
  lightLabel: '状态',
  roleLabel: '角色',
  due: '截止时间',
  dueAny: '不限',
  duePreset: { overdue: '已逾期', '7d': '7 天内', '30d': '30 天内', '90d': '90 天内' } as Record<string, string>,
  from: '从',
  to: '至',
  sort: '排序',
  sortBy: { task: '按任务编号', due: '按截止日期', light: '按状态（最差在前）' } as Record<string, string>,
  any: '全部',
  apply: '应用',
  reset: '清除筛选',
  exportXlsx: '导出台账（xlsx）',
  exportCsv: 'csv',
  chartTitle: '各单位事项状态',
  chartMore: (n: number) => `另有 ${n} 个单位，见下表或按单位筛选。`,
  rowsOf: (shown: number, total: number) => `共 ${total} 项（任务×单位），本页 ${shown} 项`,
  noRows: '没有符合筛选条件的事项。',
  ignored: (what: string) => `以下筛选条件无法识别，已忽略：${what}`,
  unknownUnit: (u: string) => `没有名为「${u}」的单位。`,
  col: { task: '任务', chapter: '章节', content: '任务内容', unit: '单位', role: '角色', light: '状态', nextDue: '下个截止', latest: '最新进展' },
  daysLeft: (d: number) => (d < 0 ? `逾期 ${-d} 天` : d === 0 ? '今天截止' : `还有 ${d} 天`),
  blocked: '受阻',
  noReport: '未报送',
  prev: '上一页',
  next: '下一页',
  pageOf: (p: number, n: number) => `第 ${p} / ${n} 页`,
  back: '返回看板',
  section: '分项',
  schedule: '进度安排',
  units: '责任单位',
  milestones: '时间节点',
  milestoneCols: { rule: '规则', label: '内容', next: '下个截止', source: '原文' },
  historical: '导入时已过期（不提醒）',
  history: '进展记录',
  historyCols: { at: '报送时间', unit: '单位', by: '报送人', status: '状态', percent: '进度', text: '进展内容', via: '渠道' },
  noHistory: '暂无进展记录。',
  reminders: '提醒记录',
  reminderCols: { sendOn: '发送日', unit: '单位', kind: '类型', occurrence: '针对截止日', status: '发送状态', sentAt: '发送时间', attempts: '尝试次数', error: '失败原因' },
  noReminders: '暂无提醒记录。',
  unitTitle: (u: string) => `单位：${u}`,
  aliases: '又称',
  chatBound: '已绑定群聊',
  chatUnbound: '未绑定群聊（提醒无法送达）',
  lastAnswer: '最近一次报送',
  never: '从未报送',
  responseTime: '响应时间',
  responseLine: (answered: number, asked: number, hours: number | null) =>
    asked === 0 ? '尚未收到过提醒。' : hours === null ? `收到 ${asked} 次提醒，均未回复。` : `收到 ${asked} 次提醒，回复 ${answered} 次；从提醒到下一次报送的中位时间 ${formatHours(hours, 'zh')}。`,
  unanswered: '未回复的提醒',
  unansweredCols: { sentAt: '发送时间', task: '任务', kind: '类型', occurrence: '针对截止日', days: '已过天数' },
  noUnanswered: '没有未回复的提醒。',
  newestOf: (shown: number, total: number) => `共 ${total} 条，下表为最近的 ${shown} 条。`,
  tasksOfUnit: '承担的任务',
  forbiddenTitle: '无权查看',
  forbidden: (office: string) =>
    `你没有查看此页面的权限：督办看板只对${office}成员、管理员和各单位联络员开放，联络员只能看到本单位的事项。请在与督办的单聊中发送「登记 单位名称」，或联系管理员。`,
  forbiddenOther: '此页面属于其他单位，你只能查看本单位的事项。',
  notFoundTitle: '未找到',
  noTask: (n: string) => `没有编号为 ${n} 的任务。`,
  noUnit: (u: string) => `没有名为「${u}」的单位。`,
  badSessionTitle: '登录凭证无效',
  badSession: '浏览器中的登录凭证无效或已被篡改，已清除。请重新登录。',
  login: '用飞书登录',
  loginFailedTitle: '登录失败',
  loginFailed: (why: string) => `飞书登录没有成功：${why}。请重新登录。`,
  loginStale: '登录链接已过期或不是从本页面发起的',
  notFoundPath: '没有这个页面。',
};

export type Words = typeof zh;

const en: Words = {
  htmlLang: 'en',
  title: 'Duban board',
  taskTitle: (n) => `Task ${n}`,
  asOf: (day) => `as of ${day}`,
  viewer: (name) => `Signed in as ${name}`,
  viewerLocal: 'Local console (no sign-in)',
  scopeAll: 'Showing: every unit',
  scopeUnits: (units) => `Showing: ${units}`,
  logout: 'Sign out',
  light: STATUS_WORD_EN as Record<StatusLight, string>,
  role: { lead: 'lead', other: 'taking part' },
  progress: { progress: 'in progress', done: 'done', blocked: 'blocked' },
  via: { command: 'chat command', card: 'card form', reply: 'reply to reminder', console: 'local console', cli: 'command line' },
  outbox: { pending: 'pending', sending: 'sending', sent: 'sent', failed: 'failed', skipped: 'skipped', cancelled: 'cancelled', queued: 'queued' },
  reminderKind: { reminder: 'deadline reminder', overdue: 'overdue notice', quarterly: 'quarterly call', idle: 'no report for long', 'office-overdue': 'overdue list (to the office)', escalation: 'escalation (to the office)' },
  filters: 'Filters',
  chapter: 'Chapter',
  unit: 'Unit',
  lightLabel: 'Light',
  roleLabel: 'Role',
  due: 'Due',
  dueAny: 'any time',
  duePreset: { overdue: 'overdue', '7d': 'within 7 days', '30d': 'within 30 days', '90d': 'within 90 days' },
  from: 'from',
  to: 'to',
  sort: 'Sort',
  sortBy: { task: 'by task number', due: 'by due date', light: 'by light (worst first)' },
  any: 'all',
  apply: 'Apply',
  reset: 'Clear filters',
  exportXlsx: 'Download ledger (xlsx)',
  exportCsv: 'csv',
  chartTitle: 'Items per unit by light',
  chartMore: (n) => `${n} more units: see the table or filter by unit.`,
  rowsOf: (shown, total) => `${total} items (task × unit), ${shown} on this page`,
  noRows: 'Nothing matches these filters.',
  ignored: (what) => `Ignored filters that could not be read: ${what}`,
  unknownUnit: (u) => `There is no unit called "${u}".`,
  col: { task: 'Task', chapter: 'Chapter', content: 'What', unit: 'Unit', role: 'Role', light: 'Light', nextDue: 'Next due', latest: 'Latest report' },
  daysLeft: (d) => (d < 0 ? `${-d} days overdue` : d === 0 ? 'due today' : `${d} days left`),
  blocked: 'blocked',
  noReport: 'no report',
  prev: 'Previous',
  next: 'Next',
  pageOf: (p, n) => `page ${p} of ${n}`,
  back: 'Back to the board',
  section: 'Section',
  schedule: 'Schedule',
  units: 'Units',
  milestones: 'Milestones',
  milestoneCols: { rule: 'Rule', label: 'What', next: 'Next due', source: 'Plan text' },
  historical: 'already past when imported (not reminded)',
  history: 'Progress history',
  historyCols: { at: 'When', unit: 'Unit', by: 'Who', status: 'Status', percent: 'Percent', text: 'Words', via: 'Source' },
  noHistory: 'No progress reported yet.',
  reminders: 'Reminders',
  reminderCols: { sendOn: 'Day', unit: 'Unit', kind: 'Kind', occurrence: 'For due day', status: 'Outbox status', sentAt: 'Sent at', attempts: 'Attempts', error: 'Why it failed' },
  noReminders: 'No reminders yet.',
  unitTitle: (u) => `Unit: ${u}`,
  aliases: 'Also written',
  chatBound: 'group chat bound',
  chatUnbound: 'no group chat bound (reminders cannot reach it)',
  lastAnswer: 'Last report',
  never: 'never reported',
  responseTime: 'Response time',
  responseLine: (answered, asked, hours) =>
    asked === 0
      ? 'No reminders received yet.'
      : hours === null
        ? `${asked} reminders received, none answered.`
        : `${asked} reminders received, ${answered} answered; median time from a reminder to the next report: ${formatHours(hours, 'en')}.`,
  unanswered: 'Unanswered reminders',
  unansweredCols: { sentAt: 'Sent at', task: 'Task', kind: 'Kind', occurrence: 'For due day', days: 'Days since' },
  noUnanswered: 'No unanswered reminders.',
  newestOf: (shown, total) => `${total} in all; the newest ${shown} below.`,
  tasksOfUnit: 'Tasks',
  forbiddenTitle: 'Not allowed',
  forbidden: (office) =>
    `You may not see this page: the board is open to ${office}, admins and the units' liaisons, and a liaison sees only their own unit. Register in a direct chat with the bot ("register <unit>") or ask an admin.`,
  forbiddenOther: 'This page belongs to another unit; you can see your own unit only.',
  notFoundTitle: 'Not found',
  noTask: (n) => `There is no task number ${n}.`,
  noUnit: (u) => `There is no unit called "${u}".`,
  badSessionTitle: 'Invalid sign-in',
  badSession: 'The sign-in cookie in this browser is invalid or was tampered with; it has been cleared. Please sign in again.',
  login: 'Sign in with Lark',
  loginFailedTitle: 'Sign-in failed',
  loginFailed: (why) => `Signing in with Lark did not work: ${why}. Please try again.`,
  loginStale: 'the sign-in link expired or was not started from this page',
  notFoundPath: 'There is no such page.',
};

export function formatHours(hours: number, lang: Lang): string {
  if (hours < 48) return lang === 'zh' ? `${hours.toFixed(1)} 小时` : `${hours.toFixed(1)} hours`;
  const days = hours / 24;
  return lang === 'zh' ? `${days.toFixed(1)} 天` : `${days.toFixed(1)} days`;
}

export const WORDS: Record<Lang, Words> = { zh, en };
