/** One file of `buildsign sign --json` (docs/json.md, schema version 1); unknown fields are ignored. */
export interface FileResult {
    file: string;
    status: string;
    format?: string | null;
    action?: string | null;
    signatureFile?: string | null;
    digestAlgorithm?: string | null;
    timestampTime?: string | null;
    keyProtection?: string | null;
    error?: string | null;
}

/** The result document of `buildsign sign --json`, schema version 1. */
export interface SignResult {
    schemaVersion: number;
    succeeded: boolean;
    dryRun: boolean;
    error?: string | null;
    key?: string | null;
    keyProtection?: string | null;
    certificateThumbprint?: string | null;
    timestamp?: string | null;
    files: FileResult[];
    signed: number;
    skipped: number;
    failed: number;
    warnings: string[];
    elapsedSeconds?: number;
}

/** The schema version this task reads. */
export const supportedSchemaVersion = 1;

/**
 * Reads the JSON document the CLI printed; returns undefined when there is none or it is not a
 * version this task understands (the caller then reports the CLI's own error line).
 */
export function parseSignResult(stdout: string): SignResult | undefined {
    const start = stdout.indexOf('{');
    if (start < 0) {
        return undefined;
    }
    let document: unknown;
    try {
        document = JSON.parse(stdout.substring(start));
    } catch {
        return undefined;
    }
    const result = document as Partial<SignResult>;
    if (result.schemaVersion !== supportedSchemaVersion || !Array.isArray(result.files) || typeof result.succeeded !== 'boolean') {
        return undefined;
    }
    return {
        ...result,
        dryRun: result.dryRun === true,
        signed: result.signed ?? 0,
        skipped: result.skipped ?? 0,
        failed: result.failed ?? 0,
        warnings: Array.isArray(result.warnings) ? result.warnings : [],
    } as SignResult;
}

/** Whether a file counts as failed: failed in a run, refused in a dry run. */
export function isFailed(file: FileResult): boolean {
    return file.status === 'failed' || file.status === 'refused';
}
