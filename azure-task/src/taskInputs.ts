import tl = require('azure-pipelines-task-lib/task');
import { quietly } from './quietly';

/** What the user asked for, read from the task's inputs and checked. */
export interface TaskInputs {
    files: string[];
    key: string;
    connectedService?: string;
    pin?: string;
    certificate?: string;
    timestampUrls: string[];
    timestampConcurrency: number;
    digest: string;
    onExistingSignature: string;
    description?: string;
    descriptionUrl?: string;
    recursive: boolean;
    dryRun: boolean;
    refuseSoftwareKeys: boolean;
    workingDirectory: string;
}

/** An input that is missing or wrong: the task fails with this message and runs nothing. */
export class InputError extends Error {}

const digests = ['sha256', 'sha384', 'sha512'];
const existingSignaturePolicies = ['default', 'replace', 'append', 'fail', 'skip'];

/** Reads every input; throws an {@link InputError} naming the input and the reason. */
export function readTaskInputs(): TaskInputs {
    const files = lines(tl.getInput('files', false));
    if (files.length === 0) {
        throw new InputError("Input 'files' is required: give at least one file, folder or pattern, one per line.");
    }
    const key = (tl.getInput('key', false) ?? '').trim();
    if (!key) {
        throw new InputError("Input 'key' is required: a pkcs11: URI or an https:// key of a BuildSign signing service.");
    }
    const timestampUrls = lines(tl.getInput('timestampUrl', false));
    for (const url of timestampUrls) {
        if (!isHttpUrl(url)) {
            throw new InputError(`Input 'timestampUrl': '${url}' is not an http or https URL.`);
        }
    }
    const concurrencyText = (tl.getInput('timestampConcurrency', false) ?? '').trim() || '8';
    const timestampConcurrency = Number(concurrencyText);
    if (!/^\d+$/.test(concurrencyText) || timestampConcurrency < 1 || timestampConcurrency > 64) {
        throw new InputError(`Input 'timestampConcurrency': '${concurrencyText}' is not a whole number from 1 to 64.`);
    }
    const digest = oneOf('digest', digests, 'sha256');
    const onExistingSignature = oneOf('onExistingSignature', existingSignaturePolicies, 'default');
    const descriptionUrl = optional('descriptionUrl');
    if (descriptionUrl !== undefined && !isHttpUrl(descriptionUrl)) {
        throw new InputError(`Input 'descriptionUrl': '${descriptionUrl}' is not an http or https URL.`);
    }
    return {
        files,
        key,
        connectedService: optional('connectedService'),
        pin: quietly(() => tl.getInput('pin', false)) || undefined,
        certificate: suppliedPath('certificate'),
        timestampUrls,
        timestampConcurrency,
        digest,
        onExistingSignature,
        description: optional('description'),
        descriptionUrl,
        recursive: tl.getBoolInput('recursive', false),
        dryRun: tl.getBoolInput('dryRun', false),
        refuseSoftwareKeys: (tl.getInput('refuseSoftwareKeys', false) ?? 'true').trim().toLowerCase() !== 'false',
        workingDirectory: workingDirectory(),
    };
}

function lines(value: string | undefined): string[] {
    return (value ?? '').split(/\r?\n/).map(line => line.trim()).filter(line => line.length > 0);
}

function optional(name: string): string | undefined {
    const value = (tl.getInput(name, false) ?? '').trim();
    return value.length > 0 ? value : undefined;
}

function oneOf(name: string, allowed: string[], fallback: string): string {
    const value = (optional(name) ?? fallback).toLowerCase();
    if (!allowed.includes(value)) {
        throw new InputError(`Input '${name}': '${value}' is not one of ${allowed.join(', ')}.`);
    }
    return value;
}

function isHttpUrl(text: string): boolean {
    try {
        const url = new URL(text);
        return url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
        return false;
    }
}

// The agent fills an empty filePath input with the sources folder; filePathSupplied tells the two apart.
function suppliedPath(name: string): string | undefined {
    if (!tl.filePathSupplied(name)) {
        return undefined;
    }
    const value = tl.getPathInput(name, false, false);
    if (value && !tl.exist(value)) {
        throw new InputError(`Input '${name}': ${value} does not exist.`);
    }
    return value || undefined;
}

// Relative patterns resolve against System.DefaultWorkingDirectory: the sources in a build,
// the downloaded artifacts in a classic release.
function workingDirectory(): string {
    const folder = suppliedPath('workingDirectory') ?? tl.getVariable('System.DefaultWorkingDirectory') ?? process.cwd();
    if (!tl.exist(folder)) {
        throw new InputError(`The working directory ${folder} does not exist.`);
    }
    return folder;
}

