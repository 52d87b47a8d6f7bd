// A module resolve hook: resolve workspace packages to their TypeScript sources.
export async function resolve(specifier, context, nextResolve) {
  const conditions = context.conditions.includes('@pipekit/source')
    ? context.conditions
    : ['@pipekit/source', ...context.conditions];
  return nextResolve(specifier, { ...context, conditions });
}
