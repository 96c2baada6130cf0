/** The environment variable the task hands the PKCS#11 PIN to the CLI in. */
export const pinVariable = 'BUILDSIGN_PIN';

/** What kind of key a key string names. */
export type KeyKind = 'pkcs11' | 'service' | 'file';

/** The kind of key, or undefined when the string names none BuildSign knows. */
export function keyKind(key: string): KeyKind | undefined {
    const lower = key.toLowerCase();
    if (lower.startsWith('pkcs11:')) {
        return 'pkcs11';
    }
    if (lower.startsWith('https://') || lower.startsWith('http://')) {
        return 'service';
    }
    if (lower.startsWith('file:')) {
        return 'file';
    }
    return undefined;
}

/**
 * The key string with `pin-source=env:BUILDSIGN_PIN` added when the PIN comes from the task's
 * `pin` input and the URI names no pin source of its own (RFC 7512: query attributes follow '?',
 * separated by '&').
 */
export function withPinSource(key: string): string {
    const query = key.indexOf('?');
    if (query >= 0 && /(^|&)pin-source=/i.test(key.substring(query + 1))) {
        return key;
    }
    return `${key}${query >= 0 ? '&' : '?'}pin-source=env:${pinVariable}`;
}

/** Whether the key string already says where its PIN comes from. */
export function namesPinSource(key: string): boolean {
    const query = key.indexOf('?');
    return query >= 0 && /(^|&)pin-(source|value)=/i.test(key.substring(query + 1));
}
