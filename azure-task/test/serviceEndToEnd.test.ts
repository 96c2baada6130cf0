import { signingServiceSuite } from './signingServiceSuite';

// An API-token connection and a workload-identity connection.
signingServiceSuite(true);
