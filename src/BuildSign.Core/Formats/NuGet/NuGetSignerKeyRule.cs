using System.Security.Cryptography.X509Certificates;

namespace BuildSign.Core.Formats.NuGet;

/// <summary>
/// NuGet verifies author signatures only with RSA keys of at least 2048 bits: an ECDSA signer
/// fails <c>dotnet nuget verify</c> with NU3014 (checked with the .NET 10 SDK).
/// </summary>
public static class NuGetSignerKeyRule
{
    /// <summary>The smallest RSA modulus NuGet accepts.</summary>
    public const int MinimumRsaKeySize = 2048;

    /// <summary>Returns why NuGet would refuse the signer's key, or null when it accepts it.</summary>
    public static string? FindProblem(X509Certificate2 signer)
    {
        ArgumentNullException.ThrowIfNull(signer);
        using var rsa = signer.GetRSAPublicKey();
        if (rsa is null)
        {
            using var ecdsa = signer.GetECDsaPublicKey();
            var kind = ecdsa is null ? "a non-RSA" : "an ECDSA";
            return $"NuGet accepts only RSA signing keys of at least {MinimumRsaKeySize} bits; this certificate has {kind} key";
        }
        return rsa.KeySize < MinimumRsaKeySize
            ? $"NuGet accepts only RSA signing keys of at least {MinimumRsaKeySize} bits; this certificate's key has {rsa.KeySize}"
            : null;
    }
}
