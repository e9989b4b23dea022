import type { NextConfig } from 'next';

const config: NextConfig = {
  // The renderer runs on Node as it is published: Lit's server rendering registers the widget
  // in its own DOM shim, which bundling it again into the server's chunks would split in two.
  serverExternalPackages: ['@tessera/widgets', '@lit-labs/ssr', 'lit'],
};

export default config;
