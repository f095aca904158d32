// The scripted conversation: English and Chinese turns, one that needs the weather tool.
export const SYSTEM_PROMPT = "You are a concise travel assistant. Answer in the user's language.";

export const TURNS = [
  "Hi! I am planning a week in Europe in spring. Where should I start?",
  "I like museums and long walks. Is Paris a good first stop?",
  "你好！我想在巴黎待三天，有什么推荐的博物馆吗？",
  "How do I get from the airport to the city centre cheaply?",
  "What's the weather like in Paris right now?",
  "Then what should I pack for the first days?",
  "卢浮宫和奥赛博物馆，哪个更适合第一次去巴黎的人？",
  "Can you suggest a walking route along the Seine?",
  "After Paris I want to go to Amsterdam. Train or plane?",
  "阿姆斯特丹的运河游船值得坐吗？大概多少钱？",
  "Which neighbourhood in Amsterdam is quiet but central?",
  "I also want to see Berlin. How many days do I need there?",
  "柏林有哪些和历史有关的景点？请列出三个。",
  "Is it easy to get around Berlin without speaking German?",
  "What is a typical Berlin breakfast?",
  "最后一站我想去布拉格。从柏林怎么去最方便？",
  "What should I not miss in Prague's old town?",
  "How much cash should I carry, or can I pay by card everywhere?",
  "请帮我把整个行程总结成一个简单的清单。",
  "Any tips for staying within a budget on this trip?",
  "谢谢！最后一个问题：春天欧洲需要带雨伞吗？",
  "Thanks, that is all. Have a nice day!",
];

/** The user's message of turn `n` (from 1): the script, then the script again, each round numbered. */
export function scriptedTurn(n) {
  const round = Math.floor((n - 1) / TURNS.length);
  const text = TURNS[(n - 1) % TURNS.length];
  return round === 0 ? text : `(trip ${round + 1}) ${text}`;
}

export const WEATHER_TOOL = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Get the current weather in a city",
    parameters: { type: "object", properties: { city: { type: "string", description: "The city, e.g. Paris" } }, required: ["city"] },
  },
};

export function weather({ city }) {
  return JSON.stringify({ city, temperature_c: 14, conditions: "light rain, clearing in the afternoon" });
}

/** The embedded server's assistant: deterministic answers long enough that the history outgrows the window. */
export function scriptedReply(request) {
  const last = request.messages.at(-1);
  if (last?.role === "tool") return { content: `The weather service says: ${last.content}. Bring a light rain jacket.` };
  const text = typeof last?.content === "string" ? last.content : (last?.content ?? []).map((p) => p.text ?? "").join("");
  if (request.tools?.length && /weather/i.test(text))
    return { toolCalls: [{ name: "get_weather", arguments: JSON.stringify({ city: "Paris" }) }] };
  const chinese = /[\u4e00-\u9fff]/.test(text);
  const topic = text.replace(/[?？!！。.]+$/u, "").slice(0, 40);
  return chinese
    ? { content: `关于"${topic}"：建议提前在网上订票，避开周末高峰，早上九点前到达，并留出足够时间慢慢参观和休息。` }
    : {
        content: `About "${topic}": book ahead online, avoid weekend peaks, arrive before nine, and leave time for slow walks and a long lunch.`,
      };
}
