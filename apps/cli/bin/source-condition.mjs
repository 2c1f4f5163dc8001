// Module resolve hook: resolve workspace packages through their `@recur/source` export (src/*.ts).
export async function resolve(specifier, context, nextResolve) {
  const conditions = context.conditions.includes('@recur/source') ? context.conditions : [...context.conditions, '@recur/source'];
  return nextResolve(specifier, { ...context, conditions });
}
