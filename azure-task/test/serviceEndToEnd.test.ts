import { signingServiceSuite } from './signingServiceSuite';

signingServiceSuite(false);
