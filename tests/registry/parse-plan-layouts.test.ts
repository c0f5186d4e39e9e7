// Issue 9: the layouts of other plans of the genre, each on a small document written in their words.
import { describe, expect, it } from 'vitest';
import { explainNoTasks, parsePlan } from '../../src/registry/parse-plan.ts';
import type { MilestoneDraft } from '../../src/registry/types.ts';
import { createUnitDirectory } from '../../src/registry/unit-directory.ts';

const when = (m: MilestoneDraft) => (m.kind === 'once' ? m.due : m.kind === 'annual' ? `每年${m.month}/${m.day}` : 'continuous');
const doc = (...lines: string[]) => lines.join('\n');
const units = (plan: ReturnType<typeof parsePlan>) => plan.tasks.map((t) => [t.number, t.leadUnits, t.otherUnits]);
const messages = (plan: ReturnType<typeof parsePlan>) => plan.warnings.map((w) => w.message);

describe('owners in a bracket at the end of the item', () => {
  const rule = (wording: string) =>
    parsePlan(
      doc(
        '关于印发重点任务分工方案的通知',
        `(各项任务中${wording})`,
        '一、优化审批服务',
        '(一)推行企业开办“一窗通办”。(省市场监管局、省公安厅、省税务局负责)',
        '(二)深化工程建设项目审批制度改革。(省住房城乡建设厅会同有关部门负责)',
        '二、降低企业成本',
        '(三)落实普惠性税收减免政策。(省财政厅、省税务局牵头负责)',
        '(四)降低社会保险费率。(省人力资源社会保障厅、省财政厅,各市、县人民政府按职责分工负责)',
        '(五)组织企业管理人员培训。(省工业和信息化厅、省教育厅等和各市人民政府负责)',
      ),
    );

  it.each(['列第一位者为牵头单位,下同', '排在第一位的部门为牵头部门'])('with the rule "%s", the first listed unit leads', (wording) => {
    expect(units(rule(wording))).toEqual([
      [1, ['省市场监管局'], ['省公安厅', '省税务局']],
      [2, ['省住房城乡建设厅'], ['有关部门']],
      [3, ['省财政厅', '省税务局'], []], // an explicit 牵头负责 overrides the rule
      [4, ['省人力资源社会保障厅'], ['省财政厅', '各市、县人民政府']],
      [5, ['省工业和信息化厅'], ['省教育厅', '各市人民政府']],
    ]);
  });

  it('(一)…(五) run on across 一、二、 chapters', () => {
    expect(rule('列第一位者为牵头单位').tasks.map((t) => [t.number, t.chapter])).toEqual([
      [1, '一、优化审批服务'],
      [2, '一、优化审批服务'],
      [3, '二、降低企业成本'],
      [4, '二、降低企业成本'],
      [5, '二、降低企业成本'],
    ]);
  });

  it('without a rule every listed unit leads; 会同 still makes X lead and Y take part', () => {
    const plan = parsePlan(
      doc('1、推进产销衔接政策。(省发改委、省工业和信息化厅等负责)', '2、引导土地经营权有序流转。(省农业厅牵头)', '3、深化审批制度改革。(省住房城乡建设厅会同有关部门负责)'),
    );
    expect(units(plan)).toEqual([
      [1, ['省发改委', '省工业和信息化厅'], []],
      [2, ['省农业厅'], []],
      [3, ['省住房城乡建设厅'], ['有关部门']],
    ]);
  });

  it('parentheses in the body and 牵头 in prose are not owners', () => {
    const plan = parsePlan(doc('1.在各省(区、市)推广改革经验。(省发改委负责)', '2.由政府负责人牵头建立工作专班,在各地(地、州、盟)试点。', '3.完善评价制度。(区审改办)'));
    expect(plan.tasks.map((t) => t.number)).toEqual([1]);
    expect(plan.tasks[0].text).toBe('在各省(区、市)推广改革经验。');
    expect(messages(plan)).toEqual(expect.arrayContaining([expect.stringMatching(/numbered item 2 has no responsibility/), expect.stringMatching(/numbered item 3 has no responsibility/)]));
  });

  it('a bracket schedule is read with the owners', () => {
    const plan = parsePlan(doc('国发〔2020〕6号', '1.做好今年政府工作。(国务院各部门分别负责,年内持续推进)'));
    expect(plan.tasks[0]).toMatchObject({ leadUnits: ['国务院各部门'], schedule: '年内持续推进' });
    expect(plan.tasks[0].milestones.map(when)).toEqual(['2020-12-31']);
    expect(plan.tasks[0].milestones[0].repair).toContain('国发〔2020〕6号');
  });
});

describe('numbering', () => {
  it('top-level 一、 items that carry owners are the tasks; 一是…二是… stays inside its item', () => {
    const plan = parsePlan(
      doc('某区2022年重点工作安排', '一、健全依法决策机制。一是完善程序;二是制定目录。(区政府办负责)', '二、全面推行行政执法“三项制度”。', '牵头单位:区司法局', '三、加强行政复议规范化建设。(区司法局负责)'),
    );
    expect(plan.tasks.map((t) => [t.number, t.leadUnits])).toEqual([
      [1, ['区政府办']],
      [2, ['区司法局']],
      [3, ['区司法局']],
    ]);
    expect(plan.tasks[0].text).toBe('健全依法决策机制。一是完善程序;二是制定目录。');
  });

  it('a title carrying its owners ("一、强化科技创新(区科技局牵头)") is a task with the words and measures under it', () => {
    const plan = parsePlan(
      doc(
        '一、强化科技创新(区科技局牵头)',
        '推进创新链产业链深度融合。',
        '(一)加强科创平台建设。2025年底前新建省级平台2家。',
        '(二)支持企业研发。',
        '二、扩大有效投资(区发改局牵头)',
        '(一)加快重大项目建设。',
        '',
        '各乡镇、各部门要于2025年12月20日前报送落实情况。',
      ),
    );
    expect(plan.tasks.map((t) => [t.number, t.leadUnits, t.milestones.map(when)])).toEqual([
      [1, ['区科技局'], ['2025-12-31']],
      [2, ['区发改局'], []],
    ]);
    expect(plan.tasks[0].text).toBe('强化科技创新\n推进创新链产业链深度融合。\n(一)加强科创平台建设。2025年底前新建省级平台2家。\n(二)支持企业研发。');
    expect(plan.tasks[1].text).not.toContain('报送');
    expect(plan.planMilestones).toEqual([expect.objectContaining({ due: '2025-12-20', units: ['各乡镇', '各部门'] })]);
  });

  it('points numbered under an item after its owner bracket are the item\'s words, deadlines included', () => {
    const plan = parsePlan(
      doc(
        '(一)深化行政审批制度改革。(省政务服务局牵头,省有关部门按职责分工负责)',
        '1.精简审批事项,2023年6月底前公布清单。',
        '2.推行告知承诺制,',
        '全面实行容缺受理。',
        '(二)加强事中事后监管。(省市场监管局负责)',
        '',
        '各地要于2023年12月31日前报送进展情况。',
      ),
    );
    expect(plan.tasks.map((t) => [t.number, t.leadUnits, t.otherUnits, t.milestones.map(when)])).toEqual([
      [1, ['省政务服务局'], ['省有关部门'], ['2023-06-30']],
      [2, ['省市场监管局'], [], []],
    ]);
    expect(plan.tasks[0].text).toBe('深化行政审批制度改革。\n1.精简审批事项,2023年6月底前公布清单。\n2.推行告知承诺制,\n全面实行容缺受理。');
    expect(plan.planMilestones).toEqual([expect.objectContaining({ due: '2023-12-31', units: ['各地'] })]);
  });

  it('numbered goals and 保障措施 among the tasks are not tasks and not warnings', () => {
    const plan = parsePlan(
      doc(
        '一、总体目标',
        '(一)到2025年基本建成法治政府。',
        '二、主要任务',
        '(二)规范行政执法。(区司法局负责,2023年底前)',
        '(三)推进政务公开。(区政府办负责,持续推进)',
        '三、保障措施',
        '(四)加强组织领导。',
        '(五)强化督促检查。',
      ),
    );
    expect(plan.tasks.map((t) => t.number)).toEqual([2, 3]);
    expect(plan.tasks.map((t) => t.milestones.map(when))).toEqual([['2023-12-31'], ['continuous']]);
    expect(messages(plan).filter((m) => /numbered item/.test(m))).toEqual([]);
  });

  it('a numbered heading that names units over numbered measures is a section, its units a summary', () => {
    const plan = parsePlan(
      doc('(一)落实减税降费政策。(财政部、税务总局等按职责分工负责)', '具体措施:', '1.完善直达机制。(财政部牵头,各地区按职责分工负责)', '2.精准推送优惠政策。(税务总局负责)'),
    );
    expect(plan.tasks.map((t) => [t.number, t.section, t.leadUnits, t.otherUnits])).toEqual([
      [1, '落实减税降费政策', ['财政部'], ['各地区']],
      [2, '落实减税降费政策', ['税务总局'], []],
    ]);
  });
});

describe('separate lines in any order', () => {
  it('时间节点 before 牵头单位, 协同责任单位, leaders kept as words, 责任单位 with A(牵头)', () => {
    const plan = parsePlan(
      doc(
        '1﹒全省生产总值增长7%以上。',
        '牵头负责领导:刘惠。',
        '时间节点:2022年底前',
        '牵头责任单位:省发展改革委。',
        '协同责任单位:省政府各部门、各直属机构。',
        '2.开展规范性文件清理。',
        '责任单位:区司法局(牵头)、区发改局、区财政局',
        '3.地区生产总值增长6%以上。',
        '分管省领导:林克庆',
        '部门分工:省发展改革委牵头,各地、各部门配合。',
      ),
    );
    expect(units(plan)).toEqual([
      [1, ['省发展改革委'], ['省政府各部门', '各直属机构']],
      [2, ['区司法局'], ['区发改局', '区财政局']],
      [3, ['省发展改革委'], ['各地', '各部门']],
    ]);
    expect(plan.tasks[0].text).toBe('全省生产总值增长7%以上。\n牵头负责领导:刘惠。');
    expect(plan.tasks[0].milestones.map(when)).toEqual(['2022-12-31']);
  });
});

describe('deadlines outside the tasks', () => {
  it('a closing paragraph is a plan milestone of the units it names, not part of the last task', () => {
    const plan = parsePlan(doc('1.推进政务公开。(区政府办负责,持续推进)', '', '各地区、各部门要于2018年12月31日前将落实情况报送区政府办公室。'));
    expect(plan.tasks[0].milestones.map(when)).toEqual(['continuous']);
    expect(plan.tasks[0].text).not.toContain('各地区');
    expect(plan.planMilestones).toEqual([expect.objectContaining({ kind: 'once', due: '2018-12-31', units: ['各地区', '各部门'], label: '将落实情况报送区政府办公室' })]);
  });

  it('a closing deadline that names nobody is a warning quoting it; a date in the preamble that is no deadline is nothing', () => {
    const plan = parsePlan(doc('2020年9月11日,李克强总理在会议上发表重要讲话。', '1.推进政务公开。(区政府办负责,持续推进)', '请于2022年11月30日前报送全年工作总结。'));
    expect(plan.planMilestones).toBeUndefined();
    expect(plan.warnings).toContainEqual(expect.objectContaining({ message: expect.stringMatching(/names no unit/), source: '请于2022年11月30日前报送全年工作总结' }));
  });

  it('relative deadlines count from the document date, or are a warning that quotes them', () => {
    const dated = parsePlan(doc('2018年6月1日', '1.制定落实方案。(各市人民政府负责)', '完成时限:自本方案印发之日起30日内'));
    expect(dated.tasks[0].milestones.map(when)).toEqual(['2018-07-01']);
    expect(dated.tasks[0].milestones[0].repair).toMatch(/2018-06-01/);
    const undated = parsePlan(doc('1.制定落实方案。(各市人民政府负责)', '完成时限:自本方案印发之日起30日内'));
    expect(undated.tasks[0].milestones).toEqual([]);
    expect(undated.warnings).toContainEqual(expect.objectContaining({ task: 1, source: '自本方案印发之日起30日内', message: expect.stringMatching(/issue date/) }));
  });

  it('dates that are not deadlines make no milestone', () => {
    const plan = parsePlan(
      doc(
        '1.落实税收减免政策,政策执行期限为2019年1月1日至12月31日。(省财政厅负责)',
        '2.从2019年1月1日起降低费率,建立长期稳定的供销关系,持续提升服务。(省人社厅负责)',
        '3.组织培训,每年不少于8天,每三年轮训一遍。(省教育厅负责)',
        '4.有效期延长至2025年12月31日。(省财政厅负责)',
      ),
    );
    expect(plan.tasks.map((t) => t.milestones)).toEqual([[], [], [], []]);
  });
});

describe('units of another organisation', () => {
  const jinan = createUnitDirectory([{ name: '区财政局', aliases: ['财政局'] }, { name: '区商务局', aliases: ['商务局'] }, { name: '有关部门', collective: true }]);
  const other = doc('1.完善就业政策。(市人社局牵头,市发改委、财政局、商务局、金融办负责)', '2.发展产业。(市发改委、市工信局负责)');

  it('a directory that knows few of the plan\'s names is not used: names stay as written, one warning says why', () => {
    const plan = parsePlan(other, { directory: jinan });
    expect(plan.tasks[0]).toMatchObject({ leadUnits: ['市人社局'], otherUnits: ['市发改委', '财政局', '商务局', '金融办'] });
    expect(messages(plan).filter((m) => /directory/.test(m))).toEqual([expect.stringMatching(/knows only 2 of the 7 unit names.*not used/)]);
    expect(messages(plan).some((m) => /is not in the unit directory/.test(m))).toBe(false);
  });

  it('without a directory only names that do not read as units are warned about', () => {
    const plan = parsePlan(doc('1.简化报建手续。(牵头单位:区行政审批服务局;责任单位:区政'));
    expect(plan.tasks[0]).toMatchObject({ leadUnits: ['区行政审批服务局'], otherUnits: ['区政'] });
    expect(plan.warnings.filter((w) => w.task && /unit/.test(w.message))).toEqual([expect.objectContaining({ task: 1, source: "区政", message: expect.stringMatching(/does not read as a unit name/) })]);
  });
});

describe('a document without tasks', () => {
  it('says which layouts were tried and quotes the first three item-like lines', () => {
    const plan = parsePlan(doc('七、强化组织领导', '(二十一)提高认识,明确责任。', '各地区要亲自负责。', '(二十二)落实地方政府责任。', '(二十三)组织开展营商环境评价。', '(二十四)增强政策透明度。'));
    expect(plan.tasks).toEqual([]);
    const why = explainNoTasks(plan);
    expect(why).toMatch(/Layouts tried: numbered items .* owner brackets .* task tables/);
    expect(why).toContain('line 2 「(二十一)提高认识,明确责任。」');
    expect(why).toContain('line 5 「(二十三)组织开展营商环境评价。」');
    expect(why).not.toContain('(二十四)');
    expect(why).not.toContain('七、强化组织领导');
  });
});
