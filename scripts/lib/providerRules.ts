// What the real providers would answer or refuse, for the mock runtime. The AWS and Docker
// targets extend this with the documented limits of what they create.
/** Throws when a real provider would reject these inputs. */
export function checkResource(_type: string, _name: string, _inputs: Record<string, unknown>): void {}

/** Output properties a real provider would add (ids, ARNs, endpoints). */
export function mockState(type: string, name: string, _inputs: Record<string, unknown>): Record<string, unknown> {
  return { arn: `arn:aws:mock:${name}`, name, type };
}
