/**
 * Does `origin` (what a browser sends) match one of the partner's rules? Rules are exact origins,
 * or `scheme://*.host[:port]`, which matches exactly one extra label: `https://*.shop.example`
 * admits `https://eu.shop.example`, not `https://shop.example` nor `https://a.b.shop.example`.
 */
export function originAllowed(origin: string, rules: readonly string[]): boolean {
  for (const rule of rules) {
    if (rule === origin) return true;
    const star = rule.indexOf('://*.');
    if (star === -1) continue;
    const scheme = rule.slice(0, star + 3);
    const suffix = rule.slice(star + 4); // ".shop.example[:port]"
    if (!origin.startsWith(scheme) || !origin.endsWith(suffix)) continue;
    const label = origin.slice(scheme.length, origin.length - suffix.length);
    if (/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(label)) return true;
  }
  return false;
}
