using System.Text.Json;
using BuildSign.Server.Api;
using BuildSign.Server.Storage;

namespace BuildSign.Server.Identity;

/// <summary>
/// Whether a caller may know of a key at all. A token sees its own subscriber's keys (only those it is
/// scoped to, when it is); an OIDC identity sees a key whose claim policy it satisfies; a service admin
/// sees none. A key the caller may not see is answered exactly like a key that does not exist.
/// </summary>
public static class KeyAccess
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    /// <summary>True when the caller may know of the key.</summary>
    public static bool CanSee(Caller caller, KeyRecord key)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(key);
        if (caller.IsOidc)
        {
            return key.OidcPolicyJson is { } json && Satisfies(caller, JsonSerializer.Deserialize<OidcPolicy>(json, Web));
        }
        return caller.SubscriberId is not null && caller.SubscriberId == key.SubscriberId && (caller.KeyIds is null || caller.KeyIds.Contains(key.Id));
    }

    /// <summary>
    /// Every claim the policy names must be present with that value; a value ending in <c>*</c> matches
    /// by prefix. An empty policy matches nothing.
    /// </summary>
    public static bool Satisfies(Caller caller, OidcPolicy? policy)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (policy?.Issuer is null || policy.Claims is not { Count: > 0 } || caller.Claims is null || !string.Equals(policy.Issuer.TrimEnd('/'), caller.Issuer?.TrimEnd('/'), StringComparison.Ordinal))
        {
            return false;
        }
        foreach (var (name, wanted) in policy.Claims)
        {
            if (!caller.Claims.TryGetValue(name, out var actual))
            {
                return false;
            }
            var matches = wanted.EndsWith('*') ? actual.StartsWith(wanted[..^1], StringComparison.Ordinal) : actual == wanted;
            if (!matches)
            {
                return false;
            }
        }
        return true;
    }
}
