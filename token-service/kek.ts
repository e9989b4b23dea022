// The key-encryption key is shared plumbing now (the core API seals webhook secrets with it).
export { Kek } from '../service-kit/kek.ts';
