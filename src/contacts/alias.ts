export const ALIAS_PATTERN = /^[a-z0-9][a-z0-9._-]{0,31}$/;

export function isValidAlias(value: string): boolean {
  return ALIAS_PATTERN.test(value);
}
