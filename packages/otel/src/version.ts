import { name, version } from "../package.json";

/** The instrumentation scope: this package's name and version, read from its package.json when it is built. */
export const PACKAGE_NAME: string = name;
export const PACKAGE_VERSION: string = version;
