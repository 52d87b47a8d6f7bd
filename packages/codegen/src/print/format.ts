import { Biome } from '@biomejs/js-api/nodejs';

/**
 * The repository's Biome formatter settings (biome.json), which generated files follow so they
 * pass `biome check` unchanged; a test holds them equal to biome.json.
 */
export const biomeFormatter = {
  formatter: { indentStyle: 'space', indentWidth: 2, lineWidth: 100 },
  javascript: { formatter: { quoteStyle: 'single', semicolons: 'always', trailingCommas: 'all' } },
} as const;

let formatter: { biome: Biome; projectKey: number } | undefined;

/** Biome's WebAssembly build, loaded once (about 80 ms) on the first file. */
function biome(): { biome: Biome; projectKey: number } {
  if (!formatter) {
    const b = new Biome();
    const { projectKey } = b.openProject();
    b.applyConfiguration(projectKey, biomeFormatter);
    formatter = { biome: b, projectKey };
  }
  return formatter;
}

/** TypeScript source formatted as Biome formats it with the repository's settings. */
export function formatTypeScript(code: string): string {
  const { biome: b, projectKey } = biome();
  const result = b.formatContent(projectKey, code, { filePath: 'generated.pipeline.ts' });
  const errors = result.diagnostics.filter((d) => d.severity === 'error' || d.severity === 'fatal');
  // A printer bug, never a config error: the printed code does not parse.
  if (errors.length > 0)
    throw new Error(`internal: generated code does not parse: ${JSON.stringify(errors[0])}`);
  return result.content;
}
