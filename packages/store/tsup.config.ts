import { libraryConfig } from "../../tsup.library";

export default libraryConfig(["src/index.ts", "src/sqlite.ts", "src/postgres.ts"]);
