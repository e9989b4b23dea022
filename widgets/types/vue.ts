/**
 * `@tessera/widgets/vue` (types only): the `tessera-*` tags as Vue 3 global components, so that
 * `vue-tsc` checks templates using them. Import it once, for its types only (an `import type {}`
 * of `@tessera/widgets/vue`), anywhere in the app.
 *
 * Vue still has to be told that the tags are custom elements, not components to resolve
 * (`compilerOptions.isCustomElement`, see docs/frameworks.md). The shape is Vue's own recipe for
 * custom elements: `$props` for what a template may bind (the element's properties, with the
 * classes' types, besides any HTML attribute) and `$emit` for the events it may listen to with
 * `@tessera-…`, each with the widget's own `detail`. Neither exists on the element at run time.
 */
import type { EmitFn, HTMLAttributes, PublicProps } from 'vue';
import type { TesseraElementTypes, TesseraProperties, TesseraTag } from './elements.ts';

export type TesseraVueComponent<Tag extends TesseraTag> =
  new () => TesseraElementTypes[Tag]['element'] & {
    /** @deprecated For template type checking only: not a property of the element. */
    $props: HTMLAttributes & TesseraProperties<Tag> & PublicProps;
    /** @deprecated For template type checking only: not a method of the element. */
    $emit: EmitFn<{
      [Name in keyof TesseraElementTypes[Tag]['events']]: (
        event: TesseraElementTypes[Tag]['events'][Name],
      ) => void;
    }>;
  };

export type TesseraGlobalComponents = { [Tag in TesseraTag]: TesseraVueComponent<Tag> };

declare module 'vue' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merged into Vue's
  interface GlobalComponents extends TesseraGlobalComponents {}
}
