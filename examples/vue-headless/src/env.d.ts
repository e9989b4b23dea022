// What a `.vue` import is to TypeScript alone (vue-tsc reads the component's own types).
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent;
  export default component;
}
