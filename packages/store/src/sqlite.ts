export { SqliteBudgetStore } from "./budget/sqlite-budget-store.js";
