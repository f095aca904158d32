import { libraryConfig } from "../../tsup.library";

export default libraryConfig({ index: "src/index.ts", middleware: "src/middleware.ts" });
