namespace BuildSign.Server.Audit;

/// <summary>Something to audit, before it becomes a chained record.</summary>
public sealed record AuditEvent
{
    /// <summary>What happened: sign, keygen, certificate-install, key-disable, token-create, token-revoke, subscriber-create, authentication, sign-file, oidc-policy.</summary>
    public required string Action { get; init; }

    /// <summary><c>ok</c>, or <c>refused</c> / <c>failed</c>.</summary>
    public required string Result { get; init; }

    /// <summary>The subscriber concerned, if any.</summary>
    public string? Subscriber { get; init; }

    /// <summary>The caller's credential name (never the secret).</summary>
    public string? Credential { get; init; }

    /// <summary>The key concerned, if any.</summary>
    public string? Key { get; init; }

    /// <summary>CI claims or run details (repository, workflow, run).</summary>
    public IReadOnlyDictionary<string, string>? Ci { get; init; }

    /// <summary>Digests signed or refused.</summary>
    public IReadOnlyList<AuditedDigest>? Digests { get; init; }

    /// <summary>A reason or detail.</summary>
    public string? Detail { get; init; }

    /// <summary>The client's address.</summary>
    public string? Client { get; init; }
}
