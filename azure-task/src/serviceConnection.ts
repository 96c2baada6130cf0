import tl = require('azure-pipelines-task-lib/task');
import { InputError } from './taskInputs';
import { requestOidcToken } from './oidcToken';
import { quietly } from './quietly';

/** The environment variable BuildSign's signing-service client reads its credential from. */
export const tokenVariable = 'BUILDSIGN_TOKEN';

/**
 * The credential for an https:// key, from the BuildSign service connection the task names:
 * the connection's API token, or a fresh OIDC token Azure DevOps issues for the connection
 * (workload identity federation; no stored secret). Registered as a secret before it is used.
 */
export async function serviceCredential(connectionId: string | undefined, key: string): Promise<string> {
    if (!connectionId) {
        throw new InputError("Input 'connectedService' is required for an https:// key: choose the BuildSign service connection that holds the key.");
    }
    const serverUrl = tl.getEndpointUrl(connectionId, true);
    if (!serverUrl) {
        throw new InputError(`Service connection '${connectionId}' is not available to this job: check that the pipeline is authorised to use it.`);
    }
    if (!isUnder(key, serverUrl)) {
        // The connection's credential goes only to the server the connection names.
        throw new InputError(`The key ${key} is not on the service connection's server ${serverUrl}: the task sends the connection's credential only there.`);
    }
    const scheme = (tl.getEndpointAuthorizationScheme(connectionId, true) ?? '').toLowerCase();
    if (scheme === 'token') {
        const token = quietly(() => tl.getEndpointAuthorizationParameter(connectionId, 'apitoken', true));
        if (!token) {
            throw new InputError(`Service connection '${connectionId}' has no API token.`);
        }
        tl.setSecret(token);
        return token;
    }
    if (scheme === 'workloadidentityfederation') {
        const requestUri = tl.getVariable('System.OidcRequestUri');
        const accessToken = quietly(() => tl.getEndpointAuthorizationParameter('SystemVssConnection', 'AccessToken', true) ?? tl.getVariable('System.AccessToken'));
        if (!requestUri || !accessToken) {
            throw new InputError('Workload identity federation needs System.OidcRequestUri and the job access token; this agent provides neither (agent 3.227 or later on Azure DevOps Services).');
        }
        tl.setSecret(accessToken);
        tl.debug(`asking Azure DevOps for an OIDC token for service connection ${connectionId}`);
        const oidcToken = await requestOidcToken(requestUri, accessToken, connectionId);
        tl.setSecret(oidcToken);
        return oidcToken;
    }
    throw new InputError(`Service connection '${connectionId}' uses the authentication scheme '${scheme || 'none'}'; BuildSign supports Token and WorkloadIdentityFederation.`);
}

function isUnder(key: string, serverUrl: string): boolean {
    let keyUrl: URL;
    let server: URL;
    try {
        keyUrl = new URL(key);
        server = new URL(serverUrl);
    } catch {
        return false;
    }
    if (keyUrl.protocol !== server.protocol || keyUrl.host.toLowerCase() !== server.host.toLowerCase()) {
        return false;
    }
    const base = server.pathname.endsWith('/') ? server.pathname : `${server.pathname}/`;
    return keyUrl.pathname.startsWith(base) || `${keyUrl.pathname}/` === base;
}
