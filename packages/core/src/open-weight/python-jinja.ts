import { Environment, Interpreter, type Template } from "@huggingface/jinja";

/**
 * Rendering a chat template as Python's Jinja does (what vLLM, TGI and transformers render with),
 * on @huggingface/jinja's parser and interpreter. Where the two differ for the filters and string
 * methods that open-weight templates use, the Python behaviour is put in place:
 *
 * - `trim`, `strip`, `lstrip`, `rstrip`: Python's `str.strip(chars)`: with no argument it strips
 *   `str.isspace()` characters (U+001C-U+001F and U+0085 included, U+FEFF not); with one it strips
 *   those characters (Qwen 3's `lstrip("\n")`), where @huggingface/jinja ignores the argument.
 * - `tojson`: transformers' own filter, `json.dumps(x, ensure_ascii=False, indent=indent,
 *   separators=(",", ": ") if indent else None, sort_keys=False)`: a float as Python's `repr`
 *   writes it (`1.0`, `-0.0`, `1e+16`, `1e-05`), an integer exactly (beyond 2^53 too, from
 *   `parsePythonJson`), a lone surrogate as it is.
 * - `length` of a string: its code points (Python's `len`), not its UTF-16 units.
 *
 * Numbers parsed by `parsePythonJson` (a tool call's arguments, as vLLM's `json.loads` reads them)
 * keep the text Python's `json.dumps` would write for them.
 */

/** A JSON number as Python's `json.loads` reads it and `json.dumps` writes it back. */
export class PythonNumber {
  /** The number as a JavaScript double (an integer beyond 2^53 rounded). */
  readonly value: number;
  /** What `json.dumps` writes for it: `1.0`, `12345678901234567890`, `1e+100`. */
  readonly text: string;
  readonly isFloat: boolean;
  constructor(literal: string) {
    this.isFloat = /[.eE]/.test(literal);
    this.value = Number(literal);
    this.text = this.isFloat ? pythonFloatRepr(this.value) : BigInt(literal).toString();
  }
}

/** Python's `repr(float)`, as `json.dumps` writes a float (`allow_nan`: `NaN`, `Infinity`). */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Number.POSITIVE_INFINITY) return "Infinity";
  if (x === Number.NEGATIVE_INFINITY) return "-Infinity";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  // The shortest digits that round-trip, as Python's repr uses.
  const [mantissa, exponent] = Math.abs(x).toExponential().split("e") as [string, string];
  const digits = mantissa.replace(".", "");
  const point = Number(exponent) + 1;
  const sign = x < 0 ? "-" : "";
  if (point > -4 && point <= 16) {
    if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
    if (point >= digits.length) return `${sign}${digits}${"0".repeat(point - digits.length)}.0`;
    return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
  }
  const e = point - 1;
  const rest = digits.length > 1 ? `.${digits.slice(1)}` : "";
  return `${sign}${digits[0]}${rest}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
}

/**
 * A JSON text as Python's `json.loads` reads it: objects as `Map`s (key order as written, integer-like
 * keys too, a repeated key's last value at its first place) and numbers as `PythonNumber`s. Throws
 * a SyntaxError where `JSON.parse` does.
 */
export function parsePythonJson(text: string): unknown {
  JSON.parse(text); // the validation, and its error
  let at = 0;
  const space = () => {
    while (at < text.length && " \t\n\r".includes(text[at]!)) at++;
  };
  const value = (): unknown => {
    space();
    const c = text[at]!;
    if (c === "{") {
      at++;
      const map = new Map<string, unknown>();
      space();
      if (text[at] === "}") {
        at++;
        return map;
      }
      for (;;) {
        space();
        const key = value() as string;
        space();
        at++; // ':'
        map.set(key, value());
        space();
        if (text[at++] === "}") return map;
      }
    }
    if (c === "[") {
      at++;
      const list: unknown[] = [];
      space();
      if (text[at] === "]") {
        at++;
        return list;
      }
      for (;;) {
        list.push(value());
        space();
        if (text[at++] === "]") return list;
      }
    }
    if (c === '"') {
      const start = at++;
      while (text[at] !== '"') at += text[at] === "\\" ? 2 : 1;
      at++;
      return JSON.parse(text.slice(start, at));
    }
    const literal = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(at, at + 1000))![0];
    at += literal.length;
    if (literal === "true") return true;
    if (literal === "false") return false;
    if (literal === "null") return null;
    return new PythonNumber(literal);
  };
  return value();
}

/** Python's `str.isspace()` characters: what `strip()` with no argument removes. */
const PYTHON_SPACE = new Set(
  [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000].concat(
    Array.from({ length: 11 }, (_, i) => 0x2000 + i),
  ),
);

/** Python's `str.strip(chars)` / `lstrip` / `rstrip`, by code points. */
export function pythonStrip(text: string, chars: string | undefined, left: boolean, right: boolean): string {
  const set = chars === undefined ? PYTHON_SPACE : new Set(Array.from(chars, (c) => c.codePointAt(0)!));
  let start = 0;
  let end = text.length;
  if (left) {
    while (start < end) {
      const cp = text.codePointAt(start)!;
      if (!set.has(cp)) break;
      start += cp > 0xffff ? 2 : 1;
    }
  }
  if (right) {
    while (end > start) {
      const low = text.charCodeAt(end - 1);
      const high = end >= 2 ? text.charCodeAt(end - 2) : 0;
      const width = low >= 0xdc00 && low <= 0xdfff && high >= 0xd800 && high <= 0xdbff && end - 2 >= start ? 2 : 1;
      if (!set.has(text.codePointAt(end - width)!)) break;
      end -= width;
    }
  }
  return text.slice(start, end);
}

// The interpreter's runtime values, as the package makes them (its classes are not exported).
interface Value {
  type: string;
  value: unknown;
}
type ValueClass = new (value: unknown) => Value;
interface Classes {
  String: ValueClass;
  Boolean: ValueClass;
  Null: ValueClass;
  Undefined: ValueClass;
  Integer: ValueClass;
  Float: ValueClass;
  Array: ValueClass;
  Object: ValueClass;
}
let classes: Classes | undefined;
function valueClasses(): Classes {
  if (classes) return classes;
  const sample = new Environment().set("x", { s: "", b: true, n: null, u: undefined, i: 1, f: 1.5, a: [], o: {} }) as Value;
  const of = (key: string) => ((sample.value as Map<string, Value>).get(key) as Value).constructor as ValueClass;
  classes = {
    String: of("s"),
    Boolean: of("b"),
    Null: of("n"),
    Undefined: of("u"),
    Integer: of("i"),
    Float: of("f"),
    Array: of("a"),
    Object: sample.constructor as ValueClass,
  };
  return classes;
}

/** The Python `json.dumps` text a runtime number carries (`PythonNumber`s' and the caller's numbers'). */
const PYTHON_TEXT = Symbol("python number text");

/** A JavaScript value as a runtime value: `Map`s as objects, `PythonNumber`s keeping their text. */
function toRuntime(input: unknown, c: Classes): Value {
  if (input instanceof PythonNumber) {
    const v = new (input.isFloat ? c.Float : c.Integer)(input.value);
    (v as unknown as Record<symbol, string>)[PYTHON_TEXT] = input.text;
    return v;
  }
  switch (typeof input) {
    case "string":
      return new c.String(input);
    case "boolean":
      return new c.Boolean(input);
    case "undefined":
      return new c.Undefined(undefined);
    case "number": {
      const v = new (Number.isInteger(input) ? c.Integer : c.Float)(input);
      // What a client's JSON.stringify sends and the server's json.loads reads back.
      const sent = JSON.stringify(input);
      (v as unknown as Record<symbol, string>)[PYTHON_TEXT] = sent === "null" ? "null" : new PythonNumber(sent).text;
      return v;
    }
    case "object": {
      if (input === null) return new c.Null(null);
      if (Array.isArray(input)) return new c.Array(input.map((x) => toRuntime(x, c)));
      const entries = input instanceof Map ? [...input.entries()] : Object.entries(input);
      return new c.Object(new Map(entries.map(([k, v]) => [String(k), toRuntime(v, c)])));
    }
    default:
      throw new Error(`Cannot convert to runtime value: ${String(input)}`);
  }
}

/** Python `json.dumps` escaping with `ensure_ascii`, or without (a lone surrogate left as it is). */
function pythonJsonString(text: string, ensureAscii: boolean): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const ch = text[i]!;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\b") out += "\\b";
    else if (ch === "\f") out += "\\f";
    else if (code < 0x20 || (ensureAscii && code > 0x7e)) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

interface DumpOptions {
  indent: string | undefined;
  ensureAscii: boolean;
  sortKeys: boolean;
  itemSeparator: string;
  keySeparator: string;
}

/** transformers' `tojson`: `json.dumps` of a runtime value. */
function pythonJson(input: Value, options: DumpOptions, depth: number): string {
  switch (input.type) {
    case "NullValue":
    case "UndefinedValue":
      return "null";
    case "BooleanValue":
      return input.value ? "true" : "false";
    case "IntegerValue":
    case "FloatValue": {
      const text = (input as unknown as Record<symbol, string | undefined>)[PYTHON_TEXT];
      if (text !== undefined) return text;
      return input.type === "FloatValue" ? pythonFloatRepr(input.value as number) : String(input.value);
    }
    case "StringValue":
      return pythonJsonString(input.value as string, options.ensureAscii);
    case "ArrayValue":
    case "TupleValue":
    case "ObjectValue":
    case "NamespaceValue": {
      const isArray = input.type === "ArrayValue" || input.type === "TupleValue";
      let items: string[];
      if (isArray) items = (input.value as Value[]).map((x) => pythonJson(x, options, depth + 1));
      else {
        let entries = [...(input.value as Map<string, Value>).entries()];
        if (options.sortKeys) entries = entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        items = entries.map(
          ([key, value]) => `${pythonJsonString(key, options.ensureAscii)}${options.keySeparator}${pythonJson(value, options, depth + 1)}`,
        );
      }
      const [open, close] = isArray ? ["[", "]"] : ["{", "}"];
      if (items.length === 0) return `${open}${close}`;
      if (options.indent === undefined) return `${open}${items.join(options.itemSeparator)}${close}`;
      const inner = `\n${options.indent.repeat(depth + 1)}`;
      return `${open}${inner}${items.join(`${options.itemSeparator}${inner}`)}\n${options.indent.repeat(depth)}${close}`;
    }
    default:
      throw new Error(`Object of type ${input.type} is not JSON serializable`);
  }
}

/** Python's `strftime("%d %b %Y")`-style formatting in the C locale, of the local time (vLLM's `strftime_now`). */
function strftimeNow(format: string): string {
  const date = new Date();
  const months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
  const days = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
  const pad = (n: number) => String(n).padStart(2, "0");
  return format.replace(/%[YmdbBHMSaAy%]/g, (token) => {
    switch (token) {
      case "%Y":
        return String(date.getFullYear());
      case "%y":
        return pad(date.getFullYear() % 100);
      case "%m":
        return pad(date.getMonth() + 1);
      case "%d":
        return pad(date.getDate());
      case "%b":
        return months[date.getMonth()]!.slice(0, 3);
      case "%B":
        return months[date.getMonth()]!;
      case "%a":
        return days[date.getDay()]!.slice(0, 3);
      case "%A":
        return days[date.getDay()]!;
      case "%H":
        return pad(date.getHours());
      case "%M":
        return pad(date.getMinutes());
      case "%S":
        return pad(date.getSeconds());
      default:
        return "%";
    }
  });
}

/** Python's `range`. */
function range(start: number, stop?: number, step = 1): number[] {
  if (stop === undefined) [start, stop] = [0, start];
  if (step === 0) throw new Error("range() arg 3 must not be zero");
  const out: number[] = [];
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(i);
  return out;
}

// The parts of the interpreter that are replaced (private in its types).
interface Node {
  type: string;
  [key: string]: unknown;
}
interface Internals {
  evaluate(node: Node, environment: Environment): Value;
  evaluateArguments(args: Node[], environment: Environment): [Value[], Map<string, Value>];
  applyFilter(operand: Value, filter: Node, environment: Environment): Value;
  evaluateCallExpression(expr: Node, environment: Environment): Value;
}

const STRIPS: Record<string, [boolean, boolean]> = {
  strip: [true, true],
  lstrip: [true, false],
  rstrip: [false, true],
  trim: [true, true],
};

/** The `chars` argument of a strip: a string, or none for whitespace. */
function charsOf(args: Value[], kwargs: Map<string, Value>): string | undefined {
  const chars = args[0] ?? kwargs.get("chars");
  return chars?.type === "StringValue" ? (chars.value as string) : undefined;
}

function dumpOptions(args: Value[], kwargs: Map<string, Value>): DumpOptions {
  const indentValue = kwargs.get("indent") ?? args[0];
  const indent =
    indentValue?.type === "IntegerValue"
      ? " ".repeat(indentValue.value as number)
      : indentValue?.type === "StringValue"
        ? (indentValue.value as string)
        : undefined;
  const separators = kwargs.get("separators");
  let itemSeparator = indent === undefined ? ", " : ",";
  let keySeparator = ": ";
  if (separators && (separators.type === "ArrayValue" || separators.type === "TupleValue")) {
    const [item, key] = separators.value as Value[];
    itemSeparator = String(item?.value);
    keySeparator = String(key?.value);
  }
  return {
    indent,
    ensureAscii: kwargs.get("ensure_ascii")?.value === true,
    sortKeys: kwargs.get("sort_keys")?.value === true,
    itemSeparator,
    keySeparator,
  };
}

/**
 * Renders a parsed template with `variables` as Python's Jinja (with transformers' `tojson`,
 * `raise_exception` and `strftime_now`) would: see the top of this file for what differs from
 * `template.render(variables)`.
 */
export function renderAsPython(template: Template, variables: Record<string, unknown>): string {
  const c = valueClasses();
  const env = new Environment();
  for (const [name, value] of [
    ["false", false],
    ["true", true],
    ["none", null],
    ["False", false],
    ["True", true],
    ["None", null],
  ] as const)
    env.set(name, value);
  env.set("raise_exception", (message: unknown) => {
    throw new Error(String(message));
  });
  env.set("range", range);
  env.set("strftime_now", strftimeNow);
  for (const [name, value] of Object.entries(variables)) env.variables.set(name, toRuntime(value, c) as never);

  const interpreter = new Interpreter(env);
  const inner = interpreter as unknown as Internals;
  const applyFilter = inner.applyFilter.bind(interpreter);
  const evaluateCall = inner.evaluateCallExpression.bind(interpreter);

  inner.applyFilter = (operand, filter, environment) => {
    const call = filter.type === "CallExpression";
    const callee = (call ? filter.callee : filter) as Node;
    if (callee.type !== "Identifier") return applyFilter(operand, filter, environment);
    const name = callee.value as string;
    const [args, kwargs] = call ? inner.evaluateArguments(filter.args as Node[], environment) : [[], new Map<string, Value>()];
    if (name === "tojson") return new c.String(pythonJson(operand, dumpOptions(args, kwargs), 0));
    if (operand.type === "StringValue") {
      const text = operand.value as string;
      if (name === "trim") return new c.String(pythonStrip(text, charsOf(args, kwargs), true, true));
      if (name === "length" || name === "count") {
        let n = 0;
        for (const _ of text) n++;
        return new c.Integer(n);
      }
    }
    return applyFilter(operand, filter, environment);
  };

  inner.evaluateCallExpression = (expr, environment) => {
    const callee = expr.callee as Node;
    const property = callee.property as Node | undefined;
    if (callee.type === "MemberExpression" && !callee.computed && property?.type === "Identifier") {
      const sides = STRIPS[property.value as string];
      if (sides && property.value !== "trim") {
        const object = inner.evaluate(callee.object as Node, environment);
        if (object.type === "StringValue") {
          const [args, kwargs] = inner.evaluateArguments(expr.args as Node[], environment);
          return new c.String(pythonStrip(object.value as string, charsOf(args, kwargs), sides[0], sides[1]));
        }
      }
    }
    return evaluateCall(expr, environment);
  };

  return interpreter.run(template.parsed).value as string;
}
