// A stand-in for Azure DevOps' OIDC token endpoint on 127.0.0.1, run as its own process (the
// MockTestRunner blocks the test process while the task runs). It checks each request the way
// Azure DevOps does — POST, api-version, serviceConnectionId, the job's bearer token, the
// redirect-suppression header — answers {"oidcToken": …} only when all are right, and prints
// every request it saw as one JSON line.
import http = require('http');

const expectedAccessToken = process.env['EXPECT_ACCESS_TOKEN'] ?? '';
const expectedConnection = process.env['EXPECT_CONNECTION'] ?? '';
const issuedToken = process.env['ISSUE_TOKEN'] ?? '';

const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
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
    response.writeHead(status, { 'Content-Type': 'application/json' });
    response.end(status === 200 ? JSON.stringify({ oidcToken: issuedToken }) : JSON.stringify({ message: 'refused' }));
});
server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    if (address && typeof address === 'object') {
        console.log(`listening on http://127.0.0.1:${address.port}/`);
    }
});
