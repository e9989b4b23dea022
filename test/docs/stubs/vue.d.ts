// A stand-in for the few Vue 3 APIs the doc samples use: Vue is not a dependency of this
// repository, and the samples are type-checked, not run (test/docs/typecheck.ts).

export interface Ref<T> {
  value: T;
}
export interface ShallowRef<T> {
  value: T;
}
export function ref<T>(value: T): Ref<T>;
export function shallowRef<T>(value: T): ShallowRef<T>;
export function onScopeDispose(callback: () => void): void;
export function onMounted(callback: () => void): void;
export function onUnmounted(callback: () => void): void;
