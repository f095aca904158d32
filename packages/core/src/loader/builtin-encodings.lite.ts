/** `@tokenledger/core/lite`: no encoding is built in; each comes from its own entry (`@tokenledger/core/encodings/<name>`). */
export function registerBuiltinEncodings(): void {}
