export const isHighSurrogate = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
