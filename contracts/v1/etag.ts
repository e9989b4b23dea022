/**
 * The `ETag` of a resource's version: strong and quoted (`"3"`). The core API answers it, `If-Match`
 * names it, and a client that has a resource without its response headers makes it from `version`.
 */
export const versionEtag = (version: number): string => `"${version}"`;
