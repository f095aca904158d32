import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { inverse, nnls, solve } from "./nnls.js";

describe("nnls", () => {
  it("is the unconstrained solution when it is non-negative, and clamps a variable that would go negative", () => {
    expect(Array.from(nnls([2, 0, 0, 4], [2, 8], 2))).toEqual([1, 2]);
    expect(Array.from(nnls([1, 0, 0, 1], [2, -1], 2))).toEqual([2, 0]);
  });

  it("meets the optimality conditions (x >= 0, gradient >= 0, complementary) on random positive definite systems", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 4, maxLength: 4 }), { minLength: 6, maxLength: 12 }),
        fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 12, maxLength: 12 }),
        (rows, b) => {
          const d = 4;
          const gram = new Float64Array(d * d);
          const h = new Float64Array(d);
          rows.forEach((row, i) => {
            for (let a = 0; a < d; a++) {
              h[a] = h[a]! + row[a]! * b[i]!;
              for (let c = 0; c < d; c++) gram[a * d + c] = gram[a * d + c]! + row[a]! * row[c]!;
            }
          });
          for (let a = 0; a < d; a++) gram[a * d + a] = gram[a * d + a]! + 0.1;
          const x = nnls(gram, h, d);
          for (let a = 0; a < d; a++) {
            let gradient = -h[a]!;
            for (let c = 0; c < d; c++) gradient += gram[a * d + c]! * x[c]!;
            expect(x[a]).toBeGreaterThanOrEqual(0);
            expect(gradient).toBeGreaterThan(-1e-6);
            if (x[a]! > 1e-9) expect(Math.abs(gradient)).toBeLessThan(1e-6);
          }
        },
      ),
    );
  });

  it("solves and inverts small systems", () => {
    expect(Array.from(solve([0, 1, 1, 0], [3, 4], 2))).toEqual([4, 3]);
    expect(Array.from(inverse([2, 0, 0, 4], 2))).toEqual([0.5, 0, 0, 0.25]);
  });
});
