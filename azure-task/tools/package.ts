// Builds the .vsix: publishes the BuildSign CLI framework-dependent, stages the extension (manifest,
// task.json, compiled handler, its production node_modules, the CLI) in out/package, and runs
// `tfx extension create` on it. Run with `npm run package`.
import childProcess = require('child_process');
import fs = require('fs');
import path = require('path');

const azureTask = path.resolve(__dirname, '..', '..');
const repository = path.resolve(azureTask, '..');
const out = path.join(azureTask, 'out');
const stage = path.join(out, 'package');
const taskStage = path.join(stage, 'BuildSignV1');

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
    const result = childProcess.spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (result.status !== 0) {
        throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status}):\n${result.stdout ?? ''}${result.stderr ?? ''}`);
    }
    return result.stdout;
}

function copy(from: string, to: string, keep: (file: string) => boolean = () => true): void {
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.cpSync(from, to, { recursive: true, dereference: true, filter: keep });
}

function publishCli(): string {
    const folder = path.join(out, 'cli');
    fs.rmSync(folder, { recursive: true, force: true });
    console.log('==> publishing the BuildSign CLI (framework-dependent, any OS)');
    run('dotnet', ['publish', path.join(repository, 'src', 'BuildSign.Cli'), '-c', 'Release', '--self-contained', 'false',
        '-p:UseAppHost=false', '-o', folder, '-nodeReuse:false', '-v', 'quiet', '-clp:NoSummary'], repository,
        { ...process.env, DOTNET_NOLOGO: '1', DOTNET_CLI_TELEMETRY_OPTOUT: '1', MSBUILDDISABLENODEREUSE: '1' });
    return folder;
}

// The packages the handler needs at run time: `npm ls --omit=dev` lists them with their paths.
function productionPackages(): string[] {
    const listing = run('npm', ['ls', '--omit=dev', '--all', '--parseable'], azureTask);
    return listing.split(/\r?\n/).map(line => line.trim()).filter(line => line && path.resolve(line) !== azureTask);
}

function stageExtension(cli: string): void {
    fs.rmSync(stage, { recursive: true, force: true });
    console.log('==> staging the extension in out/package');
    for (const file of ['vss-extension.json', 'overview.md', path.join('images', 'icon.png')]) {
        copy(path.join(azureTask, file), path.join(stage, file));
    }
    copy(path.join(azureTask, 'BuildSignV1', 'task.json'), path.join(taskStage, 'task.json'));
    copy(path.join(azureTask, 'images', 'icon.png'), path.join(taskStage, 'icon.png'));
    copy(path.join(azureTask, 'BuildSignV1', 'dist'), path.join(taskStage, 'dist'));
    // The API documentation files are for compilers, not for running the CLI.
    copy(cli, path.join(taskStage, 'cli'), file => !file.endsWith('.xml'));
    for (const folder of productionPackages()) {
        copy(folder, path.join(taskStage, path.relative(azureTask, folder)));
    }
}

function createVsix(): string {
    const manifest = JSON.parse(fs.readFileSync(path.join(azureTask, 'vss-extension.json'), 'utf8')) as { publisher: string; id: string; version: string };
    const vsix = path.join(out, `${manifest.publisher}.${manifest.id}-${manifest.version}.vsix`);
    fs.rmSync(vsix, { force: true });
    console.log('==> tfx extension create');
    const tfx = path.join(azureTask, 'node_modules', '.bin', process.platform === 'win32' ? 'tfx.cmd' : 'tfx');
    run(tfx, ['extension', 'create', '--root', stage, '--manifest-globs', 'vss-extension.json', '--output-path', vsix, '--no-prompt'], azureTask);
    return vsix;
}

try {
    const cli = publishCli();
    stageExtension(cli);
    console.log(`==> ${path.relative(process.cwd(), createVsix())}`);
} catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
}
