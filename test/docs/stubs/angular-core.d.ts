// A stand-in for the few `@angular/core` APIs the doc samples use: Angular is not a dependency of
// this repository, and the samples are type-checked, not run (test/docs/typecheck.ts).

export interface SchemaMetadata {
  name: string;
}
export const CUSTOM_ELEMENTS_SCHEMA: SchemaMetadata;
export const NO_ERRORS_SCHEMA: SchemaMetadata;

export interface ComponentOptions {
  selector?: string;
  standalone?: boolean;
  schemas?: SchemaMetadata[];
  imports?: unknown[];
  template?: string;
}
export function Component(
  options: ComponentOptions,
): <T extends abstract new (...args: never[]) => object>(
  target: T,
  context: ClassDecoratorContext<T>,
) => void;

export interface InputSignal<T> {
  (): T;
}
export const input: {
  <T>(initial: T): InputSignal<T>;
  required<T>(): InputSignal<T>;
};
export interface OutputEmitterRef<T> {
  emit(value: T): void;
}
export function output<T = void>(): OutputEmitterRef<T>;
