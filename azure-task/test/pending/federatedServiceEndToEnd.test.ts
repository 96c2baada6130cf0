// Outside `npm test` until the signing service accepts one OIDC token on each request of a run
// (see signingServiceSuite.ts); run it with `npx mocha --timeout 600000 out/test/pending/*.test.js`.
import { signingServiceSuite } from '../signingServiceSuite';

signingServiceSuite(true);
