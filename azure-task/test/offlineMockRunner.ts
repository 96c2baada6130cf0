// MockTestRunner downloads a Node build into $HOME/azure-pipelines-task-lib/_download unless one
// is already there. Tests run offline: HOME points at a temp folder in which this machine's own node
// is put where the runner looks for it, before the runner's module is loaded (it reads HOME then).
import fs = require('fs');
import os = require('os');
import path = require('path');

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'buildsign-mocha-home-'));
process.env['HOME'] = home;
// MockTestRunner picks the Node version from task.json's handlers (Node20_1, Node24) and pins these builds.
const pinned: Record<string, string> = { '20': 'v20.13.1', '24': 'v24.10.0' };
for (const [major, version] of Object.entries(pinned)) {
    const download = path.join(home, 'azure-pipelines-task-lib', '_download', `node${major}`);
    const bin = path.join(download, `node-${version}-linux-x64`, 'bin');
    fs.mkdirSync(bin, { recursive: true });
    fs.symlinkSync(process.execPath, path.join(bin, 'node'));
    fs.writeFileSync(`${download}.completed`, '');
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const mockTest = require('azure-pipelines-task-lib/mock-test') as typeof import('azure-pipelines-task-lib/mock-test');

/** The temp HOME the runner uses; removed when the process ends. */
export const mockHome = home;
process.on('exit', () => fs.rmSync(home, { recursive: true, force: true }));
