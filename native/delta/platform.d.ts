/** Targets published as per-platform packages (npm/<target>/). */
export declare const prebuiltTargets: readonly string[];
/** This machine as a napi-rs target (`linux-x64-gnu`, `darwin-arm64`, ...). */
export declare function currentTarget(): string;
/** The per-platform package that carries the addon for `target`. */
export declare function packageFor(target: string): string;
/** The addon's file name inside that package. */
export declare function fileFor(target: string): string;
