/**
 * `@tessera/widgets/react` (types only): the `tessera-*` tags in React 19's JSX. Import it once,
 * for its types only (an `import type {}` of `@tessera/widgets/react`), anywhere in the app.
 *
 * React 19 sets a prop as a property when the element has one (`quoteId`, `configuration`), as
 * an attribute otherwise (`quote-id` works too, untyped), and adds a listener for a prop named
 * `on` + the event's exact name: `ontessera-success`. So each tag takes its element's properties,
 * with the classes' types, and one `ontessera-…` prop per event, with the widget's own `detail`.
 */
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { TesseraElementTypes, TesseraProperties, TesseraTag } from './elements.ts';

/** `{ 'tessera-success': E }` → `{ 'ontessera-success'?: (event: E) => void }`. */
type EventProps<Events> = {
  [Name in keyof Events & string as `on${Name}`]?: (event: Events[Name]) => void;
};

/** What JSX accepts on one tag: React's props for any HTML element, the properties, the events. */
export type TesseraReactProps<Tag extends TesseraTag> = DetailedHTMLProps<
  HTMLAttributes<TesseraElementTypes[Tag]['element']>,
  TesseraElementTypes[Tag]['element']
> &
  TesseraProperties<Tag> &
  EventProps<TesseraElementTypes[Tag]['events']>;

export type TesseraIntrinsicElements = { [Tag in TesseraTag]: TesseraReactProps<Tag> };

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- how React declares JSX's types
  namespace JSX {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merged into React's
    interface IntrinsicElements extends TesseraIntrinsicElements {}
  }
}
