import type { ChatRequest, Reply } from "@tokenledger/openai-server";

/** A chat that changes the kind of its text: English prose, then Chinese, then code. */
export type Phase = "english" | "chinese" | "code";

const ENGLISH_QUESTIONS = [
  "what should I see in the old town, and how long does it take on foot from the station?",
  "which museum is worth the ticket if I only have one rainy afternoon?",
  "where can I eat well near the river without booking weeks ahead?",
  "is it better to buy a travel card or pay for each ride on the trams?",
  "what is a good day trip by train, leaving early and back for dinner?",
];
const ENGLISH_ANSWERS = [
  "Start at the cathedral square early, before the tour groups arrive, then follow the river path north.",
  "The covered market is best around eleven, when the bakers restock and the cheese stalls offer tastings.",
  "Most small restaurants keep a few tables for walk-ins, so arrive at half past six and ask politely.",
  "A weekly pass pays for itself after about nine rides, and it also covers the night buses.",
  "Leave a slow hour for the botanical garden; the glasshouses are warm even in the middle of winter.",
  "If the weather turns, the old library has a reading room with a painted ceiling and free entry.",
];
const CHINESE_QUESTIONS = [
  "请推荐三家当地的餐厅，并说明每家的特色菜和大概价格。",
  "博物馆岛值得去吗？需要提前预订门票吗？",
  "从火车站到老城区步行大约需要多长时间？",
  "下雨天有什么适合全家一起去的室内活动？",
  "买一周的交通卡划算吗，还是每次单独买票更好？",
];
const CHINESE_ANSWERS = [
  "建议早上九点前到达大教堂广场，避开旅行团，然后沿着河边小路向北慢慢走。",
  "中央市场上午十一点左右最热闹，面包师傅会补货，奶酪摊位也会提供免费试吃。",
  "大多数小餐馆会为没有预约的客人留几张桌子，傍晚六点半到店礼貌地询问即可。",
  "一周的交通卡大约坐九次就能回本，而且还可以乘坐夜间公交车。",
  "如果天气变坏，老图书馆的阅览室有彩绘天花板，而且可以免费参观。",
  "植物园的温室即使在冬天也很温暖，值得留出一个小时慢慢参观。",
];
const CODE_QUESTIONS = [
  "function total(items) { return items.reduce((s, x) => s + x.price * x.qty, 0); }",
  "const byCity = (trips) => Object.groupBy(trips, (t) => t.city.toLowerCase());",
  "if (!user?.id || user.roles.includes('guest')) throw new Error('no access: ' + user?.id);",
  "for (let i = 0; i < rows.length; i += 2) { out.push([rows[i], rows[i + 1] ?? null]); }",
  "export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));",
];
const CODE_ANSWERS = [
  "const sum = list.filter((x) => x.ok).map((x) => x.n * 2).reduce((a, b) => a + b, 0);",
  "type Trip = { id: string; city: string; days: number[]; cost?: Record<string, number> };",
  "app.get('/api/trips/:id', async (req, res) => res.json(await db.trip(req.params.id)));",
  "const [head, ...tail] = path.split('/').filter(Boolean); return { head, depth: tail.length };",
  "while (queue.length > 0 && budget >= queue[0].cost) { budget -= queue.shift()!.cost; }",
  "return Object.entries(counts).sort(([, a], [, b]) => b - a).slice(0, 3).map(([k]) => k);",
];

/** The phase of turn `i` of `turns`: the first third English, the second Chinese, the last code. */
export function phaseOf(i: number, turns: number): Phase {
  return i < Math.floor(turns / 3) ? "english" : i < Math.floor((2 * turns) / 3) ? "chinese" : "code";
}

/** The user's turn `i`. */
export function userTurn(i: number, phase: Phase): string {
  if (phase === "english") return `Turn ${i}: ${ENGLISH_QUESTIONS[i % ENGLISH_QUESTIONS.length]}`;
  if (phase === "chinese") return `第${i}轮：${CHINESE_QUESTIONS[i % CHINESE_QUESTIONS.length]}`;
  return `// turn ${i}: review this\n${CODE_QUESTIONS[i % CODE_QUESTIONS.length]}`;
}

/** Three answer lines in the language of the user's last turn, chosen by its turn number. */
export function phaseReply(request: ChatRequest): Reply {
  const last = request.messages.at(-1)!;
  const text = typeof last.content === "string" ? last.content : (last.content ?? []).map((p) => p.text ?? "").join("");
  const turn = Number(/\d+/.exec(text)?.[0] ?? 0);
  const lines = text.startsWith("//") ? CODE_ANSWERS : /[\u4e00-\u9fff]/.test(text) ? CHINESE_ANSWERS : ENGLISH_ANSWERS;
  const pick = (k: number) => lines[(turn * 7 + k) % lines.length];
  return { content: [pick(0), pick(1), pick(2)].join(text.startsWith("//") ? "\n" : " ") };
}
