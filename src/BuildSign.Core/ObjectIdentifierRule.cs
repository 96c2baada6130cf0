using System.Numerics;

namespace BuildSign.Core;

/// <summary>
/// The rule for every OID BuildSign writes: a well-formed dotted OID whose arcs are all below
/// 2^28. Windows' ASN.1 decoder (and Wine's crypt32) keep arcs in 32-bit integers and RFC 5280
/// only asks implementations to handle arcs below 2^28; a larger arc makes Windows refuse the
/// signature that carries it (docs/oids.md).
/// </summary>
public static class ObjectIdentifierRule
{
    /// <summary>The first arc value that is too large.</summary>
    public static readonly BigInteger ArcLimit = BigInteger.One << 28;

    /// <summary>Why <paramref name="oid"/> may not be written, or null when it may.</summary>
    public static string? FindProblem(string oid)
    {
        ArgumentNullException.ThrowIfNull(oid);
        var arcs = oid.Split('.');
        if (arcs.Length < 2 || arcs.Any(a => a.Length == 0 || !a.All(char.IsAsciiDigit) || (a.Length > 1 && a[0] == '0')) || arcs[0] is not ("0" or "1" or "2"))
        {
            return $"'{oid}' is not a dotted object identifier";
        }
        return arcs.Any(a => BigInteger.Parse(a, System.Globalization.CultureInfo.InvariantCulture) >= ArcLimit)
            ? $"the object identifier {oid} has an arc of 2^28 or more, which Windows cannot decode"
            : null;
    }
}
