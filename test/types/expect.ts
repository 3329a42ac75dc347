/**
 * Compile-time assertions for the type tests: `expectType<Expected>()(value)` fails the type check unless the
 * value's type is exactly `Expected` (not merely assignable), and `@ts-expect-error` marks the wrong uses that
 * must stay errors. These files are only type-checked (tsconfig.test.json), never run.
 */
export type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** Checks that `value` has exactly the type `Expected`. */
export function expectType<Expected>() {
  return <Actual>(value: Actual & (Equal<Actual, Expected> extends true ? unknown : never)): void => {
    void value;
  };
}
