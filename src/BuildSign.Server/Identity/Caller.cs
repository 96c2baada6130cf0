namespace BuildSign.Server.Identity;

/// <summary>
/// Who made a request, once authenticated: an API token (with its subscriber, role and key scope) or
/// an OpenID Connect identity from CI (a signer bound to keys by their claim policies).
/// </summary>
public sealed record Caller
{
    /// <summary>How the caller is named in audit records: <c>token:ID</c> or <c>oidc:ISSUER#SUBJECT</c>; never a secret.</summary>
    public required string Credential { get; init; }

    /// <summary>The caller's role.</summary>
    public required string Role { get; init; }

    /// <summary>The subscriber of a token, or null for a service admin or an OIDC identity.</summary>
    public string? SubscriberId { get; init; }

    /// <summary>The keys a token is limited to, or null for all of its subscriber's.</summary>
    public IReadOnlyList<string>? KeyIds { get; init; }

    /// <summary>For an OIDC identity: the issuer.</summary>
    public string? Issuer { get; init; }

    /// <summary>For an OIDC identity: its claims (string values), matched against key policies and audited.</summary>
    public IReadOnlyDictionary<string, string>? Claims { get; init; }

    /// <summary>For an OIDC token: when it expires (a session from it may not outlive it).</summary>
    public DateTimeOffset? Expires { get; init; }

    /// <summary>Whether this is an OIDC identity.</summary>
    public bool IsOidc => Issuer is not null;
}
