using BuildSign.Core.Keys;

namespace BuildSign.Core.Cms;

/// <summary>
/// Signs one <see cref="SigningInput"/> without a timestamp. The pipeline does the same steps
/// for whole batches; this is for single signatures and tests.
/// </summary>
public static class CmsSigner
{
    /// <summary>Encodes the signed attributes, has the key sign their hash, and encodes the SignedData.</summary>
    public static async Task<SignedContent> SignAsync(SigningInput input, ISigningKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(key);
        var signedAttributes = SignedAttributesEncoder.Encode(input, key.Certificate, key.Protection);
        var request = new DigestSignRequest(input.Digest, input.Digest.Hash(signedAttributes), "cms");
        var signatures = await key.SignDigestsAsync([request], cancellationToken).ConfigureAwait(false);
        var contentInfo = SignedDataEncoder.Encode(input, signedAttributes, signatures[0], key, []);
        return new SignedContent(contentInfo, null);
    }
}
