// Provider rules for the mock runtime (see ../providerRules.ts).
export function check(_type: string, _name: string, _inputs: Record<string, unknown>): void {}

export function state(_type: string, name: string, _inputs: Record<string, unknown>): Record<string, unknown> {
  return { name };
}
