/** The parts of a Hugging Face `tokenizer.json` that tokenledger reads. */
export interface TokenizerJson {
  added_tokens: Array<{
    id: number;
    content: string;
    special?: boolean;
    lstrip?: boolean;
    rstrip?: boolean;
    normalized?: boolean;
    single_word?: boolean;
  }>;
  normalizer: NormalizerJson | null;
  pre_tokenizer: PreTokenizerJson | null;
  model: {
    type: string;
    vocab: Record<string, number>;
    merges: Array<string | [string, string]>;
    byte_fallback?: boolean;
    ignore_merges?: boolean;
    unk_token?: string | null;
    continuing_subword_prefix?: string | null;
    end_of_word_suffix?: string | null;
    dropout?: number | null;
  };
}

export type NormalizerJson =
  | { type: "NFC" | "NFD" | "NFKC" | "NFKD" }
  | { type: "Replace"; pattern: { String?: string; Regex?: string }; content: string }
  | { type: "Sequence"; normalizers: NormalizerJson[] }
  | { type: string; [key: string]: unknown };

export type PreTokenizerJson =
  | { type: "Split"; pattern: { String?: string; Regex?: string }; behavior?: string; invert?: boolean }
  | { type: "ByteLevel"; add_prefix_space?: boolean; use_regex?: boolean }
  | { type: "Sequence"; pretokenizers: PreTokenizerJson[] }
  | { type: string; [key: string]: unknown };
