import tl = require('azure-pipelines-task-lib/task');
import { signArguments } from './cliArguments';
import { runCli, shippedCliPath } from './cliProcess';
import { findDotnetHost } from './dotnetHost';
import { keyKind, namesPinSource, pinVariable, withPinSource } from './keyString';
import { completeWith, publishNothingSigned, publishResult } from './resultReport';
import { agentRunContext } from './runContext';
import { uploadSummary } from './runSummary';
import { serviceCredential, tokenVariable } from './serviceConnection';
import { parseSignResult } from './signResult';
import { InputError, readTaskInputs } from './taskInputs';

/** BuildSign@1: reads the inputs, runs `buildsign sign --json`, and reports its result. */
async function run(): Promise<void> {
    tl.setProgress(0, 'Reading inputs');
    const inputs = readTaskInputs();
    // Secrets are registered with the agent before anything can print them.
    if (inputs.pin) {
        tl.setSecret(inputs.pin);
    }
    const secrets: Record<string, string> = {};
    let key = inputs.key;
    switch (keyKind(key)) {
        case 'pkcs11':
            if (inputs.pin) {
                if (namesPinSource(key) && !/pin-source=env:BUILDSIGN_PIN(&|$)/i.test(key)) {
                    throw new InputError("Input 'pin' is given, but the key names its own pin-source: use one or the other.");
                }
                key = withPinSource(key);
                secrets[pinVariable] = inputs.pin;
            }
            if (inputs.connectedService) {
                tl.warning("Input 'connectedService' is ignored: the key is a pkcs11: key, not a key of a signing service.");
            }
            break;
        case 'service':
            if (!key.toLowerCase().startsWith('https://') && !isLoopback(key)) {
                throw new InputError(`The key ${key} is not an https:// URL: the service credential would travel unencrypted.`);
            }
            if (inputs.pin) {
                throw new InputError("Input 'pin' is for pkcs11: keys; a signing-service key uses the service connection.");
            }
            tl.setProgress(5, 'Getting the service credential');
            secrets[tokenVariable] = await serviceCredential(inputs.connectedService, key);
            break;
        case 'file':
            if (inputs.pin) {
                throw new InputError("Input 'pin' is for pkcs11: keys.");
            }
            break;
        default:
            throw new InputError(`Input 'key': '${key}' is not a key string: use pkcs11:…, https://…/keys/ID, or (development only) file:PATH.`);
    }

    tl.setProgress(10, 'Locating the .NET runtime');
    const host = findDotnetHost();
    const cli = shippedCliPath();
    if (!tl.exist(cli)) {
        throw new Error(`The task's BuildSign CLI is missing (${cli}): the extension package is incomplete.`);
    }
    tl.debug(`running BuildSign on .NET ${host.runtime} with ${host.dotnet}`);

    tl.setProgress(20, inputs.dryRun ? 'Planning' : 'Signing');
    const args = signArguments(inputs, key, agentRunContext());
    const run = await runCli(host, cli, args, inputs.workingDirectory, secrets);

    tl.setProgress(90, 'Reading the result');
    const result = parseSignResult(run.stdout);
    if (!result) {
        publishNothingSigned();
        const lastError = run.stderr.trim().split(/\r?\n/).filter(line => line.trim()).pop();
        tl.setResult(tl.TaskResult.Failed, `BuildSign gave no result (exit code ${run.exitCode})${lastError ? `: ${lastError}` : ''}`);
        return;
    }
    publishResult(result);
    uploadSummary(result, inputs.workingDirectory);
    tl.setProgress(100, 'Done');
    completeWith(result);
}

function isLoopback(key: string): boolean {
    try {
        const host = new URL(key).hostname;
        return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
    } catch {
        return false;
    }
}

run().catch((error: unknown) => {
    publishNothingSigned();
    tl.setResult(tl.TaskResult.Failed, error instanceof Error ? error.message : String(error));
});
