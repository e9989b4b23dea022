/** Page commands of web-test-runner.config.mjs that @web/test-runner-commands lacks. */
import { executeServerCommand } from '@web/test-runner-commands';

export interface MediaFeature {
  name: 'forced-colors' | 'prefers-reduced-motion' | 'prefers-color-scheme';
  value: string;
}

/** Emulates media features (all of them at once: those not named are reset). */
export async function emulateMediaFeatures(...features: MediaFeature[]): Promise<void> {
  await executeServerCommand('emulate-media-features', { features });
}

/** Writes a PNG of the element's box (page coordinates) to test/widgets/screenshots/<name>. */
export async function screenshot(element: Element, name: string): Promise<void> {
  const rect = element.getBoundingClientRect();
  const clip = {
    x: rect.left + scrollX,
    y: rect.top + scrollY,
    width: Math.max(1, Math.ceil(rect.width)),
    height: Math.max(1, Math.ceil(rect.height)),
  };
  await executeServerCommand('screenshot', { name, clip });
}
