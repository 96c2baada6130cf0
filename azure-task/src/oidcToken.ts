import http = require('http');
import https = require('https');

/** The api-version of Azure DevOps' OIDC token request. */
export const oidcApiVersion = '7.1';

/**
 * Asks Azure DevOps for an OIDC token for a service connection: POST to System.OidcRequestUri with
 * the service connection's id, authorised with the job's access token. The answer is
 * `{"oidcToken": "…"}`, a JWT whose subject is `sc://org/project/connection`.
 */
export function requestOidcToken(requestUri: string, accessToken: string, connectionId: string, timeoutMs = 30000): Promise<string> {
    const url = new URL(requestUri);
    url.searchParams.set('api-version', oidcApiVersion);
    url.searchParams.set('serviceConnectionId', connectionId);
    const client = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
        const request = client.request(url, {
            method: 'POST',
            headers: {
                Authorization: `Bearer ${accessToken}`,
                'Content-Type': 'application/json',
                'Content-Length': '0',
                'X-TFS-FedAuthRedirect': 'Suppress',
            },
            timeout: timeoutMs,
        }, response => {
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('end', () => {
                const body = Buffer.concat(chunks).toString('utf8');
                if (response.statusCode !== 200) {
                    // The body may quote the request; only the status goes into the message.
                    reject(new Error(`Azure DevOps refused the OIDC token request for service connection ${connectionId}: HTTP ${response.statusCode}.`));
                    return;
                }
                let token: unknown;
                try {
                    token = (JSON.parse(body) as { oidcToken?: unknown }).oidcToken;
                } catch {
                    token = undefined;
                }
                if (typeof token !== 'string' || token.length === 0) {
                    reject(new Error(`Azure DevOps answered the OIDC token request for service connection ${connectionId} without an oidcToken.`));
                    return;
                }
                resolve(token);
            });
        });
        request.on('timeout', () => request.destroy(new Error(`The OIDC token request to ${url.host} took longer than ${timeoutMs / 1000} s.`)));
        request.on('error', error => reject(new Error(`The OIDC token request to ${url.host} failed: ${error.message}`)));
        request.end();
    });
}
