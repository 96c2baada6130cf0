using System.Security.Cryptography;
using System.Text;

namespace BuildSign.Core.Keys.Remote.Audit;

/// <summary>
/// How a signing service chains its audit records: each record's hash is
/// SHA-256(previous record's hash ‖ SHA-256(record body as UTF-8)), all in lower-case hex, starting
/// from 32 zero bytes. Keeping the body's own hash as a separate step lets an export show another
/// subscriber's record only by its body hash, without breaking the chain.
/// </summary>
public static class AuditChainHash
{
    /// <summary>The "previous hash" of the first record: 32 zero bytes in hex.</summary>
    public static readonly string Genesis = new('0', 64);

    /// <summary>SHA-256 of the body's UTF-8 bytes, lower-case hex.</summary>
    public static string OfBody(string body) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body)));

    /// <summary>The record's chain hash from the previous one and the body hash.</summary>
    public static string Link(string previousHash, string bodyHash)
    {
        ArgumentNullException.ThrowIfNull(previousHash);
        ArgumentNullException.ThrowIfNull(bodyHash);
        if (previousHash.Length != 64 || bodyHash.Length != 64)
        {
            throw new FormatException("audit hashes must be 64 hex digits");
        }
        var input = new byte[64];
        Convert.FromHexString(previousHash).CopyTo(input, 0);
        Convert.FromHexString(bodyHash).CopyTo(input, 32);
        return Convert.ToHexStringLower(SHA256.HashData(input));
    }
}
