// The .vsix `npm run package` builds: its manifests and its file list.
import assert = require('assert');
import childProcess = require('child_process');
import fs = require('fs');
import path = require('path');
import { azureTask } from './taskRun';

function vsixPath(): string {
    const out = path.join(azureTask, 'out');
    const found = fs.existsSync(out) ? fs.readdirSync(out).filter(name => name.endsWith('.vsix')) : [];
    assert.strictEqual(found.length, 1, 'expected one .vsix in azure-task/out: run `npm run package` first');
    return path.join(out, found[0]);
}

function unzip(args: string[]): string {
    const result = childProcess.spawnSync('unzip', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    assert.strictEqual(result.status, 0, result.stderr);
    return result.stdout;
}

describe('the .vsix', function () {
    const manifest = JSON.parse(fs.readFileSync(path.join(azureTask, 'vss-extension.json'), 'utf8'));
    let files: string[];

    before(function () {
        files = unzip(['-Z1', vsixPath()]).split(/\r?\n/).filter(name => name && !name.endsWith('/'));
    });

    it('is named and identified by the manifest\'s publisher, id and version', function () {
        assert.strictEqual(path.basename(vsixPath()), `${manifest.publisher}.${manifest.id}-${manifest.version}.vsix`);
        const vsixManifest = unzip(['-p', vsixPath(), 'extension.vsixmanifest']);
        assert.match(vsixManifest, new RegExp(`<Identity[^>]* Id="${manifest.id}"`));
        assert.match(vsixManifest, new RegExp(`<Identity[^>]* Version="${manifest.version.replace(/\./g, '\\.')}"`));
        assert.match(vsixManifest, new RegExp(`<Identity[^>]* Publisher="${manifest.publisher}"`));
        assert.match(vsixManifest, /<InstallationTarget Id="Microsoft\.VisualStudio\.Services"/);
    });

    it('contributes the task and the signing-service connection type', function () {
        const contributions = (JSON.parse(unzip(['-p', vsixPath(), 'extension.vsomanifest'])) as { contributions: { id: string; type: string; targets: string[]; properties: Record<string, unknown> }[] }).contributions;
        const task = contributions.find(c => c.type === 'ms.vss-distributed-task.task');
        assert.ok(task);
        assert.deepStrictEqual(task.targets, ['ms.vss-distributed-task.tasks']);
        assert.strictEqual(task.properties['name'], 'BuildSignV1');
        const endpoint = contributions.find(c => c.type === 'ms.vss-endpoint.service-endpoint-type');
        assert.ok(endpoint);
        assert.strictEqual(endpoint.properties['name'], 'buildsign-signing-service');
        const schemes = (endpoint.properties['authenticationSchemes'] as { type: string }[]).map(s => s.type);
        assert.deepStrictEqual(schemes, ['ms.vss-endpoint.endpoint-auth-scheme-token', 'ms.vss-endpoint.endpoint-auth-scheme-workload-identity-federation']);
    });

    it('holds the task, the compiled handler, its production modules and the framework-dependent CLI', function () {
        for (const required of ['BuildSignV1/task.json', 'BuildSignV1/icon.png', 'BuildSignV1/dist/main.js',
            'BuildSignV1/node_modules/azure-pipelines-task-lib/task.js', 'BuildSignV1/node_modules/azure-pipelines-task-lib/package.json',
            'BuildSignV1/node_modules/shelljs/package.json', 'BuildSignV1/node_modules/minimatch/package.json',
            'BuildSignV1/cli/buildsign.dll', 'BuildSignV1/cli/buildsign.runtimeconfig.json', 'BuildSignV1/cli/buildsign.deps.json',
            'BuildSignV1/cli/BuildSign.Core.dll', 'BuildSignV1/cli/Pkcs11Interop.dll']) {
            assert.ok(files.includes(required), `${required} is missing`);
        }
        const compiled = fs.readdirSync(path.join(azureTask, 'src')).filter(f => f.endsWith('.ts')).map(f => `BuildSignV1/dist/${f.replace(/\.ts$/, '.js')}`);
        for (const module of compiled) {
            assert.ok(files.includes(module), `${module} is missing`);
        }
        const packagedTaskJson = unzip(['-p', vsixPath(), 'BuildSignV1/task.json']);
        assert.strictEqual(packagedTaskJson, fs.readFileSync(path.join(azureTask, 'BuildSignV1', 'task.json'), 'utf8'));
        const runtimeConfig = JSON.parse(unzip(['-p', vsixPath(), 'BuildSignV1/cli/buildsign.runtimeconfig.json']));
        assert.strictEqual(runtimeConfig.runtimeOptions.framework?.name ?? runtimeConfig.runtimeOptions.frameworks?.[0]?.name, 'Microsoft.NETCore.App');
        assert.match(runtimeConfig.runtimeOptions.tfm, /^net10\.0$/);
    });

    it('holds no development packages, sources, tests or platform-specific apphost', function () {
        for (const dev of ['typescript', 'mocha', 'tfx-cli', '@types']) {
            assert.ok(!files.some(f => f.startsWith(`BuildSignV1/node_modules/${dev}/`)), `development package ${dev} is packaged`);
        }
        assert.deepStrictEqual(files.filter(f => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.includes('/node_modules/')), []);
        assert.deepStrictEqual(files.filter(f => /(^|\/)(test|out)\//.test(f) && !f.includes('/node_modules/')), []);
        assert.ok(!files.includes('BuildSignV1/cli/buildsign') && !files.includes('BuildSignV1/cli/buildsign.exe'), 'an OS-specific apphost is packaged');
    });
});
