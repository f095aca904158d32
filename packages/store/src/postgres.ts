export { PostgresBudgetStore } from "./budget/postgres-budget-store.js";
