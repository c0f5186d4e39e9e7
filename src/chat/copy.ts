// Every word a chat user reads, in Chinese and English. Commands pick the language of the form the
// user typed (`任务 68` → zh, `task 68` → en); cards sent unprompted (reminders) are Chinese.
import type { ProgressStatus, UnitRole } from '../registry/types.ts';
import type { Light } from './lights.ts';

export const BOT_NAME = '督办';

const list = (xs: string[], sep: string) => xs.join(sep);

const zh = {
  help: [
    `${BOT_NAME} 可以做这些（群里请先 @${BOT_NAME}）：`,
    '• `我的任务` — 本单位的任务，最近的期限在前（`我的任务 2` 看第 2 页）',
    '• `任务 68` — 一项任务：内容、单位、时间节点、各单位最新进展',
    '• `进度 68 60% 已完成初稿` — 报进展；`进度 68 已完成` 标记完成，`进度 68 受阻 原因` 标记受阻',
    '• 回复提醒消息并 @督办 写进展，或在提醒卡片里填写表单',
    '• `逾期` — 已逾期的事项；`本周` — 7 天内到期的事项',
    '• `延期 68 2027-03-15 原因` — 期限前申请延期，由依法治办审批',
    '• `绑定 区司法局` — （管理员）本群代表该单位',
    '• `登记 区司法局` — 在私聊中登记你所在的单位，之后私聊也能用 `我的任务`',
    '• `汇总` / `汇总 区司法局` — （依法治办群或管理员）各单位红黄蓝灯汇总；`导出` — 台账 Excel 文件',
    '• `帮助` — 显示本说明。English: `help`',
  ].join('\n'),
  hint: (t: string) => `没看懂“${clip(t)}”。发送 \`帮助\` 查看可用命令，例如 \`我的任务\`、\`任务 68\`、\`进度 68 60% 已完成初稿\`。`,
  emptyHint: `在呢。发送 \`帮助\` 查看可用命令，例如 \`我的任务\`。`,
  whichTask: (ns: number[]) => `这条提醒包含任务 ${ns.join('、')}，请在回复开头写明任务号，例如 \`${ns[0]} 60% 已完成初稿\`，或发送 \`进度 ${ns[0]} …\`。`,

  unknownTask: (n: number, count: number) => `没有任务 ${n}，本方案共 ${count} 项。发送 \`我的任务\` 查看本单位的任务。`,
  retiredTask: (n: number) => `任务 ${n} 已从现行方案中撤销，不再督办。`,
  taskUsage: '请写任务编号，例如 `任务 68`。',
  progressUsage: '请写任务编号和进展，例如 `进度 68 60% 已完成初稿`。',
  progressEmpty: (n: number) => `请写上进展内容，例如 \`进度 ${n} 60% 已完成初稿\`，或 \`进度 ${n} 已完成\`。`,
  percentRange: (raw: string) => `完成比例应在 0% 到 100% 之间，收到的是 ${raw}。例如 \`进度 68 60% 已完成初稿\`。`,
  doneWithPercent: (p: number) => `标记“已完成”时比例应为 100%（或不写），收到的是 ${p}%。若尚未完成，请去掉“已完成”。`,
  noUnitGroup: '本群尚未绑定单位，无法按单位登记进展或查看任务。请管理员在本群发送 `绑定 单位名`（例如 `绑定 区司法局`）。',
  noUnitP2p: '还不知道你代表哪个单位。请发送 `登记 单位名`（例如 `登记 区司法局`），或在本单位的群里 @督办。',
  notAssigned: (n: number, mine: string[], lead: string[], other: string[]) =>
    `任务 ${n} 不由${list(mine, '、')}承担（牵头：${list(lead, '、') || '无'}；配合：${list(other, '、') || '无'}）。请核对任务编号，或发送 \`我的任务\` 查看本单位的任务。`,
  whichUnit: (n: number, cands: string[]) =>
    `这里代表多个单位承担任务 ${n}：${list(cands, '、')}。请写明单位，例如 \`进度 ${n} ${cands[0]} 60% 已完成初稿\`。`,
  notYourUnit: (unit: string) => `你不能代表${unit}报进展：本群或你本人未绑定该单位。请在${unit}的工作群里 @督办，或请管理员绑定。`,
  unknownUnit: (q: string) => `没有找到单位“${clip(q)}”。请写全称或常用简称，例如 \`区司法局\`。`,
  ambiguousUnit: (q: string, cands: string[], verb: string) =>
    `“${clip(q)}”对应多个单位：${list(cands, '、')}。请写全称，例如 \`${verb} ${cands[0]}\`。`,
  bindAdminOnly: '只有管理员可以绑定单位。请联系依法治区办的管理员在本群发送 `绑定 单位名`。',
  bindInGroup: '绑定要在单位的工作群里进行：请在那个群里 @督办 发送 `绑定 单位名`。私聊请用 `登记 单位名`。',
  bindUsage: '请写单位名，例如 `绑定 区司法局`。',
  bound: (unit: string, moved: boolean, all: string[]) =>
    `已绑定：本群代表${unit}。${moved ? '（该单位原先绑定在另一个群，已改到本群。）' : ''}${all.length > 1 ? `本群现代表：${list(all, '、')}。` : ''}发送 \`我的任务\` 查看任务。`,
  registerUsage: '请写你所在的单位，例如 `登记 区司法局`。',
  registered: (unit: string) => `已登记：你是${unit}的联络人。在私聊中发送 \`我的任务\` 即可查看，\`进度 68 60% …\` 即可报进展。（已记入操作记录）`,
  alreadyRegistered: (unit: string) => `你已是${unit}的联络人，无需重复登记。`,
  recorded: (n: number, unit: string, status: ProgressStatus, percent: number | null, words: string, due: string | null) =>
    `已记录：任务 ${n} · ${unit} · ${zh.status[status]}${percent !== null ? ` · ${percent}%` : ''}${words ? ` · ${clip(words, 60)}` : ''}${due ? `（对应节点 ${due}）` : ''}。发送 \`任务 ${n}\` 查看各单位进展。`,

  status: { progress: '进行中', done: '已完成', blocked: '受阻' } as Record<ProgressStatus, string>,
  light: { overdue: '🔴 逾期', blocked: '🟠 受阻', behind: '🟠 滞后', 'due-soon': '🟡 临近', 'on-track': '🟢 正常', done: '✅ 已完成', ongoing: '🔵 持续推进' } as Record<Light, string>,
  role: { lead: '牵头', other: '配合' } as Record<UnitRole, string>,
  youRole: { lead: '你单位牵头', other: '你单位配合' } as Record<UnitRole, string>,
  daysLeft: (d: number) => (d < 0 ? `逾期 ${-d} 天` : d === 0 ? '今天到期' : `还有 ${d} 天`),
  noDate: '持续推进，无固定期限',
  allMet: '当前期限均已完成',
  lastProgress: (p: { percent: number | null; text: string; status: ProgressStatus; who: string; day: string }) =>
    `${zh.status[p.status]}${p.percent !== null ? ` ${p.percent}%` : ''}${p.text ? `：${clip(p.text, 80)}` : ''}（${p.who}，${p.day}）`,
  noProgress: '尚无进展',
  latestLabel: '最近进展',
  nextLabel: '下一期限',
  unitsLabel: '责任单位',
  milestonesLabel: '时间节点',
  progressLabel: '各单位最新进展',
  scheduleLabel: '进度安排',
  retiredNote: '（已撤销）',

  myTasksTitle: (units: string[], n: number) => `${list(units, '、')} · 我的任务（${n} 项）`,
  taskTitle: (n: number) => `任务 ${n}`,
  overdueTitle: (n: number) => `逾期事项（${n} 项）`,
  weekTitle: (n: number, days: number) => `${days} 天内到期（${n} 项）`,
  noTasks: (units: string[]) => `${list(units, '、')}目前没有承担的任务。`,
  noneOverdue: '没有逾期事项。',
  noneThisWeek: (days: number) => `未来 ${days} 天没有到期事项。`,
  openUnits: '未完成单位',
  more: (rest: number, pageHint: string | null, sample: number) =>
    `还有 ${rest} 项${pageHint ? `，发送 \`${pageHint}\` 看下一页` : ''}，发送 \`任务 ${sample}\` 查看单项。`,
  pageOf: (page: number, pages: number) => `第 ${page}/${pages} 页`,
  pageCmd: (page: number) => `我的任务 ${page}`,
  noSuchPage: (page: number, pages: number) => `没有第 ${page} 页，共 ${pages} 页。`,
  moreUnits: (n: number) => `另有 ${n} 个单位未列出。`,

  reminderTitle: (unit: string, n: number, day: string) => `${unit} · ${day} 督办提醒（${n} 项）`,
  reminderAsk: '请在期限前完成并报进展：',
  howToReport: (n: number, single = true) => `报进展：${single ? '回复本消息 @督办' : `回复本消息 @督办 并以任务号开头（如 \`${n} 60% …\`）`}，或发送 \`@督办 进度 ${n} 60% 已完成初稿\`，完成后发送 \`@督办 进度 ${n} 已完成\`。`,
  deadline: '期限',
  formStatus: '状态',
  formPercent: '完成比例（0-100，可不填）',
  formNote: '进展说明',
  formSubmit: '提交进展 Submit',
  doneButton: '已完成 Done',
  received: (who: string, status: ProgressStatus, percent: number | null, when: string) =>
    `✅ 已收到 ${who} 的进展：${zh.status[status]}${percent !== null ? ` ${percent}%` : ''}（${when}）`,
  toastRecorded: (n: number, unit: string) => `已记录任务 ${n} · ${unit} 的进展`,
  // extension requests (延期申请)
  dueMoved: (orig: string, to: string) => `原定 ${orig}，已批准延期至 ${to}`,
  extensionLine: (id: number, from: string, to: string, status: string) => `⏳ 延期申请 #${id}：${from} → ${to} · ${status}`,
  extendUsage: '请写任务编号、新的期限和原因，例如 `延期 68 2027-03-15 等待上级批复`。',
  extendBadDate: (raw: string) => `“${clip(raw)}”不是有效日期。请按 2027-03-15 的格式写新的期限，例如 \`延期 68 2027-03-15 等待上级批复\`。`,
  extendNoReason: (n: number, day: string) => `请写明延期原因，例如 \`延期 ${n} ${day} 等待上级批复\`。`,
  extendWhichUnit: (n: number, cands: string[]) => `这里代表多个单位承担任务 ${n}：${list(cands, '、')}。请写明单位，例如 \`延期 ${n} ${cands[0]} 2027-03-15 原因\`。`,
  extendNotYours: (unit: string) => `只有${unit}的工作群或其登记的联络人可以为${unit}申请延期。`,
  extendNothingOpen: (n: number, unit: string) => `任务 ${n} 中${unit}没有未完成的期限，无需申请延期。`,
  extendDeadlinePassed: (n: number, due: string) => `任务 ${n} 的期限 ${due} 已过，不能再申请延期。请发送 \`进度 ${n} …\` 报告进展，或与依法治办联系。`,
  extendNotLater: (newDue: string, due: string) => `新的期限 ${newDue} 应晚于现行期限 ${due}。`,
  extendTooFar: (newDue: string, due: string, max: number, latest: string) => `新的期限 ${newDue} 超出允许范围：最多可在现行期限 ${due} 基础上延期 ${max} 天（即不晚于 ${latest}）。`,
  extendAfterPlanEnd: (newDue: string, end: string) => `新的期限 ${newDue} 晚于方案的截止日 ${end}，不能延期到方案期限之后。`,
  extendAsked: (id: number, n: number, unit: string, due: string, newDue: string, office: string, officeBound: boolean) =>
    `已提交延期申请 #${id}：任务 ${n} · ${unit} · 现行期限 ${due} → 申请延至 ${newDue}。` +
    (officeBound ? `待${office}审批，结果将在本群通知；审批前仍以 ${due} 为准。` : `${office}尚未绑定工作群，请联系${office}审批；审批前仍以 ${due} 为准。`),
  extendDecidedNotice: (id: number, n: number, unit: string, approved: boolean, due: string, newDue: string, who: string, comment: string | null) =>
    (approved ? `✅ 延期申请 #${id} 已批准：任务 ${n} · ${unit} · 原定 ${due}，延期至 ${newDue}。` : `❌ 延期申请 #${id} 未获批准：任务 ${n} · ${unit} 仍以 ${due} 为期限。`) +
    `（${who}${comment ? `：${comment}` : ''}）`,
  decisionRecorded: (id: number, approved: boolean) => `延期申请 #${id} 已${approved ? '批准' : '退回'}，已通知申请单位`,
  decisionNotOffice: (office: string) => `只有${office}的成员或管理员可以审批延期申请。`,
  decisionAlready: (id: number, approved: boolean, who: string) => `延期申请 #${id} 已由 ${who} ${approved ? '批准' : '退回'}，不能重复审批。`,
  extensionUnknown: (id: number) => `没有延期申请 #${id}。`,
  formNewDue: '新的期限',
  formReason: '延期原因',
  extendButton: '申请延期 Extend',
  extensionStatus: { pending: '待审批', approved: '已批准', refused: '未批准' } as Record<'pending' | 'approved' | 'refused', string>,
  toastBad: '卡片内容已失效，请发送 `进度 任务号 …` 报进展。',
  toastPercent: (raw: string) => `完成比例应在 0 到 100 之间，收到的是 ${raw}。`,
  toastEmpty: '请填写进展说明或完成比例，或点“已完成”。',
  formPercentOnly: '请填写 0 到 100 的数字',
  colon: '：',
  paren: (x: string) => `（${x}）`,
  listSep: '、',
  clauseSep: '；',

  // evidence
  evidenceImage: '图片',
  evidenceAllowed: 'PDF、Word（doc/docx）、Excel（xls/xlsx）、图片（jpg/jpeg/png）或 zip 压缩包',
  evidenceStored: (name: string, size: string, n: number, unit: string, id: number) => `📎 已保存佐证材料「${name}」（${size}），记入任务 ${n} · ${unit}（编号 ${id}）。`,
  evidenceLinkStored: (url: string, n: number, unit: string, id: number) => `🔗 已记录链接 ${url}，作为任务 ${n} · ${unit} 的佐证材料（编号 ${id}）。`,
  evidenceDuplicate: (name: string, n: number, unit: string, id: number) => `「${name}」已在任务 ${n} · ${unit} 的佐证材料中（编号 ${id}），未重复保存。`,
  evidenceTooLarge: (name: string, size: string | null, limitMb: number) =>
    `未保存「${name}」：文件${size ? ` ${size}，` : ''}超过 ${limitMb} MB 的上限。请压缩或拆分后重新发送。`,
  evidenceType: (name: string, ext: string | null) =>
    `未保存「${name}」：${ext ? `不接受 .${ext} 文件` : '无法识别文件类型'}。佐证材料可以是 ${zh.evidenceAllowed}。`,
  evidenceUnavailable: (name: string, code: number | null) =>
    code === null ? `未保存「${name}」：这里无法接收文件，请在飞书中发送。` : `未能从飞书取得「${name}」（错误 ${code}），请重新发送。`,
  evidenceWhichTask: (ns: number[]) =>
    `这条提醒包含任务 ${ns.join('、')}，无法确定文件属于哪一项。请发一条带附件的富文本消息，例如 \`进度 ${ns[0]} 已完成\` 并附上文件。`,
  evidenceNoTask:
    '收到文件，但不知道它是哪项任务的佐证材料。请回复对应的提醒消息发送文件，或发一条带附件的富文本消息，例如 `进度 68 已完成` 并附上文件。',
  evidenceLabel: '佐证材料',
  evidenceLine: (e: { name: string; size: string | null; who: string; when: string; id: number }) =>
    `${e.name}${e.size ? ` · ${e.size}` : ''} · ${e.who} · ${e.when} · 编号 ${e.id}`,
  evidenceMore: (n: number) => `另有 ${n} 件，见 \`npm run cli -- evidence list\`。`,
};

export type Copy = typeof zh;

const en: Copy = {
  help: [
    `What ${BOT_NAME} does (in a group, @${BOT_NAME} first):`,
    '• `my tasks` — your unit\'s tasks, nearest deadline first (`my tasks 2` for page 2)',
    '• `task 68` — one task: text, units, milestones, latest progress per unit',
    '• `progress 68 60% draft done` — report progress; `progress 68 done` marks it done, `progress 68 blocked reason` marks it blocked',
    '• reply to a reminder and @ the bot with your progress, or fill in the reminder card\'s form',
    '• `overdue` — overdue items; `this week` — items due in the next 7 days',
    '• `extend 68 2027-03-15 reason` — ask, before the deadline, for an extension; the office decides',
    '• `bind 区司法局` — (admins) this group speaks for that unit',
    '• `register 区司法局` — in a direct chat, say which unit you work for, so `my tasks` works there',
    '• `summary` / `summary 区司法局` — (the office\'s group or admins) status lights per unit; `export` — the ledger as an Excel file',
    '• `help` — this text. 中文：`帮助`',
  ].join('\n'),
  hint: (t: string) => `I did not understand "${clip(t)}". Send \`help\` for the commands, e.g. \`my tasks\`, \`task 68\`, \`progress 68 60% draft done\`.`,
  emptyHint: 'Here. Send `help` for the commands, e.g. `my tasks`.',
  whichTask: (ns: number[]) => `That reminder lists tasks ${ns.join(', ')}: start your reply with the task number, e.g. \`${ns[0]} 60% draft done\`, or send \`progress ${ns[0]} …\`.`,

  unknownTask: (n, count) => `There is no task ${n}; the plan has ${count} tasks. Send \`my tasks\` to see your unit's tasks.`,
  retiredTask: (n) => `Task ${n} was withdrawn from the current plan and is no longer followed up.`,
  taskUsage: 'Give a task number, e.g. `task 68`.',
  progressUsage: 'Give a task number and your progress, e.g. `progress 68 60% draft done`.',
  progressEmpty: (n) => `Say what progress was made, e.g. \`progress ${n} 60% draft done\`, or \`progress ${n} done\`.`,
  percentRange: (raw) => `The percentage must be between 0% and 100%; got ${raw}. E.g. \`progress 68 60% draft done\`.`,
  doneWithPercent: (p) => `"done" means 100% (or leave the percentage out); got ${p}%. If it is not finished, drop "done".`,
  noUnitGroup: 'This group is not bound to a unit yet, so it cannot report progress or list tasks. An admin can send `bind UNIT` here (e.g. `bind 区司法局`).',
  noUnitP2p: 'I do not know which unit you work for. Send `register UNIT` (e.g. `register 区司法局`), or @ the bot in your unit\'s group.',
  notAssigned: (n, mine, lead, other) =>
    `Task ${n} is not assigned to ${list(mine, ', ')} (lead: ${list(lead, ', ') || 'none'}; others: ${list(other, ', ') || 'none'}). Check the number, or send \`my tasks\`.`,
  whichUnit: (n, cands) => `This chat speaks for several units on task ${n}: ${list(cands, ', ')}. Say which, e.g. \`progress ${n} ${cands[0]} 60% draft done\`.`,
  notYourUnit: (unit) => `You cannot report for ${unit}: neither this chat nor you are bound to it. @ the bot in ${unit}'s group, or ask an admin to bind it.`,
  unknownUnit: (q) => `No unit called "${clip(q)}". Use the full name or a common short name, e.g. \`区司法局\`.`,
  ambiguousUnit: (q, cands, verb) => `"${clip(q)}" matches several units: ${list(cands, ', ')}. Use the full name, e.g. \`${verb} ${cands[0]}\`.`,
  bindAdminOnly: 'Only admins can bind a unit. Ask an admin of the supervising office to send `bind UNIT` here.',
  bindInGroup: 'Bind in the unit\'s group chat: @ the bot there with `bind UNIT`. In a direct chat use `register UNIT`.',
  bindUsage: 'Give a unit name, e.g. `bind 区司法局`.',
  bound: (unit, moved, all) =>
    `Bound: this group speaks for ${unit}.${moved ? ' (The unit was bound to another group; it is now bound here.)' : ''}${all.length > 1 ? ` This group now speaks for: ${list(all, ', ')}.` : ''} Send \`my tasks\` to see its tasks.`,
  registerUsage: 'Say which unit you work for, e.g. `register 区司法局`.',
  registered: (unit) => `Registered: you are a liaison of ${unit}. In a direct chat, \`my tasks\` lists its tasks and \`progress 68 60% …\` reports progress. (Recorded in the audit log.)`,
  alreadyRegistered: (unit) => `You are already a liaison of ${unit}.`,
  recorded: (n, unit, status, percent, words, due) =>
    `Recorded: task ${n} · ${unit} · ${en.status[status]}${percent !== null ? ` · ${percent}%` : ''}${words ? ` · ${clip(words, 60)}` : ''}${due ? ` (for the ${due} deadline)` : ''}. Send \`task ${n}\` to see every unit's progress.`,

  status: { progress: 'in progress', done: 'done', blocked: 'blocked' },
  light: { overdue: '🔴 overdue', blocked: '🟠 blocked', behind: '🟠 behind', 'due-soon': '🟡 due soon', 'on-track': '🟢 on track', done: '✅ done', ongoing: '🔵 ongoing' },
  role: { lead: 'lead', other: 'taking part' },
  youRole: { lead: 'you lead this', other: 'you take part' },
  daysLeft: (d) => (d < 0 ? `overdue by ${-d} day${d === -1 ? '' : 's'}` : d === 0 ? 'due today' : `${d} day${d === 1 ? '' : 's'} left`),
  noDate: 'continuous, no fixed deadline',
  allMet: 'every current deadline met',
  lastProgress: (p) => `${en.status[p.status]}${p.percent !== null ? ` ${p.percent}%` : ''}${p.text ? `: ${clip(p.text, 80)}` : ''} (${p.who}, ${p.day})`,
  noProgress: 'no progress yet',
  latestLabel: 'Latest',
  nextLabel: 'Next deadline',
  unitsLabel: 'Units',
  milestonesLabel: 'Milestones',
  progressLabel: 'Latest progress per unit',
  scheduleLabel: 'Schedule',
  retiredNote: ' (withdrawn)',

  myTasksTitle: (units, n) => `${list(units, ', ')} · my tasks (${n})`,
  taskTitle: (n) => `Task ${n}`,
  overdueTitle: (n) => `Overdue (${n})`,
  weekTitle: (n, days) => `Due in the next ${days} days (${n})`,
  noTasks: (units) => `${list(units, ', ')} has no tasks at the moment.`,
  noneOverdue: 'Nothing is overdue.',
  noneThisWeek: (days) => `Nothing is due in the next ${days} days.`,
  openUnits: 'not done',
  more: (rest, pageHint, sample) => `${rest} more${pageHint ? `; send \`${pageHint}\` for the next page` : ''}; send \`task ${sample}\` for one task.`,
  pageOf: (page, pages) => `page ${page}/${pages}`,
  pageCmd: (page) => `my tasks ${page}`,
  noSuchPage: (page, pages) => `There is no page ${page}; there are ${pages}.`,
  moreUnits: (n) => `${n} more units not shown.`,

  reminderTitle: (unit, n, day) => `${unit} · reminder ${day} (${n})`,
  reminderAsk: 'Please finish before the deadline and report progress:',
  howToReport: (n, single = true) => `Report: reply to this message and @ the bot${single ? '' : ` starting with the task number (\`${n} 60% …\`)`}, or send \`@督办 progress ${n} 60% draft done\`; when finished, \`@督办 progress ${n} done\`.`,
  deadline: 'Deadline',
  formStatus: 'Status',
  formPercent: 'Percent (0-100, optional)',
  formNote: 'What was done',
  formSubmit: 'Submit',
  doneButton: 'Done',
  received: (who, status, percent, when) => `✅ Received from ${who}: ${en.status[status]}${percent !== null ? ` ${percent}%` : ''} (${when})`,
  toastRecorded: (n, unit) => `Progress on task ${n} · ${unit} recorded`,
  // extension requests (延期申请)
  dueMoved: (orig, to) => `originally ${orig}, extended to ${to}`,
  extensionLine: (id, from, to, status) => `⏳ Extension request #${id}: ${from} → ${to} · ${status}`,
  extendUsage: 'Write the task number, the new deadline and the reason, e.g. `extend 68 2027-03-15 awaiting approval upstream`.',
  extendBadDate: (raw) => `"${clip(raw)}" is not a date. Write the new deadline as 2027-03-15, e.g. \`extend 68 2027-03-15 awaiting approval\`.`,
  extendNoReason: (n, day) => `Say why, e.g. \`extend ${n} ${day} awaiting approval upstream\`.`,
  extendWhichUnit: (n, cands) => `This chat speaks for several units on task ${n}: ${list(cands, ', ')}. Name one, e.g. \`extend ${n} ${cands[0]} 2027-03-15 reason\`.`,
  extendNotYours: (unit) => `Only ${unit}'s own group chat or its registered liaison may ask to extend ${unit}'s deadline.`,
  extendNothingOpen: (n, unit) => `${unit} has no open deadline on task ${n}: nothing to extend.`,
  extendDeadlinePassed: (n, due) => `Task ${n}'s deadline ${due} has passed: it can no longer be extended. Send \`progress ${n} …\`, or talk to the office.`,
  extendNotLater: (newDue, due) => `The new deadline ${newDue} must be after the current one, ${due}.`,
  extendTooFar: (newDue, due, max, latest) => `The new deadline ${newDue} is too far: at most ${max} days beyond the current deadline ${due} (${latest} at the latest).`,
  extendAfterPlanEnd: (newDue, end) => `The new deadline ${newDue} is after the plan ends (${end}).`,
  extendAsked: (id, n, unit, due, newDue, office, officeBound) =>
    `Extension request #${id} sent: task ${n} · ${unit} · current deadline ${due} → asked for ${newDue}. ` +
    (officeBound ? `${office} decides; you will hear here. Until then ${due} stands.` : `${office} has no bound chat yet: ask them to decide. Until then ${due} stands.`),
  extendDecidedNotice: (id, n, unit, approved, due, newDue, who, comment) =>
    (approved ? `✅ Extension request #${id} approved: task ${n} · ${unit} · originally ${due}, now ${newDue}.` : `❌ Extension request #${id} refused: task ${n} · ${unit} keeps the deadline ${due}.`) +
    ` (${who}${comment ? `: ${comment}` : ''})`,
  decisionRecorded: (id, approved) => `Extension request #${id} ${approved ? 'approved' : 'refused'}; the unit is told`,
  decisionNotOffice: (office) => `Only members of ${office} or admins may decide extension requests.`,
  decisionAlready: (id, approved, who) => `Extension request #${id} was already ${approved ? 'approved' : 'refused'} by ${who}.`,
  extensionUnknown: (id) => `There is no extension request #${id}.`,
  formNewDue: 'New deadline',
  formReason: 'Reason',
  extendButton: 'Send request',
  extensionStatus: { pending: 'pending', approved: 'approved', refused: 'refused' },
  toastBad: 'This card is out of date; send `progress N …` instead.',
  toastPercent: (raw) => `The percentage must be between 0 and 100; got ${raw}.`,
  toastEmpty: 'Fill in what was done or a percentage, or press "Done".',
  formPercentOnly: 'A number from 0 to 100',
  colon: ': ',
  paren: (x) => ` (${x})`,
  listSep: ', ',
  clauseSep: '; ',

  // evidence
  evidenceImage: 'image',
  evidenceAllowed: 'PDF, Word (doc/docx), Excel (xls/xlsx), images (jpg/jpeg/png) or zip',
  evidenceStored: (name, size, n, unit, id) => `📎 Saved "${name}" (${size}) as evidence for task ${n} · ${unit} (no. ${id}).`,
  evidenceLinkStored: (url, n, unit, id) => `🔗 Recorded the link ${url} as evidence for task ${n} · ${unit} (no. ${id}).`,
  evidenceDuplicate: (name, n, unit, id) => `"${name}" is already on record as evidence for task ${n} · ${unit} (no. ${id}); not saved again.`,
  evidenceTooLarge: (name, size, limitMb) => `Not saved: "${name}"${size ? ` (${size})` : ''} is over the ${limitMb} MB limit. Compress or split it and send it again.`,
  evidenceType: (name, ext) => `Not saved: "${name}": ${ext ? `.${ext} files are not accepted` : 'the file type is not recognised'}. Evidence may be ${en.evidenceAllowed}.`,
  evidenceUnavailable: (name, code) =>
    code === null ? `Not saved: "${name}": files cannot be received here; send it in Lark.` : `Could not fetch "${name}" from Lark (error ${code}); please send it again.`,
  evidenceWhichTask: (ns) => `This reminder lists tasks ${ns.join(', ')}, so the file's task is unclear. Send a rich-text message such as \`progress ${ns[0]} done\` with the file attached.`,
  evidenceNoTask: 'Got a file, but not which task it backs. Send it in reply to the reminder, or as a rich-text message such as `progress 68 done` with the file attached.',
  evidenceLabel: 'Evidence',
  evidenceLine: (e) => `${e.name}${e.size ? ` · ${e.size}` : ''} · ${e.who} · ${e.when} · no. ${e.id}`,
  evidenceMore: (n) => `${n} more: see \`npm run cli -- evidence list\`.`,
};

export const COPY: Record<'zh' | 'en', Copy> = { zh, en };

export function copy(lang: 'zh' | 'en'): Copy {
  return COPY[lang];
}

/** Quote user text back without flooding the chat. */
export function clip(t: string, max = 20): string {
  const chars = [...t];
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : t;
}

/** A guess at the language of free text: any CJK → zh. */
export function langOf(t: string): 'zh' | 'en' {
  return /[\u3400-\u9fff]/.test(t) || !/[a-z]/i.test(t) ? 'zh' : 'en';
}
