export * from "./middleware/index.js";
