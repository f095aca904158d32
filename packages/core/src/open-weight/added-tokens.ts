interface TrieNode {
  next: Map<number, TrieNode>;
  /** The id of the added token that ends here, or -1. */
  id: number;
}

/** Calls `onText(start, end)` for text between added tokens and `onToken(id)` for each added token, in order. */
export type AddedTokenSplitter = (text: string, onText: (start: number, end: number) => void, onToken: (id: number) => void) => void;

/**
 * Splits text on a tokenizer's added tokens the way Hugging Face's tokenizers do: scanning
 * left to right, at each position the longest added token that starts there wins; text
 * between tokens is handed on for normal tokenization.
 */
export function createAddedTokenSplitter(tokens: ReadonlyArray<{ content: string; id: number }>): AddedTokenSplitter {
  const root: TrieNode = { next: new Map(), id: -1 };
  for (const { content, id } of tokens) {
    if (content.length === 0) continue;
    let node = root;
    for (let i = 0; i < content.length; i++) {
      const c = content.charCodeAt(i);
      let child = node.next.get(c);
      if (!child) {
        child = { next: new Map(), id: -1 };
        node.next.set(c, child);
      }
      node = child;
    }
    node.id = id;
  }
  const first = root.next;
  return (text, onText, onToken) => {
    const n = text.length;
    let start = 0;
    let i = 0;
    while (i < n) {
      let node = first.get(text.charCodeAt(i));
      if (node === undefined) {
        i++;
        continue;
      }
      let matchId = -1;
      let matchEnd = i;
      let j = i + 1;
      for (;;) {
        if (node.id >= 0) {
          matchId = node.id;
          matchEnd = j;
        }
        if (j >= n) break;
        const child: TrieNode | undefined = node.next.get(text.charCodeAt(j));
        if (child === undefined) break;
        node = child;
        j++;
      }
      if (matchId < 0) {
        i++;
        continue;
      }
      if (i > start) onText(start, i);
      onToken(matchId);
      i = matchEnd;
      start = i;
    }
    if (start < n) onText(start, n);
  };
}
