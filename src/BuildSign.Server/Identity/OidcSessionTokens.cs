using System.Text;
using System.Text.Json;
using BuildSign.Core.Keys.Remote;
using BuildSign.Server.Signing;

namespace BuildSign.Server.Identity;

/// <summary>
/// Short-lived session tokens for an OIDC identity: a CI run presents its OIDC token once (its jti is
/// then spent) and gets a session token for the run's further requests. The session is self-contained —
/// issuer, claims and expiry, signed by the service's attestation key in the HSM — so every instance can
/// check it without shared state, and it never outlives the OIDC token it came from.
/// </summary>
public static class OidcSessionTokens
{
    /// <summary>The prefix of session tokens.</summary>
    public const string Prefix = "bss_";

    private sealed record Session(string Issuer, string Credential, Dictionary<string, string> Claims, DateTimeOffset Expires);

    /// <summary>A session token for the OIDC caller, valid until <paramref name="expires"/>.</summary>
    public static string Issue(Caller caller, DateTimeOffset expires, ServiceKeyring keyring)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(keyring);
        var body = JsonSerializer.SerializeToUtf8Bytes(new Session(caller.Issuer!, caller.Credential, new Dictionary<string, string>(caller.Claims!), expires));
        return Prefix + Encode(body) + "." + Encode(keyring.SignWithAttestationKey(body));
    }

    /// <summary>The caller of a valid, unexpired session token, or null.</summary>
    public static Caller? Read(string token, ServiceKeyring keyring, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(keyring);
        var parts = token[Prefix.Length..].Split('.');
        if (parts.Length != 2) return null;
        try
        {
            var body = Decode(parts[0]);
            if (!ServiceSignature.Verify(keyring.AttestationCertificate, body, Decode(parts[1]))) return null;
            var session = JsonSerializer.Deserialize<Session>(body);
            if (session is null || session.Expires <= time.GetUtcNow()) return null;
            return new Caller { Credential = session.Credential, Role = Roles.Signer, Issuer = session.Issuer, Claims = session.Claims };
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return null;
        }
    }

    private static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] Decode(string text)
    {
        var base64 = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(base64 + new string('=', (4 - (base64.Length % 4)) % 4));
    }
}
