using System.Security.Cryptography;
using System.Text;

namespace BuildSign.Server.Identity;

/// <summary>
/// API tokens: 256 random bits, shown once, stored only as their SHA-256 (a token this random needs no
/// slow hash: the hash cannot be reversed by guessing).
/// </summary>
public static class ApiTokens
{
    /// <summary>The prefix every token starts with, so secret scanners can find leaked ones.</summary>
    public const string Prefix = "bst_";

    /// <summary>A new random token.</summary>
    public static string Create() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The stored form of a token.</summary>
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>A new identifier for a subscriber, key or token (not secret).</summary>
    public static string NewId(string prefix) => prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10));
}
