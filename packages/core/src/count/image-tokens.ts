/**
 * OpenAI's published image cost for tile-based vision models (gpt-4o, gpt-4.1, gpt-4-turbo):
 * low detail is a flat base; high detail scales the image to fit 2048x2048, then its
 * shortest side to 768, and charges per 512px tile. gpt-4o-mini charges the same tiles at
 * a higher rate.
 */
export interface ImageCost {
  base: number;
  perTile: number;
}

export const IMAGE_COST: ImageCost = { base: 85, perTile: 170 };
export const IMAGE_COST_4O_MINI: ImageCost = { base: 2833, perTile: 5667 };
/** Used when a high-detail image's size is unknown: a 1024x1024 image (4 tiles), flagged approximate. */
export const DEFAULT_IMAGE_SIZE = { width: 1024, height: 1024 } as const;

export function imageTokens(width: number, height: number, detail: string | undefined, cost: ImageCost): number {
  if (detail === "low") return cost.base;
  let w = width;
  let h = height;
  if (Math.max(w, h) > 2048) {
    const scale = 2048 / Math.max(w, h);
    w *= scale;
    h *= scale;
  }
  if (Math.min(w, h) > 768) {
    const scale = 768 / Math.min(w, h);
    w *= scale;
    h *= scale;
  }
  return cost.base + cost.perTile * Math.ceil(w / 512) * Math.ceil(h / 512);
}
