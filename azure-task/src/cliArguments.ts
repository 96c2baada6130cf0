import { TaskInputs } from './taskInputs';

/**
 * The `buildsign sign` arguments for the task's inputs: every input is one option, values are
 * passed explicitly (the task library keeps INPUT_* away from child processes), and the result
 * comes back as the versioned JSON document (--json), never as text to scrape.
 */
export function signArguments(inputs: TaskInputs, key: string, runContext: [string, string][]): string[] {
    const args = ['sign', '--json', '--key', key];
    if (inputs.certificate) {
        args.push('--certificate', inputs.certificate);
    }
    for (const url of inputs.timestampUrls) {
        args.push('--timestamp-url', url);
    }
    args.push('--timestamp-concurrency', String(inputs.timestampConcurrency));
    args.push('--digest', inputs.digest);
    // 'default' leaves the CLI's own default: replace the selected files' signatures, keep signed
    // third-party files inside containers. Naming a policy applies it everywhere.
    if (inputs.onExistingSignature !== 'default') {
        args.push('--on-existing-signature', inputs.onExistingSignature);
    }
    if (inputs.description) {
        args.push('--description', inputs.description);
    }
    if (inputs.descriptionUrl) {
        args.push('--url', inputs.descriptionUrl);
    }
    if (inputs.recursive) {
        args.push('--recursive');
    }
    if (inputs.dryRun) {
        args.push('--dry-run');
    }
    if (inputs.refuseSoftwareKeys) {
        args.push('--refuse-software-keys');
    }
    for (const [name, value] of runContext) {
        args.push('--run-context', `${name}=${value}`);
    }
    // '--' ends the options: a pattern that starts with '-' is still a path.
    args.push('--', ...inputs.files);
    return args;
}
