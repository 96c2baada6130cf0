// A stand-in for Azure DevOps' OIDC pieces on 127.0.0.1, run as its own process (the
// MockTestRunner blocks the test process while the task runs):
// - the token request endpoint (any path, POST): checks each request the way Azure DevOps does —
//   api-version, serviceConnectionId, the job's bearer token, the redirect-suppression header — and
//   answers {"oidcToken": …} only when all are right;
// - with ISSUER_PATH set, an OpenID Connect issuer under that path (discovery document and JWKS)
//   whose RS256 tokens it mints for the request: iss = this issuer, sub = SUBJECT, aud = AUDIENCE,
//   five minutes' lifetime, like Azure DevOps' service-connection tokens; otherwise it answers the
//   fixed ISSUE_TOKEN.
// Every token request it saw is printed as one JSON line.
import crypto = require('crypto');
import http = require('http');

const expectedAccessToken = process.env['EXPECT_ACCESS_TOKEN'] ?? '';
const expectedConnection = process.env['EXPECT_CONNECTION'] ?? '';
const issuerPath = process.env['ISSUER_PATH'];
const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const keyId = crypto.randomUUID();
let base = '';

function base64Url(data: Buffer | string): string {
    return Buffer.from(data).toString('base64url');
}

function mint(): string {
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'RS256', typ: 'JWT', kid: keyId };
    const claims = {
        iss: `${base}${issuerPath}`,
        sub: process.env['SUBJECT'],
        aud: process.env['AUDIENCE'],
        iat: now,
        nbf: now - 5,
        exp: now + 300,
        jti: crypto.randomUUID(),
    };
    const signingInput = `${base64Url(JSON.stringify(header))}.${base64Url(JSON.stringify(claims))}`;
    return `${signingInput}.${base64Url(crypto.sign('sha256', Buffer.from(signingInput), privateKey))}`;
}

function json(response: http.ServerResponse, status: number, body: unknown): void {
    response.writeHead(status, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify(body));
}

const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (issuerPath && request.method === 'GET' && url.pathname === `${issuerPath}/.well-known/openid-configuration`) {
        json(response, 200, { issuer: `${base}${issuerPath}`, jwks_uri: `${base}${issuerPath}/.well-known/jwks`, id_token_signing_alg_values_supported: ['RS256'] });
        return;
    }
    if (issuerPath && request.method === 'GET' && url.pathname === `${issuerPath}/.well-known/jwks`) {
        json(response, 200, { keys: [{ ...publicKey.export({ format: 'jwk' }), kid: keyId, use: 'sig', alg: 'RS256' }] });
        return;
    }
    const seen = {
        method: request.method,
        path: url.pathname,
        apiVersion: url.searchParams.get('api-version'),
        serviceConnectionId: url.searchParams.get('serviceConnectionId'),
        authorization: request.headers['authorization'] ?? null,
        fedAuthRedirect: request.headers['x-tfs-fedauthredirect'] ?? null,
    };
    let status = 200;
    if (seen.method !== 'POST' || seen.apiVersion !== '7.1' || seen.fedAuthRedirect !== 'Suppress') {
        status = 400;
    } else if (seen.authorization !== `Bearer ${expectedAccessToken}`) {
        status = 401;
    } else if (seen.serviceConnectionId !== expectedConnection) {
        status = 404;
    }
    console.log(JSON.stringify({ ...seen, status }));
    json(response, status, status === 200 ? { oidcToken: issuerPath ? mint() : process.env['ISSUE_TOKEN'] } : { message: 'refused' });
});
server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    if (address && typeof address === 'object') {
        base = `http://127.0.0.1:${address.port}`;
        console.log(`listening on ${base}/`);
    }
});
