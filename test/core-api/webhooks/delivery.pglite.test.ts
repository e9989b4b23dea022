import { openCoreStore } from '../../../core-api/store/sql-store.ts';
import { deliverySuite } from './delivery.suite.ts';

deliverySuite('PGlite', () => openCoreStore({ dataDir: null }));
