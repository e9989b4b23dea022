// `npm run cem`: custom-elements.json from the JSDoc on the elements (@tag, @attr, @slot,
// @csspart, @cssproperty, @fires), which Storybook reads for its controls and docs pages.

/** Lit's reactive state (`_state`, `_scope` …) and `#private`/protected members are not API. */
function isPublic(member) {
  return (
    !member.static &&
    (member.privacy ?? 'public') === 'public' &&
    !member.name.startsWith('_') &&
    !member.name.startsWith('#')
  );
}

/**
 * Registrations live in each folder's `define.ts` (`customElements.define('tessera-…', Class)`,
 * guarded by `if`), so an element without `@tag` still gets its tag name from there.
 */
function tagsFromDefine() {
  const tags = new Map();
  return {
    name: 'tessera-tags-from-define',
    analyzePhase({ ts, node }) {
      if (!ts.isCallExpression(node)) return;
      const callee = node.expression;
      const [tag, ctor] = node.arguments;
      if (
        ts.isPropertyAccessExpression(callee) &&
        callee.name.getText() === 'define' &&
        callee.expression.getText() === 'customElements' &&
        tag &&
        ts.isStringLiteral(tag) &&
        ctor &&
        ts.isIdentifier(ctor)
      ) {
        tags.set(ctor.getText(), tag.text);
      }
    },
    packageLinkPhase({ customElementsManifest }) {
      for (const module of customElementsManifest.modules) {
        for (const declaration of module.declarations ?? []) {
          if (declaration.kind !== 'class') continue;
          const tag = tags.get(declaration.name);
          if (tag && !declaration.tagName) {
            declaration.tagName = tag;
            declaration.customElement = true;
          }
          if (declaration.members) declaration.members = declaration.members.filter(isPublic);
          if (declaration.attributes) {
            declaration.attributes = declaration.attributes.filter(
              (attribute) => !attribute.name.startsWith('_'),
            );
          }
        }
      }
    },
  };
}

export default {
  globs: [
    'widgets/core/element.ts',
    'widgets/core/provider.ts',
    'widgets/*/define.ts',
    'widgets/*/tessera-*.ts',
  ],
  exclude: ['widgets/*/tessera-*.styles.ts'],
  outdir: '.',
  // package.json is edited only through npm; the manifest's path is the conventional one.
  packagejson: false,
  litelement: true,
  plugins: [tagsFromDefine()],
};
