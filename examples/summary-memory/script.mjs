// The scripted conversation: 40 turns in English and Chinese. Turn 1 states two facts; turn 40 asks for one.
export const SYSTEM_PROMPT = "You are a concise travel assistant. Answer in the user's language.";

export const FACT_TURN = "Hi! My name is Lin and my hotel is Lumière, near the Gare de Lyon. I land in Paris on Monday.";
export const QUESTION_TURN = "One last thing before I call a taxi: what is my hotel? 我要把名字告诉司机。";

const MIDDLE = [
  "I like museums and long walks. Where should I start on my first day?",
  "你好！我想在巴黎待三天，有什么推荐的博物馆吗？",
  "How do I get from the airport to the city centre cheaply?",
  "Is the Paris museum pass worth it for three days?",
  "卢浮宫和奥赛博物馆，哪个更适合第一次去巴黎的人？",
  "Can you suggest a walking route along the Seine?",
  "Where can I find a good but simple dinner near the Marais?",
  "巴黎的地铁票怎么买最划算？",
  "Is it safe to walk around Montmartre in the evening?",
  "What is a good day trip from Paris by train?",
  "凡尔赛宫需要提前预约吗？大概要花多长时间？",
  "After Paris I want to go to Amsterdam. Train or plane?",
  "阿姆斯特丹的运河游船值得坐吗？大概多少钱？",
  "Which neighbourhood in Amsterdam is quiet but central?",
  "Should I rent a bicycle in Amsterdam as a visitor?",
  "梵高博物馆的门票需要提前多久买？",
  "I also want to see Berlin. How many days do I need there?",
  "柏林有哪些和历史有关的景点？请列出三个。",
  "Is it easy to get around Berlin without speaking German?",
  "What is a typical Berlin breakfast?",
  "柏林墙遗址最好什么时候去参观？",
  "Are museums in Berlin closed on Mondays?",
  "最后一站我想去布拉格。从柏林怎么去最方便？",
  "What should I not miss in Prague's old town?",
  "布拉格城堡早上几点开门？人多吗？",
  "How much cash should I carry, or can I pay by card everywhere?",
  "What is a good souvenir from Prague that is not kitsch?",
  "布拉格有什么适合一个人去的小酒馆吗？",
  "Do I need travel insurance for a week in Europe?",
  "请帮我把整个行程总结成一个简单的清单。",
  "Any tips for staying within a budget on this trip?",
  "春天欧洲需要带雨伞吗？",
  "Which apps are useful for trains across these countries?",
  "我应该怎么安排行李，才能只带一个登机箱？",
  "What is the best way to avoid queues at popular sights?",
  "在欧洲坐火车需要提前订座吗？",
  "Which of these cities is best for a rainy day?",
  "谢谢你的建议！我还应该注意什么？",
];

export const TURNS = [FACT_TURN, ...MIDDLE, QUESTION_TURN];

const text = (content) => (typeof content === "string" ? content : (content ?? []).map((p) => p.text ?? "").join(""));
const FACT = /\bmy (name|hotel) is ([\p{L}-]+)/giu;

/** The summarizer's request, as SummaryBuffer writes it (its system message is the summary prompt). */
export const isSummaryRequest = (request) => text(request.messages[0]?.content).startsWith("Progressively summarize");

/**
 * The embedded server's assistant, deterministic. As summarizer it keeps every "my X is Y"
 * fact and the last few topics; as assistant it answers "what is my X?" from whatever the
 * prompt holds (the summary included), and otherwise gives an answer long enough that the
 * history soon outgrows the window.
 */
export function scriptedReply(request) {
  const all = request.messages.map((m) => text(m.content)).join("\n");
  if (isSummaryRequest(request)) {
    const facts = [...new Set([...all.matchAll(FACT)].map((m) => `my ${m[1].toLowerCase()} is ${m[2]}`))];
    const topics = [...text(request.messages.at(-1)?.content).matchAll(/^Human: (.{1,24})/gmu)].map((m) => m[1].trim());
    return { content: `User facts: ${facts.join("; ") || "none"}. Recent topics: ${topics.slice(-3).join(" / ") || "none"}.` };
  }
  const question = text(request.messages.at(-1)?.content);
  const asked = /what is my (name|hotel)\b/i.exec(question)?.[1]?.toLowerCase();
  if (asked) {
    const fact = [...all.matchAll(FACT)].find((m) => m[1].toLowerCase() === asked)?.[2];
    return { content: fact ? `Your ${asked} is ${fact}.` : `Sorry, I do not know your ${asked}: it is not in what I can see.` };
  }
  const chinese = /[\u4e00-\u9fff]/.test(question);
  const topic = question.replace(/[?？!！。.]+$/u, "").slice(0, 30);
  return chinese
    ? { content: `关于"${topic}"：建议提前在网上订票，避开周末高峰，早上九点前到达，并留出足够时间慢慢参观和休息。` }
    : {
        content: `About "${topic}": book ahead online, avoid weekend peaks, arrive before nine, and leave time for slow walks and a long lunch.`,
      };
}
