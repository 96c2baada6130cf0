using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

using BuildSign.Core.Certificates;

namespace BuildSign.Core.Keys.Software;

/// <summary>
/// A key read from a file (PFX/PKCS#12, or PEM key with a PEM certificate). For development and
/// tests only: every signature made with it states <see cref="KeyProtection.Software"/>, and a
/// policy can refuse it.
/// </summary>
public sealed class SoftwareSigningKey : ISigningKey
{
    private readonly RSA? _rsa;
    private readonly ECDsa? _ecdsa;

    private SoftwareSigningKey(string path, X509Certificate2 certificate, IReadOnlyList<X509Certificate2> intermediates)
    {
        Certificate = certificate;
        Intermediates = intermediates;
        DisplayName = $"software key {path}";
        _rsa = certificate.GetRSAPrivateKey();
        _ecdsa = _rsa is null ? certificate.GetECDsaPrivateKey() : null;
        if (_rsa is not null)
        {
            Algorithm = KeyAlgorithm.Rsa;
            KeySizeInBits = _rsa.KeySize;
        }
        else if (_ecdsa is not null)
        {
            Algorithm = KeyAlgorithm.Ecdsa;
            KeySizeInBits = _ecdsa.KeySize;
        }
        else
        {
            throw new SigningException(path, "the key is neither RSA nor ECDSA");
        }
    }

    /// <inheritdoc />
    public string DisplayName { get; }

    /// <inheritdoc />
    public KeyProtection Protection => KeyProtection.Software;

    /// <inheritdoc />
    public KeyAlgorithm Algorithm { get; }

    /// <inheritdoc />
    public int KeySizeInBits { get; }

    /// <inheritdoc />
    public X509Certificate2 Certificate { get; }

    /// <inheritdoc />
    public IReadOnlyList<X509Certificate2> Intermediates { get; }

    /// <summary>
    /// Loads a PFX/PKCS#12 file (its other certificates become intermediates, roots dropped), or a
    /// PEM private key whose certificate (and chain) is in <paramref name="certificatePath"/> or in
    /// the same PEM file.
    /// </summary>
    public static SoftwareSigningKey Load(string path, string? password = null, string? certificatePath = null)
    {
        if (Files.FileKinds.Of(path) is var kind && kind != Files.FileKind.Regular)
        {
            throw new SigningException(path, kind == Files.FileKind.Missing ? "key file not found" : $"the key file is {Files.FileKinds.Describe(kind)}");
        }
        try
        {
            return IsPem(path) ? LoadPem(path, password, certificatePath) : LoadPkcs12(path, password, certificatePath);
        }
        catch (CryptographicException exception)
        {
            throw new SigningException(path, $"cannot read the key: {exception.Message}", exception);
        }
    }

    private static bool IsPem(string path)
    {
        Span<byte> head = stackalloc byte[11];
        using var stream = File.OpenRead(path);
        var read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return head[..read].SequenceEqual("-----BEGIN "u8);
    }

    private static SoftwareSigningKey LoadPkcs12(string path, string? password, string? certificatePath)
    {
        var collection = X509CertificateLoader.LoadPkcs12CollectionFromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);
        var leaf = collection.FirstOrDefault(c => c.HasPrivateKey)
            ?? throw new SigningException(path, "the PKCS#12 file holds no private key");
        var others = collection.Where(c => !ReferenceEquals(c, leaf));
        if (certificatePath is not null)
        {
            others = others.Concat(CertificateFile.Load(certificatePath));
        }
        return new SoftwareSigningKey(path, leaf, SignerCertificateChain.Select([leaf, .. others], c => c.Thumbprint == leaf.Thumbprint, issuersOnly: false)!.Intermediates);
    }

    private static SoftwareSigningKey LoadPem(string path, string? password, string? certificatePath)
    {
        var pem = File.ReadAllText(path);
        var certificates = CertificateFile.Load(certificatePath ?? path);
        if (certificates.Count == 0)
        {
            throw new SigningException(path, "no certificate: give the signer certificate file (PEM or DER) with the key");
        }
        foreach (var candidate in certificates)
        {
            var withKey = TryAttach(candidate, pem, password);
            if (withKey is not null)
            {
                return new SoftwareSigningKey(path, withKey, SignerCertificateChain.Select(certificates, c => c.Thumbprint == candidate.Thumbprint, issuersOnly: false)!.Intermediates);
            }
        }
        throw new SigningException(path, "no certificate matches the private key");
    }

    private static X509Certificate2? TryAttach(X509Certificate2 certificate, string pem, string? password)
    {
        try
        {
            if (certificate.GetRSAPublicKey() is { } rsaPublic)
            {
                rsaPublic.Dispose();
                using var rsa = RSA.Create();
                ImportPem(rsa, pem, password);
                return certificate.CopyWithPrivateKey(rsa);
            }
            using var ecdsa = ECDsa.Create();
            ImportPem(ecdsa, pem, password);
            return certificate.CopyWithPrivateKey(ecdsa);
        }
        catch (ArgumentException)
        {
            return null; // the key does not match this certificate's public key
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private static void ImportPem(AsymmetricAlgorithm key, string pem, string? password)
    {
        if (password is null) key.ImportFromPem(pem); else key.ImportFromEncryptedPem(pem, password);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<DigestSignature>> SignBatchAsync(DigestSignBatch batch, Action<int, DigestSignature>? signed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var requests = batch.Requests;
        var signatures = new DigestSignature[requests.Count];
        Parallel.For(0, requests.Count, new ParallelOptions { CancellationToken = cancellationToken }, i =>
        {
            var request = requests[i];
            signatures[i] = DigestSignature.Signed(_rsa is not null
                ? _rsa.SignHash(request.Digest.Span, request.Algorithm.ToHashAlgorithmName(), RSASignaturePadding.Pkcs1)
                : _ecdsa!.SignHash(request.Digest.Span, DSASignatureFormat.Rfc3279DerSequence));
            signed?.Invoke(i, signatures[i]);
        });
        return Task.FromResult<IReadOnlyList<DigestSignature>>(signatures);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _rsa?.Dispose();
        _ecdsa?.Dispose();
        return ValueTask.CompletedTask;
    }
}
