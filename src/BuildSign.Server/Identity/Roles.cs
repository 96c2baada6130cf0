namespace BuildSign.Server.Identity;

/// <summary>The roles a credential can have.</summary>
public static class Roles
{
    /// <summary>Runs the service: creates subscribers and their first tokens; reads the whole audit log.</summary>
    public const string ServiceAdmin = "service-admin";

    /// <summary>Manages one subscriber's keys and tokens.</summary>
    public const string KeyAdmin = "key-admin";

    /// <summary>Signs with one subscriber's keys.</summary>
    public const string Signer = "signer";

    /// <summary>Reads one subscriber's keys and audit records.</summary>
    public const string Auditor = "auditor";

    /// <summary>Roles a token may be issued for within a subscriber.</summary>
    public static readonly IReadOnlySet<string> SubscriberRoles = new HashSet<string>(StringComparer.Ordinal) { KeyAdmin, Signer, Auditor };
}
