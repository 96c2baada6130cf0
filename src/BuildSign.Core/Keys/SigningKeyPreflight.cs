using BuildSign.Core.Certificates;

namespace BuildSign.Core.Keys;

/// <summary>
/// The signer-certificate preflight for an opened key: <see cref="SignerCertificatePreflight"/>
/// with the key's own certificate, and a probe signature by the key itself. Call it after the key
/// is opened and before the first file is signed.
/// </summary>
public static class SigningKeyPreflight
{
    /// <summary>The label of the probe digest, as a signing service's audit log shows it.</summary>
    public const string ProbeLabel = "(signer certificate check)";

    /// <summary>Throws a <see cref="SigningException"/> with one clear reason when the key's certificate cannot sign code now.</summary>
    public static Task CheckAsync(ISigningKey key, TimeProvider timeProvider, SigningRunContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(timeProvider);
        return SignerCertificatePreflight.CheckAsync(
            key.Certificate,
            async (algorithm, digest, ct) =>
            {
                var results = await key.SignBatchAsync(new DigestSignBatch([new DigestSignRequest(algorithm, digest, ProbeLabel)], context), null, ct).ConfigureAwait(false);
                return results[0].Value ?? throw new SigningException($"the key refused the signer certificate check: {results[0].Error}");
            },
            timeProvider.GetUtcNow(),
            cancellationToken);
    }
}
